"""Imports on the web (issue 16): the uploaded file is stored under a random name, its own name
kept only for display; a refused file leaves its batch's record (with its errors) and nothing
else: no stored file, no new source."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from observatoire.models import Donnee, LotImport, Source
from tests.observatoire.conftest import perimetre  # noqa: F401  (the observatory's small contract)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("perimetre")]

NOM = "chiffres-de-Mme-Martin-commissariat.csv"
BON = b"territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"
# Well-formed national base header, then a count that is no number.
SSMSI_MAUVAIS = (
    b"CODGEO_2024;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;"
    b"complement_info_nombre;complement_info_taux;insee_pop;insee_pop_millesime;insee_log;"
    b"insee_log_millesime\n86194;2016;Cambriolages de logement;infraction;beaucoup;;diff;;;;;;\n"
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _deposer(analyste, contenu, nom=NOM, type_="figures"):
    client = Client()
    client.force_login(analyste)
    client.post(reverse("observatoire:imports"), {"type": type_, "fichier": SimpleUploadedFile(nom, contenu)})
    return client, LotImport.objects.get()


def _fichiers(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


def test_import_is_stored_under_a_random_name_and_shown_under_its_own(analyste, media):
    client, lot = _deposer(analyste, BON)
    assert lot.statut == LotImport.Statut.APERCU
    assert "Martin" not in lot.fichier.name and "chiffres" not in lot.fichier.name
    assert lot.fichier.name.startswith("imports/") and lot.fichier.name.endswith(".csv")
    assert [p.name for p in _fichiers(media)] == [Path(lot.fichier.name).name]
    assert lot.fichier_nom == NOM
    assert NOM in client.get(lot.get_absolute_url()).content.decode()
    assert NOM in client.get(reverse("observatoire:imports")).content.decode()


def test_refused_import_keeps_its_record_and_no_stored_file(analyste, media):
    client, lot = _deposer(analyste, BON.replace(b";10", b";dix"))
    assert lot.statut == LotImport.Statut.REFUSE
    assert lot.rapport["erreurs"]
    assert not lot.fichier
    assert _fichiers(media) == []
    assert "Nombre attendu" in client.get(lot.get_absolute_url()).content.decode()


def test_refused_import_creates_no_source(analyste, media, donnees_de_reference):
    sources = set(Source.objects.values_list("code", flat=True))
    _client, lot = _deposer(analyste, SSMSI_MAUVAIS, nom="base.csv", type_="ssmsi")
    assert lot.statut == LotImport.Statut.REFUSE
    assert lot.source is None
    assert set(Source.objects.values_list("code", flat=True)) == sources
    assert _fichiers(media) == []


def test_applied_import_gets_its_types_source(analyste, media):
    client, lot = _deposer(analyste, BON)
    assert lot.source is None and not Source.objects.filter(code="releves-observatoire").exists()
    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APPLIQUE
    assert lot.source.code == "releves-observatoire"
    assert Donnee.objects.filter(lot=lot, source=lot.source).count() == 1
