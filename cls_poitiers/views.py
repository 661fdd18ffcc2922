"""Pages of the contract's core: home per role, the contract, priorities, partners, territories."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from . import registry
from .models import Contrat, Partenaire, Population, Priorite, Territoire
from .perimetre import territoire_de_l_adresse, territoires_publies


@login_required
def accueil(request):
    contrat = Contrat.objects.select_related("territoire").courant()
    return render(
        request,
        "cls_poitiers/accueil.html",
        {"contrat": contrat, "slots": registry.home_slots_for(request)},
    )


@login_required
def contrat_list(request):
    """The council's successive contracts (the CLS, its later strategies), each with its period,
    its nature and whether it is in force today."""
    contrats = Contrat.objects.avec_etat().select_related("territoire").order_by("-debut_effectif", "-pk")
    return render(
        request,
        "cls_poitiers/contrat_list.html",
        {"contrats": contrats, "courant": Contrat.objects.courant()},
    )


@login_required
def contrat_detail(request, pk):
    contrat = get_object_or_404(Contrat.objects.avec_etat().select_related("territoire"), pk=pk)
    return render(
        request,
        "cls_poitiers/contrat_detail.html",
        {
            "contrat": contrat,
            "priorites": contrat.priorites.all(),
            "signataires": contrat.signataires.select_related("partenaire"),
            "territoires_prioritaires": Territoire.objects.du_contrat(contrat)
            .prioritaires()
            .select_related("parent"),
            "precedent": Contrat.objects.precedent(contrat),
            "suivant": Contrat.objects.suivant(contrat),
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
    """The current contract's territories (never the whole referential)."""
    territoires = (
        Territoire.objects.du_contrat_courant()
        .exclude(niveau=Territoire.Niveau.QUARTIER)
        .select_related("parent")
        .prefetch_related(
            Prefetch("enfants", queryset=Territoire.objects.du_contrat_courant().order_by("nom")),
            Prefetch("populations", queryset=Population.objects.order_by("-annee")),
        )
        .hierarchie()
    )
    return render(request, "cls_poitiers/territoire_list.html", {"territoires": territoires})


@login_required
def territoire_detail(request, code):
    """A territory of the current contract, or of its national context (France, a région, a
    département: their page lists only the contract's territories under them). Any other
    territory of the referential has no page: 404."""
    publies = territoires_publies()
    territoire = territoire_de_l_adresse(request, code, publies.select_related("parent"))
    return render(
        request,
        "cls_poitiers/territoire_detail.html",
        {
            "territoire": territoire,
            "enfants": territoire.enfants.filter(pk__in=publies.values("pk")).order_by("nom"),
            "populations": territoire.populations.order_by("-annee"),
        },
    )
