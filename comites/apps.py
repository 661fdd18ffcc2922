from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComitesConfig(AppConfig):
    """Committees, meetings, minutes, decisions, amendments and the annual review."""

    name = "comites"
    verbose_name = _("Comités et réunions")

    def ready(self):
        from cls_poitiers import registry

        from . import panels

        registry.register_admin_coordination("comites.Comite", "comites.Membre")
        for entry in panels.NAV:
            registry.register_nav(entry)
        for panel in panels.PANNEAUX:
            registry.register_panel(panel)
        for panel in panels.PANNEAUX_DETAIL:
            registry.register_detail_panel(panel)
