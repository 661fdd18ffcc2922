"""A meeting's schedule and page: the list, planning (or convening urgently), changing,
convening, cancelling, declaring it held, and its PDF."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cls_poitiers.courriels import statut_pour

from .. import forms, pdf, services
from ..filters import ReunionFilter
from ..models import Reunion
from .acces import (
    S,
    action_sur_reunion,
    comite_gere,
    executer,
    formulaire_sur_reunion,
    peut_gerer,
    peut_lire_compte_rendu,
    reunion_geree,
    reunion_visible,
)
from .reponses import reponse_sur_la_page


@login_required
def reunion_list(request):
    qs = Reunion.objects.visibles_par(request.user).select_related("comite", "territoire").order_by("-debut")
    filtre = ReunionFilter(request.GET or None, queryset=qs, user=request.user)
    reunions = filtre.qs if filtre.is_bound and filtre.is_valid() else qs
    if filtre.is_bound and not filtre.is_valid():
        messages.error(request, _("Filtre invalide : la liste n'est pas filtrée."))
    page = Paginator(reunions, 50).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "comites/reunion_list.html",
        {"filtre": filtre, "reunions": page.object_list, "page": page, "parametres": parametres.urlencode()},
    )


def _chevauchements_pour(comite, exclure=None):
    return lambda debut, fin: services.chevauchements(comite=comite, debut=debut, fin=fin, exclure=exclure)


@login_required
def reunion_planifier(request, code):
    comite = comite_gere(request, code)
    form = forms.ReunionForm(request.POST or None, comite=comite, chevauchements=_chevauchements_pour(comite))
    if request.method == "POST" and form.is_valid():
        reunion = services.planifier_reunion(comite=comite, par=request.user, **form.donnees())
        messages.success(request, _("Réunion planifiée. Préparez l'ordre du jour, puis convoquez."))
        return redirect(reunion)
    return render(request, "comites/reunion_form.html", {"comite": comite, "form": form, "reunion": None})


@login_required
def reunion_modifier(request, pk):
    reunion = reunion_geree(request, pk)
    if reunion.statut not in (S.BROUILLON, S.CONVOQUEE):
        messages.error(request, _("Seule une réunion en préparation ou convoquée peut être modifiée."))
        return redirect(reunion)
    initial = {
        "titre": reunion.titre,
        "debut": timezone.localtime(reunion.debut),
        "fin": timezone.localtime(reunion.fin),
        "adresse": reunion.adresse,
        "territoire": reunion.territoire_id,
    }
    form = forms.ReunionForm(
        request.POST or None,
        initial=initial,
        comite=reunion.comite,
        chevauchements=_chevauchements_pour(reunion.comite, exclure=reunion),
    )
    if request.method == "POST" and form.is_valid():
        donnees = form.donnees()
        donnees["titre"] = donnees["titre"] or reunion.titre
        # Refused (a convened meeting moved into the past…): the form stays, with what was typed.
        if executer(
            request,
            services.modifier_reunion,
            reunion=reunion,
            par=request.user,
            data=donnees,
            succes=_("Réunion modifiée : l'invitation mise à jour est en file d'envoi pour les membres.")
            if reunion.statut == S.CONVOQUEE
            else _("Réunion modifiée."),
        ):
            return redirect(reunion)
    return render(
        request, "comites/reunion_form.html", {"comite": reunion.comite, "form": form, "reunion": reunion}
    )


@login_required
def reunion_urgente(request, code):
    comite = comite_gere(request, code)
    form = forms.ReunionUrgenteForm(
        request.POST or None, comite=comite, initial={"territoire": comite.territoire_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reunion = services.convoquer_en_urgence(comite=comite, par=request.user, **form.cleaned_data)
        except services.ActionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _convoquee(sum(statut_pour(reunion).values()), urgente=True))
            return redirect(reunion)
    return render(request, "comites/reunion_urgente.html", {"comite": comite, "form": form})


@login_required
def reunion_detail(request, pk):
    reunion = reunion_visible(request, pk)
    gere = peut_gerer(request.user, reunion.comite)
    presences = list(reunion.presences.select_related("membre__partenaire"))
    decisions = reunion.decisions.prefetch_related("avenant__modifications", "avenant__engagement")
    contexte = {
        "reunion": reunion,
        "points": reunion.points.prefetch_related("engagements", "territoires"),
        "presences": presences,
        "reponses": Counter(p.reponse for p in presences),
        "presents": Counter(p.statut for p in presences),
        "decisions": decisions,
        "compte_rendu": reunion.compte_rendu_ou_none,
        "peut_gerer": gere,
        "courriels": statut_pour(reunion) if gere else None,
        "peut_lire_cr": peut_lire_compte_rendu(request.user, reunion, gere),
        "commencee": reunion.debut <= timezone.now(),
        "point_form": forms.PointForm() if gere and reunion.statut == S.BROUILLON else None,
        **reponse_sur_la_page(request.user, reunion),
    }
    return render(request, "comites/reunion_detail.html", contexte)


def _convoquee(n: int, *, urgente: bool = False) -> str:
    """The answer to a convocation: the e-mails are queued, not sent yet."""
    if urgente:
        return _("Réunion urgente convoquée : %(n)s convocation(s) en file d'envoi.") % {"n": n}
    return _("Réunion convoquée : %(n)s convocation(s) en file d'envoi.") % {"n": n}


reunion_convoquer = action_sur_reunion(services.convoquer, succes=_convoquee)


reunion_annuler = formulaire_sur_reunion(
    forms.AnnulationForm,
    services.annuler,
    gabarit="comites/reunion_annuler.html",
    succes=lambda envoyes: _("Réunion annulée (%(n)s annulation(s) en file d'envoi).") % {"n": envoyes},
)


reunion_tenue = action_sur_reunion(
    services.marquer_tenue,
    succes=gettext_lazy("Réunion déclarée tenue : enregistrez les présences et le compte rendu."),
)


@login_required
def reunion_pdf(request, pk):
    reunion = reunion_visible(request, pk)
    lire = peut_lire_compte_rendu(request.user, reunion, peut_gerer(request.user, reunion.comite))
    response = HttpResponse(pdf.reunion_pdf(reunion, lire_compte_rendu=lire), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reunion-{reunion.pk}.pdf"'
    return response
