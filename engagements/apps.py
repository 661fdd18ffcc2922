from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    """Fiches-actions, partners' commitments and their progress reports."""

    name = "engagements"
    verbose_name = _("Actions et engagements")
