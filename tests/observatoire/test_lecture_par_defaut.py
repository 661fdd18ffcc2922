"""What the reader sees by default: the real source before the illustrative demo, the latest year
of the contract's own territories, a trend that never mixes counts and rates, a published zero
shown as 0 (issue 14, §7)."""

import json
import re

import pytest
from django.urls import reverse

from cls_poitiers.models import Population, Territoire
from observatoire.models import Indicateur, Source
from observatoire.tableaux_de_bord import calculs, secret
from observatoire.tableaux_de_bord.calculs import Chiffre, Denominateur

from .factories import DonneeFactory, LotImportFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _chiffres(source, lignes, indicateur="total-faits-constates"):
    lot = LotImportFactory(source=source)
    indicateur = Indicateur.objects.get(code=indicateur)
    for territoire, annee, nombre in lignes:
        DonneeFactory(
            territoire=territoire, annee=annee, nombre=nombre, source=source, lot=lot, indicateur=indicateur
        )


@pytest.fixture
def demo_illustrative(perimetre):
    source = SourceFactory(code="demo-test", libelle="Démonstration (test)", illustratif=True, ordre=5)
    _chiffres(source, [(perimetre["c1"], 1998, 40), (perimetre["c2"], 1998, 60)])
    return source


def _source_affichee(client):
    return client.get(reverse("observatoire:api_chiffres")).json()["source"]["code"]


def test_after_a_real_national_import_the_real_source_is_the_default(
    demo_illustrative, perimetre, analyste, client_de
):
    client = client_de(analyste)
    assert _source_affichee(client) == "demo-test"
    ssmsi = SourceFactory(
        code="ssmsi", libelle="SSMSI (test)", nature=Source.Nature.STATISTIQUE_NATIONALE, ordre=10
    )
    _chiffres(ssmsi, [(perimetre["c1"], 2016, 1261)])
    assert _source_affichee(client) == "ssmsi"
    page = client.get(reverse("observatoire:tableau_de_bord")).content.decode()
    assert "Source : SSMSI (test)" in page


def test_a_real_source_without_figures_on_the_contract_is_not_the_default(
    demo_illustrative, perimetre, analyste, client_de
):
    ailleurs = Territoire.objects.create(code="33318", nom="Pessac", niveau=Territoire.Niveau.COMMUNE)
    ssmsi = SourceFactory(
        code="ssmsi", libelle="SSMSI (test)", nature=Source.Nature.STATISTIQUE_NATIONALE, ordre=10
    )
    _chiffres(ssmsi, [(ailleurs, 2016, 3000)])
    assert _source_affichee(client_de(analyste)) == "demo-test"


def test_partners_declarations_are_not_the_default_over_the_statistics(
    demo_illustrative, perimetre, analyste, client_de
):
    declarations = SourceFactory(
        code="declarations-stp", libelle="Déclarations STP", nature=Source.Nature.PARTENAIRE, ordre=1
    )
    _chiffres(declarations, [(perimetre["q"], 1998, 9)])
    assert _source_affichee(client_de(analyste)) == "demo-test"


def test_the_default_year_is_the_latest_with_figures_on_the_contracts_territories(
    perimetre, source, analyste, client_de
):
    # The département has a later year than the contract's communes.
    _chiffres(source, [(perimetre["c1"], 2022, 900), (perimetre["departement"], 2023, 40000)])
    client = client_de(analyste)
    page = client.get(reverse("observatoire:tableau_de_bord")).content.decode()
    assert "année 2022" in page
    # A year asked for is still honoured.
    assert (
        "année 2023" in client.get(reverse("observatoire:tableau_de_bord") + "?annee=2023").content.decode()
    )


def _serie(page: str, libelle: str) -> tuple[list[str], str]:
    ligne = next(tr for tr in page.split("<tr>") if libelle in tr)
    serie = re.search(r'data-serie="([^"]*)"', ligne).group(1).split(";")
    texte = re.search(r'aria-label="([^"]*)"', ligne).group(1)
    return serie, texte


def test_the_trend_is_of_counts_when_a_rate_is_missing_and_says_so(perimetre, source, analyste, client_de):
    # 1985 comes before any census the perimeter knows: no rate that year.
    _chiffres(source, [(perimetre["c1"], 1985, 30), (perimetre["c1"], 1998, 40), (perimetre["c2"], 1998, 60)])
    page = client_de(analyste).get(reverse("observatoire:tableau_de_bord")).content.decode()
    serie, texte = _serie(page, "Total des faits constatés")
    assert serie == ["30", "100"]  # counts both years, never a rate beside a count
    assert texte.startswith("Nombres, taux non disponible")
    assert "nombres (taux non disponible)" in page


def test_the_trend_is_of_rates_when_every_year_has_one(perimetre, source, analyste, client_de):
    _chiffres(source, [(perimetre["c1"], 1997, 30), (perimetre["c1"], 1998, 40), (perimetre["c2"], 1998, 60)])
    page = client_de(analyste).get(reverse("observatoire:tableau_de_bord")).content.decode()
    serie, texte = _serie(page, "Total des faits constatés")
    # District: 30 / 1 000 (Buxerolles has no figure in 1997), then 100 / 3 000.
    assert [float(v) for v in serie] == pytest.approx([30.0, 100 / 3000 * 1000])
    assert texte.startswith("Taux pour 1000")


def test_a_published_zero_is_a_zero_and_small_counts_stay_masked():
    zero = secret.Motif(detail=False).afficher(Chiffre.publie(0, Denominateur(1000, 1990), 1998))
    assert zero.nombre == 0 and zero.nombre_texte == "0" and zero.statut == calculs.PUBLIE
    trois = secret.Motif(detail=False).afficher(Chiffre.publie(3, Denominateur(1000, 1990), 1998))
    assert trois.nombre is None and trois.nombre_texte == f"< {secret.seuil()}"


def test_a_partner_reads_a_published_zero_as_0(perimetre, source, partenaire, client_de):
    _chiffres(source, [(perimetre["c1"], 1998, 0), (perimetre["c2"], 1998, 3)])
    reponse = client_de(partenaire).get(reverse("observatoire:api_chiffres") + "?niveau=commune").json()
    lignes = {r["territoire_code"]: r for r in reponse["resultats"]}
    assert lignes["86194"]["nombre"] == 0 and lignes["86194"]["nombre_affiche"] == "0"
    assert lignes["86041"]["nombre"] == f"< {secret.seuil()}"


def _graphique_evolution(page: str) -> dict:
    return json.loads(
        re.search(r'<script id="donnees-evolution" type="application/json">(.*?)</script>', page).group(1)
    )


def test_the_evolution_chart_is_of_counts_when_a_rate_is_missing(perimetre, source, analyste, client_de):
    _chiffres(source, [(perimetre["c1"], 1985, 30), (perimetre["c1"], 1998, 40)])
    url = reverse("observatoire:evolution") + "?indicateur=total-faits-constates&territoires=86194"
    page = client_de(analyste).get(url).content.decode()
    graphique = _graphique_evolution(page)
    assert graphique["series"][0]["valeurs"] == [30, 40]
    assert graphique["unite"] == ""
    assert "Nombres (taux non disponible)" in page


def test_the_evolution_chart_is_of_rates_when_every_year_has_one(perimetre, source, analyste, client_de):
    Population.objects.create(territoire=perimetre["c1"], annee=1997, habitants=1250, source="test")
    _chiffres(source, [(perimetre["c1"], 1997, 25), (perimetre["c1"], 1998, 40)])
    url = reverse("observatoire:evolution") + "?indicateur=total-faits-constates&territoires=86194"
    graphique = _graphique_evolution(client_de(analyste).get(url).content.decode())
    assert graphique["series"][0]["valeurs"] == pytest.approx([25 / 1250 * 1000, 40 / 1250 * 1000])
    assert graphique["unite"] == "‰"
