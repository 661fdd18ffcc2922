"""The demo over the national referential (its communes keep the referential's names and codes and
join the District's tree), the ten real outlines it ships, and the map that draws them with their
attribution."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from cls_poitiers import demo as demo_coeur
from cls_poitiers import referentiel
from cls_poitiers.models import Territoire
from observatoire import demo as demo_observatoire
from observatoire.models import Donnee, LotImport
from tests.factories import TerritoireFactory

from .factories import DonneeFactory, IndicateurFactory, SourceFactory

pytestmark = pytest.mark.django_db

CODES = [code for code, *_ in demo_coeur.COMMUNES]
COMMUNES_JSON = Path(settings.BASE_DIR) / "node_modules/@etalab/decoupage-administratif/data/communes.json"
NOMS_DU_REFERENTIEL = {
    c["code"]: c["nom"]
    for c in json.loads(COMMUNES_JSON.read_text(encoding="utf-8"))
    if c["code"] in CODES and c["type"] == "commune-actuelle"
}


def _paquet(dossier, noms=NOMS_DU_REFERENTIEL):
    """A small referential package: the ten communes (names and codes of the real one), the
    Vienne and its région."""
    (dossier / "data").mkdir()
    (dossier / "package.json").write_text(json.dumps({"version": "6.0.0"}), encoding="utf-8")
    communes = [
        {
            "code": code,
            "nom": nom,
            "type": "commune-actuelle",
            "departement": "86",
            "region": "75",
            "population": 1000,
        }
        for code, nom in noms.items()
    ]
    fichiers = {
        "regions.json": [{"code": "75", "nom": "Nouvelle-Aquitaine"}],
        "departements.json": [{"code": "86", "nom": "Vienne", "region": "75"}],
        "communes.json": communes,
        "epci.json": [],
    }
    for nom, contenu in fichiers.items():
        (dossier / "data" / nom).write_text(json.dumps(contenu), encoding="utf-8")
    return dossier


def _charger_demo():
    call_command("charger_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _comptes():
    """Rows of every model, their histories included."""
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def _anneau_valide(anneau):
    return (
        len(anneau) >= 4
        and anneau[0] == anneau[-1]
        and all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in anneau)
    )


def _geometrie_valide(geometrie):
    if geometrie["type"] == "Polygon":
        return all(_anneau_valide(a) for a in geometrie["coordinates"])
    return geometrie["type"] == "MultiPolygon" and all(
        _anneau_valide(a) for polygone in geometrie["coordinates"] for a in polygone
    )


def test_the_demo_over_the_referential_keeps_its_communes_names_and_tree_and_a_second_load_changes_nothing(
    tmp_path,
):
    paquet = _paquet(tmp_path)
    referentiel.charger(paquet)
    ids_du_referentiel = dict(
        Territoire.objects.filter(niveau="commune", code__in=CODES).values_list("code", "pk")
    )
    _charger_demo()

    district = Territoire.objects.get(niveau="district", code=demo_coeur.DISTRICT_CODE)
    communes = {t.code: t for t in Territoire.objects.filter(niveau="commune", code__in=CODES)}
    # The demo's communes ARE the referential's rows, under the district, with the referential's names.
    assert {code: t.pk for code, t in communes.items()} == ids_du_referentiel
    assert {code: t.nom for code, t in communes.items()} == NOMS_DU_REFERENTIEL
    assert all(t.referentiel and t.parent == district for t in communes.values())
    assert {t.departement.code for t in communes.values()} == {"86"}
    # The contract's own 1990 and 1999 census figures, beside the referential's legal population.
    assert communes["86194"].populations.get(annee=1999).habitants == 83448
    assert communes["86041"].populations.get(annee=1990).habitants == 6337
    assert communes["86194"].population_legale == 1000
    # The Vienne is the referential's, still under its région; the district sits under it.
    vienne = Territoire.objects.get(niveau="departement", code="86")
    assert (vienne.parent.niveau, vienne.parent.code, district.parent) == ("region", "75", vienne)
    assert Territoire.objects.filter(code="86").count() == 1

    avant = _comptes()
    _charger_demo()
    assert _comptes() == avant
    # The referential loaded again never moves a commune out of the District's tree.
    assert referentiel.charger(paquet).inchange
    assert set(Territoire.objects.filter(code__in=CODES).values_list("parent", flat=True)) == {district.pk}


def test_a_commune_the_referential_names_otherwise_keeps_the_referentials_name(tmp_path):
    referentiel.charger(_paquet(tmp_path, {**NOMS_DU_REFERENTIEL, "86027": "Biard-la-Neuve"}))
    demo_coeur.load()
    assert Territoire.objects.get(niveau="commune", code="86027").nom == "Biard-la-Neuve"
    # Without the referential the demo names its communes itself (tests/cls_poitiers/test_load_demo.py).


def test_the_demo_lays_the_ten_real_outlines_once(db):
    demo_coeur.load()
    demo_observatoire.load()
    communes = Territoire.objects.filter(niveau="commune", code__in=CODES)
    assert communes.filter(contour__isnull=False).count() == 10
    assert all(_geometrie_valide(t.contour) for t in communes)
    expediees = json.loads(demo_observatoire.CONTOURS.read_text(encoding="utf-8"))["features"]
    contours = {t.code: t.contour for t in communes}
    assert {f["properties"]["code"]: f["geometry"] for f in expediees} == contours
    lot = LotImport.objects.get(type=LotImport.Type.GEOJSON)
    assert "france-geojson (Grégoire David)" in lot.options["attribution"]
    assert "Licence Ouverte" in lot.options["attribution"]
    # A README next to the data gives its source and licence.
    readme = (demo_observatoire.DONNEES_DEMO / "README.md").read_text(encoding="utf-8")
    assert "Grégoire David" in readme and "Licence Ouverte" in readme

    historique = Territoire.history.count()
    demo_observatoire.load()
    assert LotImport.objects.filter(type=LotImport.Type.GEOJSON).count() == 1
    assert Territoire.history.count() == historique


CARRE = {"type": "Polygon", "coordinates": [[[0.3, 46.5], [0.4, 46.5], [0.4, 46.6], [0.3, 46.5]]]}


def _donnees_carte(client, url="/observatoire/territoires/"):
    reponse = client.get(url)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    debut = page.index('<script id="donnees-carte" type="application/json">') + len(
        '<script id="donnees-carte" type="application/json">'
    )
    return json.loads(page[debut : page.index("</script>", debut)])


def test_the_map_carries_outlines_rates_and_the_outlines_attribution(perimetre, analyste, client_de):
    perimetre["c1"].contour = CARRE
    perimetre["c1"].save()
    perimetre["c2"].contour = CARRE
    perimetre["c2"].save()
    source = SourceFactory(code="police-carte", ordre=1)
    DonneeFactory(source=source, territoire=perimetre["c1"], nombre=10)
    client = client_de(analyste)

    donnees = _donnees_carte(client)
    assert donnees["attributions"] == []  # no batch of outlines says where they come from
    LotImport.objects.create(
        type=LotImport.Type.GEOJSON,
        fichier_nom="contours.geojson",
        statut=LotImport.Statut.APPLIQUE,
        options={"attribution": "Contours : IGN, Licence Ouverte"},
    )
    LotImport.objects.create(
        type=LotImport.Type.GEOJSON,
        fichier_nom="refuse.geojson",
        statut=LotImport.Statut.REFUSE,
        options={"attribution": "Jamais appliqué"},
    )
    from observatoire.tableaux_de_bord import cache

    cache.changer()
    donnees = _donnees_carte(client)
    assert donnees["attributions"] == ["Contours : IGN, Licence Ouverte"]
    par_code = {t["code"]: t for t in donnees["territoires"]}
    assert par_code["86194"]["contour"] == CARRE and par_code["86041"]["contour"] == CARRE
    assert par_code["86194"]["taux"] == 10.0  # 10 facts for 1 000 inhabitants
    assert par_code["86194"]["valeur"] == "10,0\u00a0‰"


def test_a_map_without_outlines_shows_no_attribution(perimetre, analyste, client_de):
    LotImport.objects.create(
        type=LotImport.Type.GEOJSON,
        fichier_nom="contours.geojson",
        statut=LotImport.Statut.APPLIQUE,
        options={"attribution": "Contours : IGN"},
    )
    TerritoireFactory(code="86900", nom="Sans contour", parent=perimetre["district"])
    DonneeFactory(source=SourceFactory(code="police-carte", ordre=1), territoire=perimetre["c1"], nombre=10)
    donnees = _donnees_carte(client_de(analyste))
    assert all(t["contour"] is None for t in donnees["territoires"])
    assert donnees["attributions"] == []


def test_the_map_says_which_territory_is_secret_which_has_no_data_and_their_departement(
    perimetre, analyste, partenaire, client_de
):
    """Secret and no data are two cases of the map JSON (each its own hatching on the page); the
    legend states the unit; the contract's territories are drawn in their département."""
    source = SourceFactory(code="police-carte", ordre=1)
    DonneeFactory(source=source, territoire=perimetre["c1"], nombre=None, secret=True)
    DonneeFactory(source=source, territoire=perimetre["c2"], nombre=30)
    TerritoireFactory(code="86900", nom="Sans chiffre", parent=perimetre["district"])
    vienne = perimetre["departement"]
    vienne.contour = CARRE
    vienne.save()

    donnees = _donnees_carte(client_de(analyste))
    etats = {t["code"]: (t["etat"], t["taux"]) for t in donnees["territoires"]}
    assert etats == {"86194": ("secret", None), "86041": ("taux", 15.0), "86900": ("sans_donnee", None)}
    assert donnees["departements"] == [{"code": "86", "nom": "Vienne", "contour": CARRE}]

    # A partner sees a count under the threshold masked: the secrecy rule for this reader.
    from observatoire.tableaux_de_bord import cache

    Donnee.objects.filter(territoire=perimetre["c2"]).update(nombre=2)
    cache.changer()
    etats = {t["code"]: t["etat"] for t in _donnees_carte(client_de(partenaire))["territoires"]}
    assert etats["86041"] == "secret"
    assert {t["code"]: t["etat"] for t in _donnees_carte(client_de(analyste))["territoires"]}[
        "86041"
    ] == "taux"


@pytest.mark.parametrize("unite", ["habitants", "logements"])
def test_the_legend_states_the_unit_of_the_indicator(perimetre, analyste, client_de, unite):
    indicateur = IndicateurFactory(denominateur=unite)
    DonneeFactory(
        source=SourceFactory(code="police-carte", ordre=1), indicateur=indicateur, territoire=perimetre["c1"]
    )
    page = (
        client_de(analyste).get(f"/observatoire/territoires/?indicateur={indicateur.code}").content.decode()
    )
    assert f"Légende : taux en ‰, pour 1 000 {unite}" in page
    autre = "logements" if unite == "habitants" else "habitants"
    assert f"pour 1 000 {autre}" not in page
