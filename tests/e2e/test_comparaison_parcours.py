"""An analyst compares Poitiers, Châtellerault, Vienne, Nouvelle-Aquitaine and France: the page
opens on the contract's territory and its references, the search box adds Châtellerault, the
chart and the tables show the five, each reference saying where its figure comes from, and the
table is exported as shown."""

import pytest
from playwright.sync_api import expect

from cls_poitiers.models import Territoire
from tests.conftest import MOT_DE_PASSE
from tests.factories import ContratFactory, PopulationFactory
from tests.observatoire.factories import DonneeFactory, IndicateurFactory, SourceFactory
from tests.observatoire.referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.e2e


@pytest.fixture
def national(db, tmp_path, settings):
    settings.CLS_CACHE_TABLEAUX = False
    charger_referentiel_factice(tmp_path / "referentiel")
    t = {
        nom: Territoire.objects.get(niveau=niveau, code=code)
        for nom, niveau, code in [
            ("poitiers", "commune", "86194"),
            ("chatellerault", "commune", "86066"),
            ("paris", "commune", "75056"),
            ("france", "pays", "FR"),
        ]
    }
    ContratFactory(territoire=t["poitiers"])
    source = SourceFactory(code="base-communale", libelle="Base communale")
    indicateur = IndicateurFactory(code="coups", libelle="Coups et blessures volontaires")
    for nom, habitants in [("poitiers", 90000), ("chatellerault", 30000), ("paris", 2000000)]:
        PopulationFactory(territoire=t[nom], annee=2015, habitants=habitants)
    PopulationFactory(territoire=t["france"], annee=2015, habitants=68000000)
    nombres = {
        "poitiers": [700, 760, 810, 790, 850, 900, 880, 930, 905, 940],
        "chatellerault": [190, 210, 200, None, 230, 240, 250, 245, 260, 300],
        "paris": [16000, 16500, 17000, 17200, 17500, 18000, 18300, 18800, 19000, 19400],
        "france": [None] * 6 + [260000, 270000, 275000, 280000],
    }
    for nom, serie in nombres.items():
        for annee, nombre in zip(range(2015, 2025), serie, strict=True):
            if nombre is not None:
                DonneeFactory(
                    source=source, indicateur=indicateur, territoire=t[nom], annee=annee, nombre=nombre
                )
    return t


def test_analyst_compares_five_territories_with_the_search_box(page, login, axe, analyste, national):
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/")
    page.get_by_role("link", name="Comparer").click()
    page.wait_for_load_state()
    expect(page.locator("#territoires-compares li")).to_have_count(4)
    axe(page, "comparer, par défaut")

    page.get_by_label("Ajouter un territoire : nom ou code").fill("Châtel")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Ajouter Châtellerault (Commune) à la comparaison").click()
    page.wait_for_load_state()

    lignes = page.locator("#tableau-comparaison tbody tr")
    expect(lignes).to_have_count(5)
    noms = [lignes.nth(i).locator("th").inner_text() for i in range(5)]
    assert noms == ["Poitiers", "Vienne", "Nouvelle-Aquitaine", "France", "Châtellerault"]
    assert page.locator("#tableau-comparaison thead th").count() == 3 + 10  # 2015–2024
    # 2015: 700 / 90 000 × 1000 = 7,8 ‰ ; Vienne is the sum of its published communes.
    expect(lignes.nth(0).locator("td").nth(2)).to_have_text("7,8\u00a0‰")
    expect(lignes.nth(1).locator("td").nth(1)).to_have_text("somme des communes publiées")
    expect(lignes.nth(3).locator("td").nth(1)).to_have_text(
        "somme des communes publiées ; chiffre publié par la source"
    )
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('graphique-comparaison'))"
    )
    assert (
        page.evaluate("Chart.getChart(document.getElementById('graphique-comparaison')).data.datasets.length")
        == 5
    )
    page.screenshot(path="/tmp/comparaison-parcours.png", full_page=True)
    axe(page, "comparer, cinq territoires")

    with page.expect_download() as telechargement:
        page.locator("#tableau-comparaison").locator("xpath=../following-sibling::p[1]").get_by_role(
            "link", name="CSV"
        ).click()
    contenu = telechargement.value.path().read_text(encoding="utf-8-sig")
    assert contenu.splitlines()[0].startswith("Territoire;Niveau;Origine du chiffre;2015;2016")
    assert "Châtellerault" in contenu and "7,7777777" in contenu

    page.get_by_role("link", name="Retirer Châtellerault de la comparaison").click()
    page.wait_for_load_state()
    expect(page.locator("#tableau-comparaison tbody tr")).to_have_count(4)
