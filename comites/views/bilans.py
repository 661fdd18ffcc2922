"""The annual review: the list, a draft opened and written by the coordination, its adoption by
the comité d'évaluation, and the review on screen, printable, as PDF and as a workbook."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cls_poitiers.models import Contrat
from cls_poitiers.perimetre import contrat_demande
from cls_poitiers.permissions import COORDINATION, has_role, role_required, sees_detailed_figures
from cls_poitiers.tableurs import reponse_xlsx

from .. import forms, services
from ..bilan import affichage, pdf
from ..models import Bilan
from .acces import executer


def _bilan(request, pk) -> Bilan:
    return get_object_or_404(
        Bilan.objects.visibles_par(request.user).select_related("contrat", "reunion_adoption", "cree_par"),
        pk=pk,
    )


def _bilan_editable(request, pk) -> Bilan:
    bilan = _bilan(request, pk)
    if not Bilan.objects.modifiables_par(request.user).filter(pk=bilan.pk).exists():
        raise PermissionDenied
    return bilan


def _parties(request, bilan: Bilan) -> dict:
    return affichage.presenter(bilan, affichage.donnees(bilan), detail=sees_detailed_figures(request.user))


@login_required
def bilan_list(request):
    """The reviews of the current contract, or of the one `?contrat=` names."""
    contrat = contrat_demande(request)
    bilans = (
        Bilan.objects.visibles_par(request.user)
        .filter(contrat=contrat)
        .select_related("reunion_adoption")
        .order_by("-annee", "-version")
    )
    return render(
        request,
        "comites/bilan_list.html",
        {
            "bilans": bilans,
            "contrat": contrat,
            "form": forms.BilanNouveauForm() if has_role(request.user, COORDINATION) else None,
        },
    )


@role_required(COORDINATION)
@require_POST
def bilan_rediger(request):
    form = forms.BilanNouveauForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une année valide."))
        return redirect("comites:bilan_list")
    # A review of year N belongs to the contract in force in N, not to today's.
    contrat = Contrat.objects.de_l_annee(form.cleaned_data["annee"])
    if contrat is None:
        messages.error(
            request,
            _("Aucun contrat n'était en vigueur en %(annee)s : il n'y a pas de bilan à rédiger.")
            % {"annee": form.cleaned_data["annee"]},
        )
        return redirect("comites:bilan_list")
    try:
        bilan = services.rediger_bilan(contrat=contrat, annee=form.cleaned_data["annee"], par=request.user)
    except services.ActionImpossible as exc:
        messages.error(request, str(exc))
        return redirect("comites:bilan_list")
    messages.success(request, _("Projet de bilan ouvert : rédigez le bilan qualitatif."))
    return redirect("comites:bilan_modifier", pk=bilan.pk)


@login_required
def bilan_detail(request, pk):
    bilan = _bilan(request, pk)
    peut_editer = Bilan.objects.modifiables_par(request.user).filter(pk=bilan.pk).exists()
    adoption = None
    if peut_editer:
        adoption = forms.AdoptionBilanForm(
            reunions=services.reunions_d_adoption(bilan),
            action=reverse("comites:bilan_adopter", kwargs={"pk": bilan.pk}),
        )
    autres = (
        Bilan.objects.visibles_par(request.user)
        .filter(contrat=bilan.contrat, annee=bilan.annee)
        .exclude(pk=bilan.pk)
    )
    return render(
        request,
        "comites/bilan_detail.html",
        {
            "bilan": bilan,
            "parties": _parties(request, bilan),
            "peut_editer": peut_editer,
            "adoption": adoption,
            "autres_versions": autres.order_by("version"),
        },
    )


@login_required
def bilan_modifier(request, pk):
    bilan = _bilan_editable(request, pk)
    priorites = bilan.contrat.priorites.order_by("numero")
    form = forms.BilanForm(request.POST or None, priorites=priorites, bilan=bilan)
    if request.method == "POST" and form.is_valid():
        executer(
            request,
            services.modifier_bilan,
            bilan=bilan,
            par=request.user,
            textes=form.textes(),
            evenements=form.cleaned_data["evenements"],
            succes=_("Bilan qualitatif enregistré."),
        )
        return redirect(bilan)
    return render(request, "comites/bilan_form.html", {"bilan": bilan, "form": form})


@login_required
@require_POST
def bilan_adopter(request, pk):
    bilan = _bilan_editable(request, pk)
    form = forms.AdoptionBilanForm(request.POST, reunions=services.reunions_d_adoption(bilan))
    if not form.is_valid():
        messages.error(request, _("Choisissez une réunion tenue du comité d'évaluation."))
        return redirect(bilan)
    executer(
        request,
        services.adopter_bilan,
        bilan=bilan,
        reunion=form.cleaned_data["reunion"],
        par=request.user,
        succes=_("Bilan adopté : ses chiffres sont figés."),
    )
    return redirect(bilan)


@login_required
def bilan_imprimable(request, pk):
    bilan = _bilan(request, pk)
    return render(
        request, "comites/bilan_imprimable.html", {"bilan": bilan, "parties": _parties(request, bilan)}
    )


def _nom_bilan(bilan: Bilan, extension: str) -> str:
    return f"bilan-{bilan.annee}-v{bilan.version}.{extension}"


@login_required
def bilan_pdf(request, pk):
    bilan = _bilan(request, pk)
    response = HttpResponse(pdf.bilan_pdf(bilan, _parties(request, bilan)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_nom_bilan(bilan, "pdf")}"'
    return response


@login_required
def bilan_xlsx(request, pk):
    bilan = _bilan(request, pk)
    return reponse_xlsx(_nom_bilan(bilan, "xlsx"), affichage.feuilles(_parties(request, bilan)))
