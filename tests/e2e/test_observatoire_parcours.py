"""An analyst imports a file, sees the dashboard change, opens the map and exports the table."""

import pytest
from playwright.sync_api import expect

from cls_poitiers.models import Population, Territoire
from tests.conftest import MOT_DE_PASSE
from tests.factories import ContratFactory

pytestmark = pytest.mark.e2e

FICHIER = (
    "territoire;indicateur;periode;nombre\n"
    "86900;total-faits-constates;1997;1\u00a0000\n"
    "86901;total-faits-constates;1997;1562\n"
)


@pytest.fixture
def contrat(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    district = Territoire.objects.create(code="district-e2e", nom="District du parcours", niveau="district")
    ContratFactory(territoire=district)
    for code, nom, habitants, lat in [
        ("86900", "Commune A", 10000, "46.58"),
        ("86901", "Commune B", 20000, "46.61"),
    ]:
        commune = Territoire.objects.create(
            code=code, nom=nom, niveau="commune", parent=district, latitude=lat, longitude="0.35"
        )
        Population.objects.create(territoire=commune, annee=1990, habitants=habitants, source="Test")
    return district


def test_analyst_imports_sees_dashboard_change_opens_map_and_exports(
    page, login, axe, analyste, contrat, tmp_path
):
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/")
    assert "Aucun chiffre" in page.content()
    axe(page, "observatoire vide")

    page.get_by_role("link", name="Imports").first.click()
    axe(page, "imports")
    fichier = tmp_path / "chiffres-1997.csv"
    fichier.write_bytes(FICHIER.encode("cp1252"))
    page.locator("select[name=type]").select_option("figures")
    page.locator("input[type=file]").set_input_files(str(fichier))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Aperçu : ce que l’import ferait")).to_be_visible()
    axe(page, "aperçu d'import")
    page.get_by_role("button", name="Appliquer l’import").click()
    page.wait_for_load_state()
    expect(page.locator("#statut-lot")).to_have_text("Appliqué")

    page.goto(page.base_url + "/observatoire/")
    expect(page.locator("#taux-territoire-contrat")).to_have_text("85,4\u00a0‰")  # 2 562 / 30 000 × 1000
    axe(page, "vue d'ensemble")

    page.get_by_role("link", name="Par territoire (carte)").click()
    page.wait_for_selector("#carte .leaflet-interactive")
    assert page.locator("#carte .leaflet-interactive").count() == 2
    assert page.locator(".leaflet-tile").count() == 0  # no tile server
    axe(page, "carte")

    with page.expect_download() as telechargement:
        page.locator("#tableau-classement").locator("xpath=../following-sibling::p[1]").get_by_role(
            "link", name="CSV"
        ).click()
    contenu = telechargement.value.path().read_text(encoding="utf-8-sig")
    assert (
        contenu.splitlines()[0]
        == "Rang;Territoire;Nombre;Dénominateur;Taux;Rapport au District du parcours;Statut"
    )
    assert "Commune B" in contenu and "78,1" in contenu
