"""The audit trail, read by the coordination: every recorded change (django-simple-history) of
every historised model, the logins and failed logins (django-axes), and the outbox's e-mails."""

import base64
import logging

from axes.models import AccessFailureLog, AccessLog
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from simple_history.models import registered_models

from .courriels import RenvoiImpossible, renvoyer, sans_liens_personnels
from .models import AlerteDonneesPersonnelles, Courriel
from .permissions import COORDINATION, SECRETARIAT, is_coordination, role_required
from .verrouillage import debloquer

logger = logging.getLogger("cls.auth")

PAR_PAGE = 50


def _historised_models():
    # The table of a many-to-many field (Django's "Relations utilisateur-group") is registered too,
    # but has no history of its own: its links are recorded, and shown, in its model's entries.
    models = sorted(
        (m for m in registered_models.values() if not m._meta.auto_created),
        key=lambda m: (m._meta.app_label, m._meta.verbose_name),
    )
    return {m._meta.label_lower: m for m in models}


def _model_or_404(label):
    model = _historised_models().get(label)
    if model is None:
        raise Http404
    return model


def _apercu(model, record) -> str:
    """The object's label as it was, built from the record's own columns: simple-history's
    `instance` would fetch the fields it does not keep (one query per row)."""
    values = {
        f.attname: getattr(record, f.attname)
        for f in model._meta.concrete_fields
        if hasattr(record, f.attname)
    }
    try:
        return str(model(**values))
    except Exception:  # noqa: BLE001 (a label must never break the audit page)
        return f"{model._meta.verbose_name} #{getattr(record, 'id', '?')}"


@role_required(COORDINATION)
def journal(request):
    sections = [
        {"label": label, "nom": model._meta.verbose_name_plural, "app": model._meta.app_config.verbose_name}
        for label, model in _historised_models().items()
    ]
    return render(request, "cls_poitiers/journal.html", {"sections": sections})


@role_required(COORDINATION)
def journal_modele(request, label):
    model = _model_or_404(label)
    records = model.history.select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(records, PAR_PAGE).get_page(request.GET.get("page"))
    for record in page:
        record.apercu = _apercu(model, record)
    return render(
        request,
        "cls_poitiers/journal_modele.html",
        {"label": label, "nom": model._meta.verbose_name_plural, "page": page},
    )


@role_required(COORDINATION)
def journal_entree(request, label, history_id):
    model = _model_or_404(label)
    record = get_object_or_404(model.history.select_related("history_user"), history_id=history_id)
    previous = record.prev_record
    changes = []
    if previous is not None:
        delta = record.diff_against(previous)
        changes = [
            {"champ": model._meta.get_field(c.field).verbose_name, "avant": c.old, "apres": c.new}
            for c in delta.changes
        ]
    return render(
        request,
        "cls_poitiers/journal_entree.html",
        {
            "label": label,
            "nom": model._meta.verbose_name,
            "record": record,
            "changes": changes,
            "previous": previous,
        },
    )


@role_required(COORDINATION)
def journal_connexions(request):
    echecs = Paginator(AccessFailureLog.objects.order_by("-attempt_time"), PAR_PAGE).get_page(
        request.GET.get("echecs")
    )
    connexions = Paginator(AccessLog.objects.order_by("-attempt_time"), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "cls_poitiers/journal_connexions.html", {"echecs": echecs, "connexions": connexions}
    )


@role_required(COORDINATION)
def journal_donnees_personnelles(request):
    """The warnings of likely personal data in free text: who, when, which form and field, what
    it looked like and whether it was confirmed; never the text."""
    alertes = AlerteDonneesPersonnelles.objects.select_related("utilisateur")
    page = Paginator(alertes, PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "cls_poitiers/journal_donnees_personnelles.html", {"page": page})


@require_POST
@role_required(COORDINATION)
def connexion_debloquer(request):
    """The coordination lifts the lock of an account (`username`) or of an address (`adresse`)."""
    username = request.POST.get("username", "").strip()
    adresse = "" if username else request.POST.get("adresse", "").strip()
    if not username and not adresse:
        messages.error(request, _("Indiquez le compte ou l’adresse à débloquer."))
        return redirect("journal_connexions")
    debloquer(username=username, adresse=adresse)
    logger.info("Déblocage par %s : %s", request.user.get_username(), username or adresse)
    if username:
        messages.success(request, _("Le compte « %(nom)s » est débloqué.") % {"nom": username})
    else:
        messages.success(request, _("L’adresse %(adresse)s est débloquée.") % {"adresse": adresse})
    return redirect("journal_connexions")


@role_required(COORDINATION, SECRETARIAT)
def courriel_list(request):
    """The outbox: what was sent, what waits for the mail server, what failed for good. The
    secretariat sees subjects and statuses; the coordination also the addresses, and opens each
    e-mail (`courriel_detail`) to read it and send a failed one again."""
    # The bodies and attachments are not read here: an invitation carries its .ics file.
    courriels = Courriel.objects.defer("corps", "pieces_jointes").order_by("-cree_le")
    statut = request.GET.get("statut")
    if statut in Courriel.Statut.values:
        courriels = courriels.filter(statut=statut)
    page = Paginator(courriels, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cls_poitiers/courriel_list.html",
        {
            "page": page,
            "statuts": Courriel.Statut.choices,
            "statut": statut,
            "coordination": is_coordination(request.user),
        },
    )


@role_required(COORDINATION)
def courriel_detail(request, pk):
    """One e-mail as it was written: recipients, body (unless it holds a secret), the attachments'
    names, its attempts and last error; a failed one can be sent again."""
    courriel = get_object_or_404(Courriel, pk=pk)
    pieces = [
        {"nom": piece["nom"], "type": piece["type"], "taille": len(base64.b64decode(piece["contenu"]))}
        for piece in courriel.pieces_jointes
    ]
    return render(
        request,
        "cls_poitiers/courriel_detail.html",
        {
            "courriel": courriel,
            "corps": sans_liens_personnels(courriel.corps),
            "pieces": pieces,
            "echec": courriel.statut == Courriel.Statut.ECHEC,
        },
    )


@require_POST
@role_required(COORDINATION)
def courriel_renvoyer(request, pk):
    """The coordination sends a failed e-mail again: its attempts start over, it is queued."""
    courriel = get_object_or_404(Courriel, pk=pk)
    try:
        renvoyer(courriel=courriel, par=request.user)
    except RenvoiImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Le courriel « %(sujet)s » est remis en file d'envoi.") % {"sujet": courriel.sujet}
        )
    return redirect("courriel_detail", pk=courriel.pk)
