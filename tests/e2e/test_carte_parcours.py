"""An analyst opens the map: the communes' real outlines, coloured by rate class with a legend,
named on the map, the secret one cross-hatched and the one without a rate hatched and dashed (two
legend entries), the unit in the legend, the communes drawn in their département, Leaflet's
controls in French, the outlines' attribution shown."""

import json

import pytest
from playwright.sync_api import expect

from cls_poitiers.models import Population, Territoire
from observatoire import demo as demo_observatoire
from observatoire.models import LotImport
from tests.conftest import MOT_DE_PASSE
from tests.factories import ContratFactory
from tests.observatoire.factories import DonneeFactory, SourceFactory

pytestmark = pytest.mark.e2e

# A frame around the communes standing for the Vienne's outline.
CADRE_VIENNE = {
    "type": "Polygon",
    "coordinates": [[[0.1, 46.4], [0.7, 46.4], [0.7, 46.8], [0.1, 46.8], [0.1, 46.4]]],
}


@pytest.fixture
def contrat(db):
    vienne = Territoire.objects.create(code="86", nom="Vienne", niveau="departement", contour=CADRE_VIENNE)
    district = Territoire.objects.create(
        code="district-carte", nom="District de la carte", niveau="district", parent=vienne
    )
    ContratFactory(territoire=district)
    contours = {
        f["properties"]["code"]: f["geometry"]
        for f in json.loads(demo_observatoire.CONTOURS.read_text(encoding="utf-8"))["features"]
    }
    source = SourceFactory(code="police-carte", ordre=1)
    # (code of a shipped outline, name, inhabitants or None, facts or None when secret)
    for code, nom, habitants, faits in [
        ("86194", "Commune A", 10000, 900),
        ("86041", "Commune B", 20000, 600),
        ("86214", "Commune C", None, 300),
        ("86163", "Commune D", 5000, None),
    ]:
        commune = Territoire.objects.create(
            code=code, nom=nom, niveau="commune", parent=district, contour=contours[code], departement=vienne
        )
        if habitants:
            Population.objects.create(territoire=commune, annee=1990, habitants=habitants, source="Test")
        DonneeFactory(source=source, territoire=commune, nombre=faits, secret=faits is None)
    LotImport.objects.create(
        type=LotImport.Type.GEOJSON,
        fichier_nom=demo_observatoire.CONTOURS.name,
        statut=LotImport.Statut.APPLIQUE,
        options={"attribution": demo_observatoire.ATTRIBUTION_CONTOURS},
    )
    return district


def test_the_map_draws_named_outlines_a_legend_the_missing_rate_and_the_attribution(
    page, login, axe, analyste, contrat
):
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/territoires/")
    page.wait_for_selector("#carte path.leaflet-interactive")

    assert page.locator("#carte path.leaflet-interactive").count() == 4
    assert page.locator(".leaflet-tile").count() == 0  # no tile server
    expect(page.locator("#carte .leaflet-control-attribution")).to_contain_text(
        "france-geojson (Grégoire David), d'après IGN et INSEE, Licence Ouverte (Etalab)"
    )
    assert sorted(page.locator("#carte .etiquette-carte").all_inner_texts()) == [
        "Commune A",
        "Commune B",
        "Commune C",
        "Commune D",
    ]
    # Commune C has no population: no rate, hatched and dashed on the map, and said in the legend.
    sans_taux = page.locator('#carte path.leaflet-interactive[fill="url(#hachures-sans-donnee)"]')
    assert sans_taux.count() == 1
    assert sans_taux.get_attribute("stroke-dasharray") == "5 4"
    # Commune D is secret at the source: its own hatching, a solid border.
    masque = page.locator('#carte path.leaflet-interactive[fill="url(#hachures-secret)"]')
    assert masque.count() == 1 and masque.get_attribute("stroke-dasharray") is None
    assert page.locator("pattern#hachures-secret line").count() == 2
    assert page.locator("pattern#hachures-sans-donnee line").count() == 1
    legende = page.locator("#legende-carte")
    expect(legende).to_contain_text("Légende : taux en ‰, pour 1 000 habitants")
    expect(legende).to_contain_text("pas de donnée : taux non disponible")
    expect(legende).to_contain_text("secret statistique : chiffre masqué (hachures croisées)")
    assert legende.locator('rect[fill="url(#hachures-secret)"]').count() == 1
    assert legende.locator('rect[fill="url(#hachures-sans-donnee)"]').count() == 1
    # The communes are drawn in their département: its outline (not interactive), named in the legend.
    expect(legende).to_contain_text("contour du département : Vienne")
    assert page.locator("#carte path:not(.leaflet-interactive)").count() == 1
    # Leaflet's controls speak French.
    assert page.locator("#carte .leaflet-control-zoom-in").get_attribute("title") == "Zoom avant"
    assert page.locator("#carte .leaflet-control-zoom-out").get_attribute("aria-label") == "Zoom arrière"
    expect(page.locator("#carte .leaflet-control-attribution")).to_contain_text("Carte : Leaflet")
    # A (90 ‰) and B (30 ‰) are the two ends of the classes: two rates, two classes (never
    # empty classes between them), the lightest and the darkest colour.
    expect(legende).to_contain_text("de 30 à 60")
    expect(legende).to_contain_text("plus de 60 à 90")  # 60 itself is in the first class
    assert legende.locator("li").filter(has_text="de 30 à").count() == 1
    assert legende.locator("li").filter(has_text=" à ").count() == 2
    couleurs = page.eval_on_selector_all(
        "#carte path.leaflet-interactive", "chemins => chemins.map(c => c.getAttribute('fill'))"
    )
    assert len(set(couleurs)) == 4  # two classes, two hatchings
    expect(page.locator("figcaption").first).to_contain_text("contour réel")
    axe(page, "carte des contours")


@pytest.fixture
def quartiers(db):
    """Four territories drawn as circles (no outline), at the four corners of their extent."""
    district = Territoire.objects.create(
        code="district-cercles", nom="District des cercles", niveau="district"
    )
    ContratFactory(territoire=district)
    source = SourceFactory(code="police-cercles", ordre=1)
    for i, (lat, lon, faits) in enumerate(
        [(46.55, 0.30, 900), (46.55, 0.40, 100), (46.60, 0.30, 500), (46.60, 0.40, 50)]
    ):
        commune = Territoire.objects.create(
            code=f"9900{i}",
            nom=f"Quartier au nom long {i}",
            niveau="commune",
            parent=district,
            latitude=lat,
            longitude=lon,
        )
        Population.objects.create(territoire=commune, annee=1990, habitants=10000, source="Test")
        DonneeFactory(source=source, territoire=commune, nombre=faits)
    return district


def test_circles_at_the_edges_and_their_names_are_inside_the_map(page, login, analyste, quartiers):
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/territoires/")
    page.wait_for_selector("#carte path.leaflet-interactive")
    assert page.locator("#carte path.leaflet-interactive").count() == 4
    debordements = page.evaluate(
        """() => {
          const carte = document.querySelector('#carte').getBoundingClientRect();
          const dessins = document.querySelectorAll(
            '#carte path.leaflet-interactive, #carte .etiquette-carte span');
          return [...dessins].map(e => e.getBoundingClientRect())
            .filter(r => r.left < carte.left || r.right > carte.right
                      || r.top < carte.top || r.bottom > carte.bottom)
            .length;
        }"""
    )
    assert debordements == 0


@pytest.fixture
def voisines(db):
    """Biard, a narrow commune, and Vouneuil-sous-Biard beside it, named at their centres (as in the
    demo): their names would cover each other."""
    district = Territoire.objects.create(
        code="district-voisines", nom="District des voisines", niveau="district"
    )
    ContratFactory(territoire=district)
    contours = {
        f["properties"]["code"]: f["geometry"]
        for f in json.loads(demo_observatoire.CONTOURS.read_text(encoding="utf-8"))["features"]
    }
    source = SourceFactory(code="police-voisines", ordre=1)
    for code, nom, (lat, lon) in [
        ("86297", "Vouneuil-sous-Biard", ("46.584300", "0.269400")),
        ("86027", "Biard", ("46.579000", "0.310000")),
        ("86194", "Poitiers", ("46.584600", "0.371500")),
        ("86214", "Saint-Benoît", ("46.553000", "0.343000")),
    ]:
        commune = Territoire.objects.create(
            code=code,
            nom=nom,
            niveau="commune",
            parent=district,
            contour=contours[code],
            latitude=lat,
            longitude=lon,
        )
        Population.objects.create(territoire=commune, annee=1990, habitants=5000, source="Test")
        DonneeFactory(source=source, territoire=commune, nombre=100)
    return district


CHEVAUCHEMENTS = """() => {
  const r = [...document.querySelectorAll('#carte .etiquette-carte span')]
    .map(e => e.getBoundingClientRect());
  const paires = [];
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
    if (r[i].left < r[j].right && r[i].right > r[j].left && r[i].top < r[j].bottom && r[i].bottom > r[j].top)
      paires.push([i, j]);
  }
  return paires.length;
}"""


def test_neighbours_names_never_cover_each_other_at_any_zoom(page, login, analyste, voisines):
    login(page, analyste.username, MOT_DE_PASSE)
    page.goto(page.base_url + "/observatoire/territoires/")
    page.wait_for_selector("#carte .etiquette-carte span")
    assert page.locator("#carte .etiquette-carte").count() == 4
    assert page.evaluate(CHEVAUCHEMENTS) == 0
    page.locator("#carte .leaflet-control-zoom-out").click()
    page.wait_for_timeout(600)  # Leaflet's zoom animation
    assert page.evaluate(CHEVAUCHEMENTS) == 0
