"""Writes on commitments. Every change goes through here so that it is versioned (optimistic
concurrency) and recorded in the commitment's history with who and why."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers.enregistrement import historiser
from cls_poitiers.permissions import COORDINATION, has_role

from .models import Action, Engagement, PointEtape
from .querysets import validation_requise


class ConflitDeVersion(Exception):
    """Someone saved the commitment since the form was opened. `changements` lists, per field,
    (the value the form started from, the value saved in between)."""

    def __init__(self, engagement: Engagement, changements: dict[str, tuple], par=None, le=None):
        self.engagement = engagement
        self.changements = changements
        # Who saved last, and when: the editor is told whose change they are about to meet.
        self.par = par
        self.le = le
        super().__init__(
            _("L'engagement %(ref)s a été modifié par quelqu'un d'autre entre-temps.")
            % {"ref": engagement.reference}
        )


def _enregistrer(objet, *, par, motif: str = "", territoires=None):
    """Validate and save with who and why in the object's history; then, when given, set the
    territories concerned (after the save: a new object has no key before)."""
    objet.full_clean()
    historiser(objet, par=par, motif=motif)
    objet.save()
    if territoires is not None:
        objet.territoires.set(territoires)
    return objet


def _creer(objet, *, par, motif: str, territoires):
    # A new object has no territory to clear: without any, nothing is set (no query).
    return _enregistrer(objet, par=par, motif=motif, territoires=list(territoires) or None)


def _appliquer(objet, data: dict, *, par, motif: str):
    """Apply `data` (field → new value, territories included) to `objet` and save it."""
    territoires = data.pop("territoires", None)
    for champ, valeur in data.items():
        setattr(objet, champ, valeur)
    return _enregistrer(objet, par=par, motif=motif, territoires=territoires)


@transaction.atomic
def creer_engagement(*, action: Action, par, motif: str = "", territoires=(), **champs) -> Engagement:
    return _creer(Engagement(action=action, **champs), par=par, motif=motif, territoires=territoires)


@transaction.atomic
def modifier_engagement(
    *, engagement: Engagement, data: dict, par, version_attendue: int | None = None, motif: str = ""
) -> Engagement:
    """Apply `data` (field → new value) to the commitment. With `version_attendue`, refuse the save
    (ConflitDeVersion) when the stored version is newer than the one the editor started from."""
    current = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if version_attendue is not None and current.version != version_attendue:
        previous = current.history.filter(version=version_attendue).order_by("-history_date").first()
        changements = {}
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
                changements[field] = (before, after)
        latest = current.history.order_by("-history_date", "-history_id").first()
        raise ConflitDeVersion(
            current,
            changements,
            par=latest.history_user if latest else None,
            le=latest.history_date if latest else None,
        )
    current.version += 1
    return _appliquer(current, data, par=par, motif=motif)


def abandonner_engagement(
    *, engagement: Engagement, motif_abandon: str, par, date: datetime.date, motif: str = ""
) -> Engagement:
    """Close the commitment at `date` for `motif_abandon` (shown on its page); `motif` is the
    reason written in its history."""
    return modifier_engagement(
        engagement=engagement,
        data={"abandonne_le": date, "motif_abandon": motif_abandon},
        par=par,
        motif=motif,
    )


@transaction.atomic
def creer_action(*, par, territoires=(), motif: str = "", **champs) -> Action:
    return _creer(Action(**champs), par=par, motif=motif, territoires=territoires)


@transaction.atomic
def modifier_action(*, action: Action, data: dict, par, motif: str = "") -> Action:
    return _appliquer(action, data, par=par, motif=motif)


@transaction.atomic
def enregistrer_point_etape(
    *,
    engagement: Engagement,
    valeur: Decimal,
    date: datetime.date,
    commentaire: str,
    par,
    corrige: PointEtape | None = None,
    illustratif: bool = False,
) -> PointEtape:
    """Append a progress report. Reports are never modified: a correction is a new report naming
    the one it corrects. The coordination's own reports are validated at once; a partner's wait
    for validation when the platform requires it (settings.CLS_VALIDATION_POINTS_ETAPE)."""
    if not Engagement.objects.avancement_renseignable_par(par).filter(pk=engagement.pk).exists():
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
        auteur=par,
        corrige=corrige,
        illustratif=illustratif,
    )
    if not validation_requise() or has_role(par, COORDINATION):
        point.valide_le = timezone.now()
        point.valide_par = par
    return _enregistrer(point, par=par)


@transaction.atomic
def valider_point_etape(*, point: PointEtape, par) -> PointEtape:
    """The coordination validates a partner's report: from then on it counts."""
    if not has_role(par, COORDINATION):
        raise PermissionDenied
    point = PointEtape.objects.select_for_update().get(pk=point.pk)
    if point.valide_le is None:
        point.valide_le = timezone.now()
        point.valide_par = par
        historiser(point, par=par)
        point.save(update_fields=["valide_le", "valide_par"])
    return point
