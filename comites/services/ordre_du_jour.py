"""A meeting's agenda: prepared while the meeting is a draft, fixed once it is convened."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import PointOrdreDuJour, Reunion
from .base import S, exiger, verrouiller


@transaction.atomic
def ajouter_point(
    *, reunion: Reunion, par, titre: str, duree_minutes: int = 15, engagements=(), territoires=()
) -> PointOrdreDuJour:
    reunion = verrouiller(reunion)
    exiger(
        reunion,
        S.BROUILLON,
        message=_("L'ordre du jour se prépare avant la convocation : il ne change plus ensuite."),
    )
    ordre = (reunion.points.aggregate(m=Max("ordre"))["m"] or 0) + 1
    point = PointOrdreDuJour(reunion=reunion, ordre=ordre, titre=titre, duree_minutes=duree_minutes)
    point.full_clean()
    point.save()
    if engagements:
        point.engagements.set(engagements)
    if territoires:
        point.territoires.set(territoires)
    return point


@transaction.atomic
def retirer_point(*, point: PointOrdreDuJour, par) -> None:
    reunion = verrouiller(point.reunion)
    exiger(reunion, S.BROUILLON, message=_("L'ordre du jour d'une réunion convoquée ne change plus."))
    point.delete()
    # Renumber from 1 without ever colliding with the unique (reunion, ordre) constraint.
    restants = list(reunion.points.order_by("ordre"))
    for decalage, p in enumerate(restants, start=1):
        p.ordre = 1000 + decalage
        p.save(update_fields=["ordre"])
    for rang, p in enumerate(restants, start=1):
        p.ordre = rang
        p.save(update_fields=["ordre"])
