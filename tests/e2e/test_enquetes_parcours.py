"""An analyst enters a perceived-insecurity survey in the browser: a share out of range is refused
in French, the corrected survey is listed and its shares appear on the territories surveyed,
while the commune above them says why it has none."""

import pytest
from playwright.sync_api import expect

from cls_poitiers.models import Population, Territoire
from observatoire.models import Enquete, Indicateur, LotImport, Source
from tests.conftest import MOT_DE_PASSE
from tests.factories import ContratFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def contrat(db):
    district = Territoire.objects.create(code="district-e2e", nom="District du parcours", niveau="district")
    ContratFactory(territoire=district)
    commune = Territoire.objects.create(code="86900", nom="Commune A", niveau="commune", parent=district)
    quartier = Territoire.objects.create(
        code="QP086900", nom="Quartier des Tilleuls", niveau="quartier", parent=commune
    )
    Population.objects.create(territoire=commune, annee=1990, habitants=10000, source="Test")
    source = Source.objects.create(code="police-e2e", libelle="Police (parcours)", nature="police_locale")
    lot = LotImport.objects.create(type="figures", fichier_nom="x.csv", source=source, statut="applique")
    commune.donnees.create(
        indicateur=Indicateur.objects.get(code="total-faits-constates"),
        source=source,
        annee=1999,
        nombre=50,
        lot=lot,
    )
    return {"commune": commune, "quartier": quartier}


def test_analyst_enters_a_survey_corrects_a_share_and_finds_it_on_the_territory(
    page, login, axe, analyste, contrat
):
    login(page, analyste.username, MOT_DE_PASSE)
    page.get_by_role("link", name="Enquêtes").first.click()
    expect(page.get_by_role("heading", name="Enquêtes d’insécurité ressentie")).to_be_visible()
    axe(page, "liste des enquêtes")
    page.get_by_role("link", name="Saisir une enquête").click()
    axe(page, "saisie d'une enquête")

    page.locator("#id_titre").fill("Enquête de victimation 1999")
    page.locator("#id_date_debut").fill("1999-03-01")
    page.locator("#id_date_fin").fill("1999-04-15")
    page.locator("#id_methode").fill("Questionnaire téléphonique, échantillon par quotas")
    page.locator("#id_repondants").fill("600")
    page.get_by_label("Quartier des Tilleuls").check()
    page.get_by_label("Territoire (ligne 1)", exact=True).select_option(label="Quartier des Tilleuls")
    page.get_by_label("Question ou réponse (ligne 1)").fill("Se sent en insécurité le soir")
    page.get_by_label("Part des répondants (%) (ligne 1)").fill("142,5")
    page.get_by_role("button", name="Enregistrer l’enquête").click()
    page.wait_for_load_state()

    erreur = page.locator("#id_resultats-0-pourcentage_erreur")
    expect(erreur).to_have_text("Une part de répondants est comprise entre 0 et 100 %.")
    expect(page.get_by_label("Part des répondants (%) (ligne 1)")).to_have_attribute("aria-invalid", "true")
    assert not Enquete.objects.exists()
    axe(page, "saisie refusée")

    page.get_by_label("Part des répondants (%) (ligne 1)").fill("42,5")
    page.get_by_role("button", name="Enregistrer l’enquête").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Enquête « Enquête de victimation 1999 » enregistrée.")).to_be_visible()
    ligne = page.get_by_role("row").filter(has_text="Enquête de victimation 1999")
    expect(ligne).to_contain_text("600 répondants")
    expect(ligne).to_contain_text("Quartier des Tilleuls")
    assert Enquete.objects.get().history.get().history_user == analyste

    page.goto(page.base_url + "/observatoire/territoires/QP086900/")
    expect(page.locator("#tableau-enquetes")).to_contain_text("42,5\u00a0%")
    page.goto(page.base_url + "/observatoire/territoires/86900/")
    expect(page.locator("#note-enquetes")).to_contain_text(
        "Aucune enquête d’insécurité ressentie ne couvre Commune A en entier".replace("’", "'")
    )
    expect(page.locator("#tableau-enquetes")).not_to_contain_text("42,5")
