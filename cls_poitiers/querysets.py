"""Reads on the core models, as queryset methods."""

import datetime

from django.db import models
from django.utils import timezone


class PartenaireQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


NIVEAUX_ORDONNES = ("departement", "district", "commune", "quartier")


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


class ContratQuerySet(models.QuerySet):
    def courant(self, au: datetime.date | None = None):
        """The current contract, the one every page, panel, reminder and computation works on: the
        one in force on `au` (today by default), that is the last signed by then; when none is yet,
        the latest. None without any contract. Successive contracts (the CLS, later strategies) all
        stay readable; only this one is "the" contract."""
        au = au or timezone.localdate()
        a_venir = models.Case(
            models.When(date_signature__lte=au, then=models.Value(0)), default=models.Value(1)
        )
        return self.alias(a_venir=a_venir).order_by("a_venir", "-date_signature", "-pk").first()
