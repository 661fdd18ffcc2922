"""Dashboards, exports and JSON: who reaches what, secrecy per role, bounded query counts."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cls_poitiers.models import Territoire
from observatoire.models import Donnee, Indicateur
from tests.conftest import IDENTITE, REQUETES_CONNEXION, lire_page

from .factories import DonneeFactory, IndicateurFactory, LotImportFactory

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("observatoire:tableau_de_bord"),
    reverse("observatoire:par_territoire"),
    reverse("observatoire:evolution"),
    reverse("observatoire:territoire", kwargs={"code": "86194"}),
    reverse("observatoire:api_chiffres"),
]


@pytest.fixture
def chiffres(perimetre, source):
    """Poitiers: 3 facts in 1997 (under the threshold) and 40 in 1998; Buxerolles masked at source
    in 1997, 60 in 1998; the quartier 12 in 1997."""
    lot = LotImportFactory(source=source)
    total = Indicateur.objects.get(code="total-faits-constates")
    for territoire, annee, nombre in [("c1", 1997, 3), ("c1", 1998, 40), ("c2", 1998, 60), ("q", 1997, 12)]:
        DonneeFactory(
            territoire=perimetre[territoire],
            annee=annee,
            nombre=nombre,
            source=source,
            lot=lot,
            indicateur=total,
        )
    DonneeFactory(
        territoire=perimetre["c2"],
        annee=1997,
        nombre=None,
        secret=True,
        source=source,
        lot=lot,
        indicateur=total,
    )
    return perimetre


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(chiffres, url):
    reponse = Client().get(url)
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_roles_without_dashboards_are_refused(chiffres, sans_role, secretariat, url, client_de):
    assert client_de(sans_role).get(url).status_code == 403
    assert client_de(secretariat).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_partner_coordination_and_analyst_read_the_dashboards(
    chiffres, partenaire, coordination, analyste, url, client_de
):
    for user in (partenaire, coordination, analyste):
        assert client_de(user).get(url).status_code == 200


def test_partner_sees_small_counts_masked_and_analyst_sees_them(
    chiffres, partenaire, analyste, coordination, client_de
):
    url = reverse("observatoire:territoire", kwargs={"code": "86194"}) + "?annee=1997"
    page_partenaire = client_de(partenaire).get(url).content.decode()
    assert "&lt; 5" in page_partenaire
    for user in (analyste, coordination):
        page = client_de(user).get(url).content.decode()
        assert "&lt; 5" not in page
        assert "<td>15</td>" in page  # 3 non localisés + 12 in the quartier


def test_masked_at_source_shows_secret_statistique(chiffres, analyste, client_de):
    url = reverse("observatoire:par_territoire") + "?annee=1997"
    assert "secret statistique" in client_de(analyste).get(url).content.decode()


def test_the_ranking_s_total_row_has_a_header_and_no_rank_in_its_export(chiffres, analyste, client_de):
    """Every row of the ranking starts with a header cell a screen reader can read: the contract's
    total says « Total » (an empty header is an accessibility fault); its export has no rank."""
    client = client_de(analyste)
    url = reverse("observatoire:par_territoire") + "?annee=1998"
    html = client.get(url).content.decode()
    assert '<th scope="row"></th>' not in html
    assert '<th scope="row">Total</th><td>District test</td>' in html
    csv = client.get(url + "&export=classement&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[-1].startswith(";District test;")


def test_exports_apply_the_same_masking(chiffres, partenaire, analyste, client_de):
    url = reverse("observatoire:territoire", kwargs={"code": "QP086005"}) + "?export=territoire&format=csv"
    Donnee.objects.filter(territoire=chiffres["q"]).update(nombre=4)
    csv_partenaire = client_de(partenaire).get(url).content.decode("utf-8-sig")
    assert ";< 5;" in csv_partenaire and "10,0" not in csv_partenaire
    csv_analyste = client_de(analyste).get(url).content.decode("utf-8-sig")
    assert csv_analyste.splitlines()[0].startswith("Indicateur;Année;Nombre")
    assert ";4;" in csv_analyste and "10,0" in csv_analyste  # 4 / 400 × 1000 with a decimal comma
    xlsx = client_de(partenaire).get(url.replace("format=csv", "format=xlsx"))
    valeurs = [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx.content)).active[2]]
    assert "< 5" in valeurs


def test_json_endpoint_applies_the_same_masking(chiffres, partenaire, analyste, client_de):
    url = reverse("observatoire:api_chiffres") + "?annee=1997&territoire=QP086005"
    Donnee.objects.filter(territoire=chiffres["q"]).update(nombre=4)
    lignes = {ligne["territoire_code"]: ligne for ligne in client_de(partenaire).get(url).json()["resultats"]}
    assert lignes["QP086005"]["nombre"] == "< 5" and lignes["QP086005"]["taux_pour_mille"] is None
    assert lignes["district-test"]["statut"] == "partiel"  # Buxerolles masked at source
    lignes = {ligne["territoire_code"]: ligne for ligne in client_de(analyste).get(url).json()["resultats"]}
    assert lignes["QP086005"]["nombre"] == 4 and lignes["QP086005"]["taux_pour_mille"] == 10.0
    secret = (
        client_de(analyste).get(reverse("observatoire:api_chiffres") + "?annee=1997&niveau=commune").json()
    )
    bux = next(ligne for ligne in secret["resultats"] if ligne["territoire_code"] == "86041")
    assert bux["statut"] == "secret" and bux["nombre"] is None


def test_unknown_export_is_404(chiffres, analyste, client_de):
    assert (
        client_de(analyste).get(reverse("observatoire:tableau_de_bord") + "?export=rien").status_code == 404
    )


def test_dashboard_shows_the_district_rate_and_its_change(chiffres, analyste, client_de):
    page = client_de(analyste).get(reverse("observatoire:tableau_de_bord") + "?annee=1998").content.decode()
    # 1998: (40 + 60) / (1000 + 2000) × 1000 = 33,3 ‰, on the 1990 populations (said on the page).
    assert "33,3\u00a0‰" in page
    assert "population de 1990" in page


def _beaucoup_de_chiffres(perimetre, source, n_indicateurs, n_annees, prefixe="ind"):
    lot = LotImportFactory(source=source)
    for k in range(n_indicateurs):
        indicateur = IndicateurFactory(code=f"{prefixe}-{k}")
        for annee in range(1990, 1990 + n_annees):
            for cle in ("c1", "c2", "q"):
                DonneeFactory(
                    territoire=perimetre[cle],
                    indicateur=indicateur,
                    annee=annee,
                    source=source,
                    lot=lot,
                    nombre=k + 7,
                )


# What the dashboards, the territory page and the JSON API read after the login: the filter
# form's perimeter (the current contract's territories, level by level: the contract's
# territory and its children, with the contract as a subquery, then their children, then
# theirs: three index lookups), the page's perimeter (the contract and the root's children,
# then the territories down to the quartiers and their populations), the sources with figures,
# the figures summed per indicator × territory × year, their indicators.
CHIFFRES = REQUETES_CONNEXION + 10
# The national context (`tableaux_de_bord.references`): France, the references' own totals, the
# sums over their communes and how many communes the referential gives them (here no France: the
# départements, whose totals would make its own, are not read).
REFERENCES = 4


@pytest.mark.parametrize(
    ("url_name", "requetes", "titre"),
    [
        # + the header's organisation, the filter form's sources, the national context
        ("tableau_de_bord", CHIFFRES + 2 + REFERENCES, "Observatoire — vue d’ensemble"),
        # + the header's organisation, the filter form's indicators and sources, the national
        # context (a ranking would add one query per level; these communes have no legal
        # population, and the inhabitants of their figure give no class to a rate per dwelling)
        ("par_territoire", CHIFFRES + 3 + REFERENCES, "Observatoire — par territoire"),
        # + the header's organisation, the filter form's indicators, sources and territories
        ("evolution", CHIFFRES + 4, "Observatoire — évolution"),
    ],
)
def test_dashboard_query_count_does_not_grow_with_figures(
    perimetre, source, analyste, url_name, requetes, titre, client_de
):
    _beaucoup_de_chiffres(perimetre, source, 1, 1)
    client = client_de(analyste)
    url = reverse(f"observatoire:{url_name}")
    client.get(url)
    comptes = []
    for n_indicateurs, n_annees, prefixe in ((0, 0, ""), (8, 6, "autre")):
        _beaucoup_de_chiffres(perimetre, source, n_indicateurs, n_annees, prefixe=prefixe)
        with CaptureQueriesContext(connection) as requetes_faites:
            lire_page(client, url, titre)
        comptes.append(len(requetes_faites))
    # The ranking of the communes, when a commune of the page has a population class for the
    # indicator shown (one query per level whatever the classes), may add one: the indicator
    # shown by default changes as indicators are added, not the count as figures grow.
    marge = 1 if url_name == "par_territoire" else 0
    assert all(requetes <= n <= requetes + marge for n in comptes), comptes


def test_territory_page_query_count(perimetre, source, analyste, django_assert_num_queries, client_de):
    _beaucoup_de_chiffres(perimetre, source, 6, 5)
    client = client_de(analyste)
    # + the territory with its parent, the survey results, the header's organisation, the filter
    # form's sources, and the apps' panels: the territory's meetings, its commitments. (The
    # partners' declarations are read only from the declaration sources that have figures among
    # the reader's sources: none here, so no query.) And the national context: the commune's
    # département and région up its parents, the references' figures, its rank in its class.
    with django_assert_num_queries(CHIFFRES + 6 + 2 + REFERENCES + 1):
        lire_page(client, reverse("observatoire:territoire", kwargs={"code": "86194"}), "Poitiers")


def test_json_api_query_count_does_not_grow_with_figures(
    perimetre, source, analyste, django_assert_num_queries, client_de
):
    client = client_de(analyste)
    url = reverse("observatoire:api_chiffres") + "?niveau=commune"
    for n_indicateurs, n_annees, prefixe in ((1, 1, "ind"), (8, 6, "autre")):
        _beaucoup_de_chiffres(perimetre, source, n_indicateurs, n_annees, prefixe=prefixe)
        with django_assert_num_queries(CHIFFRES - IDENTITE):
            response = client.get(url)
            assert response.status_code == 200
            assert {"86194", "86041"} <= {ligne["territoire_code"] for ligne in response.json()["resultats"]}


def test_territory_outside_the_contract_is_404(chiffres, analyste, client_de):
    Territoire.objects.create(code="33318", nom="Pessac", niveau="commune")
    assert (
        client_de(analyste).get(reverse("observatoire:territoire", kwargs={"code": "33318"})).status_code
        == 404
    )


def test_core_territory_page_links_to_the_observatory(chiffres, partenaire, client_de):
    page = client_de(partenaire).get(chiffres["c1"].get_absolute_url()).content.decode()
    assert reverse("observatoire:territoire", kwargs={"code": "86194"}) in page


def test_home_panel_and_nav_entries(chiffres, analyste, partenaire, client_de):
    page = client_de(analyste).get(reverse("accueil")).content.decode()
    assert reverse("observatoire:imports") in page and reverse("observatoire:par_territoire") in page
    page = client_de(partenaire).get(reverse("accueil")).content.decode()
    assert reverse("observatoire:imports") not in page
