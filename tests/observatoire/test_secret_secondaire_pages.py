"""Secondary suppression on every page, export and JSON response, with the demo's Biard 1997
burglaries (district 585 = Biard 4 + nine other communes 581) and a quartier recoverable through
its commune and its "non localisé" part (Poitiers 52 = non localisé 10 + Couronneries 40 + 2)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from cls_poitiers.models import Territoire
from comites.bilan import affichage, calcul
from observatoire.models import Indicateur
from tests.factories import TerritoireFactory

from .factories import DonneeFactory, LotImportFactory

pytestmark = pytest.mark.django_db

BIARD, MONTAMISE = "86027", "86163"
CAMBRIOLAGES = "cambriolages-logement"


def _json(client, **parametres):
    reponse = client.get(reverse("observatoire:api_chiffres"), parametres)
    assert reponse.status_code == 200
    return {ligne["territoire_code"]: ligne for ligne in reponse.json()["resultats"]}


def _csv(client, url) -> list[list[str]]:
    reponse = client.get(url)
    assert reponse.status_code == 200
    return [ligne.split(";") for ligne in reponse.content.decode("utf-8-sig").splitlines()]


def _xlsx(client, url) -> list[tuple]:
    reponse = client.get(url)
    assert reponse.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(reponse.content)).active.iter_rows(values_only=True))


def _communes_visibles(lignes: dict) -> list[int]:
    return [ligne["nombre"] for ligne in lignes.values() if ligne["niveau"] == "commune"]


def test_json_biard_1997_cannot_be_recovered_from_the_district_and_its_communes(
    demo, partenaire, analyste, client_de
):
    lignes = _json(client_de(partenaire), indicateur=CAMBRIOLAGES, annee=1997, niveau="commune")
    assert lignes[BIARD]["nombre"] == "< 5"
    assert lignes[MONTAMISE]["statut"] == "masque" and lignes[MONTAMISE]["nombre"] is None
    assert lignes[MONTAMISE]["nombre_affiche"] == "secret statistique"
    assert lignes[MONTAMISE]["taux_pour_mille"] is None and lignes[MONTAMISE]["denominateur"] is None
    publies = [n for n in _communes_visibles(lignes) if isinstance(n, int)]
    assert len(publies) == 8
    # What subtraction gives is the sum of the two masked communes, not Biard's count.
    assert lignes["district-poitiers"]["nombre"] - sum(publies) == 10
    # The Observatoire sees every count.
    lignes = _json(client_de(analyste), indicateur=CAMBRIOLAGES, annee=1997, niveau="commune")
    assert (lignes[BIARD]["nombre"], lignes[MONTAMISE]["nombre"]) == (4, 6)


def test_every_year_of_the_series_masks_the_same_way(demo, partenaire, client_de):
    for annee in (1997, 1998, 1999, 2000):
        lignes = _json(client_de(partenaire), indicateur=CAMBRIOLAGES, annee=annee, niveau="commune")
        masques = [
            c for c, ligne in lignes.items() if ligne["statut"] == "masque" or ligne["nombre"] == "< 5"
        ]
        assert len(masques) >= 2, annee
    url = reverse("observatoire:evolution") + (
        f"?indicateur={CAMBRIOLAGES}&territoires={BIARD}&territoires={MONTAMISE}&export=evolution&format=csv"
    )
    lignes = _csv(client_de(partenaire), url)
    assert lignes[0][1:] == ["Biard — nombre", "Biard — taux", "Montamisé — nombre", "Montamisé — taux"]
    for ligne in lignes[1:]:
        assert ligne[1:] == ["< 5", "", "secret statistique", ""], ligne


def test_ranking_page_and_its_exports_mask_the_smallest_sibling(demo, partenaire, analyste, client_de):
    url = reverse("observatoire:par_territoire") + f"?indicateur={CAMBRIOLAGES}&annee=1997"
    client = client_de(partenaire)
    page = client.get(url).content.decode()
    assert "secret statistique" in page
    lignes = {ligne[1]: ligne for ligne in _csv(client, url + "&export=classement&format=csv")}
    assert lignes["Biard"][2] == "< 5" and lignes["Montamisé"][2] == "secret statistique"
    assert lignes["Montamisé"][3:6] == ["", "", ""]  # no denominator, rate nor ratio
    assert lignes["District de Poitiers"][2] == "585"
    rangees = {r[1]: r for r in _xlsx(client, url + "&export=classement&format=xlsx")}
    assert rangees["Montamisé"][2] == "secret statistique" and rangees["Fontaine-le-Comte"][2] == 7
    analyste_lignes = {
        ligne[1]: ligne for ligne in _csv(client_de(analyste), url + "&export=classement&format=csv")
    }
    assert analyste_lignes["Montamisé"][2] == "6"


def test_territory_page_masks_the_secondary_cell_in_every_year(demo, partenaire, client_de):
    url = reverse("observatoire:territoire", kwargs={"code": MONTAMISE})
    lignes = _csv(client_de(partenaire), url + "?export=territoire&format=csv")
    cambriolages = [ligne for ligne in lignes if ligne[0] == "Cambriolages de logement"]
    assert [ligne[1] for ligne in cambriolages] == ["1997", "1998", "1999", "2000"]
    assert all(ligne[2] == "secret statistique" for ligne in cambriolages)


def test_annual_review_masks_as_the_dashboards(demo, partenaire):
    stats = affichage._statistiques(calcul.statistiques(1998), 1998, detail=False)
    lignes = [
        [c.texte for c in ligne]
        for ligne in stats["territoires"].lignes
        if ligne[4].texte == "Cambriolages de logement" and ligne[0].texte in ("Biard", "Montamisé")
    ]
    assert [(ligne[0], ligne[5]) for ligne in lignes] == [
        ("Biard", "< 5"),
        ("Montamisé", "secret statistique"),
    ]
    detail = affichage._statistiques(calcul.statistiques(1998), 1998, detail=True)
    assert any(
        ligne[0].texte == "Montamisé" and ligne[5].texte == "6" for ligne in detail["territoires"].lignes
    )


@pytest.fixture
def quartiers(perimetre, source):
    """Poitiers 52 = non localisé 10 + Couronneries 40 + Trois Cités 2; Buxerolles 30."""
    trois_cites = TerritoireFactory(
        code="861940202", nom="Les Trois Cités", niveau=Territoire.Niveau.QUARTIER, parent=perimetre["c1"]
    )
    lot = LotImportFactory(source=source)
    total = Indicateur.objects.get(code="total-faits-constates")
    for territoire, nombre in [
        (perimetre["c1"], 10),
        (perimetre["q"], 40),
        (trois_cites, 2),
        (perimetre["c2"], 30),
    ]:
        DonneeFactory(
            territoire=territoire, annee=1997, nombre=nombre, source=source, lot=lot, indicateur=total
        )
    return {**perimetre, "trois_cites": trois_cites}


def test_quartier_cannot_be_recovered_through_its_commune_and_non_localise(
    quartiers, partenaire, analyste, client_de
):
    client = client_de(partenaire)
    url = reverse("observatoire:territoire", kwargs={"code": "86194"}) + "?export=territoire&format=csv"
    poitiers = _csv(client, url)[1]
    assert poitiers[:4] == ["Total des faits constatés", "1997", "52", "secret statistique"]
    rangee = _xlsx(client, url.replace("csv", "xlsx"))[1]
    assert rangee[2:4] == (52, "secret statistique")
    lignes = _json(client, annee=1997)
    assert lignes["861940202"]["nombre"] == "< 5" and lignes["QP086005"]["nombre"] == 40
    page = client.get(reverse("observatoire:territoire", kwargs={"code": "86194"})).content.decode()
    assert "secret statistique" in page
    poitiers = _csv(client_de(analyste), url)[1]
    assert poitiers[2:4] == ["52", "10"]
