"""The QPV population files of INSEE and the ANCT ("DEMO" files), as published: UTF-8 with BOM,
French numbers, dozens of empty trailing columns, the year only in the file's name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Population, Territoire
from observatoire.models import LotImport

pytestmark = pytest.mark.django_db

VIDES = ";" * 40
ENTETE = "CODGEO;LIBGEO;POP_MUN;POP_COM;LIB_COM;PART_0_14;NB_MEN" + VIDES


def demo(*lignes: str) -> bytes:
    """A DEMO file: BOM, `;`, CRLF and 40 empty columns after the last named one."""
    texte = "\r\n".join([ENTETE, *(ligne + VIDES for ligne in lignes)]) + "\r\n"
    return ("\ufeff" + texte).encode("utf-8")


COURONNERIES = "QP086005;Les Couronneries;9 497;88 665;Poitiers;21,4;4 175"


def importer(chemin, *args):
    call_command("importer_qpv", str(chemin), *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def habitants(code, annee):
    return Population.objects.get(territoire__niveau="quartier", territoire__code=code, annee=annee).habitants


def test_year_from_the_name_french_numbers_and_wide_empty_columns(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2020.csv"
    chemin.write_bytes(demo(COURONNERIES))
    importer(chemin)
    population = Population.objects.get(territoire=perimetre["q"], annee=2020)
    assert population.habitants == 9497
    assert population.source == "INSEE/ANCT, fichier DEMO 2020"
    lot = LotImport.objects.get()
    assert (lot.type, lot.statut, lot.creees) == ("qpv", "applique", 1)


def test_the_year_given_overrides_the_name(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2020.csv"
    chemin.write_bytes(demo(COURONNERIES))
    importer(chemin, "--annee", "2022")
    assert habitants("QP086005", 2022) == 9497
    assert not Population.objects.filter(territoire=perimetre["q"], annee=2020).exists()


def test_a_file_without_any_year_is_refused_and_nothing_written(tmp_path, perimetre):
    chemin = tmp_path / "qpv.csv"
    chemin.write_bytes(demo(COURONNERIES))
    avant = Population.objects.count()
    with pytest.raises(CommandError, match="Année introuvable : indiquez-la"):
        importer(chemin)
    assert Population.objects.count() == avant
    assert LotImport.objects.get().statut == LotImport.Statut.REFUSE


def test_an_unknown_qpv_is_created_under_its_commune_found_by_name_in_its_departement(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2017.csv"
    # "Poitiers" written as the file writes it: the commune is found by its search key.
    chemin.write_bytes(demo(COURONNERIES, "QP086003;Bel Air;1 157;87 961;POITIERS;20,1;512"))
    importer(chemin)
    bel_air = Territoire.objects.get(niveau="quartier", code="QP086003")
    assert (bel_air.nom, bel_air.parent) == ("Bel Air", perimetre["c1"])
    assert habitants("QP086003", 2017) == 1157


def test_a_qpv_whose_commune_is_not_in_its_departement_refuses_the_file(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2017.csv"
    # Poitiers exists, but not in the Gironde (33): the QPV cannot be attached.
    chemin.write_bytes(demo(COURONNERIES, "QP033001;Saige;5 000;60 000;Poitiers;20,0;1 000"))
    with pytest.raises(CommandError, match="ligne 3, colonne « LIB_COM » : Commune « Poitiers » introuvable"):
        importer(chemin)
    assert not Territoire.objects.filter(code="QP033001").exists()
    assert not Population.objects.filter(annee=2017).exists()


def test_bad_code_and_bad_number_are_refused_with_their_line(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2018.csv"
    chemin.write_bytes(
        demo(COURONNERIES, "86194;Poitiers;1;1;Poitiers;;", "QP086005;X;beaucoup;1;Poitiers;;")
    )
    with pytest.raises(CommandError) as refus:
        importer(chemin)
    assert "ligne 3, colonne « CODGEO » : Code QPV illisible" in str(refus.value)
    assert "ligne 4, colonne « POP_MUN » : Nombre d'habitants illisible" in str(refus.value)
    assert not Population.objects.filter(annee=2018).exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2019.csv"
    chemin.write_bytes(demo(COURONNERIES, "QP086003;Bel Air;1 157;87 961;Poitiers;20,1;512"))
    importer(chemin)
    avant = list(Population.objects.values_list("pk", "habitants", "source").order_by("pk"))
    quartiers = Territoire.objects.filter(niveau="quartier").count()
    importer(chemin)
    assert list(Population.objects.values_list("pk", "habitants", "source").order_by("pk")) == avant
    assert Territoire.objects.filter(niveau="quartier").count() == quartiers
    dernier = LotImport.objects.latest("pk")
    assert (dernier.creees, dernier.modifiees, dernier.inchangees) == (0, 0, 2)


def test_a_preview_writes_nothing(tmp_path, perimetre):
    chemin = tmp_path / "DEMO_2021.csv"
    chemin.write_bytes(demo("QP086003;Bel Air;1 157;87 961;Poitiers;20,1;512"))
    importer(chemin, "--apercu")
    assert not Territoire.objects.filter(code="QP086003").exists()
    assert LotImport.objects.get().creees == 1


@pytest.fixture
def client(analyste, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    client.force_login(analyste)
    return client


def deposer(client, nom, contenu, **champs):
    return client.post(
        reverse("observatoire:imports"),
        {"type": "qpv", "fichier": SimpleUploadedFile(nom, contenu), **champs},
    )


def test_web_import_takes_the_year_from_the_name_or_the_form(perimetre, client):
    deposer(client, "DEMO_2020.csv", demo(COURONNERIES))
    lot = LotImport.objects.get()
    assert (lot.type, lot.statut, lot.creees) == ("qpv", LotImport.Statut.APERCU, 1)
    assert not Population.objects.filter(annee=2020).exists()
    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    assert habitants("QP086005", 2020) == 9497
    deposer(client, "DEMO_2020.csv", demo(COURONNERIES), annee="2021")
    lot = LotImport.objects.latest("pk")
    assert lot.options == {"annee": 2021} and lot.creees == 1


def test_web_import_without_any_year_is_refused_in_french(perimetre, client):
    reponse = deposer(client, "quartiers.csv", demo(COURONNERIES))
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.REFUSE
    page = client.get(reponse["Location"]).content.decode()
    assert reponse.status_code == 302 and "Année introuvable" in page
    assert not Population.objects.filter(territoire=perimetre["q"]).exclude(annee=1990).exists()
