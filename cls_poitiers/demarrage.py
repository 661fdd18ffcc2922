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
