"""Login throttling (django-axes), by account and by address.

Axes counts failures per account and per address (AXES_LOCKOUT_PARAMETERS, two separate keys)
and locks when the larger count reaches one limit. An address deserves a higher limit than an
account: partners' offices reach the platform through shared gateways, and one person's typos
must not lock a whole prefecture. `limite_echecs` gives axes that pair of limits: the account's
limit once the account itself has reached it, the address's otherwise. The lock therefore falls
when the account has AXES_ECHECS_COMPTE failures, or the address AXES_ECHECS_ADRESSE (across
accounts), within the cool-off time."""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum


def echecs_du_compte(request, username) -> int:
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def limite_echecs(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: called by axes with the larger of the account's and the address's counts."""
    username = get_client_username(request, credentials)
    if username and echecs_du_compte(request, username) >= settings.AXES_ECHECS_COMPTE:
        return settings.AXES_ECHECS_COMPTE
    return settings.AXES_ECHECS_ADRESSE


def debloquer(*, username: str = "", adresse: str = "") -> int:
    """Lift the lock of an account or of an address; the number of attempt records removed."""
    if username:
        return reset(username=username)
    if adresse:
        return reset(ip=adresse)
    return 0
