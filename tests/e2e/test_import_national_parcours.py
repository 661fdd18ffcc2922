"""An analyst puts a national-format file (about 200 000 rows, made by the project's generator) on
the web: the upload, the check followed on the page (the rows read grow), the preview (nothing
written), "Appliquer l'import", the writing followed until "Appliqué"; then the figures are in the
database, and one commune's figure read on its page is the file's.

A real `manage.py db_worker` process runs the tasks against the live server's database, so this
journey needs PostgreSQL (as `test_import_en_taches_parcours.py`). To read the progress on the
page, the worker is paused (SIGSTOP) at a known count of rows, then resumed."""

import csv
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
from cls_poitiers.models import Territoire
from observatoire import generation, services
from observatoire.models import Donnee, LotImport
from tests.conftest import MOT_DE_PASSE
from tests.factories import ContratFactory, TerritoireFactory

ROOT = Path(__file__).resolve().parents[2]
LIGNES = 200_000
CAPTURES = Path("/tmp")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="un vrai processus de traitement sur la même base : PostgreSQL",
    ),
]


@pytest.fixture
def ouvrier(settings, tmp_path, file_en_base):
    """A worker process on the live server's database (stopped at the end)."""
    settings.MEDIA_ROOT = tmp_path / "media"
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
        # A beat at least once per chunk of 50 000 rows: the page sees the count grow.
        "CLS_IMPORT_BATTEMENT_SECONDES": "0.02",
        "CLS_IMPORT_BAIL_SECONDES": "600",
    }
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield processus
    processus.send_signal(signal.SIGCONT)
    processus.kill()
    processus.wait(timeout=30)


@pytest.fixture
def fichier_national(tmp_path):
    """The generator's national file of about LIGNES rows; its communes made territories (an
    import never invents one), as `generer_chiffres --territoires` does, Poitiers in a contract."""
    vienne = TerritoireFactory(code="86", nom="Vienne", niveau=Territoire.Niveau.DEPARTEMENT)
    district = TerritoireFactory(code="district-test", nom="District test", niveau="district", parent=vienne)
    ContratFactory(territoire=district, annee_diagnostic=1997)
    TerritoireFactory(code="86194", nom="Poitiers", parent=district, departement=vienne)
    chemin = tmp_path / "national.csv"
    lignes = generation.ecrire_fichier(chemin, nombre_lignes=LIGNES)
    services.preparer_territoires_generes(generation.communes(-(-LIGNES // generation.LIGNES_PAR_COMMUNE)))
    return chemin, lignes


def _lignes_du_fichier(chemin: Path) -> list[dict]:
    with chemin.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _arreter_apres(travailleur, lot, statut, *, plus_de: int) -> int:
    """Pause the worker once the batch, in `statut`, recorded more than `plus_de` rows read;
    returns the count the page must then show."""
    limite = time.monotonic() + 120
    vus = []  # the states seen, said if the batch ends first
    while time.monotonic() < limite:
        etat = LotImport.objects.values("statut", "lignes_lues", "battement", "progression").get(pk=lot.pk)
        if not vus or vus[-1] != etat:
            vus.append(etat)
        if etat["statut"] == statut and etat["lignes_lues"] > plus_de:
            travailleur.send_signal(signal.SIGSTOP)
            time.sleep(0.2)  # a beat under way ends (its update is committed) or never started
            return LotImport.objects.values_list("lignes_lues", flat=True).get(pk=lot.pk)
        if etat["statut"] not in {*LotImport.EN_COURS.values(), *LotImport.EN_FILE.values()}:
            pytest.fail(f"le lot s'est arrêté en {etat['statut']} avant {plus_de} lignes lues {vus}")
        time.sleep(0.005)
    pytest.fail(f"le processus de traitement n'a jamais lu plus de {plus_de} lignes en {statut}")


def _lignes_lues(n: int) -> str:
    return f"{nombre(n)} ligne lue" if n == 1 else f"{nombre(n)} lignes lues"


def test_analyst_imports_the_national_file_on_the_web_and_reads_a_commune_back(
    page, login, axe, analyste, fichier_national, ouvrier
):
    chemin, lignes = fichier_national
    contenu = _lignes_du_fichier(chemin)
    assert len(contenu) == lignes > 150_000
    masquees = sum(ligne["est_diffuse"] == "ndiff" for ligne in contenu)
    avant = Donnee.objects.count()

    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/imports/")
    axe(page, "page des imports")
    page.locator("select[name=type]").select_option("ssmsi")
    page.locator("input[type=file]").set_input_files(str(chemin))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()
    lot = LotImport.objects.get()
    assert lot.taille == chemin.stat().st_size

    # The check: paused twice, the page shows by itself the rows read, and then more of them.
    suivi = page.locator("#progression-texte")
    premiere = _arreter_apres(ouvrier, lot, LotImport.Statut.VERIFICATION, plus_de=0)
    assert premiere < lignes
    expect(suivi).to_contain_text("Vérification en cours : " + _lignes_lues(premiere), timeout=10_000)
    page.screenshot(path=str(CAPTURES / "import-national-verification.png"), full_page=True)
    axe(page, "vérification en cours")
    ouvrier.send_signal(signal.SIGCONT)
    seconde = _arreter_apres(ouvrier, lot, LotImport.Statut.VERIFICATION, plus_de=premiere)
    expect(suivi).to_contain_text("Vérification en cours : " + _lignes_lues(seconde), timeout=10_000)
    ouvrier.send_signal(signal.SIGCONT)

    # The preview: what the import would do, nothing written.
    expect(page.get_by_role("heading", name="Aperçu : ce que l’import ferait")).to_be_visible(timeout=120_000)
    expect(page.locator("#statut-lot")).to_have_text("Aperçu, en attente de validation")
    expect(page.get_by_role("row", name="Lignes lues")).to_contain_text(nombre(lignes))
    expect(page.get_by_role("row", name="Chiffres créés")).to_contain_text(nombre(lignes))
    expect(page.get_by_role("row", name="Chiffres modifiés")).to_contain_text("0")
    expect(page.get_by_role("row", name="Lignes rejetées (territoires inconnus)")).to_contain_text("0")
    assert Donnee.objects.count() == avant
    page.screenshot(path=str(CAPTURES / "import-national-apercu.png"), full_page=True)
    axe(page, "aperçu")

    # The writing, followed the same way until "Appliqué".
    page.get_by_role("button", name="Appliquer l’import").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Écriture en file d’attente : suivez sa progression ci-dessous.")).to_be_visible()
    ecrites = _arreter_apres(ouvrier, lot, LotImport.Statut.ECRITURE, plus_de=0)
    expect(suivi).to_contain_text("Écriture en cours : " + _lignes_lues(ecrites), timeout=10_000)
    page.screenshot(path=str(CAPTURES / "import-national-ecriture.png"), full_page=True)
    axe(page, "écriture en cours")
    ouvrier.send_signal(signal.SIGCONT)
    expect(page.locator("#statut-lot")).to_have_text("Appliqué", timeout=120_000)
    expect(page.get_by_role("row", name="Chiffres créés")).to_contain_text(nombre(lignes))
    page.screenshot(path=str(CAPTURES / "import-national-applique.png"), full_page=True)
    axe(page, "import appliqué")

    # Every row is a figure: a masked one (ndiff) is kept as a secret figure, never dropped.
    lot.refresh_from_db()
    assert lot.creees == lignes
    assert Donnee.objects.count() == avant + lignes
    assert Donnee.objects.filter(lot=lot).count() == lignes
    assert Donnee.objects.filter(lot=lot, secret=True).count() == masquees > 0

    # One commune's figure, read on its page (the generated source), is the file's.
    ligne = next(
        ligne
        for ligne in contenu
        if ligne["CODGEO_2026"] == "86194"
        and ligne["annee"] == "2025"
        and ligne["indicateur"] == "Cambriolages de logement"
    )
    page.goto(page.base_url + "/observatoire/territoires/86194/?source=generee-illustrative")
    sur_la_page = (
        page.locator("section[aria-labelledby=titre-chiffres] tbody tr")
        .filter(has=page.get_by_role("rowheader", name="Cambriolages de logement", exact=True))
        .filter(has=page.locator("td:first-of-type", has_text=re.compile(r"^2025$")))
    )
    expect(sur_la_page).to_have_count(1)
    expect(sur_la_page.locator("td").nth(1)).to_have_text(nombre(int(ligne["nombre"])))
    page.screenshot(path=str(CAPTURES / "import-national-commune.png"), full_page=True)
