"""Fault tests of the import tasks (issue 15), on PostgreSQL (CI runs the suite there): real
`manage.py db_worker` processes, against the test database, are killed (SIGKILL) during a check
and during a write. The batch becomes "interrompu" once its lease expired, nothing is written, and
"Relancer" on its page completes it. No worker ever applies a batch that nobody applied.

The test process queues in the database (`file_en_base`); the workers run tests.settings with
CLS_TESTS_TACHES=base and a heartbeat every 0.1 s; the lease here is 1 s."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from observatoire.models import Donnee, LotImport, Source
from tests.test_import_interrompu import _etat, _fichier

ROOT = Path(__file__).resolve().parents[2]
COMMUNES = 12_000  # 60 000 rows: seconds of checking or writing, time to kill it after a beat

pytestmark = [
    pytest.mark.pannes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="des processus de traitement sur la même base : PostgreSQL"
    ),
]


def _env() -> dict:
    reglages = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{reglages['USER'] or 'postgres'}@{reglages['HOST'] or '127.0.0.1'}:"
            f"{reglages['PORT'] or 5432}/{reglages['NAME']}"
        ),
        "CLS_TESTS_TACHES": "base",
        "CLS_IMPORT_BATTEMENT_SECONDES": "0.1",
    }


def _ouvrier(*options) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
            *options,
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _vider_la_file():
    """Every queued task run by a worker that stops when the queue is empty."""
    assert _ouvrier("--batch").wait(timeout=300) == 0


def _tuer_pendant(lot: LotImport, statut: str) -> None:
    """Start a worker, let it beat at least once during `statut`, then SIGKILL it."""
    ouvrier = _ouvrier()
    try:
        limite = time.monotonic() + 120
        debut = None
        while time.monotonic() < limite and ouvrier.poll() is None:
            lot.refresh_from_db()
            if lot.statut == statut:
                debut = debut or lot.battement
                if lot.battement != debut:  # a beat of the running task, from its own connection
                    break
            time.sleep(0.02)
        assert ouvrier.poll() is None and lot.statut == statut, f"la tâche n'a pas été prise en {statut}"
        ouvrier.send_signal(signal.SIGKILL)
        ouvrier.wait(timeout=30)
    finally:
        if ouvrier.poll() is None:
            ouvrier.kill()
    lot.refresh_from_db()
    assert lot.statut == statut, "la tâche s'est terminée avant d'être interrompue : fichier trop petit"


def _attendre_le_bail(client, lot) -> str:
    time.sleep(1.2)
    page = client.get(lot.get_absolute_url()).content.decode()
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.INTERROMPU
    return page


def test_a_worker_killed_during_the_check_then_the_write_leaves_nothing_and_retry_completes(
    tmp_path, analyste, donnees_de_reference, settings, file_en_base
):
    settings.CLS_IMPORT_BAIL_SECONDES = 1
    settings.CLS_IMPORT_TAILLE_MAX = 100 * 1024 * 1024
    fichier = _fichier(tmp_path / "national.csv", communes=COMMUNES)
    avant, sources = _etat(), Source.objects.count()
    client = Client()
    client.force_login(analyste)
    client.post(
        reverse("observatoire:imports"),
        {
            "type": "ssmsi",
            "fichier": SimpleUploadedFile("national.csv", fichier.read_bytes()),
        },
    )
    lot = LotImport.objects.get()

    # Killed during the check: interrupted, nothing written, its check can be started again.
    _tuer_pendant(lot, LotImport.Statut.VERIFICATION)
    page = _attendre_le_bail(client, lot)
    assert "Import interrompu pendant la vérification" in page and "Relancer la vérification" in page
    assert _etat() == avant and Source.objects.count() == sources
    client.post(reverse("observatoire:import_relancer", kwargs={"pk": lot.pk}))
    _vider_la_file()
    lot.refresh_from_db()
    # The retried check ends at its preview: the worker did not apply it.
    assert (lot.statut, lot.tentative, lot.lignes_lues) == ("apercu", 2, COMMUNES * 5)
    assert _etat() == avant and lot.valide_par is None

    # Killed during the write: interrupted, nothing written (one transaction), retried to the end.
    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    _tuer_pendant(lot, LotImport.Statut.ECRITURE)
    page = _attendre_le_bail(client, lot)
    assert "Import interrompu pendant l’écriture" in page and "Relancer l’écriture" in page
    assert _etat() == avant and Source.objects.count() == sources
    client.post(reverse("observatoire:import_relancer", kwargs={"pk": lot.pk}))
    _vider_la_file()
    lot.refresh_from_db()
    assert (lot.statut, lot.tentative, lot.valide_par) == ("applique", 4, analyste)
    assert Donnee.objects.filter(lot=lot).count() == lot.creees > 0


def test_workers_never_apply_a_preview(tmp_path, analyste, donnees_de_reference, settings, file_en_base):
    client = Client()
    client.force_login(analyste)
    contenu = b"territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"
    from cls_poitiers.models import Territoire

    Territoire.objects.create(code="86194", nom="Poitiers", niveau=Territoire.Niveau.COMMUNE)
    client.post(
        reverse("observatoire:imports"), {"type": "figures", "fichier": SimpleUploadedFile("c.csv", contenu)}
    )
    _vider_la_file()
    _vider_la_file()
    subprocess.run(
        [sys.executable, "manage.py", "traiter_imports", "--relancer"],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
    )
    _vider_la_file()
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.APERCU and lot.creees == 1
    assert not Donnee.objects.exists()
