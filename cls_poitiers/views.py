"""Pages of the contract's core: home per role, the contract, priorities, partners, territories."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from . import registry
from .models import Contrat, Partenaire, Population, Priorite, Territoire


@login_required
def accueil(request):
    contrat = Contrat.objects.select_related("territoire").courant()
    return render(
        request,
        "cls_poitiers/accueil.html",
        {"contrat": contrat, "slots": registry.home_slots_for(request)},
    )


@login_required
def contrat_detail(request, pk):
    contrat = get_object_or_404(Contrat.objects.select_related("territoire"), pk=pk)
    return render(
        request,
        "cls_poitiers/contrat_detail.html",
        {
            "contrat": contrat,
            "priorites": contrat.priorites.all(),
            "signataires": contrat.signataires.select_related("partenaire"),
            "territoires_prioritaires": Territoire.objects.prioritaires().select_related("parent"),
        },
    )


@login_required
def priorite_detail(request, pk):
    priorite = get_object_or_404(Priorite.objects.select_related("contrat"), pk=pk)
    return render(request, "cls_poitiers/priorite_detail.html", {"priorite": priorite})


@login_required
def partenaire_list(request):
    partenaires = (
        Partenaire.objects.actifs().select_related("territoire").annotate(nb_signatures=Count("signatures"))
    )
    return render(request, "cls_poitiers/partenaire_list.html", {"partenaires": partenaires})


@login_required
def partenaire_detail(request, code):
    partenaire = get_object_or_404(Partenaire.objects.select_related("territoire"), code=code)
    return render(
        request,
        "cls_poitiers/partenaire_detail.html",
        {"partenaire": partenaire, "signatures": partenaire.signatures.select_related("contrat")},
    )


@login_required
def territoire_list(request):
    territoires = (
        Territoire.objects.exclude(niveau=Territoire.Niveau.QUARTIER)
        .select_related("parent")
        .prefetch_related(
            Prefetch("enfants", queryset=Territoire.objects.order_by("nom")),
            Prefetch("populations", queryset=Population.objects.order_by("-annee")),
        )
        .hierarchie()
    )
    return render(request, "cls_poitiers/territoire_list.html", {"territoires": territoires})


@login_required
def territoire_detail(request, code):
    # A code names one territory per level (75: Paris and Nouvelle-Aquitaine): ?niveau= says which.
    territoire = Territoire.objects.select_related("parent").par_code(code, request.GET.get("niveau"))
    if territoire is None:
        raise Http404(_("Territoire inconnu."))
    return render(
        request,
        "cls_poitiers/territoire_detail.html",
        {
            "territoire": territoire,
            "enfants": territoire.enfants.order_by("nom"),
            "populations": territoire.populations.order_by("-annee"),
        },
    )
