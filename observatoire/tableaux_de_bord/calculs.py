"""The observatory's computations, in one place and free of the database: rates per 1000,
sums over territories and periods, roll-up quartier → commune → district, change over a year,
comparison with a reference, ranking, candidates for "traitement prioritaire".

Rules of the domain:
- a rate is count / denominator × 1000, the denominator being the inhabitants (or the dwellings
  for burglaries) of the figure's year, or of the nearest earlier year when that one is missing
  (`denominateur_pour`, the one place that picks a denominator's year);
- a rate's denominator covers the same place as its count, or there is no rate ("non calculable",
  with its reason: `MOTIFS_SANS_TAUX`). In `consolider`, for each territory:
  - when the count includes the territory's own rows (a figure recorded on the territory itself,
    the "non localisé" part when it has children), only the territory's own denominator covers
    it; the parts missing from the count (children masked at the source, or without figures
    while their siblings have some) are taken out of it;
  - when the count is only the sum of its children's figures (no row of its own, or own rows
    that are all published zeros), the denominator is the sum of those children's denominators,
    and it qualifies only when every child with figures has one. The territory's own population
    is not used then: its children may not cover it (the quartiers of a commune rarely do);
  - so a commune whose facts include some located in no quartier (non localisé > 0) and which
    has no denominator of its own has no rate, never the quartiers' population in its place;
- over several territories or periods a rate is the sum of the counts over the sum of the
  denominators, never a mean of rates;
- a figure masked at the source has no count: it is left out of both sides of a rate, and an
  aggregate that lost parts that way says so ("partiel");
- within one source, facts recorded on a commune without a quartier are the "non localisé" part
  of the commune: added once to the commune's total, never lost, never counted twice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

PUBLIE = "publie"
SECRET = "secret"
PARTIEL = "partiel"
VIDE = "vide"

# Why a figure has no rate (`Chiffre.motif_sans_taux`): codes, turned into French by `motif_texte`.
SANS_DENOMINATEUR = "sans_denominateur"
HORS_DES_PARTIES = "hors_des_parties"
PARTIE_SANS_DENOMINATEUR = "partie_sans_denominateur"
PROPRE_MASQUE = "propre_masque"
PARTIE_MANQUANTE_SANS_DENOMINATEUR = "partie_manquante_sans_denominateur"
PARTIES_AU_DELA = "parties_au_dela"

Valeur = int | float | Decimal


def taux_pour_mille(nombre: int | None, denominateur: Valeur | None) -> float | None:
    """count / denominator × 1000 at full float precision (dwellings may be fractional Decimals),
    or None when either is unknown or the denominator is zero."""
    if nombre is None or not denominateur:
        return None
    return float(nombre) / float(denominateur) * 1000


@dataclass(frozen=True)
class Denominateur:
    """The population (or dwellings) used for a rate, and the year (millésime) it was counted."""

    valeur: Valeur
    annee: int


def denominateur_pour(
    populations: Mapping[int, tuple[Valeur | None, Valeur | None]], annee: int, *, par_logements: bool = False
) -> Denominateur | None:
    """The denominator for `annee` from {millésime: (inhabitants, dwellings)}: that year's, or the
    nearest earlier year's. Dwellings for burglary rates, never inhabitants in their place.

    Each kind is looked up on its own millésime: inhabitants and dwellings published for
    different years (INSEE: population 2023, dwellings 2022) are two entries of `populations`
    (`tableaux.populations_par_millesime` builds them), and a burglary rate takes the dwellings
    of their own millésime."""
    rang = 1 if par_logements else 0
    connues = [a for a, valeurs in populations.items() if a <= annee and valeurs[rang]]
    if not connues:
        return None
    retenue = max(connues)
    return Denominateur(valeur=populations[retenue][rang], annee=retenue)


def motif_texte(motif: str, *, par_logements: bool = False) -> str:
    """The reason a rate is not computed, in French, for a reader."""
    quoi = _("nombre de logements") if par_logements else _("population")
    textes = {
        SANS_DENOMINATEUR: _("taux non calculable : aucun %(quoi)s connu pour ce territoire."),
        HORS_DES_PARTIES: _(
            "taux non calculable : des faits ne sont localisés dans aucune de ses parties "
            "(non localisé) et le territoire n'a pas de %(quoi)s propre ; celui de ses parties "
            "ne couvre pas ces faits."
        ),
        PARTIE_SANS_DENOMINATEUR: _(
            "taux non calculable : le territoire n'a pas de %(quoi)s propre et le taux d'une de "
            "ses parties n'est pas calculable."
        ),
        PROPRE_MASQUE: _(
            "taux non calculable : une partie des faits du territoire est couverte par le secret statistique."
        ),
        PARTIE_MANQUANTE_SANS_DENOMINATEUR: _(
            "taux non calculable : une partie sans chiffre (ou masquée) n'a pas de %(quoi)s "
            "connu, qu'il faudrait retirer de celui du territoire."
        ),
        PARTIES_AU_DELA: _(
            "taux non calculable : le %(quoi)s des parties sans chiffre (ou masquées) atteint "
            "celui du territoire entier."
        ),
    }
    return textes.get(motif, textes[SANS_DENOMINATEUR]) % {"quoi": quoi}


@dataclass(frozen=True)
class Chiffre:
    """A figure or an aggregate of figures, with its denominator.

    `nombre` sums the published counts; `secrets` counts the parts masked at the source and
    `publies` the published ones. `denominateur` covers exactly the parts whose count is in
    `nombre` (None when it cannot be known)."""

    nombre: int | None = None
    denominateur: Valeur | None = None
    publies: int = 0
    secrets: int = 0
    annees_denominateur: frozenset[int] = field(default_factory=frozenset)
    annees: frozenset[int] = field(default_factory=frozenset)
    # The territory's own population, kept to take a masked child out of its parent's rate.
    denominateur_territoire: Valeur | None = field(default=None, compare=False)
    # Why `denominateur` is None although the figure is published (one of the codes above).
    motif_sans_taux: str = field(default="", compare=False)
    # The rate the source itself published for this very figure (one row of its own), if any.
    taux_publie: float | None = field(default=None, compare=False)

    @classmethod
    def publie(cls, nombre: int, denominateur: Denominateur | None = None, annee: int | None = None):
        return cls(
            nombre=nombre,
            denominateur=denominateur.valeur if denominateur else None,
            publies=1,
            annees_denominateur=frozenset([denominateur.annee]) if denominateur else frozenset(),
            annees=frozenset([annee]) if annee is not None else frozenset(),
        )

    @classmethod
    def masque(cls, annee: int | None = None):
        return cls(secrets=1, annees=frozenset([annee]) if annee is not None else frozenset())

    @property
    def statut(self) -> str:
        if self.publies == 0:
            return SECRET if self.secrets else VIDE
        return PARTIEL if self.secrets else PUBLIE

    @property
    def taux(self) -> float | None:
        """The rate shown and exported: the source's own where it published one, else the
        platform's (`taux_calcule`)."""
        if self.statut not in (PUBLIE, PARTIEL):
            return None
        return self.taux_publie if self.taux_publie is not None else self.taux_calcule

    @property
    def taux_calcule(self) -> float | None:
        if self.statut not in (PUBLIE, PARTIEL):
            return None
        return taux_pour_mille(self.nombre, self.denominateur)

    @property
    def motif(self) -> str:
        """Why a published figure has no rate ("" when it has one, or when it is not published)."""
        if self.statut not in (PUBLIE, PARTIEL) or self.taux is not None:
            return ""
        return self.motif_sans_taux or SANS_DENOMINATEUR

    @property
    def denominateur_anterieur(self) -> bool:
        """True when some denominator was counted in an earlier year than its figure (the page
        must say so)."""
        return (
            bool(self.annees_denominateur)
            and bool(self.annees)
            and min(self.annees) > min(self.annees_denominateur)
        )


def agreger(chiffres: Iterable[Chiffre]) -> Chiffre:
    """Sum over sum: the counts added, the denominators added, over territories or periods.

    The denominator is known only when every published part has one: a rate over a partly
    unknown population would be wrong, so it is left out."""
    nombre, denominateur, publies, secrets = 0, 0, 0, 0
    motif = ""
    annees_denominateur: set[int] = set()
    annees: set[int] = set()
    for chiffre in chiffres:
        annees |= chiffre.annees
        secrets += chiffre.secrets
        if chiffre.publies == 0:
            continue
        publies += chiffre.publies
        nombre += chiffre.nombre or 0
        if chiffre.denominateur is None:
            motif = motif or chiffre.motif_sans_taux or SANS_DENOMINATEUR
        else:
            denominateur += chiffre.denominateur
            annees_denominateur |= chiffre.annees_denominateur
    return Chiffre(
        nombre=nombre if publies else None,
        denominateur=denominateur if publies and not motif else None,
        publies=publies,
        secrets=secrets,
        annees_denominateur=frozenset(annees_denominateur) if not motif else frozenset(),
        annees=frozenset(annees),
        motif_sans_taux=motif,
    )


@dataclass(frozen=True)
class Compte:
    """What a source says for one territory's own rows (without its children) in a period;
    `taux_publie`: the rate the source published when these rows are one figure that has one."""

    nombre: int = 0
    publies: int = 0
    secrets: int = 0
    taux_publie: float | None = None


@dataclass(frozen=True)
class Consolide:
    """A territory's rolled-up figure: its total (own rows + children) and its "non localisé"
    part (own rows of a territory whose children also have figures)."""

    total: Chiffre
    non_localise: Chiffre | None


def consolider(
    enfants: Mapping[object, list],
    racines: Iterable,
    comptes: Mapping[object, Compte],
    denominateurs: Mapping[object, Denominateur | None],
    annee: int | None = None,
) -> dict[object, Consolide]:
    """Roll figures up the territory tree (quartier → commune → district) for one period.

    `enfants` maps a territory to its children, `comptes` gives each territory's own rows,
    `denominateurs` each territory's own denominator. Each total's denominator covers the same
    place as its count (`denominateur_couvrant`)."""
    resultats: dict[object, Consolide] = {}
    annees = frozenset([annee]) if annee is not None else frozenset()
    vide = Compte()

    def visiter(territoire) -> Chiffre:
        propre = comptes.get(territoire, vide)
        sous_totaux = [visiter(enfant) for enfant in enfants.get(territoire, ())]
        total = _total(propre, denominateurs.get(territoire), sous_totaux, annees)
        non_localise = None
        if sous_totaux and (propre.publies or propre.secrets) and any(c.statut != VIDE for c in sous_totaux):
            non_localise = Chiffre(
                nombre=propre.nombre if propre.publies else None,
                publies=propre.publies,
                secrets=propre.secrets,
                annees=annees,
            )
        resultats[territoire] = Consolide(total=total, non_localise=non_localise)
        return total

    for racine in racines:
        visiter(racine)
    return resultats


def chiffre_propre(compte: Compte | None, denominateur: Denominateur | None, annee: int) -> Chiffre:
    """The figure of a territory counted on its own (no children): what `consolider` gives a
    leaf, without building a tree."""
    return _total(compte or Compte(), denominateur, [], frozenset([annee]))


def _total(
    propre: Compte, propre_denominateur: Denominateur | None, sous_totaux: list[Chiffre], annees: frozenset
) -> Chiffre:
    """A territory's total: its own rows plus its children's totals, over the denominator that
    covers the same place (`denominateur_couvrant`)."""
    if sous_totaux:
        nombre = propre.nombre + sum(c.nombre or 0 for c in sous_totaux if c.publies)
        publies = propre.publies + sum(c.publies for c in sous_totaux)
        secrets = propre.secrets + sum(c.secrets for c in sous_totaux)
    else:
        nombre, publies, secrets = propre.nombre, propre.publies, propre.secrets
    denominateur, annees_denominateur, motif = denominateur_couvrant(propre, propre_denominateur, sous_totaux)
    return Chiffre(
        nombre=nombre if publies else None,
        denominateur=denominateur if publies else None,
        publies=publies,
        secrets=secrets,
        annees_denominateur=annees_denominateur if publies else frozenset(),
        annees=annees,
        denominateur_territoire=propre_denominateur.valeur if propre_denominateur else None,
        motif_sans_taux=motif if publies else "",
        # The source's rate is that of its own figure: never of a sum with children's.
        taux_publie=propre.taux_publie
        if propre.publies == 1 and not secrets and not any(c.publies for c in sous_totaux)
        else None,
    )


def denominateur_couvrant(
    propre: Compte, propre_denominateur: Denominateur | None, sous_totaux: list[Chiffre]
) -> tuple[Valeur | None, frozenset[int], str]:
    """(denominator, its millésimes, reason when None) of a territory whose own rows are `propre`
    and whose children's totals are `sous_totaux`: the one rule that says which denominator covers
    the same place as the count (see the module's docstring)."""
    if propre.secrets:
        # Some of the territory's own facts are masked: the count misses an unknown part of it.
        return None, frozenset(), PROPRE_MASQUE
    avec_chiffres = [c for c in sous_totaux if c.publies]
    if propre.publies and propre.nombre == 0 and avec_chiffres:
        # Own rows that are all published zeros: no fact lies outside the children.
        propre = Compte()
    if propre.publies or not avec_chiffres:
        # The count includes the territory's own rows (or it has no child with figures): only
        # its own denominator covers it, less the parts the count misses.
        if propre_denominateur is None:
            motif = HORS_DES_PARTIES if avec_chiffres and propre.nombre > 0 else SANS_DENOMINATEUR
            return None, frozenset(), motif
        denominateur = propre_denominateur.valeur
        manquants = [
            c
            for c in sous_totaux
            # A child without figures is missing only when its siblings have some (the source
            # counts at their level); else the territory's own rows cover it.
            if c.statut == SECRET or (c.statut == VIDE and avec_chiffres)
        ]
        for manquant in manquants:
            if manquant.denominateur_territoire is None:
                return None, frozenset(), PARTIE_MANQUANTE_SANS_DENOMINATEUR
            denominateur -= manquant.denominateur_territoire
        if denominateur <= 0:
            return None, frozenset(), PARTIES_AU_DELA
        return denominateur, frozenset([propre_denominateur.annee]), ""
    # The count is the sum of the children's figures: so is the denominator.
    if any(c.denominateur is None for c in avec_chiffres):
        return None, frozenset(), PARTIE_SANS_DENOMINATEUR
    annees_denominateur: set[int] = set()
    for c in avec_chiffres:
        annees_denominateur |= c.annees_denominateur
    return sum(c.denominateur for c in avec_chiffres), frozenset(annees_denominateur), ""


@dataclass(frozen=True)
class Evolution:
    """Change from one period to the next: of the count (absolute and %) and of the rate (points)."""

    ecart: int | None
    pourcentage: float | None
    ecart_taux: float | None


def evolution(courant: Chiffre, precedent: Chiffre) -> Evolution:
    if courant.statut != PUBLIE or precedent.statut != PUBLIE:
        return Evolution(None, None, None)
    ecart = courant.nombre - precedent.nombre
    pourcentage = ecart / precedent.nombre * 100 if precedent.nombre else None
    ecart_taux = (
        courant.taux - precedent.taux if courant.taux is not None and precedent.taux is not None else None
    )
    return Evolution(ecart, pourcentage, ecart_taux)


def rapport(chiffre: Chiffre, reference: Chiffre) -> float | None:
    """The territory's rate as a multiple of the reference's (district, département): 1.5 means
    half as high again."""
    if chiffre.taux is None or not reference.taux:
        return None
    return chiffre.taux / reference.taux


def classer(elements: Iterable[tuple[object, Chiffre]]) -> list[tuple[int | None, object, Chiffre]]:
    """Rank by rate, highest first; equal rates share a rank; figures without a rate come last,
    unranked."""
    avec_taux = sorted(((c.taux, cle, c) for cle, c in elements if c.taux is not None), key=lambda x: -x[0])
    sans_taux = [(None, cle, c) for cle, c in elements if c.taux is None]
    classement: list[tuple[int | None, object, Chiffre]] = []
    precedent, rang = None, 0
    for position, (valeur, cle, chiffre) in enumerate(avec_taux, start=1):
        if valeur != precedent:
            rang, precedent = position, valeur
        classement.append((rang, cle, chiffre))
    return classement + sans_taux


def candidats_prioritaires(
    elements: Iterable[tuple[object, Chiffre]], reference: Chiffre, multiple: float
) -> list[tuple[object, Chiffre, float]]:
    """Territories whose rate exceeds `multiple` × the reference's rate, highest ratio first."""
    candidats = []
    for cle, chiffre in elements:
        ratio = rapport(chiffre, reference)
        if ratio is not None and ratio > multiple:
            candidats.append((cle, chiffre, ratio))
    return sorted(candidats, key=lambda x: -x[2])
