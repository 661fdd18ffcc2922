"""WSGI entry point (gunicorn cls_poitiers.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cls_poitiers.settings")

application = get_wsgi_application()
