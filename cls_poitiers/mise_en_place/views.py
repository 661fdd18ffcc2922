"""The set-up journey's pages: the one-time link's page (the first Coordination account), then one
page per step, each a single form saved whole or not at all, and the closing summary."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from ..models import Contrat
from ..permissions import COORDINATION, has_role, role_required
from . import etapes, forms, services

GABARIT = "cls_poitiers/mise_en_place/etape.html"


def _indicateur(numero: int) -> dict:
    return {"numero": numero, "total": len(etapes.etapes()) + 2}


def _url(etape) -> str:
    return reverse("mise_en_place:etape", kwargs={"cle": etape.cle})


def _suivante(contrat, apres=None) -> str:
    """The first unfinished step (after `apres` when given), else the summary."""
    liste = etapes.etapes()
    if apres is not None:
        rang = [e.cle for e in liste].index(apres.cle)
        return _url(liste[rang + 1]) if rang + 1 < len(liste) else reverse("mise_en_place:termine")
    for etape in liste:
        if not etape.faite(contrat):
            return _url(etape)
    return reverse("mise_en_place:termine")


def suite(request):
    """/mise-en-place/: where the Coordination takes the set-up up again."""
    if not has_role(request.user, COORDINATION):
        raise Http404
    return redirect(_suivante(Contrat.objects.courant()))


@never_cache
@sensitive_post_parameters("mot_de_passe", "mot_de_passe_confirmation")
def compte(request, jeton):
    """The one-time link: creates the first Coordination account, then logs it in."""
    contexte = {"etape": {"titre": _("Votre compte de coordination")}, "indicateur": _indicateur(1)}
    if services.jeton_valable(jeton) is None:
        return render(request, GABARIT, {**contexte, "lien_invalide": services.LIEN_INVALIDE}, status=400)
    form = forms.CompteCoordinationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            utilisateur = services.ouvrir_coordination(jeton, form.cleaned_data)
        except ValidationError:
            return render(request, GABARIT, {**contexte, "lien_invalide": services.LIEN_INVALIDE}, status=400)
        login(request, utilisateur, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Votre compte est créé : vous êtes connecté. Décrivez maintenant le conseil.")
        )
        return redirect(_url(etapes.CONSEIL))
    return render(request, GABARIT, {**contexte, "form": form})


@role_required(COORDINATION)
def etape(request, cle):
    etape = etapes.etape(cle)
    if etape is None:
        raise Http404
    contrat = Contrat.objects.courant()
    if contrat is None and etape is not etapes.CONSEIL:
        return redirect(_url(etapes.CONSEIL))
    numero = [e.cle for e in etapes.etapes()].index(cle) + 2
    proposer = cle == "priorites" and "axes" in request.GET
    construire = (
        (lambda d=None: etape.formulaire(contrat, d, proposer=True))
        if proposer
        else (lambda d=None: etape.formulaire(contrat, d))
    )
    formulaire = construire(request.POST if request.method == "POST" else None)
    erreurs = []
    if request.method == "POST" and formulaire.is_valid():
        try:
            with transaction.atomic():
                enregistre = etape.enregistrer(contrat, formulaire, request=request)
        except ValidationError as erreur:
            erreurs = erreur.messages
        else:
            messages.success(request, _("« %(titre)s » : enregistré.") % {"titre": etape.titre})
            return redirect(_suivante(enregistre if etape is etapes.CONSEIL else contrat, apres=etape))
    contexte = {
        "etape": etape,
        "indicateur": _indicateur(numero),
        "erreurs": erreurs,
        "contrat": contrat,
        "precedente": _url(etapes.etapes()[numero - 3]) if numero > 2 else None,
    }
    contexte["formset" if hasattr(formulaire, "management_form") else "form"] = formulaire
    return render(request, GABARIT, contexte)


@role_required(COORDINATION)
def termine(request):
    contrat = Contrat.objects.courant()
    if contrat is None:
        return redirect(_url(etapes.CONSEIL))
    resume = [{"etape": e, "url": _url(e), "faite": e.faite(contrat)} for e in etapes.etapes()]
    return render(
        request,
        "cls_poitiers/mise_en_place/termine.html",
        {"contrat": contrat, "resume": resume, "indicateur": _indicateur(len(resume) + 2)},
    )
