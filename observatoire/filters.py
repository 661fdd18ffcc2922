"""The dashboards' filters (django-filter): period, indicator or family, territory level, source."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cls_poitiers.models import Territoire

from .models import Donnee, Indicateur, Source

NIVEAUX = [
    (Territoire.Niveau.COMMUNE, _("Communes")),
    (Territoire.Niveau.QUARTIER, _("Quartiers")),
]
PERIODICITES = [("annee", _("Par année")), ("mois", _("Par mois"))]


def _perimetre():
    """The current contract's territories, as a condition on Territoire (none without a
    contract): their pks, read once and kept in the dashboards' cache."""
    return Q(pk__in=sorted(Territoire.objects.ids_du_contrat_courant()))


class FiltreChiffres(django_filters.FilterSet):
    """Read by the views to choose what to aggregate (the roll-ups need every figure of the
    perimeter, so the filter says what to show rather than which rows to read)."""

    annee = django_filters.NumberFilter(
        label=_("Année"), widget=forms.NumberInput(attrs={"min": 1900, "max": 2200})
    )
    indicateur = django_filters.ModelChoiceFilter(
        queryset=Indicateur.objects.actifs(),
        to_field_name="code",
        label=_("Indicateur"),
        empty_label=_("(tous)"),
    )
    famille = django_filters.ChoiceFilter(
        field_name="indicateur__famille",
        choices=Indicateur.Famille.choices,
        label=_("Famille"),
        empty_label=_("(toutes)"),
    )
    niveau = django_filters.ChoiceFilter(
        field_name="territoire__niveau",
        choices=NIVEAUX,
        label=_("Niveau de territoire"),
        empty_label=_("(communes)"),
    )
    # Narrowed to the reader's sources in __init__ (querysets.SourceQuerySet.visibles_par).
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.none(),
        to_field_name="code",
        label=_("Source"),
        empty_label=_("(source principale)"),
    )
    territoires = django_filters.ModelMultipleChoiceFilter(
        field_name="territoire",
        queryset=Territoire.objects.order_by("niveau", "nom"),
        to_field_name="code",
        label=_("Territoires comparés"),
    )
    periodicite = django_filters.ChoiceFilter(
        choices=PERIODICITES, method="ne_filtre_pas", label=_("Périodicité"), empty_label=_("(par année)")
    )

    class Meta:
        model = Donnee
        fields = ["annee", "indicateur", "famille", "niveau", "source", "territoires", "periodicite"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the contract's territories are offered for comparison: the platform may know the
        # 35 000 communes of the national base, a list no one can choose from (nor render fast).
        from .tableaux_de_bord import cache

        perimetre = cache.memoriser("filtre-perimetre", _perimetre, detail=False)
        user = self.request.user if self.request is not None else None
        self.form.fields["source"].queryset = Source.objects.visibles_par(user)
        champ = self.form.fields["territoires"]
        champ.queryset = champ.queryset.filter(perimetre)

    def ne_filtre_pas(self, queryset, name, value):
        return queryset

    def source_refusee(self) -> bool:
        """A source was asked that this reader may not read (or that does not exist): the page
        refuses it rather than showing another source in its place."""
        return "source" in self.form.errors

    def valeurs(self) -> dict:
        """The cleaned choices (other invalid ones are ignored: the page falls back to its
        defaults; an invalid source is refused by the views, see `source_refusee`)."""
        if self.form.is_valid():
            return self.form.cleaned_data
        return {k: v for k, v in self.form.cleaned_data.items() if k not in self.form.errors}
