"""Writes on commitments. Every change goes through here so that it is versioned (optimistic
concurrency) and recorded in the commitment's history with who and why."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Action, Engagement


class ConflitDeVersion(Exception):
    """Someone saved the commitment since the form was opened. `changes` lists, per field,
    (the value the form started from, the value saved in between)."""

    def __init__(self, engagement: Engagement, changes: dict[str, tuple]):
        self.engagement = engagement
        self.changes = changes
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
                continue
            before = getattr(previous, field, None) if previous else None
            after = getattr(current, field)
            if before != after:
                changes[field] = (before, after)
        raise ConflitDeVersion(current, changes)
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
