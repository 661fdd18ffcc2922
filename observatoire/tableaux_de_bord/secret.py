"""What a user may see of a figure: the one place where secrecy is applied, for pages, exports and
the JSON endpoint alike.

- A figure masked at the source shows "secret statistique".
- For every role but Observatoire and Coordination (`permissions.sees_detailed_figures`), a count
  from 1 to under settings.CLS_SEUIL_SECRET shows "< N" and its rate is hidden (primary
  suppression); a published zero is a real zero (the SSMSI publishes zeros) and shows 0.
- Secondary suppression: a total and its parts are tied by "total = parts" (district = its
  communes, commune = its quartiers + its "non localisé" part). Wherever a total and its parts
  are shown to a reader who sees masks, one masked cell alone in such a relation could be
  recovered by subtraction, and the masked parts of a published total add up to what the
  subtraction gives. So, in every relation, either no cell is masked, or at least two are and,
  when the total is published, its masked parts add up to the threshold or more. Where that does
  not hold, one more cell is masked: the smallest published part ("non localisé" included), or
  the total when every part already is, until every relation holds.
  With relations arranged as a tree (each cell is the total of one relation at most and a part of
  one at most), this rule leaves no masked cell determined by the published ones
  (`tests/observatoire/test_secret_secondaire.py` checks it by exact linear algebra).
- The pattern (`Motif`) is computed once per indicator and period on the whole tree of the
  contract's territories, and every table, chart, export and JSON row of that period reads the
  same one: a cell masked in one of them is masked in all. A monthly series adds the relations
  "year = its months" to the months' trees and keeps the year's cells as the yearly pattern has
  them (`Motif.calculer_par_mois`); with those relations the tables are no longer a tree, and the
  same rule is the usual heuristic of statistical offices rather than a proof.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from cls_poitiers import formats

from . import calculs

SOUS_SEUIL = "sous_seuil"
# Masked by secondary suppression (see above): the count is in its totals, but not shown.
MASQUE = "masque"

# The two cells a territory has in a consolidation: its total and its "non localisé" part.
TOTAL = "total"
NON_LOCALISE = "non_localise"


@dataclass(frozen=True)
class Affiche:
    """A figure as one user may see it: display strings and the raw values that may be exported."""

    nombre: int | None
    nombre_texte: str
    taux: float | None
    taux_texte: str
    denominateur: int | None
    statut: str
    anterieur: bool

    @property
    def masque(self) -> bool:
        return self.statut in (calculs.SECRET, SOUS_SEUIL, MASQUE)

    @property
    def valeur_export(self):
        """The count for an export cell: a number, "< 5", or empty when secret."""
        if self.statut == SOUS_SEUIL:
            return self.nombre_texte
        return self.nombre

    def en_dict(self) -> dict:
        return {
            "nombre": self.nombre,
            "nombre_affiche": self.nombre_texte,
            "denominateur": self.denominateur,
            "taux_pour_mille": round(self.taux, 4) if self.taux is not None else None,
            "statut": self.statut,
        }


def seuil() -> int:
    return settings.CLS_SEUIL_SECRET


def sous_le_seuil(chiffre: calculs.Chiffre) -> bool:
    """A published count too small to be shown to every reader (primary suppression): from 1 to
    under the threshold; a published zero is a real zero."""
    return chiffre.publies > 0 and chiffre.nombre is not None and 0 < chiffre.nombre < seuil()


def _afficher(chiffre: calculs.Chiffre, detail: bool, masque: bool) -> Affiche:
    statut = chiffre.statut
    if statut == calculs.SECRET:
        return Affiche(None, _("secret statistique"), None, "", None, statut, False)
    if statut == calculs.VIDE:
        return Affiche(None, "—", None, "", None, statut, False)
    if not detail and sous_le_seuil(chiffre):
        return Affiche(None, f"< {seuil()}", None, "", None, SOUS_SEUIL, False)
    if not detail and masque:
        return Affiche(None, _("secret statistique"), None, "", None, MASQUE, False)
    taux = chiffre.taux
    return Affiche(
        nombre=chiffre.nombre,
        nombre_texte=formats.nombre(chiffre.nombre),
        taux=taux,
        taux_texte=formats.taux(taux) if taux is not None else "",
        denominateur=chiffre.denominateur,
        statut=statut,
        anterieur=chiffre.denominateur_anterieur,
    )


Cellule = tuple[Hashable, str]


@dataclass(frozen=True)
class Relation:
    """A published total and its published parts: total = sum of the parts."""

    total: Cellule
    parties: tuple[Cellule, ...]


def relations(consolides: Mapping[Hashable, calculs.Consolide], enfants: Mapping) -> list[Relation]:
    """The relations "total = parts" of one consolidation (`calculs.consolider`): a territory's
    total is the sum of its children's totals and of its "non localisé" part, over the parts
    that have a published count (a part masked at the source is in no sum)."""
    resultat = []
    for territoire, consolide in consolides.items():
        if consolide.total.publies == 0:
            continue
        parties = [
            (enfant, TOTAL)
            for enfant in enfants.get(territoire, [])
            if enfant in consolides and consolides[enfant].total.publies
        ]
        if consolide.non_localise is not None and consolide.non_localise.publies:
            parties.append((territoire, NON_LOCALISE))
        if parties:
            resultat.append(Relation((territoire, TOTAL), tuple(parties)))
    return resultat


def valeur(consolides: Mapping[Hashable, calculs.Consolide], cellule: Cellule) -> calculs.Chiffre | None:
    territoire, partie = cellule
    consolide = consolides.get(territoire)
    if consolide is None:
        return None
    return consolide.total if partie == TOTAL else consolide.non_localise


def _cellules(consolides: Mapping[Hashable, calculs.Consolide]) -> dict[Cellule, calculs.Chiffre]:
    """The published cells of a consolidation: every territory's total and "non localisé" part."""
    cellules = {}
    for territoire in consolides:
        for partie in (TOTAL, NON_LOCALISE):
            chiffre = valeur(consolides, (territoire, partie))
            if chiffre is not None and chiffre.publies:
                cellules[(territoire, partie)] = chiffre
    return cellules


def supprimer(
    valeurs: Mapping[Cellule, int], liens: Iterable[Relation], primaires: Iterable[Cellule], limite: int
) -> frozenset[Cellule]:
    """The cells to mask: `primaires` and the fewest more, chosen one at a time (the smallest
    published part other than a zero, or the total when every part is masked), until every
    relation has no masked cell, or two or more whose sum, when the total is published, is
    `limite` or more."""
    liens = list(liens)
    masques = set(primaires)
    # A part that is itself a total costs more to mask (its own relation then needs a mask too).
    # A published zero protects nothing (it adds nothing to a masked sum): it comes last. Every
    # other published cell is at least `limite`, so one of them suffices beside a masked cell.
    totaux = {lien.total for lien in liens}
    change = True
    while change:
        change = False
        for lien in liens:
            caches = [p for p in lien.parties if p in masques]
            total_cache = lien.total in masques
            if not caches and not total_cache:
                continue
            if total_cache and caches:
                continue
            if not total_cache and len(caches) >= 2 and sum(valeurs[p] for p in caches) >= limite:
                continue
            visibles = [p for p in lien.parties if p not in masques]
            if visibles:
                masques.add(min(visibles, key=lambda p: (valeurs[p] == 0, valeurs[p], p in totaux, repr(p))))
            else:
                masques.add(lien.total)
            change = True
    return frozenset(masques)


@dataclass(frozen=True)
class Motif:
    """The masked cells of one consolidation (one indicator, one period, the whole tree) for one
    reader: empty for a reader who sees every count."""

    detail: bool
    masques: frozenset[Cellule] = field(default_factory=frozenset)

    @classmethod
    def calculer(cls, consolides: Mapping[Hashable, calculs.Consolide], enfants: Mapping, *, detail: bool):
        if detail:
            return cls(detail=True)
        cellules = _cellules(consolides)
        primaires = [c for c, chiffre in cellules.items() if sous_le_seuil(chiffre)]
        valeurs = {c: chiffre.nombre or 0 for c, chiffre in cellules.items()}
        masques = supprimer(valeurs, relations(consolides, enfants), primaires, seuil())
        return cls(detail=False, masques=masques)

    @classmethod
    def calculer_par_mois(
        cls,
        par_mois: Mapping[tuple[int, int], Mapping[Hashable, calculs.Consolide]],
        enfants: Mapping,
        annuels: Mapping[int, tuple[Mapping[Hashable, calculs.Consolide], "Motif"]],
        *,
        detail: bool,
    ):
        """A monthly series' pattern, its cells named (territory, part, (year, month)): each
        month's tree, tied to the year's total ("year = its months", where the year's count is
        exactly the sum of its months), the year's cells masked as its own pattern masks them
        (`annuels`: {year: (consolidation, pattern)}), so that a month never reveals a yearly
        cell nor the year a month."""
        if detail:
            return cls(detail=True)
        valeurs: dict = {}
        liens: list[Relation] = []
        primaires: list = []
        for periode, consolides in par_mois.items():
            for (territoire, partie), chiffre in _cellules(consolides).items():
                valeurs[(territoire, partie, periode)] = chiffre.nombre or 0
                if sous_le_seuil(chiffre):
                    primaires.append((territoire, partie, periode))
            for lien in relations(consolides, enfants):
                liens.append(
                    Relation((*lien.total, periode), tuple((*partie, periode) for partie in lien.parties))
                )
        for annee, (consolides, motif) in annuels.items():
            for territoire, consolide in consolides.items():
                mois = [(territoire, TOTAL, p) for p in par_mois if p[0] == annee]
                mois = [c for c in mois if c in valeurs]
                if (
                    not mois
                    or not consolide.total.publies
                    or consolide.total.nombre != sum(valeurs[c] for c in mois)
                ):
                    continue  # no month, or yearly rows besides the months: no exact relation
                total = (territoire, TOTAL, annee)
                valeurs[total] = consolide.total.nombre
                if (territoire, TOTAL) in motif.masques:
                    primaires.append(total)
                liens.append(Relation(total, tuple(mois)))
        return cls(detail=False, masques=supprimer(valeurs, liens, primaires, seuil()))

    def afficher(self, chiffre: calculs.Chiffre, cellule: Cellule | None = None) -> Affiche:
        """`chiffre` as this reader may see it; `cellule` (territory, TOTAL or NON_LOCALISE) names
        it in the consolidation the pattern was computed on (None: a figure in no relation)."""
        return _afficher(chiffre, self.detail, cellule in self.masques)


def statut_export(affiche: Affiche, *, partiel: bool) -> str:
    """The `statut` of an export row or a JSON result: secret (masked at the source, in no
    total), masque (secondary suppression: in its totals, not shown), partiel (an aggregate
    that lacks parts, `completude`) or publie."""
    if affiche.statut in (calculs.SECRET, MASQUE):
        return affiche.statut
    return calculs.PARTIEL if partiel or affiche.statut == calculs.PARTIEL else calculs.PUBLIE


def afficher_evolution(evolution: calculs.Evolution, courant: Affiche, precedent: Affiche):
    """A change is shown only when both figures are shown in full (else it would reveal them)."""
    if courant.masque or precedent.masque or evolution.pourcentage is None:
        return None
    return evolution
