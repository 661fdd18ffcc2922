"""Logins and failed logins are logged (who, from where), never the password."""

import logging

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
