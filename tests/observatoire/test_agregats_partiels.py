"""An aggregate is shown complete only when every part has a figure; otherwise it says
"partiel : n communes sur N, x % de la population", in pages, CSV/XLSX and JSON, and no ratio
to a partial district is given as if it were the district's."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from observatoire.models import Indicateur
from observatoire.tableaux_de_bord import calculs, completude

from .factories import DonneeFactory, LotImportFactory

pytestmark = pytest.mark.django_db

# Poitiers 1 000 inhabitants, Buxerolles 2 000 (the fixture's 1990 populations).
PARTIEL_POITIERS_SEUL = "partiel : 1 commune sur 2, 33,3\u00a0% de la population"


@pytest.fixture
def poitiers_seul(perimetre, source):
    """Only Poitiers has a 2016 figure (as after importing only its extract of the national
    base): 1 261 facts on its own row."""
    lot = LotImportFactory(source=source)
    total = Indicateur.objects.get(code="total-faits-constates")
    DonneeFactory(
        territoire=perimetre["c1"], annee=2016, nombre=1261, source=source, lot=lot, indicateur=total
    )
    return perimetre


def _donnee(perimetre, source, territoire, nombre, annee=2016, **kwargs):
    DonneeFactory(
        territoire=perimetre[territoire],
        annee=annee,
        nombre=nombre,
        source=source,
        lot=LotImportFactory(source=source),
        indicateur=Indicateur.objects.get(code="total-faits-constates"),
        **kwargs,
    )


def _json(client, **parametres):
    reponse = client.get(reverse("observatoire:api_chiffres"), parametres)
    assert reponse.status_code == 200
    return {ligne["territoire_code"]: ligne for ligne in reponse.json()["resultats"]}


def test_json_says_the_district_is_partial_with_what_it_covers(
    poitiers_seul, analyste, partenaire, client_de
):
    for user in (analyste, partenaire):
        lignes = _json(client_de(user), annee=2016)
        district = lignes["district-test"]
        assert district["nombre"] == 1261 and district["statut"] == "partiel"
        assert district["couverture"] == PARTIEL_POITIERS_SEUL
        assert district["parties"] == {
            "parties_avec_chiffre": 1,
            "parties": 2,
            "niveau_des_parties": "commune",
            "part_population": 33.3333,
        }
        # Poitiers' own figure is the source's: complete.
        assert lignes["86194"]["statut"] == "publie" and lignes["86194"]["couverture"] is None


def test_exporter_chiffres_statut_column_says_partiel(poitiers_seul, tmp_path):
    sortie = tmp_path / "chiffres.csv"
    call_command("exporter_chiffres", "--annee", "2016", "--sortie", str(sortie), stdout=io.StringIO())
    lignes = [ligne.split(";") for ligne in sortie.read_text(encoding="utf-8-sig").splitlines()]
    statut = lignes[0].index("statut")
    par_code = {ligne[0]: ligne for ligne in lignes[1:]}
    assert par_code["district-test"][statut] == PARTIEL_POITIERS_SEUL
    assert par_code["86194"][statut] == "publie"
    sortie = tmp_path / "chiffres.xlsx"
    call_command("exporter_chiffres", "--annee", "2016", "--sortie", str(sortie), stdout=io.StringIO())
    rangees = list(openpyxl.load_workbook(sortie).active.iter_rows(values_only=True))
    assert {r[0]: r[statut] for r in rangees[1:]}["district-test"] == PARTIEL_POITIERS_SEUL


def test_ranking_gives_no_ratio_to_a_partial_district(poitiers_seul, analyste, client_de):
    client = client_de(analyste)
    url = reverse("observatoire:par_territoire") + "?annee=2016"
    page = client.get(url).content.decode()
    assert PARTIEL_POITIERS_SEUL in page
    assert "Aucun rapport n&#x27;est calculé sur un total partiel." in page
    lignes = {
        ligne.split(";")[1]: ligne.split(";")
        for ligne in client.get(url + "&export=classement&format=csv")
        .content.decode("utf-8-sig")
        .splitlines()
    }
    assert lignes["Territoire"][-1] == "Statut"
    assert lignes["Poitiers"][5] == "" and lignes["Poitiers"][6] == "complet"  # no "Rapport au district 1,0"
    assert lignes["District test"][5] == "" and lignes["District test"][6] == PARTIEL_POITIERS_SEUL
    xlsx = client.get(url + "&export=classement&format=xlsx")
    rangees = {
        r[1]: r for r in openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    }
    assert rangees["District test"][6] == PARTIEL_POITIERS_SEUL


def test_overview_marks_the_district_partial(poitiers_seul, partenaire, client_de):
    page = client_de(partenaire).get(reverse("observatoire:tableau_de_bord") + "?annee=2016").content.decode()
    assert 'id="territoire-contrat-partiel"' in page and "Partiel : 1 commune sur 2" in page


def test_a_complete_district_says_complet_and_keeps_its_ratios(poitiers_seul, source, analyste, client_de):
    _donnee(poitiers_seul, source, "c2", 600)
    lignes = _json(client_de(analyste), annee=2016)
    assert lignes["district-test"]["statut"] == "publie" and lignes["district-test"]["couverture"] is None
    csv = client_de(analyste).get(
        reverse("observatoire:par_territoire") + "?annee=2016&export=classement&format=csv"
    )
    lignes = {ligne.split(";")[1]: ligne.split(";") for ligne in csv.content.decode("utf-8-sig").splitlines()}
    # (1261 / 1000) / (1861 / 3000) = 2,0327…, exported in full precision
    ratio = float(lignes["Poitiers"][5].replace(",", "."))
    assert ratio == pytest.approx((1261 / 1000) / (1861 / 3000), rel=1e-12)
    assert lignes["District test"][6] == "complet"


def test_a_part_masked_at_the_source_makes_the_total_partial(poitiers_seul, source, analyste, client_de):
    _donnee(poitiers_seul, source, "c2", None, secret=True)
    district = _json(client_de(analyste), annee=2016)["district-test"]
    assert district["statut"] == "partiel" and district["couverture"] == PARTIEL_POITIERS_SEUL


def test_a_quartier_without_figure_leaves_the_communes_own_total_complete(poitiers_seul, source):
    """Poitiers' own row with no quartier figure is the source's total; with a quartier figure,
    the commune's total is its parts' sum, complete when every quartier has one."""
    consolides = {
        "P": calculs.Consolide(total=calculs.Chiffre.publie(1261), non_localise=None),
        "Q": calculs.Consolide(total=calculs.Chiffre(), non_localise=None),
    }
    assert completude.couvertures(consolides, {"P": ["Q"]}, {"Q": "quartier"}, lambda t: 1) == {}
    consolides["Q"] = calculs.Consolide(total=calculs.Chiffre.publie(40), non_localise=None)
    couverture = completude.couvertures(consolides, {"P": ["Q"]}, {"Q": "quartier"}, lambda t: 1)["P"]
    assert couverture.complete and couverture.texte() == ""


def test_a_partial_commune_makes_its_district_partial():
    chiffre = calculs.Chiffre.publie
    consolides = {
        "D": calculs.Consolide(total=chiffre(100), non_localise=None),
        "P": calculs.Consolide(total=chiffre(90), non_localise=chiffre(50)),
        "Q1": calculs.Consolide(total=chiffre(40), non_localise=None),
        "Q2": calculs.Consolide(total=calculs.Chiffre(), non_localise=None),
        "B": calculs.Consolide(total=chiffre(10), non_localise=None),
    }
    enfants = {"D": ["P", "B"], "P": ["Q1", "Q2"]}
    niveaux = {"P": "commune", "B": "commune", "Q1": "quartier", "Q2": "quartier"}
    populations = {"P": 800, "B": 200, "Q1": 300, "Q2": 100}
    couvertures = completude.couvertures(consolides, enfants, niveaux, populations.get)
    assert couvertures["P"].texte() == "partiel : 1 quartier sur 2, 75,0\u00a0% de la population"
    assert couvertures["D"].texte() == "partiel : 1 commune sur 2, 20,0\u00a0% de la population"
    populations.pop("B")
    couvertures = completude.couvertures(consolides, enfants, niveaux, populations.get)
    assert couvertures["D"].texte() == "partiel : 1 commune sur 2"


def test_annual_review_marks_the_partial_district_and_gives_no_ratio_to_it(poitiers_seul):
    from comites.bilan import affichage, calcul

    stats = affichage._statistiques(calcul.statistiques(2016), 2016, detail=True)
    district = [c.texte for c in stats["district"].lignes[0]]
    assert district[5] == "1\u202f261 (" + PARTIEL_POITIERS_SEUL + ")"
    assert stats["partiel"]
    poitiers = next(ligne for ligne in stats["territoires"].lignes if ligne[0].texte == "Poitiers")
    assert poitiers[5].valeur == 1261 and poitiers[9].texte == "—"


def test_the_home_panel_and_the_territory_panel_say_the_district_is_partial(
    poitiers_seul, partenaire, client_de
):
    client = client_de(partenaire)
    accueil = client.get("/").content.decode()
    assert 'id="accueil-partiel"' in accueil and "1 commune sur 2" in accueil
    code = poitiers_seul["district"].code
    page = client.get(reverse("territoire_detail", kwargs={"code": code})).content.decode()
    assert 'id="territoire-partiel"' in page and "1 commune sur 2" in page
    poitiers = client.get(reverse("territoire_detail", kwargs={"code": "86194"})).content.decode()
    assert 'id="territoire-partiel"' not in poitiers  # its own row: complete


def test_a_complete_district_has_no_partial_mark_on_the_panels(poitiers_seul, source, partenaire, client_de):
    _donnee(poitiers_seul, source, "c2", 600)
    client = client_de(partenaire)
    assert 'id="accueil-partiel"' not in client.get("/").content.decode()
    code = poitiers_seul["district"].code
    page = client.get(reverse("territoire_detail", kwargs={"code": code})).content.decode()
    assert 'id="territoire-partiel"' not in page


def test_a_months_partial_district_total_says_so_in_the_monthly_series(
    perimetre, source, partenaire, client_de
):
    """Month by month too: only Poitiers declared March 2016, so the district's March is partial;
    April, where both communes have a figure, is complete."""
    total = Indicateur.objects.get(code="total-faits-constates")
    for territoire, mois, nombre in (("c1", 3, 40), ("c1", 4, 50), ("c2", 4, 30)):
        DonneeFactory(
            territoire=perimetre[territoire],
            annee=2016,
            mois=mois,
            nombre=nombre,
            source=source,
            lot=LotImportFactory(source=source),
            indicateur=total,
        )
    url = reverse("observatoire:evolution") + (
        f"?indicateur={total.pk}&territoires={perimetre['district'].pk}&periodicite=mois&source={source.code}"
    )
    page = client_de(partenaire).get(url).content.decode()
    lignes = {ligne.split("</th>")[0].rsplit(">", 1)[-1]: ligne for ligne in page.split("<tr")[1:]}
    mars = next(v for k, v in lignes.items() if "03/2016" in k)
    avril = next(v for k, v in lignes.items() if "04/2016" in k)
    assert "(partiel)" in mars and "(partiel)" not in avril


def test_the_national_context_gives_no_ratio_to_a_partial_total(poitiers_seul, source, analyste, client_de):
    """The district counts Poitiers alone (1 261 on 1 000 inhabitants): its rate is not the
    district's, so it is said partial and never divided by the Vienne's (30 000 on 30 000)."""
    _donnee(poitiers_seul, source, "departement", 30000)
    client = client_de(analyste)
    url = reverse("observatoire:tableau_de_bord") + "?annee=2016"
    lignes = [
        ligne.split(";")
        for ligne in client.get(url + "&export=contexte&format=csv").content.decode("utf-8-sig").splitlines()
    ]
    entetes, district = lignes[0], lignes[1]
    assert entetes[:4] == ["Indicateur", "Taux du District test", "Taux de la Vienne", "Rapport à la Vienne"]
    assert district[2] == "1000,0" and district[3] == ""
    # The partial rate is exported as the page shows it, never as a bare number.
    assert district[1].startswith("1 261,0 ‰") and district[1].endswith(" (partiel)")
    page = client.get(url).content.decode()
    contexte = page.split('id="tableau-contexte"')[1].split("</table>")[0]
    assert "(partiel)</td>" in contexte and "<td>—</td>" in contexte
    json = client.get(reverse("observatoire:api_chiffres"), {"annee": 2016, "territoire": "district-test"})
    (ligne,) = [ligne for ligne in json.json()["resultats"] if ligne["territoire_code"] == "district-test"]
    assert [(r["territoire"], r["rapport"]) for r in ligne["references"]] == [("Vienne", None)]
    # Complete, the same district is divided by the Vienne's rate: (1 261 + 739) / 3 000 / 1.
    _donnee(poitiers_seul, source, "c2", 739)
    lignes = client.get(url + "&export=contexte&format=csv").content.decode("utf-8-sig").splitlines()
    assert lignes[1].split(";")[3] != ""


def test_the_home_pages_json_link_gives_the_figures_of_the_page(poitiers_seul, source, analyste, client_de):
    """« Ces chiffres en JSON » keeps the page's source and year: its rows are the page's."""
    _donnee(poitiers_seul, source, "c1", 77, annee=2017)
    client = client_de(analyste)
    page = client.get(reverse("observatoire:tableau_de_bord") + "?annee=2016").content.decode()
    lien = page.split("Ces chiffres en JSON")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert lien == reverse("observatoire:api_chiffres") + "?source=police-test&annee=2016"
    lignes = client.get(lien).json()["resultats"]
    assert {ligne["periode"] for ligne in lignes} == {"2016"}
    assert {ligne["nombre"] for ligne in lignes if ligne["territoire_code"] == "86194"} == {1261}


@pytest.mark.parametrize("page", ["observatoire:tableau_de_bord", "observatoire:par_territoire"])
def test_a_year_without_figures_is_said_and_the_latest_shown(poitiers_seul, analyste, client_de, page):
    html = client_de(analyste).get(reverse(page) + "?annee=1950").content.decode()
    assert "Aucun chiffre de cette source pour l’année 1950 : les chiffres montrés sont ceux de 2016." in html
    html = client_de(analyste).get(reverse(page) + "?annee=2016").content.decode()
    assert 'id="annee-absente"' not in html


def test_a_year_that_is_no_number_is_said_beside_its_field(poitiers_seul, analyste, client_de):
    client = client_de(analyste)
    html = client.get(reverse("observatoire:tableau_de_bord") + "?annee=deux-mille").content.decode()
    assert "Saisissez un nombre." in html and "La valeur par défaut est montrée." in html
    html = client.get(reverse("observatoire:tableau_de_bord") + "?annee=1850").content.decode()
    assert "Aucun chiffre de cette source pour l’année 1850" in html


def test_a_communes_page_marks_the_partial_district_rate_beside_its_own(
    poitiers_seul, source, analyste, client_de
):
    """Poitiers' page gives the district's rate beside its own: the district counts Poitiers alone,
    so its rate says « (partiel) », on the page and in the export, and takes no ratio."""
    client = client_de(analyste)
    url = reverse("observatoire:territoire", kwargs={"code": "86194"}) + "?annee=2016"
    lignes = client.get(url + "&export=territoire&format=csv").content.decode("utf-8-sig").splitlines()
    entetes = lignes[0].split(";")
    total = next(
        ligne.split(";") for ligne in lignes[1:] if ligne.startswith("Total des faits constatés;2016")
    )
    assert total[entetes.index("Taux du District test")].endswith("(partiel)")
    assert total[entetes.index("Rapport au District test")] == ""
    page = client.get(url).content.decode()
    assert "(partiel)</td>" in page


def test_a_total_of_departements_says_how_many_departements_it_counts():
    """France's page, the sum of its départements: « 68 départements sur 101 », not « territoires »."""
    couverture = completude.Couverture(
        avec_chiffre=68, parties=101, niveau="departement", part_population=None
    )
    assert couverture.texte() == "partiel : 68 départements sur 101"
