"""WSGI entry point (gunicorn cls_poitiers.wsgi)."""

from django.core.wsgi import get_wsgi_application

from cls_poitiers.demarrage import charger_reglages

charger_reglages()
application = get_wsgi_application()
