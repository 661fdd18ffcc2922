"""What a meeting records, by those who manage it: its agenda (before the convocation), then
once held its attendance, minutes, decisions and, for the comité de pilotage, amendments; and a
meeting held without a convocation through the platform, recorded afterwards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import forms, services
from ..models import Comite, PointOrdreDuJour
from .acces import S, action_sur_reunion, comite_gere, executer, formulaire_sur_reunion, reunion_geree


@login_required
def reunion_passee(request, code):
    """Record a meeting that took place without a convocation through the platform: it is held at
    once, and its page then takes the attendance, minutes and decisions."""
    comite = comite_gere(request, code)
    form = forms.ReunionPasseeForm(request.POST or None, comite=comite)
    if request.method == "POST" and form.is_valid():
        try:
            reunion = services.enregistrer_reunion_passee(comite=comite, par=request.user, **form.donnees())
        except services.ActionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Réunion passée enregistrée comme tenue : saisissez les présences, le compte rendu "
                    "et les décisions."
                ),
            )
            return redirect(reunion)
    return render(request, "comites/reunion_passee.html", {"comite": comite, "form": form})


@login_required
@require_POST
def point_ajouter(request, pk):
    reunion = reunion_geree(request, pk)
    form = forms.PointForm(request.POST)
    if form.is_valid():
        executer(
            request,
            services.ajouter_point,
            reunion=reunion,
            par=request.user,
            **form.cleaned_data,
            succes=_("Point ajouté à l'ordre du jour."),
        )
    else:
        messages.error(
            request, _("Point non ajouté : indiquez un intitulé et une durée d'au moins une minute.")
        )
    return redirect(reunion)


@login_required
@require_POST
def point_retirer(request, pk, point_pk):
    reunion = reunion_geree(request, pk)
    point = get_object_or_404(PointOrdreDuJour, pk=point_pk, reunion=reunion)
    executer(
        request,
        services.retirer_point,
        point=point,
        par=request.user,
        succes=_("Point retiré de l'ordre du jour."),
    )
    return redirect(reunion)


@login_required
def presences(request, pk):
    reunion = reunion_geree(request, pk)
    if reunion.statut != S.TENUE:
        messages.error(
            request,
            _("Les présences s'enregistrent une fois la réunion tenue, avant l'approbation du compte rendu."),
        )
        return redirect(reunion)
    lignes = forms.formulaires_presences(reunion, request.POST or None)
    if (
        request.method == "POST"
        and all(f.is_valid() for f in lignes)
        and executer(
            request,
            services.enregistrer_presences,
            reunion=reunion,
            par=request.user,
            lignes=[(f.presence, f.cleaned_data["statut"], f.cleaned_data["represente_par"]) for f in lignes],
            succes=_("Présences enregistrées."),
        )
    ):
        return redirect(reunion)
    return render(request, "comites/presences.html", {"reunion": reunion, "lignes": lignes})


compte_rendu = formulaire_sur_reunion(
    forms.CompteRenduForm,
    services.rediger_compte_rendu,
    gabarit="comites/compte_rendu_form.html",
    succes=gettext_lazy("Compte rendu enregistré."),
    initial=lambda reunion: {"texte": getattr(reunion.compte_rendu_ou_none, "texte", "")},
)


compte_rendu_approuver = action_sur_reunion(
    services.approuver_compte_rendu, succes=gettext_lazy("Compte rendu approuvé.")
)


decision_ajouter = formulaire_sur_reunion(
    forms.DecisionForm,
    services.ajouter_decision,
    gabarit="comites/decision_form.html",
    succes=lambda decision: _("Décision n°%(n)s enregistrée.") % {"n": decision.numero},
)


@login_required
def avenant_ajouter(request, pk):
    reunion = reunion_geree(request, pk)
    if reunion.comite.type != Comite.Type.PILOTAGE:
        raise PermissionDenied
    form = forms.AvenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            avenant = services.adopter_avenant(reunion=reunion, par=request.user, **form.arguments_service())
        except services.ActionImpossible as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Avenant n°%(n)s adopté et appliqué à l'engagement.") % {"n": avenant.numero}
            )
            return redirect(reunion)
    return render(request, "comites/avenant_form.html", {"reunion": reunion, "form": form})
