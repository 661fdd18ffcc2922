from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoireConfig(AppConfig):
    """The Observatoire de la délinquance: figures, rates per 1000 inhabitants, dashboards."""

    name = "observatoire"
    verbose_name = _("Observatoire de la délinquance")
