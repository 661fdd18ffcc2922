"""Filters of the meetings list (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Comite, Reunion


class ReunionFilter(django_filters.FilterSet):
    comite = django_filters.ModelChoiceFilter(label=_("Comité"), queryset=Comite.objects.none())
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), choices=Reunion.Statut.choices, empty_label=_("Tous")
    )
    nature = django_filters.ChoiceFilter(
        label=_("Nature"), choices=Reunion.Nature.choices, empty_label=_("Toutes")
    )
    annee = django_filters.NumberFilter(label=_("Année"), field_name="debut", lookup_expr="year")

    class Meta:
        model = Reunion
        fields = ["comite", "statut", "nature", "annee"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["comite"].queryset = Comite.objects.visibles_par(user).order_by("type", "nom")
