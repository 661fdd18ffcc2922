"""A meeting recorded afterwards: it was held without a convocation through the platform (called
by telephone, by letter, before the platform existed). The secretary enters it as held, then records
its attendance, minutes and decisions as for any held meeting; it counts in the expected rhythm."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Comite, Reunion
from .base import ActionImpossible
from .reunions import marquer_tenue, planifier_reunion


@transaction.atomic
def enregistrer_reunion_passee(
    *,
    comite: Comite,
    par,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str = "",
    adresse: str = "",
    territoire=None,
    now: datetime.datetime | None = None,
) -> Reunion:
    """A meeting that has taken place, recorded as held: its history says it was planned, then
    held without a convocation through the platform. Refused for a meeting still to come."""
    if debut > (now or timezone.now()):
        raise ActionImpossible(
            _("Cette réunion n'a pas encore eu lieu : planifiez-la, puis convoquez les membres.")
        )
    reunion = planifier_reunion(
        comite=comite, par=par, debut=debut, fin=fin, titre=titre, adresse=adresse, territoire=territoire
    )
    return marquer_tenue(reunion=reunion, par=par, now=now)
