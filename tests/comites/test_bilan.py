"""The annual review: each part's figures against the underlying data (see bilan_donnees for the
hand-checked values), freezing at adoption, secrecy per role in HTML, PDF and XLSX, permissions."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from comites import services
from comites.bilan import affichage, calcul
from comites.models import Bilan
from observatoire.models import Donnee
from tests.comites.bilan_donnees import creer
from tests.conftest import IDENTITE, REQUETES_CONNEXION, lire_page
from tests.observatoire.factories import DonneeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def donnees(partenaire, autre_partenaire, secretariat, coordination):
    return creer(
        partenaire_a=partenaire.partenaire,
        partenaire_b=autre_partenaire.partenaire,
        secretariat=secretariat,
        auteur=coordination,
    )


@pytest.fixture
def projet(donnees, coordination):
    return services.rediger_bilan(contrat=donnees["contrat"], annee=1999, par=coordination)


def _ligne(tableau, premiere: str) -> list[str]:
    return next([c.texte for c in ligne] for ligne in tableau.lignes if ligne[0].texte == premiere)


def _parties(bilan, detail=True):
    return affichage.presenter(bilan, affichage.donnees(bilan), detail=detail)


# --- 1. statistics --------------------------------------------------------------------------------


def test_statistics_give_the_district_rate_and_its_change_over_the_year_before(projet):
    district = _parties(projet)["statistiques"]["district"]
    ligne = _ligne(district, "Ensemble de la délinquance")
    assert ligne[3:8] == ["90", "30,0\u00a0‰ *", "69", "23,0\u00a0‰ *", "-23,3\u00a0%"]


def test_the_review_names_the_contract_territory_with_its_article_even_once_frozen(projet, donnees):
    """The article the council set (« le Bourg ») is stored with the review's figures: the titles
    say « du Bourg », never « de Bourg », after adoption too; an older review without it reads the
    article off the name."""
    racine = donnees["contrat"].territoire
    racine.nom, racine.article = "Bourg", 2
    racine.save()
    stats = calcul.statistiques(1999)
    assert (stats["district"], stats["district_article"]) == ("Bourg", 2)
    parties = affichage.presenter(projet, {**affichage.donnees(projet), "statistiques": stats}, detail=True)
    assert parties["statistiques"]["district"].titre.startswith("Taux du Bourg par famille")
    assert "Rapport au Bourg" in parties["statistiques"]["territoires"].colonnes
    ancien = {k: v for k, v in stats.items() if k != "district_article"}
    parties = affichage.presenter(projet, {**affichage.donnees(projet), "statistiques": ancien}, detail=True)
    assert parties["statistiques"]["district"].titre.startswith("Taux de Bourg par famille")


def test_statistics_roll_quartiers_up_and_give_each_territory_its_rate(projet):
    territoires = _parties(projet)["statistiques"]["territoires"]
    poitiers = _ligne(territoires, "Poitiers")
    assert poitiers[5:7] == ["66", "66,0\u00a0‰ *"]
    assert poitiers[7] == "50,0\u00a0‰ *"  # 1998: (30 + 20) / 1000
    couronneries = _ligne(territoires, "Les Couronneries")
    assert couronneries[2] == "oui"
    assert couronneries[5:7] == ["26", "65,0\u00a0‰ *"]
    assert couronneries[9] == "2,83"  # 65 / 23


def test_statistics_list_the_priority_territories_and_the_candidates(projet):
    prioritaires = _parties(projet)["statistiques"]["prioritaires"]
    noms = {ligne[0].texte: (ligne[5].texte, ligne[6].texte) for ligne in prioritaires.lignes}
    assert noms["Les Couronneries"][0] == "oui"
    assert noms["Poitiers"] == ("non", "oui (taux > 1,5 fois celui du District test)")
    assert "Buxerolles" not in noms


def test_small_counts_are_masked_for_roles_without_detail(projet):
    masque = _ligne(_parties(projet, detail=False)["statistiques"]["territoires"], "Buxerolles")
    assert masque[5:7] == ["< 5", "—"]
    assert _ligne(_parties(projet, detail=True)["statistiques"]["territoires"], "Buxerolles")[5] == "3"


def test_perceived_insecurity_falls_back_on_the_latest_survey(projet):
    from observatoire.models import Enquete, ResultatEnquete

    enquete = Enquete.objects.create(
        titre="Enquête 1997",
        date_debut=datetime.date(1997, 10, 1),
        date_fin=datetime.date(1997, 11, 1),
        methode="Questionnaire",
    )
    ResultatEnquete.objects.create(
        enquete=enquete,
        territoire=projet.contrat.territoire,
        question="Se sent en insécurité",
        pourcentage=41,
    )
    stats = _parties(projet)["statistiques"]
    assert stats["annee_enquete"] == 1997
    assert [c.texte for c in stats["ressenti"].lignes[0]][3:] == ["Se sent en insécurité", "41,0\u00a0%"]


# --- 3. commitments -------------------------------------------------------------------------------


def test_commitments_are_read_at_the_end_of_the_year(projet):
    engagements = _parties(projet)["engagements"]
    lignes = {ligne[2].texte: [c.texte for c in ligne] for ligne in engagements["engagements"].lignes}
    assert lignes["eng-retard"][6:10] == ["10", "4", "40\u00a0%", "En retard"]
    assert lignes["eng-atteint"][6:10] == ["5", "6", "100\u00a0%", "Atteint"]
    assert [ligne[2].texte for ligne in engagements["retard"].lignes] == ["eng-retard"]


def test_amendments_of_the_year_are_listed(projet, donnees, secretariat):
    from comites.models import Avenant, Reunion

    reunion = Reunion.objects.filter(comite=donnees["pilotage"]).order_by("debut").last()
    services.adopter_avenant(
        reunion=reunion,
        par=secretariat,
        texte="Relever la cible",
        objet=Avenant.Objet.CIBLE,
        engagement=donnees["retard"],
        nouvelle_valeur=12,
    )
    avenants = _parties(projet)["engagements"]["avenants"]
    assert [c.texte for c in avenants.lignes[0]][:2] == ["Avenant n°1", "09/12/1999"]
    assert "10 → 12" in avenants.lignes[0][5].texte


# --- 4. governance --------------------------------------------------------------------------------


def test_governance_gives_the_rhythm_and_the_attendance_rate_per_partner(
    projet, partenaire, autre_partenaire
):
    gouvernance = _parties(projet)["gouvernance"]
    rythme = [[c.texte for c in ligne][:3] for ligne in gouvernance["rythme"].lignes]
    assert rythme == [
        ["Comité de pilotage", "1er semestre 1999", "tenue"],
        ["Comité de pilotage", "2e semestre 1999", "tenue"],
        ["Comité d'évaluation", "1999", "manquante"],
    ]
    presences = {ligne[0].texte: ligne[6].texte for ligne in gouvernance["presences"].lignes}
    assert presences == {
        str(partenaire.partenaire): "100\u00a0%",
        str(autre_partenaire.partenaire): "50\u00a0%",
    }


# --- 2. qualitative and lifecycle ---------------------------------------------------------------


def test_qualitative_text_is_rendered_with_simple_formatting_and_escaped(client, coordination, projet):
    client.force_login(coordination)
    response = client.post(
        reverse("comites:bilan_modifier", args=[projet.pk]),
        {"priorite_3": "**Quinze** agents\n\n- un\n- deux <script>alert(1)</script>", "evenements": ""},
    )
    assert response.status_code == 302
    page = client.get(reverse("comites:bilan_imprimable", args=[projet.pk])).content.decode()
    assert "<strong>Quinze</strong> agents" in page
    assert "<li>deux &lt;script&gt;alert(1)&lt;/script&gt;</li>" in page
    assert "<script>alert" not in page


def test_adoption_freezes_the_figures_against_later_imports_and_corrections(projet, donnees, coordination):
    bilan = services.adopter_bilan(bilan=projet, reunion=donnees["reunion_evaluation"], par=coordination)
    avant = _parties(bilan)
    instantane = bilan.instantane
    Donnee.objects.filter(territoire=donnees["buxerolles"], annee=1999).update(nombre=300)
    DonneeFactory(
        territoire=donnees["contrat"].territoire,
        indicateur=donnees["total"],
        source=donnees["source"],
        lot=donnees["lot"],
        annee=1999,
        nombre=1000,
    )
    from engagements.models import PointEtape

    PointEtape.objects.create(
        engagement=donnees["retard"], date=datetime.date(1999, 12, 1), valeur=9, auteur=coordination
    )
    bilan.refresh_from_db()
    assert bilan.instantane == instantane
    apres = _parties(bilan)
    for partie, cle in (
        ("statistiques", "district"),
        ("statistiques", "territoires"),
        ("engagements", "engagements"),
    ):
        assert [[c.texte for c in ligne] for ligne in apres[partie][cle].lignes] == [
            [c.texte for c in ligne] for ligne in avant[partie][cle].lignes
        ]
    # A new version, drafted afterwards, reads the corrected data; the adopted one stays readable.
    nouvelle = services.rediger_bilan(contrat=donnees["contrat"], annee=1999, par=coordination)
    assert nouvelle.version == 2
    district = _ligne(_parties(nouvelle)["statistiques"]["district"], "Ensemble de la délinquance")
    assert district[5] == "1\u202f366"  # 40 + 26 + 300 + the district's own 1000
    assert Bilan.objects.get(pk=bilan.pk).adopte


def test_adopted_review_cannot_be_edited(client, coordination, projet, donnees):
    services.adopter_bilan(bilan=projet, reunion=donnees["reunion_evaluation"], par=coordination)
    with pytest.raises(services.ActionImpossible):
        services.modifier_bilan(bilan=projet, par=coordination, textes={"3": "x"}, evenements="")
    client.force_login(coordination)
    assert client.get(reverse("comites:bilan_modifier", args=[projet.pk])).status_code == 403


def test_only_a_held_evaluation_meeting_after_the_year_adopts_the_review(projet, donnees, coordination):
    from comites.models import Reunion

    pilotage = Reunion.objects.filter(comite=donnees["pilotage"]).first()
    with pytest.raises(services.ActionImpossible):
        services.adopter_bilan(bilan=projet, reunion=pilotage, par=coordination)
    projet.refresh_from_db()
    assert projet.statut == Bilan.Statut.BROUILLON


def test_one_draft_per_year(projet, donnees, coordination):
    with pytest.raises(services.ActionImpossible):
        services.rediger_bilan(contrat=donnees["contrat"], annee=1999, par=coordination)


def test_adoption_through_the_page_links_the_meeting_and_keeps_history(client, coordination, projet, donnees):
    client.force_login(coordination)
    response = client.post(
        reverse("comites:bilan_adopter", args=[projet.pk]), {"reunion": donnees["reunion_evaluation"].pk}
    )
    assert response.status_code == 302
    projet.refresh_from_db()
    assert projet.reunion_adoption == donnees["reunion_evaluation"]
    assert projet.history.latest().history_user == coordination
    assert projet.history.count() == 2


# --- permissions ----------------------------------------------------------------------------------


def test_evaluation_members_and_secretary_read_drafts_others_do_not(
    client, projet, partenaire, autre_partenaire, secretariat, analyste
):
    url = projet.get_absolute_url()
    for user, attendu in ((partenaire, 200), (secretariat, 200), (autre_partenaire, 404), (analyste, 404)):
        client.force_login(user)
        assert client.get(url).status_code == attendu, user


def test_every_role_reads_an_adopted_review_but_only_the_coordination_writes(
    client, projet, donnees, coordination, autre_partenaire, analyste, sans_role
):
    services.adopter_bilan(bilan=projet, reunion=donnees["reunion_evaluation"], par=coordination)
    for user in (autre_partenaire, analyste):
        client.force_login(user)
        assert client.get(projet.get_absolute_url()).status_code == 200
        assert client.post(reverse("comites:bilan_rediger"), {"annee": 1999}).status_code == 403
    client.force_login(sans_role)
    assert client.get(projet.get_absolute_url()).status_code == 404


def test_a_member_cannot_edit_or_adopt_a_draft(client, projet, partenaire, donnees):
    # The partner is a member of the comité d'évaluation (bilan_donnees): it reads, it does not write.
    client.force_login(partenaire)
    assert (
        client.post(reverse("comites:bilan_modifier", args=[projet.pk]), {"evenements": "x"}).status_code
        == 403
    )
    adopter = reverse("comites:bilan_adopter", args=[projet.pk])
    assert client.post(adopter, {"reunion": donnees["reunion_evaluation"].pk}).status_code == 403
    projet.refresh_from_db()
    assert projet.statut == Bilan.Statut.BROUILLON and projet.evenements == ""


# --- exports --------------------------------------------------------------------------------------


def test_pdf_is_valid_and_masks_small_counts_for_a_partner(client, projet, partenaire, coordination):
    client.force_login(partenaire)
    response = client.get(reverse("comites:bilan_pdf", args=[projet.pk]))
    assert response["Content-Type"] == "application/pdf"
    texte = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bilan de l’année 1999" in texte
    assert "< 5" in texte
    assert "<svg" not in texte


def test_xlsx_has_a_sheet_per_part_and_applies_secrecy(client, projet, partenaire, coordination):
    def buxerolles(user):
        client.force_login(user)
        classeur = load_workbook(
            io.BytesIO(client.get(reverse("comites:bilan_xlsx", args=[projet.pk])).content)
        )
        feuille = classeur["Statistiques territoires"]
        ligne = next(r for r in feuille.iter_rows(values_only=True) if r[0] == "Buxerolles")
        return classeur.sheetnames, ligne[5]

    noms, masque = buxerolles(partenaire)
    assert {"Statistiques", "Qualitatif", "Engagements", "Gouvernance rythme"} <= set(noms)
    assert masque == "< 5"
    assert buxerolles(coordination)[1] == 3


# What a draft review computes from the data: the contract's perimeter (the current contract with
# its territory, the territories under it, then down to the quartiers, their populations), the
# sources with figures, the year's surveys, the figures summed, their indicators; the year's
# decisions; the commitments, the amendments; the steering then the evaluation committees' rhythm
# and meetings,
# the attendance per partner; the priorities.
CALCUL_DU_BILAN = 17


def test_review_pages_and_files_query_counts(client, coordination, projet, django_assert_num_queries):
    client.force_login(coordination)
    # Login, the review, whether the user may edit it, its computation, the header's organisation,
    # the other versions of the year, the adoption form's meetings (whether any, then the list).
    with django_assert_num_queries(REQUETES_CONNEXION + 2 + CALCUL_DU_BILAN + 4):
        lire_page(client, projet.get_absolute_url(), "Bilan de l’année 1999")
    # Login, then the current contract, the header's organisation, its reviews with their
    # adoption meeting.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        lire_page(client, reverse("comites:bilan_list"), projet.get_absolute_url())
    # A PDF reads the identity for its header, a spreadsheet does not.
    for fichier, debut, identite in (("bilan_pdf", b"%PDF", 0), ("bilan_xlsx", b"PK", IDENTITE)):
        # Login, the review, its computation.
        with django_assert_num_queries(REQUETES_CONNEXION - identite + 1 + CALCUL_DU_BILAN):
            response = client.get(reverse(f"comites:{fichier}", args=[projet.pk]))
            assert response.status_code == 200
            assert response.content.startswith(debut)
    services.adopter_bilan(
        bilan=projet,
        reunion=Bilan.objects.get().contrat.comites.get(type="evaluation").reunions.get(),
        par=coordination,
    )
    # Adopted, everything comes from the snapshot: login, then the review.
    with django_assert_num_queries(REQUETES_CONNEXION + 1):
        lire_page(client, reverse("comites:bilan_imprimable", args=[projet.pk]), "Bilan de l’année 1999")
    for fichier, debut, identite in (("bilan_pdf", b"%PDF", 0), ("bilan_xlsx", b"PK", IDENTITE)):
        with django_assert_num_queries(REQUETES_CONNEXION - identite + 1):
            response = client.get(reverse(f"comites:{fichier}", args=[projet.pk]))
            assert response.status_code == 200
            assert response.content.startswith(debut)


def test_snapshot_round_trips_a_figure():
    from observatoire.tableaux_de_bord import calculs

    chiffre = calculs.Chiffre(nombre=3, denominateur=2000, publies=1, annees_denominateur=frozenset([1990]))
    assert calcul.chiffre_depuis_json(calcul.chiffre_en_json(chiffre)) == chiffre


def test_xlsx_carries_ratios_and_rates_in_full_precision(client, projet, coordination):
    """The review's spreadsheet exports what it computed, not what the page rounds for reading."""
    client.force_login(coordination)
    classeur = load_workbook(io.BytesIO(client.get(reverse("comites:bilan_xlsx", args=[projet.pk])).content))
    lignes = list(classeur["Statistiques territoires"].iter_rows(values_only=True))
    entete = next(ligne for ligne in lignes if any(isinstance(c, str) and "Rapport" in c for c in ligne))
    colonnes = [i for i, c in enumerate(entete) if isinstance(c, str) and ("Rapport" in c or "Taux" in c)]
    valeurs = [ligne[i] for ligne in lignes for i in colonnes if isinstance(ligne[i], float)]
    assert valeurs, "aucun taux ni rapport numérique dans la feuille"
    assert any(round(v, 2) != v for v in valeurs)
