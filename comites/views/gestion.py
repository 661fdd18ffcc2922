"""The coordination's pages for the council's instances: create or change an instance (kind,
rhythm, confidentiality, territory, secretaries), its members, remove a member. Coordination
only; every change is kept in the instance's and members' history."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cls_poitiers.gestion.views import (
    contrat_courant,
    coordination_seule,
    donnees_postees,
    page_formulaire,
    page_objet,
)

from ..forms import ComiteGestionForm, MembreForm
from ..models import Comite, Membre


@coordination_seule
def instances(request):
    contrat = contrat_courant()
    liste = (
        Comite.objects.filter(contrat=contrat).annotate(nb_membres=Count("membres")).order_by("type", "nom")
    )
    return render(request, "comites/gestion/instances.html", {"contrat": contrat, "comites": liste})


@coordination_seule
def instance(request, code=None):
    """Create an instance of the current contract (without `code`) or change one."""
    contrat = contrat_courant()
    return page_objet(
        request,
        ComiteGestionForm,
        get_object_or_404(Comite, code=code) if code else None,
        nouveau=_("Nouvelle instance"),
        retour=reverse("comites:gestion_instances"),
        message=_("Instance « %(objet)s » enregistrée."),
        contrat=contrat,
    )


@coordination_seule
def membres(request, code):
    comite = get_object_or_404(Comite, code=code)
    form = MembreForm(donnees_postees(request), comite=comite)
    if request.method == "POST" and form.is_valid():
        membre = form.save()
        messages.success(request, _("%(membre)s rejoint l'instance.") % {"membre": membre})
        return redirect("comites:gestion_membres", code=comite.code)
    return render(
        request,
        "comites/gestion/membres.html",
        {"comite": comite, "membres": comite.membres.select_related("partenaire"), "form": form},
    )


@coordination_seule
def membre_modifier(request, code, pk):
    comite = get_object_or_404(Comite, code=code)
    membre = get_object_or_404(comite.membres, pk=pk)
    form = MembreForm(donnees_postees(request), instance=membre, comite=comite)
    return page_formulaire(
        request,
        form,
        titre=_("Membre de « %(nom)s »") % {"nom": comite.nom},
        retour=reverse("comites:gestion_membres", kwargs={"code": comite.code}),
        message=_("Membre « %(objet)s » enregistré."),
    )


@coordination_seule
@require_POST
def membre_retirer(request, code, pk):
    comite = get_object_or_404(Comite, code=code)
    membre = get_object_or_404(Membre, comite=comite, pk=pk)
    nom = str(membre)
    if membre.presences.exists():
        messages.error(
            request,
            _(
                "%(membre)s a des présences enregistrées aux réunions de l'instance : il reste membre "
                "pour que leurs comptes rendus restent exacts."
            )
            % {"membre": nom},
        )
        return redirect("comites:gestion_membres", code=comite.code)
    membre.delete()
    messages.success(request, _("%(membre)s ne fait plus partie de l'instance.") % {"membre": nom})
    return redirect("comites:gestion_membres", code=comite.code)
