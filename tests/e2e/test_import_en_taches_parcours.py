"""An analyst puts the national file on the web and follows it: the check waits in the queue, runs
(its progress in the live region, without reloading), stops at the preview; "Appliquer" queues the
writing, which runs and ends "Appliqué". Then the same page without JavaScript, by its link.

A real `manage.py db_worker` process runs the tasks against the live server's database, so this
journey needs PostgreSQL (an in-memory SQLite test database is not seen by another process). To
see a running step on the page, the worker is paused (SIGSTOP) while it works, then resumed."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from cls_poitiers.formats import nombre
from observatoire.models import Donnee, LotImport
from tests.conftest import MOT_DE_PASSE
from tests.test_import_interrompu import _fichier

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="un vrai processus de traitement sur la même base : PostgreSQL",
    ),
]


@pytest.fixture
def ouvrier(settings, tmp_path, file_en_base):
    """Start (and, at the end, stop) a worker process on the live server's database."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLS_IMPORT_TAILLE_MAX = 100 * 1024 * 1024
    settings.CLS_IMPORT_BAIL_SECONDES = 600  # paused on purpose: not a dead worker
    reglages = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{reglages['USER'] or 'postgres'}@{reglages['HOST'] or '127.0.0.1'}:"
            f"{reglages['PORT'] or 5432}/{reglages['NAME']}"
        ),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CLS_TESTS_TACHES": "base",
        "CLS_IMPORT_BATTEMENT_SECONDES": "0.1",
    }
    processus = []

    def lancer():
        processus.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.1",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        return processus[-1]

    yield lancer
    for p in processus:
        p.send_signal(signal.SIGCONT)
        p.kill()
        p.wait(timeout=30)


def _suspendre_pendant(travailleur, lot, statut):
    """Pause the worker once it has beaten during `statut` (its progress is then in the batch)."""
    limite = time.monotonic() + 300
    debut = None
    while time.monotonic() < limite:
        lot.refresh_from_db()
        if lot.statut == statut:
            debut = debut or lot.battement
            if lot.battement != debut:
                travailleur.send_signal(signal.SIGSTOP)
                return
        time.sleep(0.02)
    pytest.fail(f"le processus de traitement n'a jamais été en {statut}")


def test_analyst_follows_the_check_and_the_writing_of_a_web_import(
    page, login, axe, analyste, ouvrier, tmp_path, browser
):
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/imports/")
    fichier = _fichier(tmp_path / "national.csv", communes=12_000)
    page.locator("select[name=type]").select_option("ssmsi")
    page.locator("input[type=file]").set_input_files(str(fichier))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()

    # Queued: no worker yet. The page says so in its live region, with the refresh link.
    suivi = page.locator("#progression-texte")
    expect(suivi).to_have_attribute("aria-live", "polite")
    expect(suivi).to_contain_text("Vérification en file d’attente")
    expect(page.get_by_role("link", name="Actualiser maintenant")).to_be_visible()
    axe(page, "vérification en file")
    lot = LotImport.objects.get()

    # The worker takes it; paused while it checks, the page shows the running check by itself.
    travailleur = ouvrier()
    _suspendre_pendant(travailleur, lot, LotImport.Statut.VERIFICATION)
    expect(suivi).to_contain_text("Vérification en cours :", timeout=10_000)
    # "0 ligne lue" or "12 000 lignes lues": where the pause caught the check.
    expect(suivi).to_contain_text(re.compile(r"\d ligne(s)? lue(s)?"))
    travailleur.send_signal(signal.SIGCONT)

    # The check ends: the page reloads itself at the preview; nothing is written.
    expect(page.get_by_role("heading", name="Aperçu : ce que l’import ferait")).to_be_visible(timeout=600_000)
    expect(page.locator("#statut-lot")).to_have_text("Aperçu, en attente de validation")
    assert not Donnee.objects.exists()
    axe(page, "aperçu")

    page.get_by_role("button", name="Appliquer l’import").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Écriture en file d’attente : suivez sa progression ci-dessous.")).to_be_visible()
    _suspendre_pendant(travailleur, lot, LotImport.Statut.ECRITURE)
    expect(suivi).to_contain_text("Écriture en cours :", timeout=10_000)
    travailleur.send_signal(signal.SIGCONT)
    expect(page.locator("#statut-lot")).to_have_text("Appliqué", timeout=600_000)
    lot.refresh_from_db()
    expect(page.get_by_role("row", name="Lignes lues")).to_contain_text(nombre(lot.lignes_lues))
    assert Donnee.objects.filter(lot=lot).count() == lot.creees > 0
    axe(page, "import appliqué")


def test_without_javascript_the_refresh_link_follows_the_batch(
    browser, live_server, login, analyste, ouvrier, tmp_path
):
    contexte = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", java_script_enabled=False)
    page = contexte.new_page()
    page.base_url = live_server.url
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/imports/")
    fichier = tmp_path / "chiffres.csv"
    fichier.write_text("territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n")
    page.locator("select[name=type]").select_option("figures")
    page.locator("input[type=file]").set_input_files(str(fichier))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()
    expect(page.locator("#statut-lot")).to_have_text("Vérification en file d’attente")
    ouvrier()
    lot = LotImport.objects.get()
    limite = time.monotonic() + 60
    while LotImport.objects.get(pk=lot.pk).a_suivre and time.monotonic() < limite:
        time.sleep(0.1)
    page.get_by_role("link", name="Actualiser maintenant").click()
    page.wait_for_load_state()
    # Unknown territory (no contract's communes here): refused, said in French, after a refresh.
    expect(page.locator("#statut-lot")).to_have_text("Refusé")
    expect(page.get_by_text("Territoire inconnu : « 86194 ».")).to_be_visible()
    contexte.close()
