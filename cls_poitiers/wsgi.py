"""WSGI entry point (gunicorn cls_poitiers.wsgi)."""

from django.core.wsgi import get_wsgi_application
from gunicorn.arbiter import Arbiter

from cls_poitiers.demarrage import charger_reglages, figer_les_objets_du_demarrage

# gunicorn stops when a worker exits with WORKER_BOOT_ERROR; with any other code it starts the
# worker again, and would print the same message for ever.
charger_reglages(code_sortie=Arbiter.WORKER_BOOT_ERROR)
application = get_wsgi_application()
figer_les_objets_du_demarrage()
