"""Start-up of every entry point (manage.py, wsgi): a missing or wrong setting is told, not traced.

The settings module raises ImproperlyConfigured with a French message naming what to set; an
operator reading it needs that sentence, not the Python traceback that leads to it.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def charger_reglages(*, code_sortie: int = 1) -> None:
    """Import the settings now; on a configuration error, print its message alone and exit with
    `code_sortie`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cls_poitiers.settings")
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 (the first access imports the settings module)
    except ImproperlyConfigured as erreur:
        # Not gettext: without settings there is no translation machinery; the text is French.
        print(f"Configuration incomplète : {erreur}", file=sys.stderr)
        raise SystemExit(code_sortie) from None


def figer_les_objets_du_demarrage() -> None:
    """Once the application is loaded (settings, apps, models, and here the URLconf with every
    view module), move what is alive out of the garbage collector's reach (`gc.freeze`): these
    objects live as long as the process, and every full collection walked them all again, a
    pause of tens of milliseconds in the middle of a request (BENCHMARKS.md: the p95 of the
    dashboards). Garbage made before is collected first, so none of it is kept for good."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and the views)
    gc.collect()
    gc.freeze()
