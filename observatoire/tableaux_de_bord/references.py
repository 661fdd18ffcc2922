"""A territory in its national context: its département, its région and France, each with count,
denominator and rate for an indicator and a year, and the territory's rank among its peers.

Where a reference's figure comes from (`Reference.origine`), in this order:
- `PUBLIE`: the source's own total for that territory (the départemental or régional base), a
  published total that includes the communes the commune base masks;
- `DEPARTEMENTS`: for a région or France without a total of its own, the sum of the published
  départemental totals; France counts the facts attached to no département
  (`ssmsi.CODE_HORS_DEPARTEMENT`), which add no inhabitant to its denominator. Complete when every
  département of the referential has its total (else its coverage says what is missing);
- `COMMUNES`: the sum over the communes that have a published figure, over their own
  denominators: masked communes leave a part unknown, and the coverage says how much of the
  population the published communes make.
Each reference is one of these, never a published total added to its parts (no double counting),
and the three are read in a fixed number of queries (`References.lire`).

Ranks (`classement`): a commune among the communes of its population class (`CLASSES`, the INSEE
bands), a département among the départements, a région among the régions, by rate, highest first;
a figure masked at the source has no rate and no rank.
"""

import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Rank
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cls_poitiers import formats
from cls_poitiers.models import Population, Territoire
from cls_poitiers.referentiel import COLLECTIVITES_D_OUTRE_MER

from ..imports.ssmsi import CODE_HORS_DEPARTEMENT
from ..models import Donnee, Indicateur, Source
from . import calculs, completude, secret, tableaux

PUBLIE = "publie"
DEPARTEMENTS = "departements"
COMMUNES = "communes"

# The INSEE bands of communes by population (lower bound included, upper bound excluded).
CLASSES = [(0, 2_000), (2_000, 5_000), (5_000, 10_000), (10_000, 20_000), (20_000, 50_000), (50_000, 100_000)]
CLASSES.append((100_000, None))

NIVEAUX_CLASSES = (Territoire.Niveau.COMMUNE, Territoire.Niveau.DEPARTEMENT, Territoire.Niveau.REGION)


def classe_de(habitants: int | None) -> tuple[int, int | None] | None:
    if habitants is None:
        return None
    for bas, haut in CLASSES:
        if habitants >= bas and (haut is None or habitants < haut):
            return (bas, haut)
    return None


def libelle_classe(classe: tuple[int, int | None]) -> str:
    bas, haut = classe
    if bas == 0:
        return _("communes de moins de %(h)s habitants") % {"h": formats.nombre(haut)}
    if haut is None:
        return _("communes de %(b)s habitants ou plus") % {"b": formats.nombre(bas)}
    return _("communes de %(b)s à %(h)s habitants") % {
        "b": formats.nombre(bas),
        "h": formats.nombre(haut - 1),
    }


# References ----------------------------------------------------------------------------------------


def territoires_de_reference(territoire: Territoire) -> list[Territoire]:
    """The département, the région and France of `territoire`, those that exist and are above it,
    in that order (a few indexed lookups, none for a referential commune's cached links)."""
    departement = _ancetre(territoire, Territoire.Niveau.DEPARTEMENT)
    region = None
    if territoire.niveau != Territoire.Niveau.REGION:
        region = _ancetre(departement or territoire, Territoire.Niveau.REGION)
    references = [t for t in (departement, region) if t is not None and t.pk != territoire.pk]
    if territoire.niveau != Territoire.Niveau.PAYS:
        france = Territoire.objects.filter(niveau=Territoire.Niveau.PAYS).order_by("pk").first()
        if france is not None:
            references.append(france)
    return references


def _ancetre(territoire: Territoire, niveau: str) -> Territoire | None:
    """The territory of `niveau` that holds `territoire`: its referential link (`departement`,
    `region`), else the first of its parents at that level."""
    if territoire.niveau == niveau:
        return None
    lien = {Territoire.Niveau.DEPARTEMENT: "departement", Territoire.Niveau.REGION: "region"}[niveau]
    if getattr(territoire, f"{lien}_id"):
        return getattr(territoire, lien)
    courant, profondeur = territoire, 0
    while courant.parent_id and profondeur < 6:
        courant, profondeur = courant.parent, profondeur + 1
        if courant.niveau == niveau:
            return courant
        if getattr(courant, f"{lien}_id"):
            return getattr(courant, lien)
    return None


@dataclass(frozen=True)
class Reference:
    """One reference's figure for an indicator and a year, where it comes from and what it covers."""

    territoire: Territoire
    chiffre: calculs.Chiffre
    origine: str
    # For a sum: how many of its parts have a published figure, and their share of the population.
    couverture: completude.Couverture | None = None
    # For a sum: whether the source has a row (published or masked) for every part of the
    # reference. Without, the sum is that of the parts the source covers, not the reference's.
    couvre_tout: bool = True

    @property
    def complete(self) -> bool:
        return self.couverture is None or self.couverture.complete

    @property
    def comparable(self) -> bool:
        """A ratio to this figure says something of the reference: its own total, or a sum over
        all of its parts (masked ones leave a part unknown, and the coverage says which)."""
        return self.chiffre.statut != calculs.VIDE and self.couvre_tout

    def origine_texte(self) -> str:
        if self.chiffre.statut == calculs.VIDE:
            return _("aucun chiffre")
        if self.origine == PUBLIE:
            return _("total publié par la source")
        if self.origine == DEPARTEMENTS:
            texte = _("somme des totaux départementaux publiés")
        else:
            texte = _("somme des communes publiées")
        if self.couverture is not None:
            texte += _(" (%(c)s)") % {"c": texte_couverture(self.couverture)}
        return texte


def texte_couverture(couverture: completude.Couverture) -> str:
    if couverture.niveau == Territoire.Niveau.DEPARTEMENT:
        parties = ngettext(
            "%(n)s département sur %(total)s", "%(n)s départements sur %(total)s", couverture.avec_chiffre
        )
    else:
        parties = ngettext(
            "%(n)s commune sur %(total)s", "%(n)s communes sur %(total)s", couverture.avec_chiffre
        )
    texte = parties % {
        "n": formats.nombre(couverture.avec_chiffre),
        "total": formats.nombre(couverture.parties),
    }
    if couverture.part_population is not None:
        texte += _(", %(p)s de la population") % {"p": formats.pourcentage(couverture.part_population, 1)}
    return texte


@dataclass
class References:
    """The reference figures of some territories for some indicators and years."""

    valeurs: dict[tuple[int, int, int], Reference] = field(default_factory=dict)
    # Sums over the communes the source covers when they are not the whole reference (a local
    # source, or a base that misses communes): no reference figure is taken from them, and the
    # page says why.
    incompletes: dict[tuple[int, int, int], Reference] = field(default_factory=dict)

    def de(self, reference: Territoire, indicateur: Indicateur, annee: int) -> Reference:
        return self.valeurs.get(
            (reference.pk, indicateur.pk, annee), Reference(reference, calculs.Chiffre(), PUBLIE)
        )

    @classmethod
    def lire(
        cls, source: Source, references: list[Territoire], indicateurs: list[Indicateur], annees: list[int]
    ) -> "References":
        """At most six queries whatever the size of the national base: the references' own
        totals and populations; the départements and their totals and populations (for a région
        or France without a total); the sums over the communes, for what is still missing, with
        the referential's communes (and, for France, the overseas collectivities left out)."""
        resultat = cls()
        if not references or not indicateurs or not annees:
            return resultat
        references = [_sans_contour(r) for r in references]
        propres = _totaux_propres(source, references, indicateurs, annees)
        manquants = {
            (r.pk, i.pk, a)
            for r in references
            for i in indicateurs
            for a in annees
            if propres.get((r.pk, i.pk, a), calculs.Chiffre()).statut == calculs.VIDE
        }
        for cle, chiffre in propres.items():
            if cle not in manquants:
                resultat.valeurs[cle] = Reference(_par_pk(references, cle[0]), chiffre, PUBLIE)
        au_dessus = [r for r in references if r.niveau in (Territoire.Niveau.REGION, Territoire.Niveau.PAYS)]
        departementales = {}
        if any(cle[0] in {r.pk for r in au_dessus} for cle in manquants):
            departementales = _sommes_departementales(source, au_dessus, indicateurs, annees)
            for cle, reference in departementales.items():
                if cle in manquants and reference.chiffre.statut != calculs.VIDE and reference.complete:
                    resultat.valeurs[cle] = reference
                    manquants.discard(cle)
        if manquants:
            restants = [r for r in references if any(cle[0] == r.pk for cle in manquants)]
            for cle, reference in _sommes_communales(source, restants, indicateurs, annees).items():
                if cle not in manquants or reference.chiffre.statut == calculs.VIDE:
                    continue
                if reference.couvre_tout:
                    resultat.valeurs[cle] = reference
                    manquants.discard(cle)
                else:
                    resultat.incompletes[cle] = reference
        # A partial sum of départemental totals, said to be partial, rather than nothing (the
        # communes' sum it replaces is then no note of its own).
        for cle in manquants & set(departementales):
            if departementales[cle].chiffre.statut != calculs.VIDE:
                resultat.valeurs[cle] = departementales[cle]
                resultat.incompletes.pop(cle, None)
        return resultat


def _sans_contour(territoire: Territoire) -> Territoire:
    """A copy of `territoire` without its outline (deferred: read again if asked for) nor the
    relations it has followed: what its reference figures are kept with in the dashboards' cache,
    where the outline of a région or of France would weigh megabytes on every page read."""
    copie = copy.copy(territoire)  # its own `_state` (Model.__getstate__)
    copie.__dict__.pop("contour", None)
    copie._state.fields_cache = {}
    return copie


def _par_pk(territoires: list[Territoire], pk: int) -> Territoire:
    return next(t for t in territoires if t.pk == pk)


def _chiffres_propres(source, ids, indicateurs, annees) -> tuple[dict, dict]:
    """{(territory, indicator, year): Compte} of the territories' own rows, and their populations."""
    perimetre = tableaux.Perimetre(racine=None, territoires=dict.fromkeys(ids), enfants={})
    comptes = tableaux.Comptes.lire(perimetre, source=source, indicateurs=indicateurs, annees=annees)
    if not comptes.valeurs:
        return {}, {}
    valeurs = {}
    for (indicateur_id, territoire_id, annee), compte in comptes.valeurs.items():
        valeurs[(territoire_id, indicateur_id, annee)] = compte
    return valeurs, tableaux.populations_par_millesime(list(ids))


def _chiffre(compte: calculs.Compte | None, populations: dict, indicateur: Indicateur, annee: int):
    """A territory's own figure (no children), with its own denominator."""
    denominateur = calculs.denominateur_pour(populations, annee, par_logements=indicateur.par_logements)
    return calculs.chiffre_propre(compte, denominateur, annee)


def _totaux_propres(source, references, indicateurs, annees) -> dict:
    comptes, populations = _chiffres_propres(source, [r.pk for r in references], indicateurs, annees)
    return {
        (r.pk, i.pk, a): _chiffre(comptes.get((r.pk, i.pk, a)), populations.get(r.pk, {}), i, a)
        for r in references
        for i in indicateurs
        for a in annees
        if (r.pk, i.pk, a) in comptes
    }


def _sommes_departementales(source, au_dessus, indicateurs, annees) -> dict:
    """The régions' and France's figures as sums of the published départemental totals."""
    if not au_dessus:
        return {}
    # (pk, code, région) of each département: rows, not model instances (about a hundred).
    departements = list(
        Territoire.objects.filter(niveau=Territoire.Niveau.DEPARTEMENT).values_list("pk", "code", "region_id")
    )
    ids = [pk for pk, _code, _region in departements]
    comptes, populations = _chiffres_propres(source, ids, indicateurs, annees)
    if not comptes:
        return {}
    resultat = {}
    # Each département's denominator, once per year and kind (inhabitants or dwellings), and its
    # figure, once per indicator and year, for every reference. The inhabitants always: the share
    # of the population that the published départements hold is counted in inhabitants, even for
    # an indicator counted per dwelling.
    sortes = {False} | {i.par_logements for i in indicateurs}
    denominateurs = {
        (pk, annee, par_logements): calculs.denominateur_pour(
            populations.get(pk, {}), annee, par_logements=par_logements
        )
        for pk in ids
        for annee in annees
        for par_logements in sortes
    }
    chiffres_des_departements = {}  # {(département, indicator, year): Chiffre}

    def chiffre_du_departement(pk, indicateur, annee):
        cle = (pk, indicateur.pk, annee)
        chiffre = chiffres_des_departements.get(cle)
        if chiffre is None:
            chiffre = chiffres_des_departements[cle] = calculs.chiffre_propre(
                comptes.get(cle), denominateurs[(pk, annee, indicateur.par_logements)], annee
            )
        return chiffre

    for reference in au_dessus:
        if reference.niveau == Territoire.Niveau.REGION:
            parties = [d for d in departements if d[2] == reference.pk]
        else:
            parties = [d for d in departements if d[1] not in COLLECTIVITES_D_OUTRE_MER]
        for indicateur in indicateurs:
            for annee in annees:
                chiffres = []
                avec_chiffre, attendus, pop_avec, pop_toutes = 0, 0, 0, 0
                population_inconnue = False
                for pk, code, _region in parties:
                    hors = code == CODE_HORS_DEPARTEMENT
                    chiffre = chiffre_du_departement(pk, indicateur, annee)
                    if hors:
                        # Facts attached to no département: counted, with no inhabitant of their own.
                        if chiffre.publies:
                            chiffres.append(
                                calculs.Chiffre(
                                    nombre=chiffre.nombre,
                                    denominateur=0,
                                    publies=chiffre.publies,
                                    annees=chiffre.annees,
                                )
                            )
                        elif chiffre.secrets:
                            chiffres.append(chiffre)
                        continue
                    attendus += 1
                    habitants = denominateurs[(pk, annee, False)]
                    population = habitants.valeur if habitants else None
                    pop_toutes += population or 0
                    population_inconnue = population_inconnue or not population
                    if chiffre.statut == calculs.PUBLIE:
                        avec_chiffre += 1
                        pop_avec += population or 0
                    chiffres.append(chiffre)
                total = calculs.agreger(chiffres)
                if total.statut == calculs.VIDE:
                    continue
                couverture = completude.Couverture(
                    avec_chiffre=avec_chiffre,
                    parties=attendus,
                    niveau=Territoire.Niveau.DEPARTEMENT,
                    # A share of the population only when every département's is known (as for
                    # the parts of a contract's total, `completude.couvertures`).
                    part_population=pop_avec / pop_toutes * 100
                    if pop_toutes and not population_inconnue
                    else None,
                )
                resultat[(reference.pk, indicateur.pk, annee)] = Reference(
                    reference,
                    total,
                    DEPARTEMENTS,
                    None if couverture.complete else couverture,
                    couvre_tout=couverture.complete,
                )
    return resultat


# Inhabitants (integers) and dwellings (fractions kept) in one column.
DENOMINATEUR = DecimalField(max_digits=20, decimal_places=10)


def _denominateur_sql(annee_ref, champ: str):
    """A territory's denominator for the figure's year: the nearest millésime at or before it."""
    return Subquery(
        Population.objects.filter(
            territoire_id=OuterRef("territoire_id"), annee__lte=annee_ref, **{f"{champ}__isnull": False}
        )
        .order_by("-annee")
        .values(champ)[:1]
    )


def _denominateur_de_la_ligne():
    """The row's denominator: the dwellings for an indicator counted per dwelling, else the inhabitants."""
    return Case(
        When(
            indicateur__denominateur=Indicateur.Denominateur.LOGEMENTS,
            then=_denominateur_sql(OuterRef("annee"), "logements"),
        ),
        default=_denominateur_sql(OuterRef("annee"), "habitants"),
        output_field=DENOMINATEUR,
    )


def _lignes(source, indicateurs, annees, filtre: Q, niveau: str):
    """Per (indicator, territory of `niveau`, year), months added up: [count, masked rows,
    denominator, département, région, legal population]. One query, row by row (a commune has
    one yearly row in the national base)."""
    lignes = (
        Donnee.objects.filter(filtre, source=source, indicateur__in=indicateurs, annee__in=annees)
        .filter(territoire__niveau=niveau)
        .order_by()
        .annotate(denominateur=_denominateur_de_la_ligne())
        .values_list(
            "indicateur_id",
            "territoire_id",
            "annee",
            "nombre",
            "secret",
            "denominateur",
            "territoire__departement_id",
            "territoire__region_id",
            "territoire__population_legale",
        )
    )
    par_territoire: dict[tuple[int, int, int], list] = {}
    for indicateur_id, territoire_id, annee, nombre, masque, denom, dep, reg, legale in lignes:
        cle = (indicateur_id, territoire_id, annee)
        ligne = par_territoire.get(cle)
        if ligne is None:
            par_territoire[cle] = [nombre or 0, int(bool(masque)), denom, dep, reg, legale]
            continue
        ligne[0] += nombre or 0
        ligne[1] += int(bool(masque))
        ligne[2] = ligne[2] if ligne[2] is not None else denom
    return par_territoire


def _sommes_communales(source, references, indicateurs, annees) -> dict:
    """The references' figures as sums over their published communes, in one query over the
    communes of the départements, régions (or France) asked."""
    departements = {r.pk: r for r in references if r.niveau == Territoire.Niveau.DEPARTEMENT}
    regions = {r.pk: r for r in references if r.niveau == Territoire.Niveau.REGION}
    france = next((r for r in references if r.niveau == Territoire.Niveau.PAYS), None)
    if france is not None:
        filtre = Q()
    elif departements or regions:
        filtre = Q(territoire__departement_id__in=list(departements)) | Q(
            territoire__region_id__in=list(regions)
        )
    else:
        return {}
    # [count, published, masked, denominator, published without denominator, masked population,
    #  legal population of the published communes, of the masked ones, communes without one]
    sommes: dict[tuple[int, int, int], list] = {}
    par_logements = {i.pk for i in indicateurs if i.par_logements}
    lignes = _lignes(source, indicateurs, annees, filtre, Territoire.Niveau.COMMUNE)
    outre_mer = _collectivites_d_outre_mer() if france is not None else set()
    for (indicateur_id, _t, annee), valeurs in lignes.items():
        total, secrets, denominateur, dep, reg, legale = valeurs
        cibles = [pk for pk in (dep, reg) if pk in departements or pk in regions]
        if france is not None and dep not in outre_mer:
            cibles.append(france.pk)
        for cible in cibles:
            somme = sommes.setdefault((cible, indicateur_id, annee), [0, 0, 0, 0, 0, 0, 0, 0, 0])
            somme[8] += legale is None
            if secrets:
                somme[7] += legale or 0
                somme[2] += 1
                somme[5] += float(denominateur) if denominateur is not None else 0
                continue
            somme[0] += total
            somme[1] += 1
            somme[6] += legale or 0
            if denominateur is None:
                somme[4] += 1
            else:
                somme[3] += float(denominateur)
    communes = _communes_du_referentiel(departements, regions, france, outre_mer)
    par_pk = {r.pk: r for r in references}
    resultat = {}
    for (cible, indicateur_id, annee), somme in sommes.items():
        nombre, publies, secrets, denominateur, sans, masquee, legale_publiee, legale_masquee, sans_legale = (
            somme
        )
        chiffre = calculs.Chiffre(
            nombre=nombre if publies else None,
            denominateur=denominateur if publies and not sans else None,
            publies=publies,
            secrets=secrets,
            annees=frozenset([annee]),
            motif_sans_taux=calculs.PARTIE_SANS_DENOMINATEUR if sans else "",
        )
        attendues, population_legale = communes.get(cible, (0, 0))
        if population_legale and attendues > publies + secrets:
            # The source has no row for some communes of the reference: the share of its legal
            # population (the referential's) that the published communes make.
            part = legale_publiee / population_legale * 100
        elif indicateur_id in par_logements:
            # Dwellings are not inhabitants: the share of the legal population, when the
            # referential gives every commune's.
            connue = legale_publiee + legale_masquee
            part = legale_publiee / connue * 100 if connue and not sans_legale else None
        elif not sans and denominateur + masquee:
            part = denominateur / (denominateur + masquee) * 100
        else:
            part = None
        couverture = completude.Couverture(
            avec_chiffre=publies,
            parties=max(attendues, publies + secrets),
            niveau=Territoire.Niveau.COMMUNE,
            part_population=part,
        )
        # The sum stands for the reference when the source has a row (published or masked) for
        # each of its communes, or for communes holding all but 1 % of its legal population
        # (a base in another year's geography misses a few merged communes).
        couvre_tout = publies + secrets >= attendues or (
            population_legale > 0 and (legale_publiee + legale_masquee) >= 0.99 * population_legale
        )
        resultat[(cible, indicateur_id, annee)] = Reference(
            par_pk[cible], chiffre, COMMUNES, couverture, couvre_tout=couvre_tout
        )
    return resultat


def _communes_du_referentiel(departements, regions, france, outre_mer) -> dict[int, tuple[int, int]]:
    """{reference: (its communes, their legal population)} from the referential (one query);
    `outre_mer`: the overseas collectivities' départements (`_collectivites_d_outre_mer`), outside
    France's."""
    qs = Territoire.objects.filter(niveau=Territoire.Niveau.COMMUNE)
    if france is None:
        qs = qs.filter(Q(departement_id__in=list(departements)) | Q(region_id__in=list(regions)))
    resultat: dict[int, list[int]] = {}
    for dep, reg, n, population in (
        qs.order_by()
        .values("departement_id", "region_id")
        .annotate(n=Count("pk"), population=Sum("population_legale"))
        .values_list("departement_id", "region_id", "n", "population")
    ):
        cibles = [pk for pk in (dep, reg) if pk in departements or pk in regions]
        if france is not None and dep not in outre_mer:
            cibles.append(france.pk)
        for cible in cibles:
            valeurs = resultat.setdefault(cible, [0, 0])
            valeurs[0] += n
            valeurs[1] += population or 0
    return {pk: (n, population) for pk, (n, population) in resultat.items()}


def _collectivites_d_outre_mer() -> set[int]:
    """The pks of the overseas collectivities' départements, outside France's totals."""
    departements = Territoire.objects.filter(
        niveau=Territoire.Niveau.DEPARTEMENT, code__in=COLLECTIVITES_D_OUTRE_MER
    )
    return set(departements.values_list("pk", flat=True))


# Ranks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rang:
    """A territory's place among its peers for one indicator and year, by rate, highest first."""

    rang: int
    classes: int  # territories of the group that have a rate
    centile: float  # share of the group whose rate is at most the territory's (0–100)
    groupe: str  # what the group is, in French
    masques: int = 0  # territories of the group masked at the source (no rate, not ranked)

    @property
    def centile_entier(self) -> int:
        """The percentile to the unit, rounded half up as every figure shown (12,5 → 13)."""
        return int(Decimal(str(self.centile)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def centile_texte(self) -> str:
        return formats.nombre(self.centile_entier)


TAUX = FloatField()


def _dans_les_classes(champ: str, classes) -> Q:
    dans = Q()
    for bas, haut in classes:
        dans |= Q(**{f"{champ}__gte": bas}) & (Q(**{f"{champ}__lt": haut}) if haut is not None else Q())
    return dans


@dataclass
class Classement:
    """The territories of one level ranked by rate for an indicator and a year, counted by the
    database: a rank is three counts over the group (rates above, rates at most, masked), never
    a row per territory brought back to Python.

    A territory's rate, as the pages give it: the rate the source published on its single yearly
    row, else its count (months added up) per 1 000 of its denominator (inhabitants, or dwellings
    for an indicator counted per dwelling) of the nearest millésime at or before the year. A
    territory with a masked row has no rate: it is masked. A commune's class is that of its legal
    population, else of its inhabitants of the year's millésime."""

    source: Source
    indicateur: Indicateur
    annee: int
    niveau: str
    classes: tuple = ()

    @classmethod
    def lire(
        cls, source: Source, indicateur: Indicateur, annee: int, niveau: str, classe=None
    ) -> "Classement":
        """The ranking of the territories of `niveau`, within one population class (`classe`) or
        of all of them. Nothing is read before `rangs`, `rang` or `ordonne`."""
        return cls(source, indicateur, annee, niveau, (classe,) if classe is not None else ())

    def de_la_classe(self, classe) -> "Classement":
        return Classement(self.source, self.indicateur, self.annee, self.niveau, (classe,))

    def _par_territoire(self, classes=None):
        """One row per territory of the group: its rate (`taux`, None if masked or without
        denominator), whether it is masked (`masque`) and the inhabitants of its class."""
        classes = self.classes if classes is None else classes
        lignes = Donnee.objects.filter(
            source=self.source, indicateur=self.indicateur, annee=self.annee, territoire__niveau=self.niveau
        )
        if self.niveau == Territoire.Niveau.DEPARTEMENT:
            lignes = lignes.exclude(territoire__code=CODE_HORS_DEPARTEMENT)
        if classes:
            # The legal population narrows the rows read; the class itself is checked below.
            lignes = lignes.filter(
                Q(territoire__population_legale__isnull=True)
                | _dans_les_classes("territoire__population_legale", classes)
            )
        # A masked row has no rate, a published rate of a yearly row needs no denominator.
        sans_denominateur = Q(secret=True) | Q(taux_publie__isnull=False, mois=0)
        lignes = (
            lignes.order_by()
            .values("territoire_id")
            .annotate(
                _total=Coalesce(Sum("nombre"), 0),
                # Columns of the ranking index only (`donnee_classement_idx`): an index-only scan.
                _secrets=Count("mois", filter=Q(secret=True)),
                _lignes=Count("mois"),
                _publie=Max("taux_publie"),
                # The denominator's subquery runs only where the source gave no rate of its own;
                # the indicator is known, so is the kind of its denominator (no join to read it).
                _denominateur=Max(
                    Case(
                        When(sans_denominateur, then=Value(None)),
                        default=_denominateur_sql(
                            OuterRef("annee"), "logements" if self.indicateur.par_logements else "habitants"
                        ),
                        output_field=DENOMINATEUR,
                    )
                ),
                # The inhabitants' subquery only for a territory without a legal population.
                habitants=Max(
                    Case(
                        When(
                            territoire__population_legale__isnull=False,
                            then=F("territoire__population_legale"),
                        ),
                        default=_denominateur_sql(OuterRef("annee"), "habitants"),
                        output_field=DENOMINATEUR,
                    )
                ),
            )
            .annotate(
                masque=Case(When(_secrets__gt=0, then=Value(True)), default=Value(False)),
                taux=Case(
                    When(_secrets__gt=0, then=Value(None)),
                    When(Q(_lignes=1, _publie__isnull=False), then=Cast("_publie", TAUX)),
                    default=Cast("_total", TAUX) / NullIf(Cast("_denominateur", TAUX), 0.0) * 1000.0,
                    output_field=TAUX,
                ),
            )
        )
        if classes and self.niveau == Territoire.Niveau.COMMUNE:
            lignes = lignes.filter(_dans_les_classes("habitants", classes))
        return lignes

    def rangs(self, demandes) -> dict[int, "Rang"]:
        """{territory: its Rang} for `demandes`, (territory id, class or None, the rate the page
        shows, the group's name) each, counted among the group with the territory in it, in one
        query. A territory asked with no rate has no rank, nor one whose group has no other
        rate (« 1 sur 1 » would rank nothing)."""
        demandes = [d for d in demandes if d[2] is not None]
        if not demandes:
            return {}
        comptes = {}
        for i, (pk, classe, taux, _nom) in enumerate(demandes):
            groupe = Q() if classe is None else _dans_les_classes("habitants", [classe])
            autres = groupe & ~Q(territoire_id=pk)
            comptes[f"au_dessus_{i}"] = Count("territoire_id", filter=autres & Q(taux__gt=taux))
            comptes[f"au_plus_{i}"] = Count("territoire_id", filter=autres & Q(taux__lte=taux))
            comptes[f"masques_{i}"] = Count("territoire_id", filter=autres & Q(masque=True))
        classes = tuple({d[1] for d in demandes if d[1] is not None}) or self.classes
        valeurs = self._par_territoire(classes).aggregate(**comptes)
        resultat = {}
        for i, (pk, _classe, _taux, nom) in enumerate(demandes):
            au_dessus, au_plus = valeurs[f"au_dessus_{i}"], valeurs[f"au_plus_{i}"]
            classes_n = au_dessus + au_plus + 1
            if classes_n == 1:
                continue
            resultat[pk] = Rang(
                rang=au_dessus + 1,
                classes=classes_n,
                centile=(au_plus + 1) / classes_n * 100,
                groupe=nom,
                masques=valeurs[f"masques_{i}"],
            )
        return resultat

    def rang(self, territoire_id: int, groupe: str, taux: float | None = None) -> Rang | None:
        """The territory's rank by `taux` (the rate the page shows; by default its rate here),
        counted among the group with the territory in it."""
        if taux is None:
            taux = (
                self._par_territoire()
                .filter(territoire_id=territoire_id)
                .values_list("taux", flat=True)
                .first()
            )
        classe = self.classes[0] if len(self.classes) == 1 else None
        return self.rangs([(territoire_id, classe, taux, groupe)]).get(territoire_id)

    def ordonne(self) -> list[tuple[int, int, float]]:
        """(rank, territory id, rate) of every territory with a rate, highest rate first; equal
        rates share a rank (one query)."""
        return list(
            self._par_territoire()
            .filter(taux__isnull=False)
            .annotate(rang=Window(Rank(), order_by=F("taux").desc()))
            .order_by("rang", "territoire_id")
            .values_list("rang", "territoire_id", "taux")
        )


def groupe_de(territoire: Territoire, chiffre: calculs.Chiffre | None = None):
    """(level, population class or None, the group's name) of the territories `territoire` ranks
    among, None when it has no peers (a contract's own territory, a quartier, France). A commune's
    class is that of its legal population, else of its inhabitants in `chiffre`."""
    if territoire.niveau == Territoire.Niveau.COMMUNE:
        population = territoire.population_legale
        if population is None and chiffre is not None:
            population = chiffre.denominateur_territoire
        classe = classe_de(population)
        return None if classe is None else (territoire.niveau, classe, libelle_classe(classe))
    if territoire.niveau == Territoire.Niveau.DEPARTEMENT and territoire.code != CODE_HORS_DEPARTEMENT:
        return (territoire.niveau, None, _("départements"))
    if territoire.niveau == Territoire.Niveau.REGION:
        return (territoire.niveau, None, _("régions"))
    return None


def rang_du_territoire(source: Source, indicateur: Indicateur, annee: int, territoire: Territoire, chiffre):
    """`territoire`'s rank in its group by the rate of `chiffre` (its figure as shown), None when
    it has none (no peers, no rate)."""
    groupe = groupe_de(territoire, chiffre if not indicateur.par_logements else None)
    if groupe is None or chiffre.taux is None:
        return None
    niveau, classe, nom = groupe
    classement = Classement.lire(source, indicateur, annee, niveau, classe=classe)
    return classement.rang(territoire.pk, nom, taux=chiffre.taux)


def afficher(reference: Reference, detail: bool, *, connu: tuple[int, int] = (0, 0)) -> secret.Affiche:
    """A reference's figure as the reader may see it: below the threshold, masked but for the
    Observatoire and the Coordination, as every other figure. A sum over communes is masked too
    for them when, less the communes the reader sees (`connu`: their published count and how
    many they are), it would give one other commune, or less than the threshold: the rest of a
    sum must not be recoverable by subtraction."""
    if not detail and reference.origine == COMMUNES and reference.chiffre.publies:
        nombre_connu, communes_connues = connu
        reste = (reference.chiffre.nombre or 0) - nombre_connu
        autres = reference.chiffre.publies - communes_connues
        if autres == 1 or (autres > 1 and 0 < reste < secret.seuil()):
            return secret.Motif(detail=False, masques=frozenset([("reference", secret.TOTAL)])).afficher(
                reference.chiffre, ("reference", secret.TOTAL)
            )
    return secret.Motif(detail=detail).afficher(reference.chiffre)
