"""The libraries' apps under French names (INSTALLED_APPS lists these configurations).

django-otp's TOTP plugin has no title (Django shows its label, "Otp_Totp") and names its model
with a plain English string ("TOTP device") that no catalogue can translate; django-tasks-db's title
is a plain English string too, and django-axes's is the library's name. The strings they do mark
for translation are in locale/fr (see cls_poitiers/traductions.py).
"""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpConfig
from django_tasks_db.apps import TasksAppConfig


class DoubleAuthentificationConfig(OtpTotpConfig):
    """The users' TOTP devices (two-factor authentication, cls_poitiers/otp.py)."""

    verbose_name = _("Double authentification")

    def ready(self):
        super().ready()
        # Only the displayed names: migrations read Meta's original attributes, left untouched.
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("appareil TOTP")
        meta.verbose_name_plural = _("appareils TOTP")


class TachesConfig(TasksAppConfig):
    """The queue of background work (imports, e-mail), run by `manage.py db_worker`."""

    verbose_name = _("Tâches de fond")


class ConnexionsConfig(AxesConfig):
    """django-axes's records of logins and failed logins (cls_poitiers/verrouillage.py)."""

    verbose_name = _("Connexions")
