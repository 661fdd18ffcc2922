"""Reads on the core models, as queryset methods."""

import datetime

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone


class PartenaireQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


NIVEAUX_ORDONNES = ("pays", "region", "departement", "epci", "district", "commune", "quartier")


class TerritoireQuerySet(models.QuerySet):
    def hierarchie(self):
        """From the widest territory to the narrowest, then by name."""
        rang = models.Case(
            *(models.When(niveau=niveau, then=models.Value(i)) for i, niveau in enumerate(NIVEAUX_ORDONNES)),
            default=models.Value(len(NIVEAUX_ORDONNES)),
        )
        return self.alias(rang_niveau=rang).order_by("rang_niveau", "nom")

    def districts(self):
        return self.filter(niveau="district")

    def communes(self):
        return self.filter(niveau="commune")

    def quartiers(self):
        return self.filter(niveau="quartier")

    def prioritaires(self):
        return self.filter(prioritaire=True)

    def du_contrat(self, contrat):
        """The contract's perimeter: its territory and what rolls up into it (communes, their
        quartiers). What forms, filters and lists offer; the rest of the referential is reached by
        search only. Empty without a contract."""
        if contrat is None:
            return self.none()
        racine = contrat.territoire_id
        return self.filter(
            models.Q(pk=racine)
            | models.Q(parent_id=racine)
            | models.Q(parent__parent_id=racine)
            | models.Q(parent__parent__parent_id=racine)
        )

    def par_code(self, code: str, niveau: str | None = None):
        """The territory of that code, at that level when given; without a level, the narrowest
        one (a commune before a département, a département before a région). None if unknown."""
        trouves = self.filter(code=code)
        if niveau:
            trouves = trouves.filter(niveau=niveau)
        rangs = {n: i for i, n in enumerate(reversed(NIVEAUX_ORDONNES))}
        return min(trouves, key=lambda t: rangs.get(t.niveau, 0), default=None)


class ContratQuerySet(models.QuerySet):
    def avec_debut(self):
        return self.alias(debut_effectif=Coalesce("date_debut", "date_signature"))

    def en_vigueur(self, au: datetime.date | None = None):
        """The contracts in force on `au` (today by default): begun by then, not yet ended."""
        au = au or timezone.localdate()
        return self.avec_debut().filter(
            models.Q(date_fin__isnull=True) | models.Q(date_fin__gte=au), debut_effectif__lte=au
        )

    def courant(self, au: datetime.date | None = None):
        """The current contract, the one every page, panel, reminder and computation works on: the
        one in force on `au` (today by default), the latest begun when several are; when none is,
        the last begun by then; when none has begun yet, the latest. None without any contract.
        Successive contracts (the CLS, later strategies) all stay readable; only this one is "the"
        contract. A review of year N asks for the contract in force in N (`au` in that year). One
        query: the platform's name reads it on every page (cls_poitiers.identite)."""
        au = au or timezone.localdate()
        commence = models.Q(debut_effectif__lte=au)
        rang = models.Case(
            models.When(commence & (models.Q(date_fin__isnull=True) | models.Q(date_fin__gte=au)), then=0),
            models.When(commence, then=1),
            default=2,
        )
        return self.avec_debut().alias(rang=rang).order_by("rang", "-debut_effectif", "-pk").first()

    def chevauchant(self, contrat):
        """The council's other contracts whose period overlaps `contrat`'s (a council's contracts
        are those on the same territory). An open end runs until the next contract begins, so two
        contracts overlap when they begin the same day, or when one begins inside the other's
        bounded period."""
        debut = contrat.date_debut or contrat.date_signature
        autres = self.avec_debut().filter(territoire_id=contrat.territoire_id).exclude(pk=contrat.pk)
        chevauche = models.Q(debut_effectif=debut) | models.Q(
            date_fin__isnull=False, debut_effectif__lte=debut, date_fin__gte=debut
        )
        if contrat.date_fin is not None:
            chevauche |= models.Q(debut_effectif__gte=debut, debut_effectif__lte=contrat.date_fin)
        return autres.filter(chevauche).order_by("debut_effectif")
