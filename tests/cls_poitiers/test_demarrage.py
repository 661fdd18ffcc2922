"""A missing or wrong setting: every entry point prints the French message alone and exits 1."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.arbiter import Arbiter

ROOT = Path(__file__).resolve().parents[2]


def _lancer(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "AXES_"))}
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("commande", "code"),
    [
        (["manage.py", "check"], 1),
        (["manage.py", "migrate"], 1),
        (["manage.py"], 1),
        # gunicorn's code for a worker that cannot boot: the server stops instead of retrying.
        (["-c", "import cls_poitiers.wsgi"], Arbiter.WORKER_BOOT_ERROR),
    ],
    ids=["check", "migrate", "sans-commande", "wsgi"],
)
def test_without_secret_key_every_entry_point_says_what_to_set_without_traceback(commande, code):
    result = _lancer(commande)

    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Configuration incomplète : DJANGO_SECRET_KEY est obligatoire")
    assert "définissez DJANGO_SECRET_KEY" in message
    assert "DJANGO_DEBUG=1" in message
    assert len(message.splitlines()) == 1


def test_gunicorn_stops_at_once_with_the_message_alone():
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(
        # One worker: with several, gunicorn's arbiter may see two boot failures at once and
        # print its own traceback of the second (it still stops at once, with exit code 1).
        [gunicorn, "cls_poitiers.wsgi", "--workers", "1", "--bind", "127.0.0.1:0"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "AXES_"))},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == Arbiter.WORKER_BOOT_ERROR
    assert "Traceback" not in result.stderr
    assert "Configuration incomplète : DJANGO_SECRET_KEY est obligatoire" in result.stderr
    assert "Worker failed to boot" in result.stderr


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


def test_the_objects_alive_once_the_application_is_loaded_are_out_of_the_collectors_reach():
    import gc

    from cls_poitiers.demarrage import figer_les_objets_du_demarrage

    avant = gc.get_freeze_count()
    try:
        figer_les_objets_du_demarrage()
        # Every object of the loaded application, the URLconf's views included.
        assert gc.get_freeze_count() > avant
        vues = sys.modules["observatoire.views"]
        assert gc.is_tracked(vues.__dict__)
        assert not any(o is vues.__dict__ for o in gc.get_objects())  # frozen: no generation holds it
    finally:
        gc.unfreeze()
