"""Reads on the core models, as queryset methods."""

from django.db import models


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
