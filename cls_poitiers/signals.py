"""Logins and failed logins are logged (who, from where), never the password. At login, the
previous login is kept in the session: "since your last visit" reads it (`visite_precedente`)."""

import datetime
import logging

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("cls.auth")


def _ip(request):
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    logger.info("Connexion réussie : %s depuis %s", user.get_username(), _ip(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        logger.info("Déconnexion : %s", user.get_username())


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    logger.warning("Échec de connexion pour %r depuis %s", credentials.get("username", "?"), _ip(request))


SESSION_VISITE_PRECEDENTE = "cls_visite_precedente"


def retenir_visite_precedente(sender, request, user, **kwargs):
    """Keep the user's previous login (None for a first one) in the new session."""
    if request is not None and hasattr(request, "session"):
        precedente = user.last_login
        request.session[SESSION_VISITE_PRECEDENTE] = precedente.isoformat() if precedente else None


# Django's own receiver overwrites last_login: ours must read it first, so both are connected in
# that order (the same dispatch_uid keeps Django from connecting its receiver a second time).
user_logged_in.disconnect(dispatch_uid="update_last_login")
user_logged_in.connect(retenir_visite_precedente, dispatch_uid="cls_retenir_visite_precedente")
user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def visite_precedente(request) -> datetime.datetime | None:
    """When this user logged in before the current session (None: first login, or unknown)."""
    valeur = request.session.get(SESSION_VISITE_PRECEDENTE) if hasattr(request, "session") else None
    return datetime.datetime.fromisoformat(valeur) if valeur else None
