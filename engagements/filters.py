"""Filters of the commitments list (django-filter). The list, its export and its counts use the
same FilterSet, so an export carries exactly the rows the user was looking at."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cls_poitiers.models import Contrat, Partenaire, Priorite, Territoire

from .models import Engagement
from .querysets import Statut


class EngagementFilter(django_filters.FilterSet):
    """The current contract's commitments by default; `contrat` shows an earlier one's. Its
    priorities and the current contract's territories are what the filters offer."""

    contrat = django_filters.ModelChoiceFilter(
        label=_("Contrat"),
        queryset=Contrat.objects.order_by("-date_signature"),
        method="ne_filtre_pas",
        empty_label=_("Contrat courant"),
    )
    q = django_filters.CharFilter(label=_("Rechercher"), method="rechercher")
    priorite = django_filters.ModelChoiceFilter(
        label=_("Priorité"),
        field_name="action__priorite",
        queryset=Priorite.objects.none(),
        empty_label=_("Toutes"),
    )
    partenaire = django_filters.ModelChoiceFilter(
        label=_("Partenaire"), queryset=Partenaire.objects.all(), to_field_name="code", empty_label=_("Tous")
    )
    territoire = django_filters.ModelChoiceFilter(
        label=_("Territoire"),
        queryset=Territoire.objects.none(),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["priorite"].queryset = Priorite.objects.filter(contrat=self._contrat_sql())
        self.form.fields["territoire"].queryset = Territoire.objects.du_contrat_courant().order_by(
            "niveau", "nom"
        )

    def _contrat_sql(self):
        """The contract shown: the one asked for (a pk, checked by the form), else the current
        one, as a value or a subquery (no extra query)."""
        demande = (self.data or {}).get("contrat", "")
        return int(demande) if str(demande).isdigit() else Contrat.objects.courant_sql()

    @property
    def qs(self):
        if not hasattr(self, "_qs_du_contrat"):
            filtres = super().qs  # validates a bound form: a wrong contract is ignored, as any filter
            contrat = getattr(self.form, "cleaned_data", {}).get("contrat")
            self._qs_du_contrat = filtres.filter(
                action__priorite__contrat=contrat or Contrat.objects.courant_sql()
            )
        return self._qs_du_contrat

    def ne_filtre_pas(self, queryset, name, value):
        return queryset

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
