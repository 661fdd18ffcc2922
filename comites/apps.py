from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComitesConfig(AppConfig):
    """Committees, meetings, minutes, decisions, amendments and the annual review."""

    name = "comites"
    verbose_name = _("Comités et réunions")

    def ready(self):
        from cls_poitiers import registry

        from . import mise_en_place, panneaux

        registry.register_admin_coordination("comites.Comite", "comites.Membre")
        for entry in panneaux.NAV:
            registry.register_nav(entry)
        for panneau in panneaux.PANNEAUX:
            registry.register_panel(panneau)
        for panneau in panneaux.PANNEAUX_DETAIL:
            registry.register_detail_panel(panneau)
        registry.register_etape_mise_en_place(mise_en_place.ETAPE)
