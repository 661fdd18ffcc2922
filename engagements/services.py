"""Writes on commitments. Every change goes through here so that it is versioned (optimistic
concurrency) and recorded in the commitment's history with who and why."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers.permissions import COORDINATION, has_role

from .models import Action, Engagement, PointEtape
from .querysets import validation_requise


class ConflitDeVersion(Exception):
    """Someone saved the commitment since the form was opened. `changes` lists, per field,
    (the value the form started from, the value saved in between)."""

    def __init__(self, engagement: Engagement, changes: dict[str, tuple], by=None, when=None):
        self.engagement = engagement
        self.changes = changes
        # Who saved last, and when: the editor is told whose change they are about to meet.
        self.by = by
        self.when = when
        super().__init__(
            _("L'engagement %(ref)s a été modifié par quelqu'un d'autre entre-temps.")
            % {"ref": engagement.reference}
        )


def _save_with_history(engagement: Engagement, *, by, reason: str) -> Engagement:
    engagement._history_user = by
    engagement._change_reason = reason or None
    engagement.save()
    return engagement


@transaction.atomic
def create_engagement(*, action: Action, by, reason: str = "", territoires=(), **fields) -> Engagement:
    engagement = Engagement(action=action, **fields)
    engagement.full_clean()
    _save_with_history(engagement, by=by, reason=reason)
    if territoires:
        engagement.territoires.set(territoires)
    return engagement


@transaction.atomic
def update_engagement(
    *, engagement: Engagement, data: dict, by, expected_version: int | None = None, reason: str = ""
) -> Engagement:
    """Apply `data` (field → new value) to the commitment. With `expected_version`, refuse the save
    (ConflitDeVersion) when the stored version is newer than the one the editor started from."""
    current = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if expected_version is not None and current.version != expected_version:
        previous = current.history.filter(version=expected_version).order_by("-history_date").first()
        changes = {}
        for field in data:
            if field == "territoires":
                before = (
                    {t.territoire_id for t in previous.territoires.all()} if previous is not None else set()
                )
                after = set(current.territoires.values_list("pk", flat=True))
            else:
                before = getattr(previous, field, None) if previous else None
                after = getattr(current, field)
            if before != after:
                changes[field] = (before, after)
        latest = current.history.order_by("-history_date", "-history_id").first()
        raise ConflitDeVersion(
            current,
            changes,
            by=latest.history_user if latest else None,
            when=latest.history_date if latest else None,
        )
    territoires = data.pop("territoires", None)
    for field, value in data.items():
        setattr(current, field, value)
    current.version += 1
    current.full_clean()
    _save_with_history(current, by=by, reason=reason)
    if territoires is not None:
        current.territoires.set(territoires)
    return current


def abandon_engagement(
    *, engagement: Engagement, motif: str, by, date: datetime.date, reason: str = ""
) -> Engagement:
    return update_engagement(
        engagement=engagement, data={"abandonne_le": date, "motif_abandon": motif}, by=by, reason=reason
    )


@transaction.atomic
def create_action(*, by, territoires=(), reason: str = "", **fields) -> Action:
    action = Action(**fields)
    action.full_clean()
    action._history_user = by
    action._change_reason = reason or None
    action.save()
    if territoires:
        action.territoires.set(territoires)
    return action


@transaction.atomic
def update_action(*, action: Action, data: dict, by, reason: str = "") -> Action:
    territoires = data.pop("territoires", None)
    for field, value in data.items():
        setattr(action, field, value)
    action.full_clean()
    action._history_user = by
    action._change_reason = reason or None
    action.save()
    if territoires is not None:
        action.territoires.set(territoires)
    return action


@transaction.atomic
def record_progress(
    *,
    engagement: Engagement,
    valeur: Decimal,
    date: datetime.date,
    commentaire: str,
    by,
    corrige: PointEtape | None = None,
    illustratif: bool = False,
) -> PointEtape:
    """Append a progress report. Reports are never modified: a correction is a new report naming
    the one it corrects. The coordination's own reports are validated at once; a partner's wait
    for validation when the platform requires it (settings.CLS_VALIDATION_POINTS_ETAPE)."""
    if not Engagement.objects.editable_by(by).filter(pk=engagement.pk).exists():
        raise PermissionDenied
    if corrige is not None:
        corrige = PointEtape.objects.select_for_update().get(pk=corrige.pk)
        if corrige.engagement_id != engagement.pk:
            raise ValidationError(_("Le point corrigé appartient à un autre engagement."))
        if PointEtape.objects.filter(corrige=corrige).exists():
            raise ValidationError(_("Ce point d'étape a déjà été corrigé."))
    point = PointEtape(
        engagement=engagement,
        valeur=valeur,
        date=date,
        commentaire=commentaire,
        auteur=by,
        corrige=corrige,
        illustratif=illustratif,
    )
    if not validation_requise() or has_role(by, COORDINATION):
        point.valide_le = timezone.now()
        point.valide_par = by
    point.full_clean()
    point._history_user = by
    point.save()
    return point


@transaction.atomic
def validate_progress(*, point: PointEtape, by) -> PointEtape:
    """The coordination validates a partner's report: from then on it counts."""
    if not has_role(by, COORDINATION):
        raise PermissionDenied
    point = PointEtape.objects.select_for_update().get(pk=point.pk)
    if point.valide_le is None:
        point.valide_le = timezone.now()
        point.valide_par = by
        point._history_user = by
        point.save(update_fields=["valide_le", "valide_par"])
    return point
