"""Every imported figure is reachable: the Observatoire and the Coordination open any territory
with figures (a commune outside the contract, a département) on its page, in its CSV/XLSX export,
in the JSON endpoint and with the search box; partners keep the contract's territories and its
references (département, région, France), nothing else, whatever the query says; and
`exporter_chiffres --territoire` gives exactly that territory's rows or a French error."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cls_poitiers.models import Territoire
from observatoire.models import Donnee
from observatoire.tableaux_de_bord import pages
from tests.factories import ContratFactory

from .factories import DonneeFactory, IndicateurFactory, SourceFactory
from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(tmp_path):
    """The fake referential, a contract on Poitiers, and figures of 2024 for Poitiers,
    Châtellerault (outside the contract), Paris (another département), Vienne and Île-de-France."""
    charger_referentiel_factice(tmp_path / "referentiel")
    territoires = {
        nom: Territoire.objects.get(niveau=niveau, code=code)
        for nom, niveau, code in [
            ("poitiers", "commune", "86194"),
            ("chatellerault", "commune", "86066"),
            ("paris", "commune", "75056"),
            ("vienne", "departement", "86"),
            ("idf", "region", "11"),
        ]
    }
    ContratFactory(territoire=territoires["poitiers"])
    source = SourceFactory(code="base-communale-test", libelle="Base communale (test)")
    indicateur = IndicateurFactory(code="cambriolages-test", libelle="Cambriolages (test)")
    nombres = {"poitiers": 700, "chatellerault": 321, "paris": 987, "vienne": 468, "idf": 555}
    for nom, nombre in nombres.items():
        DonneeFactory(
            source=source, indicateur=indicateur, territoire=territoires[nom], annee=2024, nombre=nombre
        )
    return {**territoires, "source": source}


def _page(code, niveau=None):
    url = reverse("observatoire:territoire", kwargs={"code": code})
    return f"{url}?niveau={niveau}" if niveau else url


def _export(client, url, format_):
    separateur = "&" if "?" in url else "?"
    return client.get(f"{url}{separateur}export=territoire&format={format_}")


def _cellules_xlsx(reponse) -> list:
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    return [c.value for ligne in feuille.iter_rows() for c in ligne]


def _api(client, **parametres):
    return client.get(reverse("observatoire:api_chiffres"), parametres)


@pytest.mark.parametrize("role", ["analyste", "coordination"])
@pytest.mark.parametrize(
    ("code", "niveau", "nom", "nombre"),
    [("86066", None, "Châtellerault", 321), ("86", "departement", "Vienne", 468)],
)
def test_analyst_reaches_a_commune_outside_the_contract_and_a_departement(
    national, client_de, request, role, code, niveau, nom, nombre
):
    client = client_de(request.getfixturevalue(role))
    page = client.get(_page(code, niveau))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<h1 class="h3">{nom}' in html and f"<td>{nombre}</td>" in html

    csv = _export(client, _page(code, niveau), "csv")
    assert csv.status_code == 200
    contenu = csv.content.decode("utf-8-sig")
    assert f";{nombre};" in contenu and ";987;" not in contenu
    xlsx = _export(client, _page(code, niveau), "xlsx")
    assert xlsx.status_code == 200 and nombre in _cellules_xlsx(xlsx)

    parametres = {"territoire": code, **({"niveau_territoire": niveau} if niveau else {})}
    reponse = _api(client, **parametres)
    assert reponse.status_code == 200
    lignes = reponse.json()["resultats"]
    assert [(ligne["territoire_code"], ligne["territoire"], ligne["nombre"]) for ligne in lignes] == [
        (code, nom, nombre)
    ]


def test_a_commune_outside_the_contract_is_reached_when_the_contract_has_no_figure_of_its_own(
    tmp_path, analyste, partenaire, client_de
):
    """A national base that has no row for the contract's territories: the page of a commune
    outside the contract is read on its own, not refused because the contract shows nothing."""
    charger_referentiel_factice(tmp_path / "referentiel")
    ContratFactory(territoire=Territoire.objects.get(niveau="commune", code="86194"))
    DonneeFactory(
        source=SourceFactory(code="base-sans-le-contrat"),
        indicateur=IndicateurFactory(code="vols-test"),
        territoire=Territoire.objects.get(niveau="commune", code="86066"),
        annee=2024,
        nombre=321,
    )
    client = client_de(analyste)
    page = client.get(_page("86066"))
    assert page.status_code == 200 and "<td>321</td>" in page.content.decode()
    lignes = _api(client, territoire="86066").json()["resultats"]
    assert [(ligne["territoire_code"], ligne["nombre"]) for ligne in lignes] == [("86066", 321)]
    # The contract's own pages have nothing to show, and a partner still has no way to it.
    assert _api(client).json()["resultats"] == []
    partenaire_client = client_de(partenaire)
    assert partenaire_client.get(_page("86066")).status_code == 404
    assert _api(partenaire_client, territoire="86066").status_code == 404


@pytest.mark.parametrize("role", ["analyste", "partenaire"])
def test_the_region_and_france_pages_show_the_sum_of_their_departements(national, client_de, request, role):
    """France is never stored and a région only with the régional base: their pages, exports and
    JSON show the sum of their départements' totals, for the analyst and for a partner of the
    contract (its région and France are its references)."""
    client = client_de(request.getfixturevalue(role))
    for code, niveau, nom in [("75", "region", "Nouvelle-Aquitaine"), ("FR", "pays", "France")]:
        page = client.get(_page(code, niveau))
        assert page.status_code == 200, code
        html = page.content.decode()
        assert f'<h1 class="h3">{nom}' in html and "<td>468</td>" in html
        csv = _export(client, _page(code, niveau), "csv").content.decode("utf-8-sig")
        assert "Cambriolages (test);2024;468;" in csv
        lignes = _api(client, territoire=code, niveau_territoire=niveau).json()["resultats"]
        assert [(ligne["territoire"], ligne["nombre"]) for ligne in lignes] == [(nom, 468)]
    # The Vienne's own published total stands alone: never added to its communes' (700 + 321).
    vienne = client.get(_page("86", "departement")).content.decode()
    assert "<td>468</td>" in vienne and "<td>1 489</td>" not in vienne and "<td>1\u202f489</td>" not in vienne


def test_a_departement_without_a_total_of_its_own_is_the_sum_of_its_communes(national, analyste, client_de):
    """Paris' département has no row: its page adds up its communes (Paris, 987)."""
    page = client_de(analyste).get(_page("75", "departement"))
    assert page.status_code == 200
    assert "<td>987</td>" in page.content.decode()


def test_a_partner_never_gets_a_departement_as_the_sum_of_its_communes(
    national, analyste, partenaire, client_de
):
    """A source with Poitiers and Châtellerault but no total for the Vienne: the analyst reads the
    Vienne as their sum (1 021); the partner, who sees Poitiers (700), would get Châtellerault's
    321 by subtraction: the Vienne has no figure for them in that source."""
    source = SourceFactory(code="communes-seules", libelle="Communes seules (test)", ordre=0)
    indicateur = IndicateurFactory(code="vols-communes-seules")
    for nom, nombre in [("poitiers", 700), ("chatellerault", 321)]:
        DonneeFactory(
            source=source, indicateur=indicateur, territoire=national[nom], annee=2024, nombre=nombre
        )
    url = _page("86", "departement") + "&source=communes-seules"
    assert "<td>1 021</td>" in client_de(analyste).get(url).content.decode().replace("\u202f", " ")
    reponse = client_de(partenaire).get(url)
    contenu = reponse.content.decode().replace("\u202f", " ")
    assert "1 021" not in contenu and "<td>321</td>" not in contenu
    json = _api(
        client_de(partenaire), territoire="86", niveau_territoire="departement", source="communes-seules"
    )
    assert "1021" not in json.content.decode() and "321" not in json.content.decode()


def test_the_commune_page_links_to_its_departement_page(national, analyste, client_de):
    html = client_de(analyste).get(_page("86066")).content.decode()
    assert f'href="{_page("86", "departement")}"' in html
    # Châtellerault is no page of the platform's core (outside the contract): no dead link to it.
    assert 'href="/territoires/86066/"' not in html


def test_partner_reaches_the_contracts_departement_but_no_other_territory(national, partenaire, client_de):
    client = client_de(partenaire)
    assert client.get(_page("86194")).status_code == 200
    vienne = client.get(_page("86", "departement"))
    assert vienne.status_code == 200 and '<h1 class="h3">Vienne' in vienne.content.decode()
    assert _api(client, territoire="86", niveau_territoire="departement").status_code == 200

    for code, niveau in [("86066", None), ("75056", None), ("11", "region")]:
        assert client.get(_page(code, niveau)).status_code == 404
        assert _export(client, _page(code, niveau), "csv").status_code == 404
        assert _export(client, _page(code, niveau), "xlsx").status_code == 404
        parametres = {"territoire": code, **({"niveau_territoire": niveau} if niveau else {})}
        reponse = _api(client, **parametres)
        assert reponse.status_code == 404 and "resultats" not in reponse.json()


def test_partner_gets_nothing_outside_its_scope_through_a_query_parameter(national, partenaire, client_de):
    client = client_de(partenaire)
    chatellerault = national["chatellerault"]
    urls = [
        reverse("observatoire:par_territoire") + f"?territoire={chatellerault.pk}&q=chatellerault",
        reverse("observatoire:par_territoire") + "?q=86066&export=classement&format=csv",
        reverse("observatoire:evolution") + f"?territoires={chatellerault.pk}",
        reverse("observatoire:evolution") + f"?territoires={chatellerault.pk}&export=evolution&format=csv",
        reverse("observatoire:tableau_de_bord") + "?territoire=86066&export=indicateurs&format=csv",
        reverse("observatoire:api_chiffres") + "?niveau=commune",
        reverse("observatoire:api_chiffres") + f"?territoires={chatellerault.pk}",
        _page("86194") + "?territoire=86066&export=territoire&format=csv",
    ]
    for url in urls:
        reponse = client.get(url)
        contenu = reponse.content.decode("utf-8-sig")
        assert "Châtellerault" not in contenu and ";321;" not in contenu, url
        assert '"nombre": 321' not in contenu, url


def _resultats(html: str) -> str:
    return html.split('id="titre-recherche"')[1]


def test_search_box_finds_a_commune_by_name_or_code(national, analyste, partenaire, client_de):
    url = reverse("observatoire:par_territoire")
    for texte in ["chatellerault", "CHÂTELLERAULT", "86066"]:
        html = client_de(analyste).get(url, {"q": texte}).content.decode()
        assert '<label for="recherche-territoire"' in html
        # Submitted, the browser lands on the results, below the map and the tables.
        assert f'action="{url}#titre-recherche"' in html
        assert f'<a href="{_page("86066")}">Châtellerault</a>' in html, texte
        assert "Poitiers</a>" not in _resultats(html)
    html = client_de(analyste).get(url, {"q": "vienne", "source": "base-communale-test"}).content.decode()
    # Each result opens on the source the reader was looking at.
    assert f'<a href="{_page("86", "departement")}&amp;source=base-communale-test">Vienne</a>' in html
    # A new search keeps the page's filters (its source here), never the previous text.
    assert '<input type="hidden" name="source" value="base-communale-test">' in html
    assert 'type="hidden" name="q"' not in html
    html = client_de(analyste).get(url, {"q": "introuvable"}).content.decode()
    assert "Aucun territoire avec des chiffres ne correspond à « introuvable »" in html

    # A partner's search stays in its scope: the contract's département, never another commune.
    html = client_de(partenaire).get(url, {"q": "chatellerault"}).content.decode()
    assert "86066" not in _resultats(html) and "Châtellerault" not in html
    html = client_de(partenaire).get(url, {"q": "vienne"}).content.decode()
    assert f'<a href="{_page("86", "departement")}">Vienne</a>' in html


def _exporter(tmp_path, *args, nom="chiffres.csv"):
    sortie = tmp_path / nom
    call_command("exporter_chiffres", *args, "--sortie", str(sortie), stdout=io.StringIO())
    return sortie


@pytest.mark.parametrize(
    ("args", "code", "nombre"),
    [
        (["--territoire", "86066"], "86066", "321"),
        (["--territoire", "86", "--niveau-territoire", "departement"], "86", "468"),
        (["--territoire", "86194"], "86194", "700"),
    ],
)
def test_export_command_gives_exactly_that_territorys_rows_whatever_its_level(
    national, tmp_path, args, code, nombre
):
    sortie = _exporter(tmp_path, *args, "--annee", "2024", "--source", "base-communale-test")
    lignes = sortie.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lignes) == 2
    assert lignes[1].split(";")[0] == code and f";{nombre};" in lignes[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--territoire", "99999"], "Territoire inconnu : 99999"),
        (["--territoire", "86", "--niveau-territoire", "canton"], "Niveau inconnu : canton"),
        (["--territoire", "86", "--niveau-territoire", "region"], "Territoire inconnu : 86 au niveau region"),
        (["--source", "inexistante"], "Source inconnue : inexistante"),
        (
            ["--territoire", "75", "--niveau-territoire", "region", "--source", "vide-test"],
            "Aucun chiffre pour",
        ),
    ],
)
def test_export_command_refuses_an_unknown_code_level_or_source_in_french_and_writes_nothing(
    national, tmp_path, args, message
):
    SourceFactory(code="vide-test", libelle="Source sans chiffre (test)")
    with pytest.raises(CommandError, match=message):
        _exporter(tmp_path, *args, "--annee", "2024")
    assert not (tmp_path / "chiffres.csv").exists()


def test_a_region_and_france_without_figures_of_their_own_export_the_sum_of_their_departements(
    national, tmp_path
):
    """Nouvelle-Aquitaine has no row of its own: its figure is the sum of its départements (the
    Vienne alone, all of them here: published in full); France's, the sum of the Vienne and of
    Paris, whose département has no total (the sum is partial, and says so)."""
    lignes = {}
    for code, niveau in [("75", "region"), ("FR", "pays")]:
        sortie = _exporter(
            tmp_path,
            *["--territoire", code, "--niveau-territoire", niveau, "--annee", "2024"],
            *["--source", "base-communale-test"],
            nom=f"{code}.csv",
        )
        lignes[code] = sortie.read_bytes().decode("utf-8-sig").splitlines()
    entetes = lignes["75"][0].split(";")
    region = dict(zip(entetes, lignes["75"][1].split(";"), strict=True))
    assert len(lignes["75"]) == 2
    assert (region["territoire"], region["nombre"], region["statut"]) == (
        "Nouvelle-Aquitaine",
        "468",
        "publie",
    )
    france = dict(zip(entetes, lignes["FR"][1].split(";"), strict=True))
    assert (france["territoire"], france["nombre"]) == ("France", "468")
    assert france["statut"].startswith("partiel")


def test_a_territory_on_its_own_is_not_compared_with_itself(national, analyste):
    """Outside the contract a commune's page has no reference of its own: a "ratio" to itself
    would always read 1,00."""
    chatellerault = Territoire.objects.get(niveau="commune", code="86066")
    ctx = pages.contexte(analyste, {}, territoire=chatellerault)
    indicateurs = {d.indicateur for d in Donnee.objects.filter(territoire=chatellerault)}
    assert indicateurs
    for indicateur in indicateurs:
        assert ctx.chiffre(indicateur, ctx.annee, chatellerault.pk).nombre is not None
        assert pages._reference(ctx, indicateur, ctx.annee).nombre is None


def _populations(national):
    from tests.factories import PopulationFactory

    for nom, habitants in [("poitiers", 90000), ("chatellerault", 30000), ("paris", 2100000)]:
        PopulationFactory(territoire=national[nom], annee=2022, habitants=habitants)
    PopulationFactory(territoire=national["vienne"], annee=2022, habitants=440000)


def test_a_commune_outside_the_contract_is_shown_beside_its_departement_region_and_france(
    national, analyste, client_de
):
    _populations(national)
    client = client_de(analyste)
    html = client.get(_page("86066")).content.decode()
    assert "Châtellerault dans son contexte national en 2024" in html
    for colonne in [
        "Taux de Châtellerault",
        "Taux de la Vienne",
        "Rapport à la Vienne",
        "Taux de la Nouvelle-Aquitaine",
        "Rapport à la France",
    ]:
        assert f'<th scope="col">{colonne}</th>' in html, colonne
    attendu = (321 / 30000) / (468 / 440000)
    assert f"<td>{attendu:.2f}</td>".replace(".", ",") in html
    # Its rank among the communes of its population class (Châtellerault: 31 003 inhabitants).
    assert "communes de 20\u202f000 à 49\u202f999 habitants" in html

    contexte = client.get(_page("86066") + "?export=contexte&format=csv").content.decode("utf-8-sig")
    assert "Rapport à la Vienne" in contexte.splitlines()[0]
    assert str(attendu).replace(".", ",")[:8] in contexte  # full precision in the export

    reponse = _api(client, territoire="86066", indicateur="cambriolages-test", annee=2024).json()
    [ligne] = reponse["resultats"]
    par_niveau = {r["niveau"]: r for r in ligne["references"]}
    assert par_niveau["departement"]["nombre"] == 468 and par_niveau["departement"]["origine"] == "publie"
    assert par_niveau["departement"]["statut"] == "publie"
    assert par_niveau["departement"]["rapport"] == pytest.approx(attendu)
    # France: the Paris département has no total, the three communes of the referential do.
    assert par_niveau["pays"]["origine"] == "communes" and par_niveau["pays"]["nombre"] == 700 + 321 + 987
    assert ligne["rang"] is None  # the only commune of its class with a rate: « 1 sur 1 » ranks nothing


@pytest.mark.django_db(transaction=True)
def test_the_references_are_read_once_for_the_communes_of_a_departement_until_the_data_changes(
    national, analyste, partenaire, client_de, settings, monkeypatch
):
    """With the dashboards' cache on, Poitiers' page reads Vienne's, Nouvelle-Aquitaine's and
    France's figures, and Châtellerault's (same references) takes them from the cache, whoever
    reads; a committed change of a figure reads them again."""
    from django.core.cache import caches

    from observatoire.tableaux_de_bord import cache, references

    settings.CLS_CACHE_TABLEAUX = True
    caches[cache.ALIAS].clear()
    _populations(national)
    lues = []
    lire = references.References.lire.__func__
    monkeypatch.setattr(
        references.References,
        "lire",
        classmethod(lambda cls, *args: lues.append([t.code for t in args[1]]) or lire(cls, *args)),
    )
    client = client_de(analyste)
    assert "Poitiers dans son contexte national" in client.get(_page("86194")).content.decode()
    assert lues == [["86", "75", "FR"]]
    html = client.get(_page("86066")).content.decode()
    assert "Châtellerault dans son contexte national" in html and "Taux de la Vienne" in html
    # A partner's page of Poitiers masks them for its reader, from the same figures.
    assert client_de(partenaire).get(_page("86194")).status_code == 200
    assert lues == [["86", "75", "FR"]]

    vienne = Donnee.objects.get(territoire=national["vienne"])
    vienne.nombre = 880
    vienne.save()  # committed: the test runs outside a transaction
    html = client.get(_page("86066")).content.decode()
    assert lues == [["86", "75", "FR"], ["86", "75", "FR"]]
    assert "<td>880</td>" in html
    caches[cache.ALIAS].clear()


def test_a_departement_is_shown_beside_its_region_and_france(national, analyste, client_de):
    _populations(national)
    client = client_de(analyste)
    html = client.get(_page("86", "departement")).content.decode()
    assert "Vienne dans son contexte national en 2024" in html
    assert '<th scope="col">Rapport à la Nouvelle-Aquitaine</th>' in html
    assert "somme des totaux départementaux publiés" in html
    xlsx = client.get(_page("86", "departement") + "&export=references&format=xlsx")
    assert xlsx.status_code == 200 and "somme des totaux départementaux publiés" in _cellules_xlsx(xlsx)
    lignes = _api(client, territoire="86", niveau_territoire="departement").json()["resultats"]
    assert {r["niveau"] for r in lignes[0]["references"]} == {"region", "pays"}
    assert "rang" not in lignes[0]  # a rank is given for one indicator and one year only


def test_headers_join_each_name_to_de_and_a_as_french_writes_them(national, analyste, client_de):
    """A commune's contract reads « Indicateurs de Poitiers », never « du Poitiers »; Île-de-France's
    references « de la France »; the référentiel's articles reach the headers and the exports."""
    _populations(national)
    client = client_de(analyste)
    tableau = client.get(reverse("observatoire:tableau_de_bord")).content.decode()
    assert "Indicateurs de Poitiers en 2024" in tableau
    html = client.get(_page("75056")).content.decode()
    for colonne in ["Taux de Paris", "Taux d’Île-de-France", "Rapport à Île-de-France", "Taux de la France"]:
        assert f'<th scope="col">{colonne}</th>' in html, colonne
    assert "Rang de Paris en 2024" in html
    xlsx = _cellules_xlsx(client.get(_page("75056") + "?export=contexte&format=xlsx"))
    assert "Taux d’Île-de-France" in xlsx and "Rapport à la France" in xlsx


def test_the_rank_export_keeps_the_rank_and_how_many_are_ranked_as_two_numbers(national, analyste, client_de):
    """Châtellerault (10,7 ‰) between a commune of its class at 20 ‰ and one at 4 ‰: the page
    and its CSV/XLSX give its rank (2) and the number ranked (3) each in its own column, and its
    percentile as a whole number."""
    from tests.factories import PopulationFactory, TerritoireFactory

    _populations(national)
    indicateur = Donnee.objects.filter(territoire=national["chatellerault"]).get().indicateur
    for code, habitants, nombre in [("99001", 40000, 800), ("99002", 25000, 100)]:
        voisine = TerritoireFactory(code=code, nom=f"Voisine {code}", population_legale=habitants)
        PopulationFactory(territoire=voisine, annee=2022, habitants=habitants)
        DonneeFactory(
            source=national["source"], indicateur=indicateur, territoire=voisine, annee=2024, nombre=nombre
        )
    client = client_de(analyste)
    html = client.get(_page("86066")).content.decode()
    assert '<th scope="col">Territoires classés</th>' in html
    csv = client.get(_page("86066") + "?export=rang&format=csv").content.decode("utf-8-sig").splitlines()
    assert "Territoires classés" in csv[0]
    colonnes = csv[0].split(";")
    ligne = csv[1].split(";")
    assert ligne[colonnes.index("Rang (taux décroissant)")] == "2"
    assert ligne[colonnes.index("Territoires classés")] == "3"
    # Its percentile (2 of the 3 at most its rate: 66,67 %) as the page shows it, a whole number.
    assert ligne[colonnes.index("Centile")] == "67"
    xlsx = _cellules_xlsx(client.get(_page("86066") + "?export=rang&format=xlsx"))
    assert xlsx[xlsx.index("Territoires classés") + len(colonnes)] == 3  # under its header, a number
    assert xlsx[xlsx.index("Centile") + len(colonnes)] == 67


def test_a_partial_total_is_not_ranked(national, analyste, client_de):
    """Nouvelle-Aquitaine is the sum of its départements' totals, and the Deux-Sèvres has none:
    partial, its rate is lower than the région's, so it takes no rank among the régions (nor a
    ratio), on the page and in the JSON."""
    from tests.factories import PopulationFactory, TerritoireFactory

    _populations(national)
    na = Territoire.objects.get(niveau="region", code="75")
    deux_sevres = TerritoireFactory(code="79", nom="Deux-Sèvres", niveau="departement", parent=na, region=na)
    TerritoireFactory(
        code="79191",
        nom="Niort",
        parent=deux_sevres,
        departement=deux_sevres,
        region=na,
        population_legale=60000,
    )
    PopulationFactory(territoire=national["idf"], annee=2022, habitants=12000000)
    client = client_de(analyste)
    html = client.get(_page("75", "region")).content.decode()
    assert "partiel" in html
    csv = client.get(_page("75", "region") + "&export=rang&format=csv").content.decode("utf-8-sig")
    entete, ligne = (x.split(";") for x in csv.splitlines()[:2])
    assert ligne[entete.index("Rang (taux décroissant)")] == ""  # no rank (« — » on the page)
    assert ligne[entete.index("Parmi les")] == "régions"
    reponse = _api(
        client, territoire="75", niveau_territoire="region", indicateur="cambriolages-test", annee=2024
    )
    [resultat] = reponse.json()["resultats"]
    assert resultat["rang"] is None
    # As a reference of Châtellerault, its rate says « (partiel) », in the export too.
    csv = client.get(_page("86066") + "?export=contexte&format=csv").content.decode("utf-8-sig")
    entete, ligne = (x.split(";") for x in csv.splitlines()[:2])
    assert ligne[entete.index("Taux de la Nouvelle-Aquitaine")].endswith("(partiel)")
    assert ligne[entete.index("Rapport à la Nouvelle-Aquitaine")] == ""
    # And in the JSON: the reference's status says it, as a territory's own does.
    [chatellerault] = _api(client, territoire="86066", indicateur="cambriolages-test", annee=2024).json()[
        "resultats"
    ]
    statuts = {r["niveau"]: (r["statut"], r["rapport"]) for r in chatellerault["references"]}
    assert statuts["region"] == ("partiel", None)
    assert statuts["departement"][0] == "publie" and statuts["departement"][1] is not None


def test_a_territory_without_figures_is_said_so_to_the_analyst_and_hidden_from_a_partner(
    national, analyste, partenaire, client_de
):
    """The Gironde has no figure in any source: the analyst, who reaches every territory, is told
    so in French; a partner gets the plain « page introuvable »."""
    from tests.factories import TerritoireFactory

    TerritoireFactory(code="33", nom="Gironde", niveau="departement")
    reponse = client_de(analyste).get(_page("33", "departement"))
    assert reponse.status_code == 404
    assert "Aucune source n’a de chiffre pour Gironde (Département, 33)." in reponse.content.decode()
    reponse = client_de(partenaire).get(_page("33", "departement"))
    assert reponse.status_code == 404 and "Gironde" not in reponse.content.decode()


def test_a_territory_without_figures_in_the_chosen_source_says_so_with_the_source_to_change(
    national, analyste, client_de
):
    autre = SourceFactory(code="autre-base", libelle="Autre base (test)")
    DonneeFactory(source=autre, territoire=national["poitiers"], annee=2024, nombre=10)
    html = client_de(analyste).get(_page("86066") + "?source=autre-base").content.decode()
    assert "Aucun chiffre pour Châtellerault dans cette source : choisissez-en une autre." in html
    assert '<select name="source"' in html
