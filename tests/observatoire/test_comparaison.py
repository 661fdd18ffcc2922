"""The comparison page (« Comparer », `observatoire:comparer`): up to ten territories of any level
side by side for one indicator over the years. Each territory's figure comes from the contract's
consolidation, its own rows, or a reference (sum of départemental totals or of published
communes), and says so; the CSV and XLSX exports hold exactly the tables; partners compare the
contract's perimeter and its references only, whatever the query string says; secrecy as
everywhere; a fixed number of queries whatever the years and territories."""

import csv
import io
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import reverse

from cls_poitiers.models import Territoire
from observatoire.tableaux_de_bord import comparaison
from tests.factories import ContratFactory, PopulationFactory, TerritoireFactory

from .factories import DonneeFactory, IndicateurFactory, SourceFactory
from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db

URL = reverse("observatoire:comparer")
EXEMPLE = ["commune:86194", "commune:86066", "departement:86", "region:75", "pays:FR"]


@pytest.fixture
def national(tmp_path, settings):
    """The fake referential, a contract on Poitiers; figures of Poitiers, Châtellerault and Paris
    for 2022–2024, France's own total for 2024 only; Vienne and Nouvelle-Aquitaine without rows."""
    settings.CLS_CACHE_TABLEAUX = False
    charger_referentiel_factice(tmp_path / "referentiel")
    t = {
        nom: Territoire.objects.get(niveau=niveau, code=code)
        for nom, niveau, code in [
            ("poitiers", "commune", "86194"),
            ("chatellerault", "commune", "86066"),
            ("paris", "commune", "75056"),
            ("vienne", "departement", "86"),
            ("na", "region", "75"),
            ("france", "pays", "FR"),
        ]
    }
    ContratFactory(territoire=t["poitiers"])
    source = SourceFactory(code="base-test", libelle="Base communale (test)")
    indicateur = IndicateurFactory(code="coups-test", libelle="Coups (test)")
    for nom, habitants in [
        ("poitiers", 90000),
        ("chatellerault", 30000),
        ("paris", 2000000),
        ("france", 68000000),
    ]:
        PopulationFactory(territoire=t[nom], annee=2020, habitants=habitants)
    nombres = {
        "poitiers": {2022: 3, 2023: 900, 2024: 850},
        "chatellerault": {2023: 240, 2024: 300},
        "paris": {2023: 5000, 2024: 5100},
        "france": {2024: 544000},
    }
    for nom, par_annee in nombres.items():
        for annee, nombre in par_annee.items():
            DonneeFactory(source=source, indicateur=indicateur, territoire=t[nom], annee=annee, nombre=nombre)
    return {**t, "source": source, "indicateur": indicateur}


def _url(*territoires, **autres):
    parametres = [("t", x) for x in territoires] + [("indicateur", "coups-test"), ("source", "base-test")]
    parametres += list(autres.items())
    return f"{URL}?{urlencode(parametres)}"


def _page(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200, reponse.content.decode()[:2000]
    return reponse.content.decode()


def _texte(texte: str) -> str:
    """French formats use narrow and non-breaking spaces (90 000, 9,5 ‰): plain ones here."""
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def _lignes(reponse, cle="detail"):
    return [[_texte(c.texte) for c in ligne] for ligne in reponse.context[cle].lignes]


def _a_la_ligne(reponse, nom, annee) -> bool:
    return any(x[0] == nom and x[3] == str(annee) for x in _lignes(reponse))


def _ligne(reponse, nom, annee):
    return next(x for x in _lignes(reponse) if x[0] == nom and x[3] == str(annee))


@pytest.mark.parametrize("role", ["analyste", "coordination"])
def test_each_kind_of_territory_has_its_figure_and_says_where_it_comes_from(
    national, client_de, request, role
):
    client = client_de(request.getfixturevalue(role))
    reponse = client.get(_url(*EXEMPLE))
    assert reponse.status_code == 200
    # The contract's consolidation, the commune's own rows, the references' sums, France's total.
    assert _ligne(reponse, "Poitiers", 2023)[4:8] == ["900", "90 000", "10,0 ‰ *", "chiffre du contrat"]
    assert _ligne(reponse, "Châtellerault", 2023)[4:8] == [
        "240",
        "30 000",
        "8,0 ‰ *",
        "chiffre publié par la source",
    ]
    vienne = _ligne(reponse, "Vienne", 2023)
    assert vienne[4:7] == ["1 140", "120 000", "9,5 ‰"]
    assert vienne[7].startswith("somme des communes publiées (2 communes sur 2")
    assert _ligne(reponse, "Nouvelle-Aquitaine", 2024)[4] == "1 150"
    assert _ligne(reponse, "France", 2024)[4:8] == [
        "544 000",
        "68 000 000",
        "8,0 ‰ *",
        "chiffre publié par la source",
    ]
    assert _ligne(reponse, "France", 2023)[4] == "6 140"
    # The wide table: one row per territory in the order asked, one column per year, its origins.
    large = _lignes(reponse, "tableau")
    assert reponse.context["tableau"].colonnes[3:] == ["2022", "2023", "2024"]
    assert [ligne[0] for ligne in large] == [
        "Poitiers",
        "Châtellerault",
        "Vienne",
        "Nouvelle-Aquitaine",
        "France",
    ]
    assert large[1][3:] == ["—", "8,0 ‰ *", "10,0 ‰ *"]
    assert large[4][2] == "somme des communes publiées ; chiffre publié par la source"
    # The chart: one line per territory, a gap where there is no figure, the origin in its name.
    series = reponse.context["graphique"]["series"]
    assert series[1] == {"nom": "Châtellerault", "valeurs": [None, 8.0, 10.0]}
    assert series[2]["nom"] == "Vienne — somme des communes publiées"
    html = _texte(reponse.content.decode())
    assert "somme des communes publiées" in html and 'id="graphique-comparaison"' in html


def test_a_region_without_a_total_is_the_sum_of_its_departemental_totals(national, analyste, client_de):
    n = national
    DonneeFactory(
        source=n["source"], indicateur=n["indicateur"], territoire=n["vienne"], annee=2024, nombre=1300
    )
    PopulationFactory(territoire=n["vienne"], annee=2020, habitants=130000)
    reponse = client_de(analyste).get(_url("departement:86", "region:75"))
    assert _ligne(reponse, "Vienne", 2024)[4:8] == [
        "1 300",
        "130 000",
        "10,0 ‰ *",
        "chiffre publié par la source",
    ]
    region = _ligne(reponse, "Nouvelle-Aquitaine", 2024)
    assert region[4] == "1 300" and region[7] == "somme des totaux départementaux publiés"
    # 2023: no départemental total, the communes' sum, said as such.
    assert _ligne(reponse, "Nouvelle-Aquitaine", 2023)[7].startswith("somme des communes publiées")


def test_a_commune_of_the_contract_is_a_consolidation_only_in_the_years_its_quartiers_have_figures(
    national, analyste, client_de
):
    n = national
    quartier = TerritoireFactory(quartier=True, nom="Les Couronneries", parent=n["poitiers"])
    PopulationFactory(territoire=quartier, annee=2020, habitants=10000)
    DonneeFactory(source=n["source"], indicateur=n["indicateur"], territoire=quartier, annee=2024, nombre=50)
    reponse = client_de(analyste).get(_url("commune:86194"))
    assert _ligne(reponse, "Poitiers", 2023)[7] == "chiffre du contrat"
    assert _ligne(reponse, "Poitiers", 2024)[4] == "900"  # its own 850 and its quartier's 50
    assert _ligne(reponse, "Poitiers", 2024)[7].startswith("consolidation du contrat")
    assert _lignes(reponse, "tableau")[0][2] == "chiffre du contrat ; consolidation du contrat"


def test_the_wide_export_says_which_years_of_a_row_are_partial(national, analyste, client_de):
    """On the page a partial rate reads « 0,0 ‰ (partiel) »; the export's rates are numbers, so
    the row's « Origine du chiffre » says which years are partial and what they cover."""
    n = national
    DonneeFactory(
        source=n["source"],
        indicateur=n["indicateur"],
        territoire=n["chatellerault"],
        annee=2022,
        nombre=None,
        secret=True,
    )
    client = client_de(analyste)
    page = client.get(_url("departement:86"))
    [vienne] = _lignes(page, "tableau")
    assert vienne[2] == "somme des communes publiées" and vienne[3].endswith("(partiel)")
    [entete, ligne] = _csv(client.get(_url("departement:86", export="comparaison", format="csv")))
    origine = _texte(ligne[entete.index("Origine du chiffre")])
    assert origine == "somme des communes publiées ; 2022 : partiel, 1 commune sur 2, 75,0 % de la population"
    assert ligne[entete.index("2023")] == "9,5"  # the complete years stay bare numbers
    assert page.context["graphique"]["series"][0]["nom"] == "Vienne — somme des communes publiées (partiel)"


def test_without_territories_the_page_compares_the_contracts_territory_and_its_references(
    national, analyste, client_de
):
    reponse = client_de(analyste).get(f"{URL}?indicateur=coups-test&source=base-test")
    assert [c["parametre"] for c in reponse.context["choisis"]] == [
        "commune:86194",
        "departement:86",
        "region:75",
        "pays:FR",
    ]


def _csv(reponse):
    return list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))


def _xlsx(reponse):
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    return [[c.value for c in ligne] for ligne in feuille.iter_rows()]


@pytest.mark.parametrize("cle", ["tableau", "detail"])
def test_the_csv_and_xlsx_exports_hold_exactly_the_tables_at_full_precision(
    national, analyste, client_de, cle
):
    client = client_de(analyste)
    page = client.get(_url(*EXEMPLE))
    tableau = page.context[cle]
    export = tableau.cle
    attendu = [tableau.colonnes, *tableau.valeurs()]

    xlsx = client.get(_url(*EXEMPLE, export=export, format="xlsx"))
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    lignes = _xlsx(xlsx)

    def approche(ligne):
        return [pytest.approx(v) if isinstance(v, (int, float)) else ("" if v is None else v) for v in ligne]

    assert [[("" if v is None else v) for v in ligne] for ligne in lignes] == [approche(x) for x in attendu]

    contenu = _csv(client.get(_url(*EXEMPLE, export=export, format="csv")))
    assert contenu[0] == tableau.colonnes
    assert len(contenu) == len(attendu)
    assert [ligne[0] for ligne in contenu[1:]] == [ligne[0].texte for ligne in tableau.lignes]
    # Full precision in the exports, one decimal on the page.
    taux = 850 / 90000 * 1000
    assert pytest.approx(taux) in [v for ligne in lignes for v in ligne if isinstance(v, float)]


def test_an_unknown_export_is_not_found(national, analyste, client_de):
    client = client_de(analyste)
    assert client.get(_url(*EXEMPLE, export="autre", format="csv")).status_code == 404
    assert client.get(_url(*EXEMPLE, export="comparaison", format="pdf")).status_code == 404


def test_partner_compares_the_contract_and_its_references_only(national, partenaire, client_de):
    client = client_de(partenaire)
    reponse = client.get(_url(*EXEMPLE))
    assert reponse.status_code == 200
    html = _texte(reponse.content.decode())
    assert [c["parametre"] for c in reponse.context["choisis"]] == [
        "commune:86194",
        "departement:86",
        "region:75",
        "pays:FR",
    ]
    assert "« commune:86066 » n&#x27;est pas comparé" in html
    assert "Châtellerault" not in html and ">240<" not in html, html[html.find("Châtellerault") - 300 :][:600]


def test_a_comparison_left_with_no_territory_shows_the_refusal_and_no_empty_chart(
    national, partenaire, client_de
):
    """A partner asks for Châtellerault alone: refused, and nothing is left to compare. The page
    says so and draws no empty chart, table or export link."""
    html = client_de(partenaire).get(_url("commune:86066")).content.decode()
    assert "« commune:86066 » n&#x27;est pas comparé" in html
    assert "Aucun territoire comparé." in html
    assert 'id="graphique-comparaison"' not in html and "export=comparaison" not in html


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("export", ["comparaison", "comparaison-detail"])
def test_partner_never_exports_an_outside_commune_asked_in_the_query_string(
    national, partenaire, client_de, export, format_
):
    client = client_de(partenaire)
    reponse = client.get(
        _url("commune:86066", "commune:75056", "commune:86194", export=export, format=format_)
    )
    assert reponse.status_code == 200
    cellules = [str(v) for ligne in (_csv(reponse) if format_ == "csv" else _xlsx(reponse)) for v in ligne]
    assert "Poitiers" in cellules
    assert not {"Châtellerault", "Paris", "240", "300", "5000", "5100"} & set(cellules)


def test_partner_sees_small_counts_masked_and_no_rate_the_analyst_sees_them(
    national, partenaire, analyste, client_de
):
    masque = client_de(partenaire).get(_url("commune:86194", "departement:86"))
    assert _ligne(masque, "Poitiers", 2022)[4:7] == ["< 5", "—", "< 5"]
    # In 2022 the source has only Poitiers among the Vienne's two communes: no Vienne figure.
    assert not _a_la_ligne(masque, "Vienne", 2022)
    # In 2023, Vienne less Poitiers (which the partner sees) would give Châtellerault: masked.
    assert _ligne(masque, "Vienne", 2023)[4] == "secret statistique"
    assert masque.context["graphique"]["series"][0]["valeurs"][0] is None
    contenu = _csv(
        client_de(partenaire).get(_url("commune:86194", export="comparaison-detail", format="csv"))
    )
    ligne_2022 = next(ligne for ligne in contenu if ligne[3] == "2022")
    assert ligne_2022[4] == "< 5" and ligne_2022[6] == "< 5"

    visible = client_de(analyste).get(_url("commune:86194"))
    assert _ligne(visible, "Poitiers", 2022)[4] == "3"


def test_more_than_ten_territories_are_refused_beyond_the_tenth(national, analyste, client_de):
    for numero in range(5):
        TerritoireFactory(code=f"8690{numero}", nom=f"Commune {numero}", niveau="commune")
    demandes = [*EXEMPLE, "commune:75056", *[f"commune:8690{i}" for i in range(5)]]
    assert len(demandes) == 11
    reponse = client_de(analyste).get(_url(*demandes))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Au plus 10 territoires se comparent : commune:86904 ne sont pas comparés." in html
    assert len(reponse.context["choisis"]) == 10
    assert "Commune 4" not in html
    assert "Commune 3" in html


def test_an_unknown_or_malformed_territory_says_so_in_french(national, analyste, client_de):
    reponse = client_de(analyste).get(_url("commune:99999", "n-importe-quoi", "commune:86194"))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Territoire inconnu : « commune:99999 »." in html
    assert "« n-importe-quoi » n&#x27;est pas un territoire" in html
    assert [c["parametre"] for c in reponse.context["choisis"]] == ["commune:86194"]


def test_a_bad_source_is_refused_and_a_bad_indicator_falls_back_never_a_500(national, analyste, client_de):
    client = client_de(analyste)
    assert client.get(f"{URL}?t=commune:86194&source=inconnue").status_code == 400
    reponse = client.get(f"{URL}?t=commune:86194&source=base-test&indicateur=inconnu")
    assert reponse.status_code == 200
    assert "Indicateur inconnu" in reponse.content.decode()


def test_the_search_box_adds_a_territory_the_reader_may_compare(national, analyste, partenaire, client_de):
    html = _page(client_de(analyste), _url("commune:86194", q="chatel"))
    assert "Châtellerault (Commune, 86066)" in html
    assert "t=commune%3A86194&amp;t=commune%3A86066" in html
    assert "retirer" not in html  # a single territory is not removed
    reponse = client_de(analyste).get(_url("commune:86194", "pays:FR", q="france"))
    # France is already compared: only Île-de-France is offered.
    assert [t["territoire"].nom for t in reponse.context["trouves"]] == ["Île-de-France"]

    partenaire_html = _page(client_de(partenaire), _url("commune:86194", q="chatel"))
    assert "Châtellerault" not in partenaire_html
    partenaire_html = _page(client_de(partenaire), _url("commune:86194", q="aquitaine"))
    assert "Nouvelle-Aquitaine (Région, 75)" in partenaire_html
    partenaire_html = _page(client_de(partenaire), _url("commune:86194", "region:75", q="aquitaine"))
    assert "Les territoires qui correspondent à « aquitaine » sont déjà comparés." in partenaire_html


def test_each_territory_has_a_remove_link_keeping_the_others(national, analyste, client_de):
    reponse = client_de(analyste).get(_url("commune:86194", "commune:86066"))
    retirer = {c["parametre"]: c["retirer"] for c in reponse.context["choisis"]}
    assert retirer["commune:86066"] == "?t=commune%3A86194&indicateur=coups-test&source=base-test"


def test_the_comparison_tab_is_on_the_dashboards(national, analyste, client_de):
    html = _page(client_de(analyste), reverse("observatoire:evolution"))
    assert f'href="{URL}"' in html and "Comparer" in html


def _lire(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse.context["tableau"].lignes
    return reponse


def test_the_query_count_does_not_grow_with_years_nor_territories(
    national, analyste, client_de, django_assert_max_num_queries
):
    """Cache off: the perimeter and its figures, the other territories' rows and populations in
    one read each, the references' few queries; more years or territories add none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_de(analyste)
    with CaptureQueriesContext(connection) as petit:
        _lire(client, _url("commune:86194", "commune:86066", "departement:86"))
    n = national
    for annee in range(2010, 2022):
        for nom in ("poitiers", "chatellerault", "paris"):
            DonneeFactory(
                source=n["source"], indicateur=n["indicateur"], territoire=n[nom], annee=annee, nombre=50
            )
    with django_assert_max_num_queries(len(petit)):
        reponse = _lire(client, _url("commune:86194", "commune:86066", "commune:75056", "departement:86"))
    assert len(reponse.context["annees"]) == 15

    # The example of the issue (five territories, three of them references) stays small.
    with django_assert_max_num_queries(len(petit) + 8):
        _lire(client, _url(*EXEMPLE))


def test_lire_demandes_keeps_the_order_and_drops_duplicates():
    demandes, erreurs = comparaison.lire_demandes(["commune:86194", "commune:86194", " pays:FR "])
    assert [d.parametre for d in demandes] == ["commune:86194", "pays:FR"] and erreurs == []


def test_with_the_cache_on_a_partner_never_gets_what_the_analyst_computed(
    national, analyste, partenaire, client_de, settings
):
    settings.CLS_CACHE_TABLEAUX = True
    url = _url("commune:86194", "commune:86066")
    assert "Châtellerault" in _page(client_de(analyste), url)
    html = _page(client_de(partenaire), url)
    assert "Châtellerault" not in html and "n&#x27;est pas comparé" in html
    assert "Châtellerault" in _page(client_de(analyste), url)


def test_partners_compare_what_territoires_hors_contrat_lets_them_read(national, partenaire):
    """Without the "has figures" probe (the figures' index starts with the source): the same
    territories, those without a row of their own included (their figure is a reference)."""
    from observatoire.querysets import territoires_hors_contrat
    from observatoire.tableaux_de_bord import pages

    ctx = pages.contexte(partenaire, {"source": national["source"]})
    refs = comparaison.references_du_contrat(ctx.perimetre.racine)
    tous = list(Territoire.objects.all())
    permis = {t.pk for t in comparaison.comparables(partenaire, ctx.perimetre, tous, refs)}
    lisibles = set(territoires_hors_contrat(partenaire, ctx.perimetre.racine).values_list("pk", flat=True))
    assert lisibles <= permis
    assert permis == {national[n].pk for n in ("poitiers", "vienne", "na", "france")}


def test_by_default_a_reference_without_figures_is_left_out(perimetre, source, analyste, client_de, settings):
    settings.CLS_CACHE_TABLEAUX = False
    indicateur = IndicateurFactory(code="vols-test")
    DonneeFactory(source=source, indicateur=indicateur, territoire=perimetre["c1"], annee=1997, nombre=40)
    reponse = client_de(analyste).get(f"{URL}?source=police-test&indicateur=vols-test")
    assert [c["parametre"] for c in reponse.context["choisis"]] == ["district:district-test"]
    # Asked for, it is shown, without a figure.
    reponse = client_de(analyste).get(
        _url("district:district-test", "departement:86")
        .replace("coups-test", "vols-test")
        .replace("base-test", "police-test")
    )
    assert [ligne[0].texte for ligne in reponse.context["tableau"].lignes] == ["District test", "Vienne"]
    assert _lignes(reponse, "tableau")[1][2:] == ["aucun chiffre", "—"]


@pytest.mark.parametrize(
    ("annees", "texte"),
    [
        ([2021], "2021"),
        ([2016, 2017, 2018, 2019], "2016 à 2019"),
        ([2023, 2016, 2017, 2021], "2016 à 2017, 2021 et 2023"),
    ],
)
def test_the_years_of_a_partial_figure_are_said_once_as_runs(annees, texte):
    assert comparaison.texte_des_annees(annees) == texte
