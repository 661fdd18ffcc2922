"""A missing or wrong setting: every entry point prints the French message alone and exits 1."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lancer(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "AXES_"))}
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "commande",
    [["manage.py", "check"], ["manage.py", "migrate"], ["manage.py"], ["-c", "import cls_poitiers.wsgi"]],
    ids=["check", "migrate", "sans-commande", "wsgi"],
)
def test_without_secret_key_every_entry_point_says_what_to_set_without_traceback(commande):
    result = _lancer(commande)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Configuration incomplète : DJANGO_SECRET_KEY est obligatoire")
    assert "définissez DJANGO_SECRET_KEY" in message
    assert "DJANGO_DEBUG=1" in message
    assert len(message.splitlines()) == 1


def test_a_malformed_number_names_the_variable_without_traceback():
    result = _lancer(["manage.py", "check"], DJANGO_DEBUG="1", AXES_FAILURE_LIMIT="cinq")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "Configuration incomplète : AXES_FAILURE_LIMIT doit être un nombre entier (reçu : 'cinq') : "
        "corrigez ou retirez cette variable."
    )


def test_a_complete_configuration_runs_the_command():
    result = _lancer(["manage.py", "check"], DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
