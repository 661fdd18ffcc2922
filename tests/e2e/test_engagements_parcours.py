"""The STP's representative logs in, adds a progress report on its commitment and sees the bar
move; axe is clean on every page visited."""

import pytest

from cls_poitiers.demo import MOT_DE_PASSE_DEMO

pytestmark = pytest.mark.e2e


def test_stp_adds_a_progress_report_and_sees_the_bar_move(demo, page, login, axe):
    login(page, "stp", MOT_DE_PASSE_DEMO)
    assert page.get_by_role("heading", name="Engagements").is_visible()
    axe(page, "accueil stp")

    page.get_by_role("link", name="Mes engagements", exact=True).first.click()
    page.wait_for_url("**/engagements/mes-engagements/")
    barre = page.locator("#barre-p3-alms-stp")
    assert barre.get_attribute("value") == "50"
    carte = page.locator("#engagement-p3-alms-stp")
    assert "En retard" in carte.inner_text()
    axe(page, "mes engagements")

    carte.get_by_text("Ajouter un point d'étape").click()
    carte.get_by_label("Valeur atteinte (ALMS)").fill("2")
    carte.get_by_label("Commentaire").fill("Second médiateur recruté sur le réseau de bus.")
    axe(page, "formulaire de point d'étape ouvert")
    carte.get_by_role("button", name="Ajouter le point d'étape").click()
    page.wait_for_load_state()

    assert "Point d'étape enregistré pour p3-alms-stp." in page.get_by_role("status").inner_text()
    assert page.locator("#barre-p3-alms-stp").get_attribute("value") == "100"
    assert "Atteint" in page.locator("#engagement-p3-alms-stp").inner_text()
    axe(page, "mes engagements après le point")

    page.locator("#engagement-p3-alms-stp").get_by_role("link").first.click()
    page.wait_for_url("**/engagements/engagement/p3-alms-stp/")
    page.wait_for_function("() => window.Chart && Chart.getChart('graphique-avancement') !== undefined")
    assert "Second médiateur recruté" in page.get_by_role("table", name="Points d'étape").inner_text()
    assert page.get_by_role("heading", name="Historique des modifications").is_visible()
    axe(page, "fiche engagement")


def test_other_engagements_pages_are_accessible(demo, page, login, axe):
    login(page, "coordination", MOT_DE_PASSE_DEMO)
    for chemin in [
        "/engagements/",
        "/engagements/?en_retard=on&au=2000-12-31",
        "/engagements/syntheses/",
        "/engagements/actions/p3-alms/",
        "/engagements/engagement/p2-brigade-de-jour/modifier/",
        "/engagements/import/",
        "/engagements/points-a-valider/",
        "/territoires/86194/",
    ]:
        page.goto(page.base_url + chemin)
        assert page.get_by_role("heading", level=1).is_visible()
        axe(page, chemin)
