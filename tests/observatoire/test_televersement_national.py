"""The national file through the web: the SSMSI national format has its own size cap (a setting,
2 GB by default) while the formats read whole keep theirs; the upload is read from disk by its
head only; an upload cut off halfway is refused in French and leaves nothing behind."""

import tracemalloc

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from observatoire.forms import TeleversementForm
from observatoire.models import LotImport

pytestmark = pytest.mark.django_db

ENTETE = (
    "CODGEO_2024;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "COM_CODE;Nom_clean\n"
)
LIGNE = "86194;2016;Violences sexuelles;Victime;84;0,9549687;diff;87961;86194;POITIERS\n"
MO = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(analyste):
    client = Client()
    client.force_login(analyste)
    return client


def _base(chemin, taille: int):
    """An SSMSI-like file of about `taille` bytes, written line block by line block (never held
    whole in memory)."""
    bloc = (LIGNE * 1000).encode()
    with chemin.open("wb") as f:
        f.write(ENTETE.encode())
        while f.tell() < taille:
            f.write(bloc)
    return chemin


def _formulaire(chemin, type_):
    fichier = UploadedFile(chemin.open("rb"), name=chemin.name, size=chemin.stat().st_size)
    return TeleversementForm({"type": type_}, {"fichier": fichier}), fichier


def test_the_default_caps_are_2_gb_for_the_national_format_and_20_mb_for_the_others():
    assert settings.CLS_IMPORT_TAILLE_MAX_NATIONALE == 2 * 1024 * MO
    assert TeleversementForm.taille_max(LotImport.Type.SSMSI) == 2 * 1024 * MO
    assert TeleversementForm.taille_max(LotImport.Type.FIGURES) == 20 * MO
    assert TeleversementForm.taille_max("inconnu") == 20 * MO


def test_a_25_mb_national_file_on_disk_is_accepted_for_the_national_format_read_by_its_head_only(tmp_path):
    chemin = _base(tmp_path / "base-nationale.csv", 25 * MO)
    form, fichier = _formulaire(chemin, LotImport.Type.SSMSI)
    tracemalloc.start()
    try:
        valide = form.is_valid()
        _courant, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        fichier.close()
    assert valide, form.errors
    # The check read its head (1 MiB), not its 25 MB.
    assert pic < 5 * MO

    form, fichier = _formulaire(chemin, LotImport.Type.FIGURES)
    with fichier:
        assert not form.is_valid()
    assert "la limite est de 20 Mo pour ce type d'import" in form.errors["fichier"][0]


def test_the_national_cap_is_a_setting_and_the_other_formats_keep_theirs(client, perimetre, settings):
    settings.CLS_IMPORT_TAILLE_MAX = 2000
    settings.CLS_IMPORT_TAILLE_MAX_NATIONALE = 20_000
    contenu = (ENTETE + LIGNE * 60).encode()  # about 5 kB
    assert 2000 < len(contenu) < 20_000

    def deposer(type_, donnees=contenu):
        return client.post(
            reverse("observatoire:imports"),
            {"type": type_, "fichier": SimpleUploadedFile("base.csv", donnees)},
        )

    reponse = deposer(LotImport.Type.FIGURES)
    assert reponse.status_code == 200 and not LotImport.objects.exists()
    assert "la limite est de" in reponse.content.decode()

    reponse = deposer(LotImport.Type.SSMSI)
    assert reponse.status_code == 302
    lot = LotImport.objects.get()
    assert (lot.type, lot.taille) == (LotImport.Type.SSMSI, len(contenu))

    trop = (ENTETE + LIGNE * 300).encode()  # about 25 kB, over the national cap
    reponse = deposer(LotImport.Type.SSMSI, trop)
    assert reponse.status_code == 200 and LotImport.objects.count() == 1
    assert "Fichier trop volumineux" in reponse.content.decode()


@pytest.mark.parametrize("part", [0.3, 0.6, 0.99])
def test_an_upload_cut_off_halfway_is_refused_in_french_and_nothing_is_written(client, perimetre, part):
    corps = encode_multipart(
        BOUNDARY,
        {
            "type": LotImport.Type.SSMSI,
            "fichier": SimpleUploadedFile("base.csv", (ENTETE + LIGNE * 500).encode()),
        },
    )
    coupe = corps[: int(len(corps) * part)]
    reponse = client.generic(
        "POST",
        reverse("observatoire:imports"),
        coupe,
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(coupe)),
    )
    assert reponse.status_code == 200
    assert "Aucun fichier complet n" in reponse.content.decode()
    assert not LotImport.objects.exists()
    assert not [f for f in settings.MEDIA_ROOT.rglob("*") if f.is_file()]
