from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoireConfig(AppConfig):
    """The Observatoire de la délinquance: figures, rates per 1000 inhabitants, dashboards."""

    name = "observatoire"
    verbose_name = _("Observatoire de la délinquance")

    def ready(self):
        from cls_poitiers import registry

        from . import panneaux
        from .querysets import (
            ROLES_CONSULTATION,
            ROLES_DECLARATION,
            ROLES_DIAGNOSTIC_LECTURE,
            ROLES_ENQUETE,
            ROLES_IMPORT,
            ROLES_LECTURE_IMPORT,
        )
        from .tableaux_de_bord import cache

        cache.surveiller()
        registry.register_admin_coordination("observatoire.Indicateur", "observatoire.Source")

        registry.register_nav(
            registry.NavEntry(
                _("Observatoire"), "observatoire:tableau_de_bord", roles=ROLES_CONSULTATION, ordre=30
            )
        )
        registry.register_nav(
            registry.NavEntry(_("Imports"), "observatoire:imports", roles=ROLES_LECTURE_IMPORT, ordre=31)
        )
        registry.register_nav(
            registry.NavEntry(
                _("Déclarations"), "observatoire:declarations", roles=ROLES_DECLARATION, ordre=32
            )
        )
        registry.register_nav(
            registry.NavEntry(_("Enquêtes"), "observatoire:enquete_list", roles=ROLES_ENQUETE, ordre=34)
        )
        registry.register_nav(
            registry.NavEntry(
                _("Diagnostic"), "observatoire:diagnostic_list", roles=ROLES_DIAGNOSTIC_LECTURE, ordre=33
            )
        )
        registry.register_panel(
            registry.Panel(
                slot="observatoire",
                template="observatoire/_panneau_analyste.html",
                context=panneaux.depuis_la_derniere_visite,
                roles=ROLES_IMPORT,
                ordre=50,
            )
        )
        registry.register_panel(
            registry.Panel(
                slot="observatoire",
                template="observatoire/_panneau_accueil.html",
                context=panneaux.accueil,
                roles=ROLES_CONSULTATION,
            )
        )
        registry.register_detail_panel(
            registry.DetailPanel(
                model="cls_poitiers.Territoire",
                template="observatoire/_panneau_territoire.html",
                context=panneaux.territoire,
                roles=ROLES_CONSULTATION,
                ordre=10,
            )
        )
