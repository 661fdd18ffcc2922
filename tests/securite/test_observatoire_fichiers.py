"""Uploaded files' content against their type (issue 16): markup renamed .csv is refused for every
kind of annex and for the imports; a CSV in UTF-16 with its BOM is recognised and imported."""

import codecs
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cls_poitiers import fichiers, tableurs
from observatoire.models import AnnexeDiagnostic, Diagnostic, Donnee, LotImport
from tests.factories import ContratFactory
from tests.observatoire.conftest import perimetre  # noqa: F401  (the observatory's small contract)

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
CSV = "territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"
CSV_UTF16 = codecs.BOM_UTF16_LE + CSV.replace("\n", "\r\n").encode("utf-16-le")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def diagnostic(db):
    return Diagnostic.objects.create(
        contrat=ContratFactory(annee_diagnostic=1997),
        titre="Diagnostic de test",
        date=datetime.date(1998, 5, 15),
        annee=1997,
        auteurs="District",
        resume="Résumé",
    )


@pytest.mark.parametrize(
    "contenu",
    [
        HTML,
        b"   \n<html><p>chiffres</p></html>",
        b"territoire;nombre\n86194;<script src=//exemple.invalid/x.js></script>\n",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        codecs.BOM_UTF16_LE + "<html></html>".encode("utf-16-le"),
    ],
    ids=["page", "espaces-puis-page", "script-dans-une-cellule", "svg", "page-utf16"],
)
def test_markup_named_csv_is_refused_by_the_upload_checker(contenu):
    with pytest.raises(ValidationError, match="contient une page web"):
        fichiers.verifier_fichier(
            SimpleUploadedFile("chiffres.csv", contenu), types=("csv",), taille_max=10**6
        )


@pytest.mark.parametrize("type_annexe", [t for t, _libelle in AnnexeDiagnostic.Type.choices])
def test_html_named_csv_is_refused_for_every_kind_of_annex(client, coordination, diagnostic, type_annexe):
    client.force_login(coordination)
    url = reverse("observatoire:annexe_ajouter", args=[diagnostic.pk])
    page = client.post(
        url, {"type": type_annexe, "titre": "Annexe", "fichier": SimpleUploadedFile("chiffres.csv", HTML)}
    )
    assert page.status_code == 200
    assert "Le fichier .csv contient une page web (HTML)" in page.content.decode()
    assert not AnnexeDiagnostic.objects.exists()
    reponse = client.post(
        url,
        {"type": type_annexe, "titre": "Annexe", "fichier": SimpleUploadedFile("chiffres.csv", CSV.encode())},
    )
    assert reponse.status_code == 302
    assert AnnexeDiagnostic.objects.get().fichier_type == "csv"


def test_html_named_csv_is_refused_as_an_import(perimetre, analyste):  # noqa: F811
    client = Client()
    client.force_login(analyste)
    page = client.post(
        reverse("observatoire:imports"),
        {"type": "figures", "fichier": SimpleUploadedFile("chiffres.csv", HTML)},
    )
    assert "contient une page web (HTML)" in page.content.decode()
    assert not LotImport.objects.exists()


def test_utf16_csv_with_bom_is_recognised(tmp_path):
    chemin = tmp_path / "chiffres.csv"
    chemin.write_bytes(CSV_UTF16)
    assert tableurs.detecter_encodage(chemin) == tableurs.Encodage("utf-16", 3)
    assert (
        fichiers.verifier_fichier(
            SimpleUploadedFile("chiffres.csv", CSV_UTF16), types=("csv",), taille_max=10**6
        )
        == "csv"
    )


def test_utf16_csv_without_bom_is_refused_saying_it_is_utf16(tmp_path):
    chemin = tmp_path / "chiffres.csv"
    chemin.write_bytes(CSV.encode("utf-16-le"))
    with pytest.raises(tableurs.FichierInvalide, match="UTF-16 sans marque"):
        tableurs.detecter_encodage(chemin)


def test_utf16_le_csv_with_bom_imports_its_figures(perimetre, analyste):  # noqa: F811
    client = Client()
    client.force_login(analyste)
    client.post(
        reverse("observatoire:imports"),
        {"type": "figures", "fichier": SimpleUploadedFile("chiffres.csv", CSV_UTF16)},
    )
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.APERCU, lot.rapport
    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    assert Donnee.objects.get().nombre == 10
