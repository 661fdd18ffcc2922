"""The coordination opens the demo's 2000 draft review, writes the qualitative text of a priority
and finds it on the printable page; then opens a draft for 1999, adopts it with the comité
d'évaluation of March 2000 and downloads it. axe is clean on every page visited."""

import pytest
from playwright.sync_api import expect

from cls_poitiers.demo import MOT_DE_PASSE_DEMO
from comites.models import Bilan, Reunion

pytestmark = pytest.mark.e2e


def test_coordination_writes_the_2000_draft_and_reads_it_on_the_printable_page(demo, page, login, axe):
    login(page, "coordination", MOT_DE_PASSE_DEMO)
    page.get_by_role("link", name="Bilans annuels").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilans annuels du contrat")
    axe(page, "liste des bilans")

    page.get_by_role("link", name="Bilan 2000 (version 1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan de l’année 2000 (version 1)")
    expect(page.locator("#bilan-district")).to_be_visible()
    axe(page, "projet de bilan 2000")

    page.get_by_role("link", name="Rédiger le bilan qualitatif").click()
    axe(page, "formulaire du bilan qualitatif")
    page.locator("#id_priorite_5").fill(
        "Les **chantiers éducatifs** ont accueilli des jeunes des quartiers.\n\n- Bel-Air\n- Les Couronneries"
    )
    page.get_by_role("button", name="Enregistrer le projet").click()
    expect(page.get_by_text("Bilan qualitatif enregistré.")).to_be_visible()

    page.get_by_role("link", name="Version imprimable").click()
    priorite = page.locator("#priorite-5")
    expect(priorite.locator("strong")).to_have_text("chantiers éducatifs")
    expect(priorite.get_by_role("listitem")).to_have_count(2)
    expect(page.locator("svg.graphique-bilan").first).to_be_visible()
    axe(page, "bilan imprimable")


def test_coordination_adopts_a_review_and_downloads_it(demo, page, login, axe):
    Bilan.objects.filter(annee=1999).delete()
    login(page, "coordination", MOT_DE_PASSE_DEMO)
    page.goto(page.base_url + "/comites/bilans/")
    page.get_by_label("Année du bilan").fill("1999")
    page.get_by_role("button", name="Rédiger le bilan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan qualitatif de l’année 1999 (version 1)")
    page.get_by_role("link", name="Retour au bilan").click()
    reunion = Reunion.objects.get(comite__code="evaluation", debut__year=2000)
    page.get_by_label("Réunion du comité d'évaluation").select_option(str(reunion.pk))
    page.get_by_role("button", name="Adopter le bilan et figer ses chiffres").click()
    expect(page.get_by_text("Bilan adopté : ses chiffres sont figés.")).to_be_visible()
    axe(page, "bilan adopté")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="PDF").click()
    assert telechargement.value.suggested_filename == "bilan-1999-v1.pdf"
    assert Bilan.objects.get(annee=1999).statut == Bilan.Statut.ADOPTE


def test_partner_reads_the_diagnostic_page(demo, page, login, axe):
    login(page, "stp", MOT_DE_PASSE_DEMO)
    page.get_by_role("link", name="Diagnostic").first.click()
    axe(page, "liste des diagnostics")
    page.get_by_role("link", name="Diagnostic local de sécurité du District de Poitiers").click()
    expect(page.locator("#taux-diagnostic")).to_have_text("85,4\u00a0‰")
    expect(page.get_by_role("heading", name="Réunions qui ont nourri le diagnostic")).to_be_visible()
    axe(page, "page du diagnostic")
