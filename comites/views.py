"""Pages of the committees: lists, meeting page and its actions, PDF and calendar files, the
month calendar and feeds, the rhythm page, and the members' answer to a convocation.

Every object is fetched through `visible_to(user)` (outside it: 404); every change checks
`manageable_by(user)` (outside it: 403) and goes through `services`.
"""

import calendar
import datetime
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cls_poitiers import courriels
from cls_poitiers.exports import reponse_xlsx
from cls_poitiers.models import Contrat
from cls_poitiers.permissions import (
    COORDINATION,
    PARTENAIRE,
    SECRETARIAT,
    has_role,
    role_required,
    sees_detailed_figures,
)

from . import bilan_affichage, emails, forms, ics, pdf, rythme, services
from .filters import ReunionFilter
from .models import Bilan, Comite, JetonCalendrier, PointOrdreDuJour, Presence, Reunion

S = Reunion.Statut
# Calendar feeds carry the last twelve months and everything ahead.
FENETRE_FLUX = datetime.timedelta(days=365)


# --- fetching, for this user -------------------------------------------------------------------


def _comite(request, code) -> Comite:
    return get_object_or_404(Comite.objects.visible_to(request.user).select_related("territoire"), code=code)


def _comite_gere(request, code) -> Comite:
    comite = _comite(request, code)
    if not Comite.objects.manageable_by(request.user).filter(pk=comite.pk).exists():
        raise PermissionDenied
    return comite


def _reunion(request, pk) -> Reunion:
    return get_object_or_404(
        Reunion.objects.visible_to(request.user).select_related(
            "comite__contrat", "territoire", "compte_rendu"
        ),
        pk=pk,
    )


def _reunion_geree(request, pk) -> Reunion:
    reunion = _reunion(request, pk)
    if not _peut_gerer(request.user, reunion.comite):
        raise PermissionDenied
    return reunion


def _peut_gerer(user, comite) -> bool:
    return Comite.objects.manageable_by(user).filter(pk=comite.pk).exists()


def _peut_lire_compte_rendu(user, reunion, peut_gerer: bool) -> bool:
    """Those who manage the meeting read the minutes as they are written; the others once approved."""
    return peut_gerer or reunion.statut == S.CR_APPROUVE


def _erreur(request, exc: Exception) -> None:
    messages.error(request, str(exc))


# --- committees ---------------------------------------------------------------------------------


@login_required
def comite_list(request):
    maintenant = timezone.now()
    comites = (
        Comite.objects.visible_to(request.user)
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
    geres = set(Comite.objects.manageable_by(request.user).values_list("pk", flat=True))
    return render(request, "comites/comite_list.html", {"comites": comites, "geres": geres})


@login_required
def comite_detail(request, code):
    comite = _comite(request, code)
    peut_gerer = _peut_gerer(request.user, comite)
    reunions = (
        Reunion.objects.visible_to(request.user)
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
            "peut_gerer": peut_gerer,
        },
    )


# --- meetings -----------------------------------------------------------------------------------


@login_required
def reunion_list(request):
    qs = Reunion.objects.visible_to(request.user).select_related("comite", "territoire").order_by("-debut")
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
    comite = _comite_gere(request, code)
    form = forms.ReunionForm(request.POST or None, comite=comite, chevauchements=_chevauchements_pour(comite))
    if request.method == "POST" and form.is_valid():
        reunion = services.planifier_reunion(comite=comite, by=request.user, **form.donnees())
        messages.success(request, _("Réunion planifiée. Préparez l'ordre du jour, puis convoquez."))
        return redirect(reunion)
    return render(request, "comites/reunion_form.html", {"comite": comite, "form": form, "reunion": None})


@login_required
def reunion_modifier(request, pk):
    reunion = _reunion_geree(request, pk)
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
        try:
            services.modifier_reunion(reunion=reunion, by=request.user, data=donnees)
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            if reunion.statut == S.CONVOQUEE:
                messages.success(
                    request, _("Réunion modifiée : les membres ont reçu l'invitation mise à jour.")
                )
            else:
                messages.success(request, _("Réunion modifiée."))
        return redirect(reunion)
    return render(
        request, "comites/reunion_form.html", {"comite": reunion.comite, "form": form, "reunion": reunion}
    )


@login_required
def reunion_urgente(request, code):
    comite = _comite_gere(request, code)
    form = forms.ReunionUrgenteForm(request.POST or None, initial={"territoire": comite.territoire_id})
    if request.method == "POST" and form.is_valid():
        try:
            reunion = services.reunion_urgente(comite=comite, by=request.user, **form.cleaned_data)
        except services.ActionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Réunion urgente convoquée : chaque membre a reçu la convocation."))
            return redirect(reunion)
    return render(request, "comites/reunion_urgente.html", {"comite": comite, "form": form})


@login_required
def reunion_detail(request, pk):
    reunion = _reunion(request, pk)
    peut_gerer = _peut_gerer(request.user, reunion.comite)
    presences = list(reunion.presences.select_related("membre__partenaire"))
    decisions = reunion.decisions.prefetch_related("avenant__modifications", "avenant__engagement")
    compte_rendu = reunion.compte_rendu_ou_none
    contexte = {
        "reunion": reunion,
        "points": reunion.points.prefetch_related("engagements", "territoires"),
        "presences": presences,
        "reponses": Counter(p.reponse for p in presences),
        "presents": Counter(p.statut for p in presences),
        "decisions": decisions,
        "compte_rendu": compte_rendu,
        "peut_gerer": peut_gerer,
        "courriels": courriels.statut_pour(reunion) if peut_gerer else None,
        "peut_lire_cr": _peut_lire_compte_rendu(request.user, reunion, peut_gerer),
        "commencee": reunion.debut <= timezone.now(),
        "point_form": forms.PointForm() if peut_gerer and reunion.statut == S.BROUILLON else None,
        "S": S,
        "Reponse": Presence.Reponse,
        "Statut_presence": Presence.Statut,
    }
    return render(request, "comites/reunion_detail.html", contexte)


@login_required
@require_POST
def point_ajouter(request, pk):
    reunion = _reunion_geree(request, pk)
    form = forms.PointForm(request.POST)
    if form.is_valid():
        try:
            services.ajouter_point(reunion=reunion, by=request.user, **form.cleaned_data)
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            messages.success(request, _("Point ajouté à l'ordre du jour."))
    else:
        messages.error(
            request, _("Point non ajouté : indiquez un intitulé et une durée d'au moins une minute.")
        )
    return redirect(reunion)


@login_required
@require_POST
def point_retirer(request, pk, point_pk):
    reunion = _reunion_geree(request, pk)
    point = get_object_or_404(PointOrdreDuJour, pk=point_pk, reunion=reunion)
    try:
        services.retirer_point(point=point, by=request.user)
    except services.ActionImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, _("Point retiré de l'ordre du jour."))
    return redirect(reunion)


@login_required
@require_POST
def reunion_convoquer(request, pk):
    reunion = _reunion_geree(request, pk)
    try:
        envoyes = services.convoquer(reunion=reunion, by=request.user)
    except services.ActionImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, _("Réunion convoquée : %(n)s convocation(s) envoyée(s).") % {"n": envoyes})
    return redirect(reunion)


@login_required
def reunion_annuler(request, pk):
    reunion = _reunion_geree(request, pk)
    form = forms.AnnulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            envoyes = services.annuler(reunion=reunion, by=request.user, motif=form.cleaned_data["motif"])
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            messages.success(request, _("Réunion annulée (%(n)s annulation(s) envoyée(s)).") % {"n": envoyes})
        return redirect(reunion)
    return render(request, "comites/reunion_annuler.html", {"reunion": reunion, "form": form})


@login_required
@require_POST
def reunion_tenue(request, pk):
    reunion = _reunion_geree(request, pk)
    try:
        services.marquer_tenue(reunion=reunion, by=request.user)
    except services.ActionImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, _("Réunion déclarée tenue : enregistrez les présences et le compte rendu."))
    return redirect(reunion)


@login_required
def presences(request, pk):
    reunion = _reunion_geree(request, pk)
    if reunion.statut != S.TENUE:
        messages.error(
            request,
            _("Les présences s'enregistrent une fois la réunion tenue, avant l'approbation du compte rendu."),
        )
        return redirect(reunion)
    lignes = forms.formulaires_presences(reunion, request.POST or None)
    if request.method == "POST" and all(f.is_valid() for f in lignes):
        try:
            services.enregistrer_presences(
                reunion=reunion,
                by=request.user,
                lignes=[
                    (f.presence, f.cleaned_data["statut"], f.cleaned_data["represente_par"]) for f in lignes
                ],
            )
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            messages.success(request, _("Présences enregistrées."))
            return redirect(reunion)
    return render(request, "comites/presences.html", {"reunion": reunion, "lignes": lignes})


@login_required
def compte_rendu(request, pk):
    reunion = _reunion_geree(request, pk)
    existant = reunion.compte_rendu_ou_none
    form = forms.CompteRenduForm(request.POST or None, initial={"texte": existant.texte if existant else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.rediger_compte_rendu(reunion=reunion, by=request.user, texte=form.cleaned_data["texte"])
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            messages.success(request, _("Compte rendu enregistré."))
        return redirect(reunion)
    return render(request, "comites/compte_rendu_form.html", {"reunion": reunion, "form": form})


@login_required
@require_POST
def compte_rendu_approuver(request, pk):
    reunion = _reunion_geree(request, pk)
    try:
        services.approuver_compte_rendu(reunion=reunion, by=request.user)
    except services.ActionImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, _("Compte rendu approuvé."))
    return redirect(reunion)


@login_required
def decision_ajouter(request, pk):
    reunion = _reunion_geree(request, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.ajouter_decision(
                reunion=reunion, by=request.user, texte=form.cleaned_data["texte"]
            )
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            messages.success(request, _("Décision n°%(n)s enregistrée.") % {"n": decision.numero})
        return redirect(reunion)
    return render(request, "comites/decision_form.html", {"reunion": reunion, "form": form})


@login_required
def avenant_ajouter(request, pk):
    reunion = _reunion_geree(request, pk)
    if reunion.comite.type != Comite.Type.PILOTAGE:
        raise PermissionDenied
    form = forms.AvenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            avenant = services.adopter_avenant(reunion=reunion, by=request.user, **form.arguments_service())
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


# --- files: .ics and PDF --------------------------------------------------------------------------


def _reponse_ics(contenu: bytes, nom: str) -> HttpResponse:
    response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response


@login_required
def reunion_ics(request, pk):
    reunion = _reunion(request, pk)
    return _reponse_ics(ics.fichier_reunion(reunion), f"reunion-{reunion.pk}.ics")


@login_required
def reunion_pdf(request, pk):
    reunion = _reunion(request, pk)
    peut_gerer = _peut_gerer(request.user, reunion.comite)
    contenu = pdf.reunion_pdf(
        reunion, lire_compte_rendu=_peut_lire_compte_rendu(request.user, reunion, peut_gerer)
    )
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reunion-{reunion.pk}.pdf"'
    return response


# --- calendar and feeds ---------------------------------------------------------------------------


def _mois_demande(valeur: str | None, aujourd_hui: datetime.date) -> tuple[datetime.date, bool]:
    if not valeur:
        return aujourd_hui.replace(day=1), True
    try:
        annee, mois = (int(x) for x in valeur.split("-"))
        return datetime.date(annee, mois, 1), True
    except ValueError:
        return aujourd_hui.replace(day=1), False


@login_required
def calendrier_mois(request):
    aujourd_hui = timezone.localdate()
    premier, valide = _mois_demande(request.GET.get("mois"), aujourd_hui)
    if not valide:
        messages.error(request, _("Mois invalide (attendu AAAA-MM) : voici le mois en cours."))
    semaines = calendar.Calendar(firstweekday=0).monthdatescalendar(premier.year, premier.month)
    tz = timezone.get_current_timezone()
    debut = datetime.datetime.combine(semaines[0][0], datetime.time.min, tzinfo=tz)
    fin = datetime.datetime.combine(
        semaines[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    reunions = (
        Reunion.objects.visible_to(request.user)
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
        settings.PLATEFORME_URL + reverse("comites:flux_personnel", kwargs={"jeton": jeton.jeton})
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
        Reunion.objects.visible_to(user)
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
    comite = get_object_or_404(Comite.objects.visible_to(user), code=code)
    return _reponse_ics(
        ics.flux(_reunions_flux(user).filter(comite=comite), nom=comite.nom), f"{comite.code}.ics"
    )


@login_required
def flux_comite(request, code):
    return _flux_comite(request.user, code)


def flux_comite_jeton(request, jeton, code):
    return _flux_comite(_utilisateur_du_jeton(jeton), code)


# --- rhythm ---------------------------------------------------------------------------------------


@role_required(COORDINATION, SECRETARIAT, PARTENAIRE)
def rythme_page(request):
    contrat = Contrat.objects.order_by("date_signature").first()
    today = timezone.localdate()
    semestres = rythme.rythme_pilotage(contrat=contrat, today=today) if contrat else []
    annees = rythme.rythme_evaluation(contrat=contrat, today=today) if contrat else []
    return render(
        request,
        "comites/rythme.html",
        {
            "contrat": contrat,
            "semestres": semestres,
            "annees": annees,
            "alertes": sorted(
                (ligne for ligne in semestres if ligne.alerte), key=lambda ligne: ligne.periode
            ),
            "secretariat": has_role(request.user, SECRETARIAT, COORDINATION),
            "R": rythme,
        },
    )


# --- members' answer ------------------------------------------------------------------------------


def repondre(request, jeton):
    """No login: the signed token in the convocation's link stands for one member and one meeting
    (see `emails`). GET shows the form (mail scanners open links: GET never records anything)."""
    presence = emails.presence_du_jeton(jeton)
    if presence is None:
        raise Http404
    reunion = presence.reunion
    ouverte = reunion.statut == S.CONVOQUEE and reunion.fin > timezone.now()
    initial = {}
    if presence.reponse != Presence.Reponse.SANS_REPONSE:
        initial = {"reponse": presence.reponse, "represente_par": presence.reponse_represente_par}
    form = forms.ReponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and ouverte and form.is_valid():
        try:
            services.repondre(
                presence=presence,
                reponse=form.cleaned_data["reponse"],
                represente_par=form.cleaned_data["represente_par"],
            )
        except services.ActionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Merci : votre réponse est enregistrée."))
            return redirect("comites:repondre", jeton=jeton)
    return render(
        request,
        "comites/repondre.html",
        {
            "presence": presence,
            "reunion": reunion,
            "form": form,
            "ouverte": ouverte,
            "points": reunion.points.all(),
        },
    )


# --- annual review --------------------------------------------------------------------------------


def _bilan(request, pk) -> Bilan:
    return get_object_or_404(
        Bilan.objects.visible_to(request.user).select_related("contrat", "reunion_adoption", "cree_par"),
        pk=pk,
    )


def _bilan_editable(request, pk) -> Bilan:
    bilan = _bilan(request, pk)
    if not Bilan.objects.editable_by(request.user).filter(pk=bilan.pk).exists():
        raise PermissionDenied
    return bilan


def _parties(request, bilan: Bilan) -> dict:
    return bilan_affichage.presenter(
        bilan, bilan_affichage.donnees(bilan), detail=sees_detailed_figures(request.user)
    )


@login_required
def bilan_list(request):
    bilans = (
        Bilan.objects.visible_to(request.user)
        .select_related("reunion_adoption")
        .order_by("-annee", "-version")
    )
    return render(
        request,
        "comites/bilan_list.html",
        {
            "bilans": bilans,
            "form": forms.BilanNouveauForm() if has_role(request.user, COORDINATION) else None,
        },
    )


@role_required(COORDINATION)
@require_POST
def bilan_rediger(request):
    form = forms.BilanNouveauForm(request.POST)
    contrat = Contrat.objects.order_by("date_signature").first()
    if not form.is_valid() or contrat is None:
        messages.error(request, _("Indiquez une année valide."))
        return redirect("comites:bilan_list")
    try:
        bilan = services.rediger_bilan(contrat=contrat, annee=form.cleaned_data["annee"], by=request.user)
    except services.ActionImpossible as exc:
        _erreur(request, exc)
        return redirect("comites:bilan_list")
    messages.success(request, _("Projet de bilan ouvert : rédigez le bilan qualitatif."))
    return redirect("comites:bilan_modifier", pk=bilan.pk)


@login_required
def bilan_detail(request, pk):
    bilan = _bilan(request, pk)
    peut_editer = Bilan.objects.editable_by(request.user).filter(pk=bilan.pk).exists()
    adoption = None
    if peut_editer:
        adoption = forms.AdoptionBilanForm(
            reunions=services.reunions_d_adoption(bilan),
            action=reverse("comites:bilan_adopter", kwargs={"pk": bilan.pk}),
        )
    autres = (
        Bilan.objects.visible_to(request.user)
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
        try:
            services.modifier_bilan(
                bilan=bilan, by=request.user, textes=form.textes(), evenements=form.cleaned_data["evenements"]
            )
        except services.ActionImpossible as exc:
            _erreur(request, exc)
        else:
            messages.success(request, _("Bilan qualitatif enregistré."))
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
    try:
        services.adopter_bilan(bilan=bilan, reunion=form.cleaned_data["reunion"], by=request.user)
    except services.ActionImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, _("Bilan adopté : ses chiffres sont figés."))
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
    return reponse_xlsx(_nom_bilan(bilan, "xlsx"), bilan_affichage.feuilles(_parties(request, bilan)))
