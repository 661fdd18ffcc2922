"""Whether an aggregate covers all its parts: a total is complete only when every part has a figure.

A territory's total is the source's own figure when none of its children has one (the source
published it: complete). Otherwise it is the sum of its children's totals (and of its "non
localisé" part), and it is complete only when every child's total is complete and no part is
masked at the source. A partial total says how much it covers: "partiel : 1 commune sur 10,
14,3 % de la population" (the population of the parts that have a figure, over that of all
the parts, for the figure's year or the nearest earlier one).

Counts masked for a reader under the threshold are in the total (it covers them): they do not
make it partial; counts masked at the source are in no total and do.
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cls_poitiers import formats

from . import calculs


@dataclass(frozen=True)
class Couverture:
    """How many of an aggregate's parts (children of one level) have a complete figure, and
    their share of the parts' population (None when a part's population is unknown)."""

    avec_chiffre: int
    parties: int
    niveau: str
    part_population: float | None
    secret_propre: bool = False

    @property
    def complete(self) -> bool:
        return self.avec_chiffre == self.parties and not self.secret_propre

    def texte(self) -> str:
        """'partiel : 1 commune sur 10, 14,3 % de la population', '' when complete."""
        if self.complete:
            return ""
        if self.niveau == "quartier":
            parties = ngettext(
                "%(n)s quartier sur %(total)s", "%(n)s quartiers sur %(total)s", self.avec_chiffre
            )
        elif self.niveau == "commune":
            parties = ngettext(
                "%(n)s commune sur %(total)s", "%(n)s communes sur %(total)s", self.avec_chiffre
            )
        elif self.niveau == "departement":
            parties = ngettext(
                "%(n)s département sur %(total)s", "%(n)s départements sur %(total)s", self.avec_chiffre
            )
        else:
            parties = ngettext(
                "%(n)s territoire sur %(total)s", "%(n)s territoires sur %(total)s", self.avec_chiffre
            )
        texte = _("partiel : ") + parties % {"n": self.avec_chiffre, "total": self.parties}
        if self.part_population is not None:
            texte += _(", %(p)s de la population") % {"p": formats.pourcentage(self.part_population, 1)}
        return texte

    def en_dict(self) -> dict:
        return {
            "parties_avec_chiffre": self.avec_chiffre,
            "parties": self.parties,
            "niveau_des_parties": self.niveau,
            "part_population": round(self.part_population, 4) if self.part_population is not None else None,
        }


def couvertures(
    consolides: Mapping[Hashable, calculs.Consolide],
    enfants: Mapping[Hashable, list],
    niveaux: Mapping[Hashable, str],
    population: Callable[[Hashable], int | None],
) -> dict[Hashable, Couverture]:
    """The coverage of every aggregate of one consolidation (`calculs.consolider`): the
    territories whose total is a sum of their children's. `niveaux` gives each territory's level,
    `population(territoire)` its inhabitants for the period."""
    resultat: dict[Hashable, Couverture] = {}

    def chiffre(territoire) -> calculs.Chiffre:
        consolide = consolides.get(territoire)
        return consolide.total if consolide else calculs.Chiffre()

    def complet(territoire) -> bool:
        if territoire in resultat:
            return resultat[territoire].complete
        return chiffre(territoire).statut == calculs.PUBLIE

    def visiter(territoire) -> None:
        parties = enfants.get(territoire, [])
        for enfant in parties:
            visiter(enfant)
        if territoire not in consolides or not any(chiffre(e).statut != calculs.VIDE for e in parties):
            return  # a leaf, or a total published by the source itself
        couvertes = [e for e in parties if complet(e)]
        populations = [population(e) for e in parties]
        part = None
        if populations and all(p for p in populations):
            part = sum(population(e) for e in couvertes) / sum(populations) * 100
        non_localise = consolides[territoire].non_localise
        resultat[territoire] = Couverture(
            avec_chiffre=len(couvertes),
            parties=len(parties),
            niveau=_niveau_commun([niveaux.get(e, "") for e in parties]),
            part_population=part,
            secret_propre=bool(non_localise and non_localise.secrets),
        )

    sous_un_parent = {e for parties in enfants.values() for e in parties}
    for racine in [t for t in consolides if t not in sous_un_parent]:
        visiter(racine)
    return resultat


def _niveau_commun(niveaux: list[str]) -> str:
    return niveaux[0] if niveaux and all(n == niveaux[0] for n in niveaux) else ""
