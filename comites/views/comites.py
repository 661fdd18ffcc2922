"""The committees: their list and each committee's page."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min, Q
from django.shortcuts import render
from django.utils import timezone

from cls_poitiers.perimetre import contrat_demande

from ..models import Comite, Reunion
from .acces import comite_visible, peut_gerer


@login_required
def comite_list(request):
    """The instances of the current contract, or of the one `?contrat=` names."""
    maintenant = timezone.now()
    contrat = contrat_demande(request)
    comites = (
        Comite.objects.visibles_par(request.user)
        .filter(contrat=contrat)
        .select_related("territoire")
        .annotate(
            nb_membres=Count("membres", distinct=True),
            prochaine=Min(
                "reunions__debut",
                filter=Q(reunions__debut__gte=maintenant) & ~Q(reunions__statut__in=("annulee", "brouillon")),
            ),
        )
        .order_by("type", "nom")
    )
    geres = set(Comite.objects.geres_par(request.user).values_list("pk", flat=True))
    return render(
        request, "comites/comite_list.html", {"comites": comites, "geres": geres, "contrat": contrat}
    )


@login_required
def comite_detail(request, code):
    comite = comite_visible(request, code)
    reunions = (
        Reunion.objects.visibles_par(request.user)
        .filter(comite=comite)
        .select_related("territoire")
        .order_by("-debut")
    )
    return render(
        request,
        "comites/comite_detail.html",
        {
            "comite": comite,
            "membres": comite.membres.select_related("partenaire"),
            "secretaires": comite.secretaires.all(),
            "reunions": reunions,
            "peut_gerer": peut_gerer(request.user, comite),
        },
    )
