from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComitesConfig(AppConfig):
    """Committees, meetings, minutes, decisions, amendments and the annual review."""

    name = "comites"
    verbose_name = _("Comités et réunions")
