from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClsPoitiersConfig(AppConfig):
    """The contract's shared core: users, partners, territories, the contract and its priorities."""

    name = "cls_poitiers"
    verbose_name = _("Contrat local de sécurité")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401 (connects the login audit)
        from .droits import accorder_droits_coordination

        # Every app's permissions exist only once its own post_migrate ran: listen to all of them.
        post_migrate.connect(accorder_droits_coordination, dispatch_uid="cls_droits_coordination")
        from .referentiel import charger_apres_migration

        post_migrate.connect(charger_apres_migration, dispatch_uid="cls_referentiel")
        from .permissions import COORDINATION, SECRETARIAT
        from .registry import NavEntry, register_nav

        register_nav(
            NavEntry(
                label=_("Gérer le conseil"), url_name="gestion:accueil", roles=(COORDINATION,), ordre=890
            )
        )
        register_nav(NavEntry(label=_("Journal"), url_name="journal", roles=(COORDINATION,), ordre=900))
        register_nav(
            NavEntry(
                label=_("Courriels"), url_name="courriel_list", roles=(COORDINATION, SECRETARIAT), ordre=910
            )
        )
