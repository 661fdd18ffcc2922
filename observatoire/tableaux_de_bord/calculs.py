"""The observatory's computations, in one place and free of the database: rates per 1000,
sums over territories and periods, roll-up quartier → commune → district, change over a year,
comparison with a reference, ranking, candidates for "traitement prioritaire".

Rules of the domain:
- a rate is count / denominator × 1000, the denominator being the inhabitants (or the dwellings
  for burglaries) of the figure's year, or of the nearest earlier year when that one is missing;
- over several territories or periods a rate is the sum of the counts over the sum of the
  denominators, never a mean of rates;
- a figure masked at the source has no count: it is left out of both sides of a rate, and an
  aggregate that lost parts that way says so ("partiel");
- within one source, facts recorded on a commune without a quartier are the "non localisé" part
  of the commune: added once to the commune's total, never lost, never counted twice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PUBLIE = "publie"
SECRET = "secret"
PARTIEL = "partiel"
VIDE = "vide"


def taux_pour_mille(nombre: int | None, denominateur: int | float | None) -> float | None:
    """count / denominator × 1000, or None when either is unknown or the denominator is zero."""
    if nombre is None or not denominateur:
        return None
    return nombre / denominateur * 1000


@dataclass(frozen=True)
class Denominateur:
    """The population (or dwellings) used for a rate, and the year it was counted."""

    valeur: int
    annee: int


def denominateur_pour(
    populations: Mapping[int, tuple[int | None, int | None]], annee: int, *, par_logements: bool = False
) -> Denominateur | None:
    """The denominator for `annee` from {year: (inhabitants, dwellings)}: that year's, or the
    nearest earlier year's. Dwellings for burglary rates, never inhabitants in their place."""
    rang = 1 if par_logements else 0
    connues = [a for a, valeurs in populations.items() if a <= annee and valeurs[rang]]
    if not connues:
        return None
    retenue = max(connues)
    return Denominateur(valeur=populations[retenue][rang], annee=retenue)


@dataclass(frozen=True)
class Chiffre:
    """A figure or an aggregate of figures, with its denominator.

    `nombre` sums the published counts; `secrets` counts the parts masked at the source and
    `publies` the published ones. `denominateur` covers exactly the parts whose count is in
    `nombre` (None when it cannot be known)."""

    nombre: int | None = None
    denominateur: int | None = None
    publies: int = 0
    secrets: int = 0
    annees_denominateur: frozenset[int] = field(default_factory=frozenset)
    annees: frozenset[int] = field(default_factory=frozenset)
    # The territory's own population, kept to take a masked child out of its parent's rate.
    denominateur_territoire: int | None = field(default=None, compare=False)

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
        if self.statut not in (PUBLIE, PARTIEL):
            return None
        return taux_pour_mille(self.nombre, self.denominateur)

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
    denominateur_connu = True
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
            denominateur_connu = False
        else:
            denominateur += chiffre.denominateur
            annees_denominateur |= chiffre.annees_denominateur
    return Chiffre(
        nombre=nombre if publies else None,
        denominateur=denominateur if publies and denominateur_connu else None,
        publies=publies,
        secrets=secrets,
        annees_denominateur=frozenset(annees_denominateur),
        annees=frozenset(annees),
    )


@dataclass(frozen=True)
class Compte:
    """What a source says for one territory's own rows (without its children) in a period."""

    nombre: int = 0
    publies: int = 0
    secrets: int = 0


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
    `denominateurs` each territory's own denominator. A territory without its own denominator
    takes the sum of its children's. Children masked at the source are left out of both the
    count and the denominator of their parent's rate."""
    resultats: dict[object, Consolide] = {}
    annees = frozenset([annee]) if annee is not None else frozenset()

    def visiter(territoire) -> Chiffre:
        propre = comptes.get(territoire, Compte())
        sous_totaux = [visiter(enfant) for enfant in enfants.get(territoire, [])]
        nombre = propre.nombre + sum(c.nombre or 0 for c in sous_totaux if c.publies)
        publies = propre.publies + sum(c.publies for c in sous_totaux)
        secrets = propre.secrets + sum(c.secrets for c in sous_totaux)
        propre_denominateur = denominateurs.get(territoire)
        annees_denominateur: set[int] = set()
        if propre.secrets:
            # The territory's own figure is masked: no rate can be built on its population.
            denominateur = None
        elif propre_denominateur is not None:
            denominateur = propre_denominateur.valeur
            annees_denominateur.add(propre_denominateur.annee)
            for sous_total in sous_totaux:
                if sous_total.statut == SECRET:
                    masque = sous_total.denominateur_territoire
                    denominateur = denominateur - masque if masque is not None else None
                    if denominateur is None:
                        break
        else:
            avec_chiffres = [c for c in sous_totaux if c.publies]
            if avec_chiffres and all(c.denominateur is not None for c in avec_chiffres):
                denominateur = sum(c.denominateur for c in avec_chiffres)
                for c in avec_chiffres:
                    annees_denominateur |= c.annees_denominateur
            else:
                denominateur = None
        total = Chiffre(
            nombre=nombre if publies else None,
            denominateur=denominateur if publies else None,
            publies=publies,
            secrets=secrets,
            annees_denominateur=frozenset(annees_denominateur),
            annees=annees,
            denominateur_territoire=propre_denominateur.valeur if propre_denominateur else None,
        )
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
