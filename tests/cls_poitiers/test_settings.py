"""Production settings: refuse to start without a secret, pass check --deploy with one."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run(["check"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


def test_migrations_can_be_checked_without_secret_key():
    result = _run(["makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_debug_mode_starts_without_secret_key():
    result = _run(["check"], DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_secret_and_hosts():
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY="x" * 20 + "-une-vraie-cle-secrete-de-production-0123456789",
        DJANGO_ALLOWED_HOSTS="cls.example.fr",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_locale_and_timezone_are_french(settings):
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ is True


def test_csp_forbids_inline_scripts(settings):
    from django.utils.csp import CSP

    assert CSP.UNSAFE_INLINE not in settings.SECURE_CSP["script-src"]


def test_the_platforms_identity_names_no_council_by_default():
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CLS_"))}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cls_poitiers.settings'; django.setup();"
        "from django.conf import settings as s; print(repr(s.CLS_PLATEFORME_NOM), s.DEFAULT_FROM_EMAIL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # No name baked in: the platform's name is the current contract's (cls_poitiers.identite).
    assert result.stdout.strip() == "'' cls@localhost"


def test_calendar_feeds_carry_the_platforms_own_name(settings):
    from comites import ics

    settings.CLS_PLATEFORME_NOM = "CLSPD de Châtellerault"
    calendrier = ics.flux([], nom="Réunions").decode()
    assert "PRODID:-//CLSPD de Châtellerault//Comités//FR" in calendrier
    assert "Poitiers" not in calendrier
