"""The local template, populations and GeoJSON: files as partners really send them."""

import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cls_poitiers.models import Population
from observatoire.models import Donnee, LotImport

pytestmark = pytest.mark.django_db


def importer(commande, chemin, *args):
    call_command(commande, str(chemin), *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_windows_1252_file_with_thousands_separators_dates_and_blank_trailing_lines(tmp_path, perimetre):
    texte = (
        "Territoire;Indicateur;Période;Nombre;;\r\n"
        "86194;total-faits-constates;1997;1\u00a0234;;\r\n"
        "86041;total-faits-constates;1997;1 005,0;;\r\n"
        "QP086005;total-faits-constates;31/03/1998;12;;\r\n"
        "QP086005;total-faits-constates;04/1998;secret;;\r\n"
        ";;;;;\r\n"
        "\r\n"
    )
    chemin = tmp_path / "partenaire.csv"
    chemin.write_bytes(texte.encode("cp1252"))
    importer("importer_chiffres", chemin)
    assert Donnee.objects.get(territoire__code="86194", annee=1997).nombre == 1234
    assert Donnee.objects.get(territoire__code="86041", annee=1997).nombre == 1005
    assert Donnee.objects.get(territoire__code="QP086005", annee=1998, mois=3).nombre == 12
    masque = Donnee.objects.get(territoire__code="QP086005", annee=1998, mois=4)
    assert masque.secret and masque.nombre is None
    assert Donnee.objects.first().source.code == "releves-observatoire"


def test_utf8_bom_and_xlsx_give_the_same_figures(tmp_path, perimetre):
    csv = tmp_path / "bom.csv"
    csv.write_bytes(
        "\ufeffterritoire;indicateur;periode;nombre\n86194;total-faits-constates;12/1999;7\n".encode()
    )
    importer("importer_chiffres", csv)
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(["territoire", "indicateur", "periode", "nombre", None])
    feuille.append(["86041", "total-faits-constates", "1999-12", 9, None])
    xlsx = tmp_path / "chiffres.xlsx"
    classeur.save(xlsx)
    importer("importer_chiffres", xlsx)
    assert sorted(Donnee.objects.values_list("territoire__code", "mois", "nombre")) == [
        ("86041", 12, 9),
        ("86194", 12, 7),
    ]


BON = "territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (BON.replace(";", ","), "Séparateur attendu"),
        (BON.encode("utf-16-le"), "UTF-16 sans marque"),  # with its BOM, UTF-16 is read
        (
            BON.replace("total-faits-constates", "inconnu"),
            "ligne 2, colonne « indicateur » : Indicateur inconnu",
        ),
        (BON.replace(";10", ";dix"), "ligne 2, colonne « nombre » : Nombre attendu"),
        (BON + "86194;total-faits-constates;1997;11\n", "ligne 3 : Ligne en double"),
        (BON + "86194;total-faits-constates;03/1997;11\n", "annuel et chiffres mensuels"),
        ("", "vide"),
        ("territoire;indicateur;periode;nombre\n", "que l'en-tête"),
        (BON.replace(";1997;", ";l'an dernier;"), "Période illisible"),
    ],
    ids=[
        "separateur",
        "encodage",
        "indicateur",
        "texte",
        "doublon",
        "granularite",
        "vide",
        "entete",
        "periode",
    ],
)
def test_bad_local_file_is_refused_whole(tmp_path, perimetre, contenu, message):
    chemin = tmp_path / "mauvais.csv"
    chemin.write_bytes(contenu if isinstance(contenu, bytes) else contenu.encode())
    with pytest.raises(CommandError, match=message):
        importer("importer_chiffres", chemin)
    assert not Donnee.objects.exists()


def test_50_mb_file_is_refused_without_being_read(tmp_path, perimetre):
    chemin = tmp_path / "enorme.csv"
    ligne = b"86194;total-faits-constates;1997;10\n"
    with open(chemin, "wb") as f:
        f.write(b"territoire;indicateur;periode;nombre\n")
        f.write(ligne * (50 * 1024 * 1024 // len(ligne) + 1))
    with pytest.raises(CommandError, match="trop volumineux"):
        importer("importer_chiffres", chemin)
    assert not Donnee.objects.exists()


def test_local_reimport_is_idempotent(tmp_path, perimetre):
    chemin = tmp_path / "bon.csv"
    chemin.write_text(BON)
    importer("importer_chiffres", chemin)
    avant = list(Donnee.objects.values_list("pk", "nombre", "lot_id"))
    importer("importer_chiffres", chemin)
    assert list(Donnee.objects.values_list("pk", "nombre", "lot_id")) == avant


def test_population_long_and_insee_wide_layouts(tmp_path, perimetre):
    longue = tmp_path / "pop.csv"
    longue.write_text("territoire;annee;habitants;logements\n86194;1999;83\u00a0448;40 100\n")
    importer("importer_populations", longue)
    assert Population.objects.filter(territoire__code="86194", annee=1999).values_list(
        "habitants", "logements"
    )[0] == (
        83448,
        40100,
    )
    large = tmp_path / "insee.csv"
    large.write_text("CODGEO;P99_POP;P99_LOG;P21_POP\n86041;8787;3900;10289\n")
    importer("importer_populations", large)
    assert Population.objects.get(territoire__code="86041", annee=1999).logements == 3900
    assert Population.objects.get(territoire__code="86041", annee=2021).habitants == 10289
    with pytest.raises(CommandError, match="Territoire inconnu"):
        (tmp_path / "x.csv").write_text("territoire;annee;habitants\n99999;1999;10\n")
        importer("importer_populations", tmp_path / "x.csv")


def test_geojson_boundaries_matched_by_code(tmp_path, perimetre):
    carre = {"type": "Polygon", "coordinates": [[[0.3, 46.5], [0.4, 46.5], [0.4, 46.6], [0.3, 46.5]]]}
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"insee": "86194"}, "geometry": carre},
            {"type": "Feature", "properties": {"insee": "75056"}, "geometry": carre},
        ],
    }
    chemin = tmp_path / "contours.geojson"
    chemin.write_text(json.dumps(collection))
    importer("importer_contours", chemin, "--propriete-code", "insee")
    perimetre["c1"].refresh_from_db()
    assert perimetre["c1"].contour == carre
    assert LotImport.objects.get().rapport["territoires_inconnus"] == {"75056": 1}
    chemin.write_text("{pas du json")
    with pytest.raises(CommandError, match="JSON invalide"):
        importer("importer_contours", chemin)


def test_each_batch_records_the_sha256_of_its_file(tmp_path, perimetre, source):
    import hashlib

    chemin = tmp_path / "partenaire.csv"
    chemin.write_text("territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;12\n")
    importer("importer_chiffres", chemin, "--source", "police-test")
    refuse = tmp_path / "refuse.csv"
    refuse.write_text("territoire;indicateur;periode;nombre\n99999;total-faits-constates;1997;12\n")
    with pytest.raises(CommandError):
        importer("importer_chiffres", refuse, "--source", "police-test")
    for fichier in (chemin, refuse):
        lot = LotImport.objects.get(fichier_nom=fichier.name)
        assert lot.empreinte == hashlib.sha256(fichier.read_bytes()).hexdigest()
