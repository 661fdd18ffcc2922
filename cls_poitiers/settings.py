"""Settings of the CLS platform, read from the environment.

Development defaults are safe and local (SQLite file in the project, DEBUG only when
DJANGO_DEBUG=1); production refuses to start without a secret key. Every variable is
listed in the README.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} doit être un nombre entier (reçu : {value!r}) : corrigez ou retirez cette variable."
        ) from exc


DEBUG = env_bool("DJANGO_DEBUG")

# Comparing models with migration files, or compiling the message catalogue (make install), signs
# nothing and serves nothing: they may run anywhere.
SANS_SECRET_POSSIBLE = sys.argv[1:2] in (["makemigrations"], ["compilemessages"])

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not SANS_SECRET_POSSIBLE:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY est obligatoire quand DJANGO_DEBUG n'est pas à 1 : "
            "la plateforme refuse de démarrer en production sans clé secrète. En production, "
            "définissez DJANGO_SECRET_KEY (au moins 50 caractères aléatoires, par exemple "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))') ; pour la démonstration "
            "locale, définissez DJANGO_DEBUG=1."
        )
    SECRET_KEY = "django-insecure-cls-poitiers-developpement-uniquement"  # noqa: S105 (DEBUG or makemigrations)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The domain apps, in dependency order (the demo loads them in this order).
CLS_APPS = ["observatoire", "engagements", "comites"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "cls_poitiers.apps_externes.ConnexionsConfig",
    "django_otp",
    # django-otp's TOTP and django-tasks-db (like django-axes above), under French names
    # (cls_poitiers/apps_externes.py).
    "cls_poitiers.apps_externes.DoubleAuthentificationConfig",
    "cls_poitiers.apps_externes.TachesConfig",
    # The contract's core first: the apps depend on it, never the reverse.
    "cls_poitiers",
    *CLS_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cls_poitiers.middleware.SansCacheConnecteMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cls_poitiers.otp.DoubleAuthentificationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cls_poitiers.urls"
WSGI_APPLICATION = "cls_poitiers.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cls_poitiers.context_processors.plateforme",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections (checked before reuse): a new PostgreSQL connection costs a
        # process fork on the server and several milliseconds on every request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles a query that reads the national base (millions of
    # rows) to machine code at every execution, which costs more than the query itself (a ranking
    # of the communes: 2.5 s of compilation for 0.3 s of execution). Web pages are short queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    # SQLite keeps the key of the ranking index (observatoire.Donnee) without its INCLUDE columns:
    # the demo's few thousand figures need no index-only scan.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Caches. "tableaux" holds the observatory's computed dashboards and their rendered HTML
# (observatoire/tableaux_de_bord/cache.py), keyed by a data version stored in the database: a cache
# per process (LocMemCache) is therefore exact under several gunicorn workers.
# CLS_CACHE_TABLEAUX=0 turns it off.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cls-defaut"},
    "tableaux": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cls-tableaux",
        "OPTIONS": {"MAX_ENTRIES": env_int("CLS_CACHE_TABLEAUX_ENTREES", 500)},
    },
}
CLS_CACHE_TABLEAUX = env_bool("CLS_CACHE_TABLEAUX", True)
# Seconds: bounds the staleness of a change that no signal nor import reported.
CLS_CACHE_TABLEAUX_DUREE = env_int("CLS_CACHE_TABLEAUX_DUREE", 600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cls_poitiers.Utilisateur"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out account is refused before checking the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Roles that must use two-factor authentication (TOTP): the coordination (every right on the
# contract) and the observatory (figures unmasked, small counts included). The demo (DEBUG) requires
# none, so that a newcomer logs in with the demo password alone; every user may still enrol.
CLS_2FA_ROLES = env_list("CLS_2FA_ROLES", "" if DEBUG else "Coordination,Observatoire")
OTP_TOTP_ISSUER = "CLS"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes, cls_poitiers/verrouillage.py): an account is locked after
# AXES_ECHECS_COMPTE failures, an address after AXES_ECHECS_ADRESSE failures across accounts (one
# address trying many accounts is stopped), for AXES_COOLOFF_TIME hours. The address's limit is
# higher: partners' offices reach the platform through shared gateways, and one person's typos must
# not shut out a whole prefecture.
AXES_ECHECS_COMPTE = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ECHECS_ADRESSE = env_int("AXES_ECHECS_ADRESSE", 10)
AXES_FAILURE_LIMIT = "cls_poitiers.verrouillage.limite_echecs"
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
# Two separate keys (either one locks), not the combination [["username", "ip_address"]], which
# would only lock one account from one address and let an address try account after account.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: with the address as a key, axes would delete every failure
# from that address, and anyone holding one account behind the gateway could reset the count of
# the accounts being tried. Failures expire after AXES_COOLOFF_TIME.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_VERBOSE = False
# Successful and failed logins are kept (axes AccessLog, AccessFailureLog) for the audit page.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Numbers are formatted explicitly (cls_format filters) so that years never read "1 998".
USE_THOUSAND_SEPARATOR = False
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries installed by `npm ci` (package-lock.json), served locally: no CDN.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail (convocations, reminders, password reset), with Django 6.1's MAILERS.
_EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP_OPTIONS = {
    "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
    "port": env_int("DJANGO_EMAIL_PORT", 25),
    "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
    "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("DJANGO_EMAIL_USE_TLS"),
    "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
}
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {},
    }
}
# The outbox (cls_poitiers/courriels.py): a failed sending is tried again after
# CLS_COURRIEL_DELAI_SECONDES, then twice as long each time, CLS_COURRIEL_TENTATIVES times in all.
CLS_COURRIEL_TENTATIVES = env_int("CLS_COURRIEL_TENTATIVES", 10)
CLS_COURRIEL_DELAI_SECONDES = env_int("CLS_COURRIEL_DELAI_SECONDES", 300)
# The platform's identity is the council's own (cls_poitiers/identite.py): its name is the current
# contract's short name unless CLS_PLATEFORME_NOM names it; CLS_ADRESSE_PUBLIQUE is the address
# every link in an e-mail or a calendar feed starts with (https://clspd.example.fr; `make run` sets
# the address it serves). CLS_PLATEFORME_URL is its former name, still read.
CLS_PLATEFORME_NOM = os.environ.get("CLS_PLATEFORME_NOM", "")
CLS_ADRESSE_PUBLIQUE = os.environ.get(
    "CLS_ADRESSE_PUBLIQUE", os.environ.get("CLS_PLATEFORME_URL", "")
).rstrip("/")
# Background work (imports, e-mail) runs on Django's task framework, queued in the database by
# django-tasks-db and run by its worker (`manage.py db_worker`, started by `make run`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The address e-mails come from; their sender's name is the platform's (identite.expediteur).
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "cls@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. HTTPS settings follow DEBUG: a development server speaks plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Domain settings.
# Below this count, figures are shown as "< N" to every role but Observatoire and Coordination.
CLS_SEUIL_SECRET = env_int("CLS_SEUIL_SECRET", 5)
# A commitment without a progress report for this many days triggers a reminder.
CLS_RELANCE_SANS_POINT_JOURS = env_int("CLS_RELANCE_SANS_POINT_JOURS", 90)
# A deadline within this many days triggers a reminder.
CLS_RELANCE_ECHEANCE_JOURS = env_int("CLS_RELANCE_ECHEANCE_JOURS", 30)
# When on, partners' progress reports wait for the coordination's validation.
CLS_VALIDATION_POINTS_ETAPE = env_bool("CLS_VALIDATION_POINTS_ETAPE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "cls.auth": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
    },
}
# Observatoire: a territory whose rate exceeds this multiple of the district's is a candidate for
# "traitement prioritaire"; imports read whole in memory (partners' files, web uploads) are capped.
# A running import beats every CLS_IMPORT_BATTEMENT_SECONDES; one silent for longer than its lease
# (CLS_IMPORT_BAIL_SECONDES) was cut off and is shown "interrompu", to be started again.
CLS_MULTIPLE_PRIORITAIRE = float(os.environ.get("CLS_MULTIPLE_PRIORITAIRE", "1.5"))
CLS_IMPORT_TAILLE_MAX = env_int("CLS_IMPORT_TAILLE_MAX", 20 * 1024 * 1024)
# The SSMSI national formats are read in chunks, never whole: their web upload (spooled to disk
# above FILE_UPLOAD_MAX_MEMORY_SIZE) has its own cap.
CLS_IMPORT_TAILLE_MAX_NATIONALE = env_int("CLS_IMPORT_TAILLE_MAX_NATIONALE", 2 * 1024 * 1024 * 1024)
CLS_IMPORT_BATTEMENT_SECONDES = float(os.environ.get("CLS_IMPORT_BATTEMENT_SECONDES", "5"))
# On SQLite (development) an import's transaction locks the whole database and holds its beats
# back until it ends: the lease then has to outlast the longest import.
CLS_IMPORT_BAIL_SECONDES = float(
    os.environ.get("CLS_IMPORT_BAIL_SECONDES", "1800" if "sqlite" in DATABASES["default"]["ENGINE"] else "60")
)

# The national territorial referential (npm @etalab/decoupage-administratif, installed by
# `make install`): `migrate` loads it or brings it up to date (cls_poitiers.referentiel).
CLS_REFERENTIEL_DOSSIER = os.environ.get("CLS_REFERENTIEL_DOSSIER", "")
CLS_REFERENTIEL_AU_MIGRATE = env_bool("CLS_REFERENTIEL_AU_MIGRATE", True)
