"""Pages round a rate for reading (one decimal, French style); CSV, XLSX and JSON carry the full
precision of the computation; counts are integers everywhere (issue 14, §4)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from cls_poitiers.models import Population
from observatoire.models import Indicateur

from .factories import DonneeFactory, LotImportFactory

pytestmark = pytest.mark.django_db

NOMBRE, HABITANTS = 37, 2311


def sept_chiffres(valeur) -> str:
    return f"{float(valeur):.7g}"


@pytest.fixture
def taux_attendu(perimetre, source):
    """Buxerolles, 1998: 37 facts over 2 311 inhabitants = 16,01039 ‰ (to 7 significant digits, not
    16,01)."""
    Population.objects.create(territoire=perimetre["c2"], annee=1998, habitants=HABITANTS, source="test")
    total = Indicateur.objects.get(code="total-faits-constates")
    lot = LotImportFactory(source=source)
    for territoire, nombre in (("c1", 120), ("c2", NOMBRE)):
        DonneeFactory(
            territoire=perimetre[territoire],
            annee=1998,
            nombre=nombre,
            source=source,
            lot=lot,
            indicateur=total,
        )
    return NOMBRE / HABITANTS * 1000


URL = reverse("observatoire:par_territoire") + "?annee=1998&indicateur=total-faits-constates"


def test_the_page_shows_one_decimal_in_the_french_style(taux_attendu, analyste, client_de):
    page = client_de(analyste).get(URL).content.decode()
    assert "16,0\u00a0‰" in page
    assert "16,01" not in page


def test_csv_export_carries_seven_significant_digits(taux_attendu, analyste, client_de):
    contenu = client_de(analyste).get(URL + "&export=classement&format=csv").content.decode("utf-8-sig")
    lignes = [ligne.split(";") for ligne in contenu.splitlines()]
    colonnes = lignes[0]
    buxerolles = next(ligne for ligne in lignes if ligne[1] == "Buxerolles")
    taux = buxerolles[colonnes.index("Taux")]
    assert sept_chiffres(taux.replace(",", ".")) == sept_chiffres(taux_attendu)
    assert buxerolles[colonnes.index("Nombre")] == str(NOMBRE)
    assert buxerolles[colonnes.index("Dénominateur")] == str(HABITANTS)


def test_xlsx_export_carries_seven_significant_digits_and_integer_counts(taux_attendu, analyste, client_de):
    reponse = client_de(analyste).get(URL + "&export=classement&format=xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    colonnes = [c.value for c in feuille[1]]
    buxerolles = next(
        [c.value for c in ligne] for ligne in feuille.iter_rows(min_row=2) if ligne[1].value == "Buxerolles"
    )
    taux = buxerolles[colonnes.index("Taux")]
    assert isinstance(taux, float)
    assert sept_chiffres(taux) == sept_chiffres(taux_attendu)
    nombre = buxerolles[colonnes.index("Nombre")]
    assert nombre == NOMBRE and isinstance(nombre, int)
    # The ratio to the district too: 16,01… ‰ / (157 / 3 311 × 1000).
    rapport = buxerolles[colonnes.index("Rapport au District test")]
    assert sept_chiffres(rapport) == sept_chiffres(taux_attendu / (157 / (1000 + HABITANTS) * 1000))


def test_json_carries_seven_significant_digits_and_integer_counts(taux_attendu, analyste, client_de):
    reponse = client_de(analyste).get(reverse("observatoire:api_chiffres") + "?annee=1998&niveau=commune")
    ligne = next(r for r in reponse.json()["resultats"] if r["territoire_code"] == "86041")
    assert sept_chiffres(ligne["taux_pour_mille"]) == sept_chiffres(taux_attendu)
    assert ligne["nombre"] == NOMBRE and isinstance(ligne["nombre"], int)
    assert ligne["denominateur"] == HABITANTS and isinstance(ligne["denominateur"], int)


def test_evolution_export_carries_full_precision(taux_attendu, analyste, client_de):
    url = reverse("observatoire:evolution") + "?indicateur=total-faits-constates&territoires=86041"
    reponse = client_de(analyste).get(url + "&export=evolution&format=xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    ligne_1998 = next(
        [c.value for c in ligne] for ligne in feuille.iter_rows(min_row=2) if ligne[0].value == "1998"
    )
    assert sept_chiffres(ligne_1998[2]) == sept_chiffres(taux_attendu)
