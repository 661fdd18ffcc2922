"""The month calendar, a meeting's .ics file, and the calendar feeds: the personal feed (its
address carries a token, for calendar software that cannot log in) and each committee's."""

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cls_poitiers import identite
from cls_poitiers.limites import ANNEE_PLANCHER, date_plafond

from .. import ics
from ..models import Comite, JetonCalendrier, Reunion
from .acces import reunion_visible

# Calendar feeds carry the last twelve months and everything ahead.
FENETRE_FLUX = datetime.timedelta(days=365)


def _reponse_ics(contenu: bytes, nom: str) -> HttpResponse:
    response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response


@login_required
def reunion_ics(request, pk):
    reunion = reunion_visible(request, pk)
    return _reponse_ics(ics.fichier_reunion(reunion), f"reunion-{reunion.pk}.ics")


def _mois_demande(valeur: str | None, aujourd_hui: datetime.date) -> tuple[datetime.date, str | None]:
    """The first day of the month asked for, or of this month with the French reason why not."""
    if not valeur:
        return aujourd_hui.replace(day=1), None
    try:
        annee, mois = (int(x) for x in valeur.split("-"))
        premier = datetime.date(annee, mois, 1)
    except ValueError:
        return aujourd_hui.replace(day=1), _("Mois invalide (attendu AAAA-MM) : voici le mois en cours.")
    # The same span as the meetings themselves (cls_poitiers.limites); it also keeps the grid's
    # first and last weeks within the dates Python can represent.
    dernier = date_plafond(aujourd_hui)
    if premier.year < ANNEE_PLANCHER or premier > dernier:
        return aujourd_hui.replace(day=1), _(
            "Le calendrier couvre les mois de janvier %(debut)s à %(fin)s : voici le mois en cours."
        ) % {"debut": ANNEE_PLANCHER, "fin": date_format(dernier, "F Y").lower()}
    return premier, None


@login_required
def calendrier_mois(request):
    aujourd_hui = timezone.localdate()
    premier, erreur = _mois_demande(request.GET.get("mois"), aujourd_hui)
    if erreur:
        messages.error(request, erreur)
    semaines = calendar.Calendar(firstweekday=0).monthdatescalendar(premier.year, premier.month)
    tz = timezone.get_current_timezone()
    debut = datetime.datetime.combine(semaines[0][0], datetime.time.min, tzinfo=tz)
    fin = datetime.datetime.combine(
        semaines[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    reunions = (
        Reunion.objects.visibles_par(request.user)
        .entre(debut, fin)
        .select_related("comite", "territoire")
        .order_by("debut")
    )
    par_jour: dict[datetime.date, list] = {}
    for reunion in reunions:
        par_jour.setdefault(timezone.localtime(reunion.debut).date(), []).append(reunion)
    grille = [
        [{"jour": j, "reunions": par_jour.get(j, []), "hors_mois": j.month != premier.month} for j in s]
        for s in semaines
    ]
    precedent = (premier - datetime.timedelta(days=1)).replace(day=1)
    suivant = (premier + datetime.timedelta(days=32)).replace(day=1)
    jeton = JetonCalendrier.objects.filter(utilisateur=request.user).first()
    url_flux = (
        identite.url_absolue(reverse("comites:flux_personnel", kwargs={"jeton": jeton.jeton}), request)
        if jeton
        else None
    )
    return render(
        request,
        "comites/calendrier.html",
        {
            "premier": premier,
            "grille": grille,
            "jours_semaine": [
                _("lundi"),
                _("mardi"),
                _("mercredi"),
                _("jeudi"),
                _("vendredi"),
                _("samedi"),
                _("dimanche"),
            ],
            "precedent": precedent,
            "suivant": suivant,
            "aujourd_hui": aujourd_hui,
            "url_flux": url_flux,
        },
    )


@login_required
@require_POST
def calendrier_jeton(request):
    """Create or renew (`regenerer`) the personal feed address, or revoke it (`revoquer`)."""
    action = request.POST.get("action")
    JetonCalendrier.objects.filter(utilisateur=request.user).delete()
    if action == "revoquer":
        messages.success(
            request, _("Adresse de votre flux révoquée : les abonnements existants ne reçoivent plus rien.")
        )
    else:
        JetonCalendrier.objects.create(utilisateur=request.user)
        messages.success(request, _("Nouvelle adresse de flux créée : l'ancienne ne fonctionne plus."))
    return redirect("comites:calendrier")


def _reunions_flux(user):
    return (
        Reunion.objects.visibles_par(user)
        .publiees()
        .filter(debut__gte=timezone.now() - FENETRE_FLUX)
        .select_related("comite", "territoire")
        .prefetch_related("points")
        .order_by("debut")
    )


def _utilisateur_du_jeton(jeton: str):
    token = JetonCalendrier.objects.select_related("utilisateur").filter(jeton=jeton).first()
    if token is None or not token.utilisateur.is_active:
        raise Http404
    return token.utilisateur


def flux_personnel(request, jeton):
    user = _utilisateur_du_jeton(jeton)
    nom = _("Réunions du CLS — %(nom)s") % {"nom": user}
    return _reponse_ics(ics.flux(_reunions_flux(user), nom=nom), "reunions-cls.ics")


def _flux_comite(user, code):
    comite = get_object_or_404(Comite.objects.visibles_par(user), code=code)
    return _reponse_ics(
        ics.flux(_reunions_flux(user).filter(comite=comite), nom=comite.nom), f"{comite.code}.ics"
    )


@login_required
def flux_comite(request, code):
    return _flux_comite(request.user, code)


def flux_comite_jeton(request, jeton, code):
    return _flux_comite(_utilisateur_du_jeton(jeton), code)
