"""Reads on the core models, as queryset methods."""

from django.db import models


class PartenaireQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


class TerritoireQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(niveau="district")

    def communes(self):
        return self.filter(niveau="commune")

    def quartiers(self):
        return self.filter(niveau="quartier")

    def prioritaires(self):
        return self.filter(prioritaire=True)
