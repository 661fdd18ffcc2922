"""Filters of the commitments list (django-filter). The list, its export and its counts use the
same FilterSet, so an export carries exactly the rows the user was looking at."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cls_poitiers.models import Partenaire, Priorite, Territoire

from .models import Engagement
from .querysets import Statut


class EngagementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method="rechercher")
    priorite = django_filters.ModelChoiceFilter(
        label=_("Priorité"),
        field_name="action__priorite",
        queryset=Priorite.objects.all(),
        empty_label=_("Toutes"),
    )
    partenaire = django_filters.ModelChoiceFilter(
        label=_("Partenaire"), queryset=Partenaire.objects.all(), to_field_name="code", empty_label=_("Tous")
    )
    territoire = django_filters.ModelChoiceFilter(
        label=_("Territoire"),
        queryset=Territoire.objects.order_by("niveau", "nom"),
        to_field_name="code",
        method="sur_territoire",
        empty_label=_("Tous"),
    )
    statut = django_filters.ChoiceFilter(
        label=_("État"), choices=Statut.choices, field_name="statut", empty_label=_("Tous")
    )
    en_retard = django_filters.BooleanFilter(
        label=_("En retard seulement"), method="seulement_en_retard", widget=forms.CheckboxInput
    )
    tri = django_filters.OrderingFilter(
        label=_("Trier par"),
        empty_label=_("Priorité puis référence"),
        fields=(
            ("action__priorite__numero", "priorite"),
            ("reference", "reference"),
            ("partenaire__nom", "partenaire"),
            ("echeance", "echeance"),
            ("statut", "statut"),
        ),
        field_labels={
            "action__priorite__numero": _("priorité"),
            "reference": _("référence"),
            "partenaire__nom": _("partenaire"),
            "echeance": _("échéance"),
            "statut": _("état"),
        },
    )

    class Meta:
        model = Engagement
        fields: list[str] = []

    def rechercher(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(description__icontains=value))

    def sur_territoire(self, queryset, name, territoire):
        """On the territory or one of the territories under it (a commune's quartiers)."""
        if territoire is None:
            return queryset
        codes = Territoire.objects.filter(Q(pk=territoire.pk) | Q(parent=territoire)).values("pk")
        through = Engagement.territoires.through.objects.filter(territoire__in=codes)
        return queryset.filter(pk__in=through.values("engagement_id"))

    def seulement_en_retard(self, queryset, name, value):
        return queryset.en_retard() if value else queryset
