"""From the database to the dashboards' figures: the contract's territories, their populations and
the sums of figures are read in a fixed number of queries, then `calculs` rolls them up.

Everything a page, an export or the JSON endpoint shows goes through `Serie` (one indicator of one
source) and `secret.Motif`, so that they show the same numbers with the same masking.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum

from cls_poitiers.models import Contrat, Population, Territoire

from ..models import Donnee, Indicateur, Source
from . import calculs


@dataclass
class Perimetre:
    """The contract's territories: its district, communes and quartiers, and the district's
    parent (the département) as a reference when it is known."""

    racine: Territoire
    territoires: dict[int, Territoire]
    enfants: dict[int, list[int]]
    reference: Territoire | None = None
    populations: dict[int, dict[int, tuple[int | None, int | None]]] = field(default_factory=dict)
    # {(year, per dwellings): {territory: Denominateur}}, filled by `denominateurs`.
    _denominateurs: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def ids(self) -> list[int]:
        ids = list(self.territoires)
        if self.reference:
            ids.append(self.reference.pk)
        return ids

    def du_niveau(self, niveau: str | None) -> list[Territoire]:
        territoires = [t for t in self.territoires.values() if niveau in (None, "", t.niveau)]
        return sorted(territoires, key=lambda t: (NIVEAUX.index(t.niveau), t.nom))

    def denominateur(self, territoire_id: int, annee: int, indicateur: Indicateur):
        return calculs.denominateur_pour(
            self.populations.get(territoire_id, {}), annee, par_logements=indicateur.par_logements
        )

    def denominateurs(self, annee: int, indicateur: Indicateur) -> dict:
        """{territory: its own denominator for `annee`} over the perimeter: the same for every
        indicator of the same kind (inhabitants or dwellings), so worked out once per year and
        kind for the page."""
        cle = (annee, indicateur.par_logements)
        if cle not in self._denominateurs:
            self._denominateurs[cle] = {tid: self.denominateur(tid, annee, indicateur) for tid in self.ids}
        return self._denominateurs[cle]


NIVEAUX = ["pays", "region", "departement", "epci", "district", "commune", "quartier"]


def racine_du_contrat() -> Territoire | None:
    """The current contract's territory. None without a contract: there is no perimeter then
    (no "first district" taken in its place), and the pages say the platform is not set up."""
    contrat = Contrat.objects.select_related("territoire__parent").courant()
    return contrat.territoire if contrat else None


def sous_la_racine(racine: Territoire) -> Q:
    """The root, its children and grandchildren, found by index lookups on parent_id (one small
    query for the children; no join over the national set of territories)."""
    enfants = list(Territoire.objects.filter(parent_id=racine.pk).values_list("pk", flat=True))
    return Q(pk=racine.pk) | Q(parent_id__in=[racine.pk, *enfants])


def perimetre(racine: Territoire | None = None) -> Perimetre | None:
    """Three queries: the root's children, the territories under the root, their populations."""
    racine = racine or racine_du_contrat()
    if racine is None:
        return None
    territoires = {t.pk: t for t in Territoire.objects.filter(sous_la_racine(racine))}
    # Parents are in the perimeter (or the root's own parent): no join over the national set.
    connus = {**territoires, racine.pk: racine}
    if racine.parent_id and Territoire.parent.is_cached(racine):
        connus[racine.parent_id] = racine.parent
    for t in territoires.values():
        if t.parent_id in connus:
            Territoire.parent.field.set_cached_value(t, connus[t.parent_id])
    enfants: dict[int, list[int]] = defaultdict(list)
    for t in territoires.values():
        if t.parent_id in territoires and t.pk != racine.pk:
            enfants[t.parent_id].append(t.pk)
    reference = racine.parent if racine.parent_id else None
    resultat = Perimetre(racine=racine, territoires=territoires, enfants=dict(enfants), reference=reference)
    resultat.populations = populations_par_millesime(resultat.ids)
    return resultat


def populations_par_millesime(territoire_ids: list[int]) -> dict[int, dict[int, tuple]]:
    """{territory: {millésime: (inhabitants, dwellings)}}, what `calculs.denominateur_pour` picks
    from, in one query. Fractional dwellings keep their fraction, as floats.

    The one place that says which year a denominator belongs to: when a row carries dwellings
    of another millésime than its inhabitants, they go under their own year here."""
    populations: dict[int, dict[int, tuple]] = defaultdict(dict)
    for territoire_id, annee, habitants, logements in (
        Population.objects.filter(territoire_id__in=territoire_ids)
        .order_by()
        .values_list("territoire_id", "annee", "habitants", "logements")
    ):
        # Dwellings are stored as published (a Decimal, fractions included); rates work in floats.
        populations[territoire_id][annee] = (habitants, None if logements is None else float(logements))
    return dict(populations)


def sources_avec_donnees(sources=None, perimetre: Perimetre | None = None) -> list[Source]:
    """The sources among `sources` (a queryset, by default every source: the command line and the
    annual review) that have figures. One index probe per source (the figures' unique index
    starts with the source), never a scan of the figures; with `perimetre`, the same query also
    says whether each has figures on the contract's territories (`sur_le_perimetre`)."""
    sources = Source.objects.all() if sources is None else sources
    sources = sources.filter(Exists(Donnee.objects.filter(source=OuterRef("pk"))))
    if perimetre is not None:
        sources = sources.annotate(
            sur_le_perimetre=Exists(
                Donnee.objects.filter(source=OuterRef("pk"), territoire_id__in=list(perimetre.territoires))
            )
        )
    return list(sources.order_by("ordre", "libelle"))


def source_par_defaut(sources: list[Source]) -> Source | None:
    """The source a dashboard opens on, among `sources` (`sources_avec_donnees`): one with figures
    on the contract's territories when there is any, a real source before an illustrative one
    (after a real national import, the demo is no longer the default), a statistical source
    before a partner's declarations, then the sources' order."""
    if not sources:
        return None
    return min(
        sources,
        key=lambda s: (
            not getattr(s, "sur_le_perimetre", True),
            s.nature == Source.Nature.PARTENAIRE,
            s.illustratif,
            s.ordre,
            s.libelle,
        ),
    )


@dataclass
class Comptes:
    """Sums of a source's figures per (indicator, territory, year[, month]) for a perimeter:
    one query whatever the number of figures."""

    valeurs: dict[tuple, calculs.Compte]
    # (indicator, year) → {territory: own yearly count}: each consolidation reads its own slice
    # instead of scanning every count of the perimeter (built once, on first use).
    _par_periode: dict | None = field(default=None, repr=False, compare=False)

    def propres(self, indicateur_id: int, annee: int) -> dict[int, calculs.Compte]:
        if self._par_periode is None:
            index: dict[tuple[int, int], dict[int, calculs.Compte]] = defaultdict(dict)
            for (ind, territoire_id, an, *_), compte in self.valeurs.items():
                propres = index[(ind, an)]
                precedent = propres.get(territoire_id)
                propres[territoire_id] = (
                    compte
                    if precedent is None
                    else calculs.Compte(
                        nombre=precedent.nombre + compte.nombre,
                        publies=precedent.publies + compte.publies,
                        secrets=precedent.secrets + compte.secrets,
                    )
                )
            self._par_periode = dict(index)
        return self._par_periode.get((indicateur_id, annee), {})

    @classmethod
    def lire(
        cls,
        perimetre: Perimetre,
        *,
        source: Source,
        indicateurs: list[Indicateur] | None = None,
        annees: list[int] | None = None,
        mensuel: bool = False,
    ):
        # An index range scan of the figures' unique index (source, territory, …) over the
        # perimeter's rows, whatever the size of the national base; months are added up per year
        # unless `mensuel`.
        cles = ["indicateur_id", "territoire_id", "annee"]
        qs = Donnee.objects.filter(source=source, territoire_id__in=perimetre.ids)
        if mensuel:
            qs = qs.filter(mois__gt=0)
            cles.append("mois")
        if indicateurs is not None:
            qs = qs.filter(indicateur__in=indicateurs)
        if annees is not None:
            qs = qs.filter(annee__in=annees)
        lignes = (
            qs.order_by()
            .values(*cles)
            .annotate(
                total=Sum("nombre"),
                publies=Count("pk", filter=Q(secret=False)),
                secrets=Count("pk", filter=Q(secret=True)),
                taux=Max("taux_publie"),
            )
            .values_list(*cles, "total", "publies", "secrets", "taux")
        )
        n = len(cles)
        valeurs = {}
        for ligne in lignes:
            total, publies, secrets, taux = ligne[n:]
            # The source's published rate (`Donnee.taux_publie`) stands only for a group of one
            # row: months added up, or several rows, are the platform's own sum.
            valeurs[ligne[:n]] = calculs.Compte(
                nombre=total or 0,
                publies=publies,
                secrets=secrets,
                taux_publie=float(taux) if taux is not None and publies + secrets == 1 else None,
            )
        return cls(valeurs)

    def annees(self, indicateur: Indicateur | None = None) -> list[int]:
        return sorted({cle[2] for cle in self.valeurs if indicateur is None or cle[0] == indicateur.pk})

    def derniere_annee_de(self, territoire_ids) -> int | None:
        """The latest year in which one of `territoire_ids` (the contract's own territories, not
        the reference) has a figure."""
        ids = set(territoire_ids)
        return max((cle[2] for cle, compte in self.valeurs.items() if cle[1] in ids), default=None)

    def mois(self, indicateur: Indicateur) -> list[tuple[int, int]]:
        return sorted({(cle[2], cle[3]) for cle in self.valeurs if cle[0] == indicateur.pk})

    def indicateur_ids(self) -> set[int]:
        return {cle[0] for cle in self.valeurs}


def consolider(
    perimetre: Perimetre, comptes: Comptes, indicateur: Indicateur, annee: int, mois: int | None = None
) -> dict[int, calculs.Consolide]:
    """The rolled-up figures of every territory of the perimeter (and of the reference) for one
    indicator and one year (or one month of it)."""
    if mois is None:
        propres = comptes.propres(indicateur.pk, annee)
    else:
        propres = {
            cle[1]: compte
            for cle, compte in comptes.valeurs.items()
            if cle[0] == indicateur.pk and cle[2] == annee and cle[3] == mois
        }
    denominateurs = perimetre.denominateurs(annee, indicateur)
    racines = [perimetre.racine.pk]
    if perimetre.reference:
        racines.append(perimetre.reference.pk)
    return calculs.consolider(perimetre.enfants, racines, propres, denominateurs, annee=annee)


def serie_du_territoire(
    perimetre: Perimetre, comptes: Comptes, indicateur: Indicateur, territoire_id: int, annees: list[int]
) -> dict[int, calculs.Chiffre]:
    return {
        annee: consolider(perimetre, comptes, indicateur, annee)[territoire_id].total
        if territoire_id in perimetre.ids
        else calculs.Chiffre()
        for annee in annees
    }


def indicateurs_de(comptes: Comptes) -> list[Indicateur]:
    return list(Indicateur.objects.filter(pk__in=comptes.indicateur_ids()).order_by("ordre", "libelle"))
