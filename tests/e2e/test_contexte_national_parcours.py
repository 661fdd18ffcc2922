"""The issue's "done when", in the browser: after importing the national commune base and the
départemental base (files the test writes, imported by the commands), the analyst opens
Châtellerault and Poitiers and sees each beside the Vienne, Nouvelle-Aquitaine and France with the
right rates and ratios, ranked in its population class; the "par territoire" page ranks the
contract's territories, and its map has names and a legend; axe finds nothing serious."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cls_poitiers.models import Territoire
from tests.conftest import MOT_DE_PASSE
from tests.factories import ContratFactory
from tests.observatoire.referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.e2e

COMMUNALE = (
    "\ufeffCODGEO_2026;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux\n"
    + "".join(
        f'"{code}";"{annee}";"Cambriolages de logement";"Infraction";"{nombre}";"";"diff";"{pop}";"2024";'
        f'"{log}";"2024";"NA";"NA"\n'
        for code, pop, log, par_annee in [
            ("86194", 89916, 50000, {2023: 480, 2024: 500}),
            ("86066", 31003, 15000, {2023: 110, 2024: 120}),
            ("75056", 2113705, 1380000, {2023: 9500, 2024: 9000}),
            # Two more communes of Châtellerault's class (20 000 to 49 999 inhabitants).
            ("86901", 25000, 12000, {2024: 150}),
            ("86902", 40000, 20000, {2024: 60}),
        ]
        for annee, nombre in par_annee.items()
    )
)
DEPARTEMENTALE = (
    "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;tauxpourmille\n"
    "Cambriolages de logement;24;86;75;infraction;24;24;1500;438000;210000,5;NA\n"
    "Cambriolages de logement;24;75;11;infraction;24;24;10000;2113705;1380000;NA\n"
    "Cambriolages de logement;24;NA;NA;infraction;24;24;30;NA;NA;NA\n"
)


@pytest.fixture
def bases(db, tmp_path, settings):
    settings.CLS_CACHE_TABLEAUX = False
    charger_referentiel_factice(tmp_path / "referentiel")
    ContratFactory(territoire=Territoire.objects.get(niveau="commune", code="86194"))
    vienne = Territoire.objects.get(niveau="departement", code="86")
    for code, nom, habitants in [("86901", "Commune A", 25000), ("86902", "Commune B", 40000)]:
        Territoire.objects.create(
            code=code,
            nom=nom,
            niveau="commune",
            parent=vienne,
            departement=vienne,
            region=vienne.region,
            population_legale=habitants,
        )
    # Their centres (no outline imported here: the map draws circles, each with its name).
    Territoire.objects.filter(niveau="commune", code="86194").update(latitude="46.58", longitude="0.34")
    Territoire.objects.filter(niveau="commune", code="86066").update(latitude="46.82", longitude="0.55")
    for nom, texte in [("communale.csv", COMMUNALE), ("departementale.csv", DEPARTEMENTALE)]:
        chemin = tmp_path / nom
        chemin.write_text(texte, encoding="utf-8")
        call_command("importer_ssmsi", str(chemin), stdout=io.StringIO())


def _cellules(page, titre_ligne):
    ligne = page.locator("#tableau-contexte tbody tr", has=page.locator("th", has_text=titre_ligne))
    return [c.strip() for c in ligne.locator("td").all_inner_texts()]


def test_analyst_reads_chatellerault_and_poitiers_in_their_national_context(
    page, login, axe, analyste, bases
):
    login(page, analyste.username, MOT_DE_PASSE)

    page.goto(page.base_url + "/observatoire/territoires/86066/")
    entetes = page.locator("#tableau-contexte thead th").all_inner_texts()
    assert entetes[1:] == [
        "Taux de Châtellerault",
        "Taux de la Vienne",
        "Rapport à la Vienne",
        "Taux de la Nouvelle-Aquitaine",
        "Rapport à la Nouvelle-Aquitaine",
        "Taux de la France",
        "Rapport à la France",
    ]
    # 2024: Châtellerault 120 / 15 000 dwellings = 8,0 ‰; the Vienne's published total
    # 1 500 / 210 000,5 = 7,1 ‰ (ratio 1,12); the région, the sum of its départements' totals
    # (here the Vienne alone); France, the sum of the départemental totals with the 30 facts
    # attached to no département: 11 530 / 1 590 000,5 = 7,3 ‰ (ratio 1,10).
    cellules = _cellules(page, "Cambriolages de logement")
    assert [c.replace("\u00a0", " ") for c in cellules] == [
        "8,0 ‰",
        "7,1 ‰",
        "1,12",
        "7,1 ‰",
        "1,12",
        "7,3 ‰",
        "1,10",
    ]
    expect(page.locator("#tableau-references")).to_contain_text("total publié par la source")
    expect(page.locator("#tableau-references")).to_contain_text("somme des totaux départementaux publiés")
    # Its rank in its class: 12,5 ‰ above it, 3,0 ‰ below.
    rang = page.locator("#tableau-rang tbody tr td").all_inner_texts()
    assert rang[1:] == ["2", "3", "communes de 20\u202f000 à 49\u202f999 habitants", "67"]
    axe(page, "page de Châtellerault")
    page.screenshot(path="/tmp/contexte-national-chatellerault.png", full_page=True)

    page.goto(page.base_url + "/observatoire/territoires/86194/")
    # Poitiers: 500 / 50 000 = 10,0 ‰, 1,40 times the Vienne's rate.
    assert _cellules(page, "Cambriolages de logement")[:3] == ["10,0\u00a0‰", "7,1\u00a0‰", "1,40"]
    axe(page, "page de Poitiers")

    page.goto(page.base_url + "/observatoire/territoires/")
    expect(page.locator("#tableau-contexte")).to_contain_text(
        "communes de 50\u202f000 à 99\u202f999 habitants"
    )
    expect(page.locator("#legende-carte")).to_contain_text("pour 1 000 logements")
    expect(page.locator("#legende-carte li").first).to_have_text("10")  # its one class
    page.wait_for_function("() => document.querySelectorAll('#carte .etiquette-carte').length > 0")
    expect(page.locator("#carte")).to_contain_text("Poitiers")
    axe(page, "par territoire")
    expect(page.locator("#carte path.leaflet-interactive")).to_have_count(1)  # Poitiers circle
    page.screenshot(path="/tmp/contexte-national-par-territoire.png", full_page=True)

    page.goto(
        page.base_url
        + "/observatoire/comparer/?t=commune:86194&t=commune:86066&t=departement:86&t=region:75&t=pays:FR"
    )
    expect(page.locator("#tableau-comparaison tbody tr")).to_have_count(5)
    axe(page, "comparer")
