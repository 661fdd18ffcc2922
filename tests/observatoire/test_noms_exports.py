"""An export's file name says what it holds: the page and table, the source, the year or years
and the territory (`observatoire-indicateurs-ssmsi-2016-poitiers.csv`)."""

import pytest
from django.urls import reverse

from observatoire.models import Indicateur
from observatoire.tableaux_de_bord.exports import nom_de_fichier

from .factories import DonneeFactory, LotImportFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chiffres(perimetre):
    source = SourceFactory(code="ssmsi", libelle="SSMSI")
    lot = LotImportFactory(source=source)
    total = Indicateur.objects.get(code="total-faits-constates")
    for territoire, annee, nombre in [("c1", 2014, 30), ("c1", 2016, 40), ("c2", 2016, 60), ("q", 2015, 12)]:
        DonneeFactory(
            territoire=perimetre[territoire],
            annee=annee,
            nombre=nombre,
            source=source,
            lot=lot,
            indicateur=total,
        )
    return perimetre


def _nom(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    disposition = response["Content-Disposition"]
    return disposition.split('filename="', 1)[1].rstrip('"')


@pytest.mark.parametrize(
    ("page", "parametres", "attendu"),
    [
        (
            "tableau_de_bord",
            "export=indicateurs&format=csv",
            "observatoire-indicateurs-ssmsi-2016-district-test.csv",
        ),
        (
            "tableau_de_bord",
            "annee=2015&export=indicateurs&format=xlsx",
            "observatoire-indicateurs-ssmsi-2015-district-test.xlsx",
        ),
        (
            "par_territoire",
            "export=classement&format=csv",
            "observatoire-territoires-classement-ssmsi-2016-district-test.csv",
        ),
        (
            "evolution",
            "export=evolution&format=csv",
            "observatoire-evolution-evolution-ssmsi-2014-2016-district-test.csv",
        ),
    ],
)
def test_dashboard_exports_are_named_after_source_years_and_territory(
    chiffres, analyste, client_de, page, parametres, attendu
):
    assert _nom(client_de(analyste), reverse(f"observatoire:{page}") + "?" + parametres) == attendu


def test_a_territorys_exports_carry_its_name(chiffres, analyste, client_de):
    client = client_de(analyste)
    url = reverse("observatoire:territoire", kwargs={"code": "86194"})
    assert (
        _nom(client, url + "?export=territoire&format=csv")
        == "observatoire-territoire-ssmsi-2014-2016-poitiers.csv"
    )
    assert _nom(client, url + "?export=enquetes&format=csv") == "observatoire-enquetes-poitiers.csv"


def test_evolution_of_one_territory_is_named_after_it(chiffres, analyste, client_de):
    parametres = f"?territoires={chiffres['c2'].code}&export=evolution&format=csv"
    url = reverse("observatoire:evolution") + parametres
    assert _nom(client_de(analyste), url) == "observatoire-evolution-evolution-ssmsi-2014-2016-buxerolles.csv"


def test_file_names_are_slugified_and_never_empty():
    assert nom_de_fichier(
        "observatoire", "indicateurs", source="SSMSI", annees=[2016], territoire="Poitiers"
    ) == ("observatoire-indicateurs-ssmsi-2016-poitiers")
    assert nom_de_fichier("Évolution", annees=[1999, 1997, 1998], territoire="Migné-Auxances") == (
        "evolution-1997-1999-migne-auxances"
    )
    assert nom_de_fichier() == "export"
