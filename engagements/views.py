"""Pages of the engagements app: parse, call a queryset or a service, render.

Every object is fetched through `visibles_par(user)` (outside it: 404); reporting progress needs
`avancement_renseignable_par(user)`, changing the plan (actions, commitments' terms)
`termes_modifiables_par(user)` and its roles (otherwise: 403); anonymous users go to the login page.
"""

import base64
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cls_poitiers import tableurs
from cls_poitiers.models import Contrat, Priorite
from cls_poitiers.permissions import COORDINATION, PARTENAIRE, ROLES, has_role, role_required

from . import exchange, services
from .filters import EngagementFilter
from .forms import ActionForm, EngagementForm, ImportForm, PointEtapeForm
from .historique import entrees, libelle_champ
from .models import Action, Engagement, PointEtape
from .querysets import ROLES_REDACTION, Statut, redige_le_plan, synthese, validation_requise

PAR_PAGE = 25
SESSION_IMPORT = "engagements_import"


def _date_reference(request) -> datetime.date:
    """`?au=31/12/2000` (or 2000-12-31): read the situation at that date; today by default."""
    try:
        return tableurs.lire_date(request.GET.get("au", "")) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _engagement(request, reference, au=None) -> Engagement:
    return get_object_or_404(
        Engagement.objects.visibles_par(request.user).pour_listes(au), reference=reference
    )


def _exiger_avancement_renseignable(user, engagement) -> None:
    if not Engagement.objects.avancement_renseignable_par(user).filter(pk=engagement.pk).exists():
        raise PermissionDenied


def _liste_filtree(request, au):
    qs = Engagement.objects.visibles_par(request.user).pour_listes(au).prefetch_related("territoires")
    return EngagementFilter(request.GET or None, queryset=qs, request=request)


@role_required(*ROLES)
def engagement_list(request):
    au = _date_reference(request)
    filtre = _liste_filtree(request, au)
    engagements = filtre.qs
    page = Paginator(engagements, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "filtre": filtre,
            "page": page,
            "au": au,
            "parametres": parametres.urlencode(),
            "peut_modifier": redige_le_plan(request.user),
            "editables": set(
                Engagement.objects.avancement_renseignable_par(request.user).values_list("pk", flat=True)
            )
            if has_role(request.user, PARTENAIRE) and not has_role(request.user, COORDINATION)
            else set(),
        },
    )


@role_required(*ROLES)
def export(request):
    au = _date_reference(request)
    format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    engagements = _liste_filtree(request, au).qs
    contenu = exchange.export(engagements, format=format)
    content_type = tableurs.XLSX_MIME if format == "xlsx" else tableurs.CSV_MIME
    return tableurs.reponse_fichier(contenu, content_type, f"engagements-{au:%Y%m%d}.{format}")


@role_required(PARTENAIRE, COORDINATION)
def mes_engagements(request):
    au = timezone.localdate()
    engagements = list(
        Engagement.objects.avancement_renseignable_par(request.user)
        .filter(
            partenaire_id=request.user.partenaire_id, action__priorite__contrat=Contrat.objects.courant_sql()
        )
        .pour_listes(au)
        .prefetch_related(
            Prefetch("points", queryset=PointEtape.objects.filter(correction__isnull=True).order_by("-date"))
        )
    )
    lignes = [
        {"engagement": e, "form": PointEtapeForm(engagement=e, points=e.points.all())} for e in engagements
    ]
    return render(
        request,
        "engagements/mes_engagements.html",
        {
            "lignes": lignes,
            "au": au,
            "partenaire": request.user.partenaire,
            "validation_requise": validation_requise(),
            "synthese": synthese(engagements, lambda e: "tous")[0] if engagements else None,
        },
    )


@require_POST
@role_required(PARTENAIRE, COORDINATION)
def point_create(request, reference):
    engagement = _engagement(request, reference)
    _exiger_avancement_renseignable(request.user, engagement)
    form = PointEtapeForm(request.POST, engagement=engagement)
    if form.is_valid():
        try:
            point = services.enregistrer_point_etape(
                engagement=engagement,
                valeur=form.cleaned_data["valeur"],
                date=form.cleaned_data["date"],
                commentaire=form.cleaned_data["commentaire"],
                corrige=form.cleaned_data["corrige"],
                par=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if point.valide:
                messages.success(request, _("Point d'étape enregistré pour %(ref)s.") % {"ref": reference})
            else:
                messages.info(
                    request,
                    _(
                        "Point d'étape enregistré pour %(ref)s : il comptera une fois validé "
                        "par la coordination."
                    )
                    % {"ref": reference},
                )
            suite = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(suite, allowed_hosts={request.get_host()}):
                suite = engagement.get_absolute_url()
            return redirect(suite)
    return render(
        request, "engagements/point_form.html", {"engagement": engagement, "form": form}, status=400
    )


@role_required(*ROLES)
def engagement_detail(request, reference):
    au = _date_reference(request)
    engagement = _engagement(request, reference, au)
    points = list(
        engagement.points.select_related("auteur__partenaire", "corrige", "valide_par").order_by(
            "date", "cree_le"
        )
    )
    comptes = set(PointEtape.objects.comptes(au).filter(engagement=engagement).values_list("pk", flat=True))
    serie = [p for p in points if p.pk in comptes]
    graphique = {
        "libelles": [p.date.strftime("%d/%m/%Y") for p in serie],
        "valeurs": [float(p.valeur) for p in serie],
        "cible": float(engagement.valeur_cible),
        "initiale": float(engagement.valeur_initiale),
        "unite": engagement.unite,
        "titre_valeurs": _("Valeur atteinte"),
        "titre_cible": _("Cible"),
    }
    renseignable = (
        Engagement.objects.avancement_renseignable_par(request.user).filter(pk=engagement.pk).exists()
    )
    voit_historique = (
        Engagement.objects.historique_visible_par(request.user).filter(pk=engagement.pk).exists()
    )
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "au": au,
            "points": points,
            "comptes": comptes,
            "graphique": graphique,
            "form": PointEtapeForm(engagement=engagement) if renseignable else None,
            "peut_modifier": redige_le_plan(request.user),
            "historique": entrees(engagement) if voit_historique else None,
        },
    )


@role_required(*ROLES)
def action_detail(request, reference):
    au = _date_reference(request)
    action = get_object_or_404(
        Action.objects.visibles_par(request.user).select_related("priorite", "pilote"), reference=reference
    )
    engagements = list(
        Engagement.objects.visibles_par(request.user)
        .filter(action=action)
        .pour_listes(au)
        .order_by("reference")
    )
    return render(
        request,
        "engagements/action_detail.html",
        {
            "action": action,
            "au": au,
            "territoires": action.territoires.order_by("niveau", "nom"),
            "engagements": engagements,
            "synthese": synthese(engagements, lambda e: action)[0] if engagements else None,
            "peut_modifier": redige_le_plan(request.user),
            "historique": entrees(action) if has_role(request.user, COORDINATION) else None,
        },
    )


@role_required(*ROLES)
def syntheses(request):
    """The contract at a glance: its priorities, their actions, their commitments; weighted
    progress and counts by status, by priority and by partner."""
    au = _date_reference(request)
    # The current contract's, as every page shows (an earlier contract's stay in its list).
    courant = Contrat.objects.courant_sql()
    engagements = list(
        Engagement.objects.visibles_par(request.user)
        .filter(action__priorite__contrat=courant)
        .pour_listes(au)
    )
    priorites = list(
        Priorite.objects.filter(contrat=courant)
        .select_related("contrat")
        .prefetch_related(
            Prefetch(
                "actions", queryset=Action.objects.visibles_par(request.user).order_by("ordre", "reference")
            )
        )
    )
    par_action = {s["objet"].pk: s for s in synthese(engagements, lambda e: e.action)}
    par_priorite = {s["objet"].pk: s for s in synthese(engagements, lambda e: e.action.priorite)}
    arbre = [
        {
            "priorite": p,
            "synthese": par_priorite.get(p.pk),
            "actions": [{"action": a, "synthese": par_action.get(a.pk)} for a in p.actions.all()],
        }
        for p in priorites
    ]
    return render(
        request,
        "engagements/syntheses.html",
        {
            "au": au,
            "arbre": arbre,
            "par_partenaire": sorted(
                synthese(engagements, lambda e: e.partenaire), key=lambda s: str(s["objet"])
            ),
            "ensemble": synthese(engagements, lambda e: "tous")[0] if engagements else None,
            "statuts": Statut,
        },
    )


@role_required(*ROLES_REDACTION)
def action_create(request):
    form = ActionForm(request.POST or None, initial={"priorite": request.GET.get("priorite")})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ActionForm.Meta.fields}
        territoires = list(data.pop("territoires"))
        try:
            action = services.creer_action(
                par=request.user, territoires=territoires, motif=form.cleaned_data["motif"], **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Fiche-action créée."))
            return redirect(action)
    return render(request, "engagements/action_form.html", {"form": form, "action": None})


@role_required(*ROLES_REDACTION)
def action_edit(request, reference):
    action = get_object_or_404(Action.objects.modifiables_par(request.user), reference=reference)
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ActionForm.Meta.fields}
        data["territoires"] = list(data["territoires"])
        services.modifier_action(
            action=Action.objects.get(pk=action.pk),
            data=data,
            par=request.user,
            motif=form.cleaned_data["motif"],
        )
        messages.success(request, _("Fiche-action enregistrée."))
        return redirect(reverse("engagements:action_detail", kwargs={"reference": action.reference}))
    return render(request, "engagements/action_form.html", {"form": form, "action": action})


@role_required(*ROLES_REDACTION, PARTENAIRE)
def engagement_create(request):
    """The coordination creates any partner's commitment; a partner enters its own organisation's
    (DESIGN: "enters and updates their own organisation's commitments"), whose terms the
    coordination then keeps."""
    partenaire_impose = None
    if not redige_le_plan(request.user):
        if request.user.partenaire_id is None:
            raise PermissionDenied
        partenaire_impose = request.user.partenaire
    action = Action.objects.filter(reference=request.GET.get("action", "")).first()
    form = EngagementForm(
        request.POST or None, initial={"action": action}, partenaire_impose=partenaire_impose
    )
    if request.method == "POST" and form.is_valid():
        data = form.donnees()
        territoires = data.pop("territoires")
        action = data.pop("action")
        try:
            engagement = services.creer_engagement(
                action=action,
                par=request.user,
                motif=form.cleaned_data["motif"],
                territoires=territoires,
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Engagement créé."))
            return redirect(engagement)
    return render(request, "engagements/engagement_form.html", {"form": form, "engagement": None})


@role_required(*ROLES_REDACTION)
def engagement_edit(request, reference):
    engagement = get_object_or_404(
        Engagement.objects.termes_modifiables_par(request.user), reference=reference
    )
    conflit = None
    form = EngagementForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        data = form.donnees()
        data.pop("reference", None)
        try:
            services.modifier_engagement(
                engagement=engagement,
                data=data,
                par=request.user,
                version_attendue=form.cleaned_data["version"],
                motif=form.cleaned_data["motif"],
            )
        except services.ConflitDeVersion as exc:
            conflit = {
                "par": exc.par,
                "le": exc.le,
                "changements": [
                    {"champ": libelle_champ(Engagement, champ), "avant": avant, "apres": apres}
                    for champ, (avant, apres) in exc.changements.items()
                ],
            }
            # The form keeps what this editor typed; saving again now applies it knowingly over
            # the version saved in between.
            donnees = request.POST.copy()
            donnees["version"] = exc.engagement.version
            form = EngagementForm(donnees, instance=exc.engagement)
            form.is_valid()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Engagement enregistré."))
            return redirect(engagement)
    return render(
        request,
        "engagements/engagement_form.html",
        {"form": form, "engagement": engagement, "conflit": conflit},
        status=409 if conflit else 200,
    )


@role_required(COORDINATION)
def points_a_valider(request):
    points = (
        PointEtape.objects.visibles_par(request.user)
        .a_valider()
        .select_related("engagement__partenaire", "auteur", "corrige")
        .order_by("date", "cree_le")
    )
    return render(
        request,
        "engagements/points_a_valider.html",
        {"points": points, "validation_requise": validation_requise()},
    )


@require_POST
@role_required(COORDINATION)
def valider_point(request, pk):
    point = get_object_or_404(PointEtape.objects.visibles_par(request.user), pk=pk)
    services.valider_point_etape(point=point, par=request.user)
    messages.success(
        request,
        _("Point d'étape du %(date)s validé pour %(ref)s.")
        % {"date": point.date.strftime("%d/%m/%Y"), "ref": point.engagement.reference},
    )
    return redirect("engagements:points_a_valider")


@role_required(COORDINATION)
def import_view(request):
    """Upload → preview of what will change → apply. Nothing is written before the last step,
    and only if the file still produces the previewed changes."""
    form = ImportForm()
    erreurs, plan = [], None
    if request.method == "POST" and request.POST.get("etape") == "appliquer":
        en_attente = request.session.get(SESSION_IMPORT)
        if not en_attente:
            messages.error(request, _("Aucun import en attente : déposez de nouveau le fichier."))
            return redirect("engagements:import")
        try:
            plan = exchange.importer(
                contenu=base64.b64decode(en_attente["contenu"]),
                nom=en_attente["nom"],
                par=request.user,
                empreinte=en_attente["empreinte"],
            )
        except exchange.FichierInvalide as exc:
            erreurs = exc.erreurs
        else:
            del request.session[SESSION_IMPORT]
            messages.success(
                request,
                _("Import appliqué : %(c)s création(s), %(m)s modification(s), %(i)s inchangé(s).")
                % {"c": len(plan.creations), "m": len(plan.modifications), "i": plan.inchanges},
            )
            return redirect("engagements:engagement_list")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            contenu = fichier.read()
            try:
                plan = exchange.importer(contenu=contenu, nom=fichier.name, par=request.user, apercu=True)
            except exchange.FichierInvalide as exc:
                erreurs = exc.erreurs
                request.session.pop(SESSION_IMPORT, None)
            else:
                request.session[SESSION_IMPORT] = {
                    "contenu": base64.b64encode(contenu).decode(),
                    "nom": fichier.name,
                    "empreinte": plan.empreinte,
                }
    return render(
        request,
        "engagements/import.html",
        {"form": form, "erreurs": erreurs, "plan": plan, "libelles": _libelles_colonnes()},
        status=400 if erreurs else 200,
    )


def _libelles_colonnes() -> dict[str, str]:
    return {c: libelle_champ(Engagement, c) for c in exchange.CHAMPS}
