from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    """Fiches-actions, partners' commitments and their progress reports."""

    name = "engagements"
    verbose_name = _("Actions et engagements")

    def ready(self):
        from cls_poitiers.permissions import COORDINATION, PARTENAIRE, ROLES
        from cls_poitiers.registry import (
            DetailPanel,
            NavEntry,
            Panel,
            register_detail_panel,
            register_nav,
            register_panel,
        )

        from . import panneaux

        register_nav(NavEntry(_("Mes engagements"), "engagements:mes_engagements", (PARTENAIRE,), ordre=10))
        register_nav(NavEntry(_("Engagements"), "engagements:engagement_list", ROLES, ordre=11))
        register_nav(NavEntry(_("Synthèses"), "engagements:syntheses", ROLES, ordre=12))
        register_panel(
            Panel(
                slot="engagements",
                template="engagements/_panneau_accueil.html",
                context=panneaux.accueil,
                roles=(COORDINATION, PARTENAIRE),
            )
        )
        register_detail_panel(
            DetailPanel(
                model="cls_poitiers.Territoire",
                template="engagements/_panneau_territoire.html",
                context=panneaux.territoire,
                roles=ROLES,
            )
        )
        register_detail_panel(
            DetailPanel(
                model="cls_poitiers.Priorite",
                template="engagements/_panneau_priorite.html",
                context=panneaux.priorite,
                roles=ROLES,
            )
        )
