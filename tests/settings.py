"""Test settings: the production settings, with a throwaway secret and fast, local machinery.

The secret is set before the settings module is read, since it refuses to start without one.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Files written by the tests (demo annexes, uploads) go to a throwaway folder, never to media/.
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="cls-tests-media-"))

from cls_poitiers.settings import *  # noqa: E402, F403
from cls_poitiers.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest is built by collectstatic in production; tests serve the files as they are.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Cookies over plain HTTP for the test client and the browser tests against the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Static files come from the finders (node_modules included), as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Two-factor authentication is exercised by tests/cls_poitiers/test_otp.py, which turns it on;
# elsewhere the personas log in with force_login, which carries no second factor.
CLS_2FA_ROLES = []
# Tests write their own small territories; tests/cls_poitiers/test_referentiel.py loads the referential.
CLS_REFERENTIEL_AU_MIGRATE = False
# The dashboards' cache is off: a test's writes are rolled back with the data version, and its
# on_commit callbacks never run. tests/observatoire/test_cache.py turns it on and commits.
# The benchmark's gunicorn runs these settings with CLS_TESTS_CACHE_TABLEAUX=1, as in production.
CLS_CACHE_TABLEAUX = os.environ.get("CLS_TESTS_CACHE_TABLEAUX") == "1"
# Tasks run at once, in the test's own thread and transaction (deterministic): a test reads the
# result of a check or a write as soon as the request that queued it returns. The fault tests
# (tests/observatoire/test_taches_imports_pannes.py) queue in the database instead and run real
# `manage.py db_worker` processes with CLS_TESTS_TACHES=base. E-mails are queued after the commit:
# tests that send run the commit's callbacks (fixture `envoi`); the outbox's fault tests queue in
# the database and run the worker (tests/comites/test_convocation_serveur_injoignable.py).
TASKS = (
    {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if os.environ.get("CLS_TESTS_TACHES") == "base"
    else {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)
# A running import beats every few seconds; a test's import is over before the first beat, unless
# the test (or the worker it starts) asks for a faster one.
CLS_IMPORT_BATTEMENT_SECONDES = float(os.environ.get("CLS_IMPORT_BATTEMENT_SECONDES", "30"))
