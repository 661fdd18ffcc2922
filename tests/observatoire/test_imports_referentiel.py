"""Imports and the national referential: every code an import meets is resolved at its level, to
the referential's territory (its official name, under its département); nothing is invented, and a
code the referential does not know is reported with its line. A small fake package is loaded."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cls_poitiers.models import Population, Territoire
from observatoire import generation, services
from observatoire.models import Donnee, LotImport

from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db

ENTETE_COMMUNALE = (
    "CODGEO_2026;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop\n"
)
CHATELLERAULT = ENTETE_COMMUNALE + (
    "86066;2024;Cambriolages de logement;Infraction;150;9,2;diff;31003\n"
    "86066;2024;Vols avec armes;Infraction;4;0,13;diff;31003\n"
)
DEPARTEMENTALE = (
    "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;tauxpourmille\n"
    "Vols avec armes;16;75;11;Infraction;16;16;900;2100000;1400000;0,43\n"
)


@pytest.fixture
def referentiel_charge(tmp_path):
    return charger_referentiel_factice(tmp_path / "referentiel")


def _fichier(tmp_path, texte, nom="base.csv"):
    chemin = tmp_path / nom
    chemin.write_text(texte, encoding="utf-8")
    return str(chemin)


def importer(commande, chemin, *args):
    call_command(commande, chemin, *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def _etat():
    return (
        Territoire.objects.count(),
        list(Territoire.objects.order_by("pk").values_list("pk", "nom", "parent_id")),
        Donnee.objects.count(),
        Population.objects.count(),
    )


@pytest.mark.parametrize("options", [(), ("--creer-territoires",)])
def test_ssmsi_communal_file_naming_86066_gives_chatellerault_under_vienne(
    tmp_path, referentiel_charge, options
):
    territoires = Territoire.objects.count()
    importer("importer_ssmsi", _fichier(tmp_path, CHATELLERAULT), *options)
    chatellerault = Territoire.objects.select_related("parent", "departement").get(
        donnees__indicateur__code="vols-avec-armes"
    )
    assert (chatellerault.niveau, chatellerault.code, chatellerault.nom) == (
        "commune",
        "86066",
        "Châtellerault",
    )
    assert chatellerault.departement.nom == chatellerault.parent.nom == "Vienne"
    assert Donnee.objects.filter(territoire=chatellerault).count() == 2
    assert Territoire.objects.count() == territoires
    assert not Territoire.objects.filter(nom__startswith="Commune ").exists()


def test_ssmsi_code_unknown_to_the_referential_is_reported_with_its_line_and_nothing_is_written(
    tmp_path, referentiel_charge
):
    texte = CHATELLERAULT + "99999;2024;Vols avec armes;Infraction;1;0,1;diff;1000\n"
    avant = _etat()
    with pytest.raises(CommandError) as refus:
        importer("importer_ssmsi", _fichier(tmp_path, texte), "--creer-territoires")
    assert "ligne 4, colonne « CODGEO_2026 » : Commune 99999 inconnue du référentiel national." in str(
        refus.value
    )
    assert _etat() == avant


def test_without_creation_an_unknown_code_is_left_out_with_a_warning_naming_its_first_line(
    tmp_path, referentiel_charge
):
    texte = CHATELLERAULT + "99999;2024;Vols avec armes;Infraction;1;0,1;diff;1000\n"
    importer("importer_ssmsi", _fichier(tmp_path, texte))
    lot = LotImport.objects.get()
    assert lot.rejetees == 1 and lot.rapport["territoires_inconnus"] == {"99999": 1}
    assert [(a["ligne"], a["message"]) for a in lot.rapport["avertissements"]] == [
        (4, "Territoire inconnu 99999 : 1 ligne(s) ignorée(s).")
    ]
    assert Donnee.objects.count() == 2


def test_without_the_referential_creation_is_refused_with_how_to_load_it(tmp_path, db):
    avant = _etat()
    with pytest.raises(CommandError, match="charger_referentiel"):
        importer("importer_ssmsi", _fichier(tmp_path, CHATELLERAULT), "--creer-territoires")
    assert _etat() == avant


def test_departmental_file_with_75_goes_to_the_departement_paris_never_the_region(
    tmp_path, referentiel_charge
):
    importer("importer_ssmsi", _fichier(tmp_path, DEPARTEMENTALE), "--creer-territoires")
    donnee = Donnee.objects.select_related("territoire").get()
    assert (donnee.territoire.niveau, donnee.territoire.nom) == ("departement", "Paris")
    assert not Donnee.objects.filter(territoire__niveau="region").exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path, referentiel_charge):
    chemin = _fichier(tmp_path, CHATELLERAULT)
    importer("importer_ssmsi", chemin, "--creer-territoires")
    avant = _etat(), list(Donnee.objects.values_list("pk", "nombre", "lot_id"))
    importer("importer_ssmsi", chemin, "--creer-territoires")
    assert (_etat(), list(Donnee.objects.values_list("pk", "nombre", "lot_id"))) == avant
    assert LotImport.objects.order_by("pk").last().inchangees == 2


def test_population_file_naming_86066_attaches_to_the_referentials_commune(tmp_path, referentiel_charge):
    chemin = _fichier(tmp_path, "territoire;annee;habitants\n86066;1999;34126\n", "pop.csv")
    importer("importer_populations", chemin)
    population = Population.objects.select_related("territoire").get(annee=1999)
    assert (population.territoire.niveau, population.territoire.nom) == ("commune", "Châtellerault")


def test_population_file_with_a_level_column_resolves_75_at_that_level(tmp_path, referentiel_charge):
    texte = "territoire;niveau;annee;habitants\n75;Région;1999;5900000\n75;departement;1999;2125000\n"
    importer("importer_populations", _fichier(tmp_path, texte, "pop.csv"))
    assert dict(Population.objects.values_list("territoire__nom", "habitants")) == {
        "Nouvelle-Aquitaine": 5900000,
        "Paris": 2125000,
    }
    avant = _etat()
    faux = "territoire;niveau;annee;habitants\n75;canton;1999;1\n99999;commune;1999;1\n"
    with pytest.raises(CommandError) as refus:
        importer("importer_populations", _fichier(tmp_path, faux, "faux.csv"))
    assert "ligne 2, colonne « niveau » : Niveau de territoire inconnu : « canton »" in str(refus.value)
    assert "ligne 3, colonne « territoire » : Territoire inconnu : « 99999 » (niveau commune)." in str(
        refus.value
    )
    assert _etat() == avant


def test_geojson_naming_86066_attaches_to_the_referentials_commune(tmp_path, referentiel_charge):
    carre = {"type": "Polygon", "coordinates": [[[0.5, 46.8], [0.6, 46.8], [0.6, 46.9], [0.5, 46.8]]]}
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "86066"}, "geometry": carre},
            {"type": "Feature", "properties": {"code": "99999"}, "geometry": carre},
        ],
    }
    importer("importer_contours", _fichier(tmp_path, json.dumps(collection), "contours.geojson"))
    assert Territoire.objects.get(niveau="commune", code="86066").contour == carre
    avertissement = LotImport.objects.get().rapport["avertissements"][0]
    assert (avertissement["ligne"], avertissement["message"]) == (
        2,
        "Territoire inconnu : 99999 (contour ignoré).",
    )


def test_local_figures_file_resolves_75_as_the_departement_by_default(tmp_path, referentiel_charge):
    texte = "territoire;indicateur;periode;nombre\n75;vols-avec-armes;1999;12\n"
    importer("importer_chiffres", _fichier(tmp_path, texte, "local.csv"))
    assert Donnee.objects.get().territoire.niveau == "departement"


def test_a_generated_set_uses_the_referential_and_says_what_it_invents(referentiel_charge):
    communes = generation.communes(3, seed=1, imposees={"86066": 31003})
    services.preparer_territoires_generes(communes)
    chatellerault = Territoire.objects.get(niveau="commune", code="86066")
    assert chatellerault.nom == "Châtellerault"
    inventees = Territoire.objects.filter(niveau="commune").exclude(code__in=["86066", "86194", "75056"])
    assert inventees.exists()
    assert all(t.nom.endswith("(générée)") for t in inventees)


@pytest.mark.parametrize(("niveau", "nom"), [("region", "Nouvelle-Aquitaine"), ("departement", "Paris")])
def test_the_territory_page_of_75_shows_the_territory_of_the_level_asked(
    client, coordination, referentiel_charge, niveau, nom
):
    client.force_login(coordination)
    reponse = client.get(reverse("territoire_detail", kwargs={"code": "75"}), {"niveau": niveau})
    assert reponse.status_code == 200
    assert reponse.context["territoire"].nom == nom
    assert nom in reponse.content.decode()


def test_the_territory_pages_404_on_an_unknown_code_or_level(client, coordination, referentiel_charge):
    client.force_login(coordination)
    assert (
        client.get(reverse("territoire_detail", kwargs={"code": "75"}), {"niveau": "epci"}).status_code == 404
    )
    assert client.get(reverse("territoire_detail", kwargs={"code": "99999"})).status_code == 404
    url = reverse("observatoire:territoire", kwargs={"code": "99999"})
    assert client.get(url).status_code == 404
