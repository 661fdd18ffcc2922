"""Imports on the web for analysts: preview first, then apply; large files in the background."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from observatoire import services
from observatoire.models import Donnee, LotImport

pytestmark = pytest.mark.django_db

BON = b"territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def deposer(client, contenu, nom="chiffres.csv", type_="figures"):
    return client.post(
        reverse("observatoire:imports"), {"type": type_, "fichier": SimpleUploadedFile(nom, contenu)}
    )


def test_only_analysts_reach_imports(perimetre, partenaire, coordination, analyste):
    url = reverse("observatoire:imports")
    assert Client().get(url).status_code == 302
    for user in (partenaire, coordination):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 403
    client = Client()
    client.force_login(analyste)
    assert client.get(url).status_code == 200
    lot = LotImport.objects.create(type="figures", fichier_nom="x.csv")
    client.force_login(partenaire)
    assert client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk})).status_code == 403


def test_preview_writes_nothing_then_apply_imports(perimetre, analyste):
    client = Client()
    client.force_login(analyste)
    reponse = deposer(client, BON)
    lot = LotImport.objects.get()
    assert reponse["Location"] == lot.get_absolute_url()
    assert lot.statut == LotImport.Statut.APERCU and lot.creees == 1 and lot.cree_par == analyste
    assert not Donnee.objects.exists()
    assert "Appliquer l’import" in client.get(lot.get_absolute_url()).content.decode()
    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APPLIQUE
    assert Donnee.objects.get().nombre == 10


def test_bad_file_preview_lists_problems_in_french_and_cannot_be_applied(perimetre, analyste):
    client = Client()
    client.force_login(analyste)
    deposer(client, BON.replace(b";10", b";dix"))
    lot = LotImport.objects.get()
    page = client.get(lot.get_absolute_url()).content.decode()
    assert lot.statut == LotImport.Statut.REFUSE
    assert "ligne 2, colonne « nombre » : Nombre attendu" in page
    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    assert not Donnee.objects.exists()


def test_50_mb_upload_is_refused(perimetre, analyste, settings):
    client = Client()
    client.force_login(analyste)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    gros = BON + b"86194;total-faits-constates;1998;10\n" * (50 * 1024 * 1024 // 36 + 1)
    page = deposer(client, gros).content.decode()
    assert "trop volumineux" in page
    assert not LotImport.objects.exists() and not Donnee.objects.exists()


def test_large_file_runs_in_the_background_with_progress(
    perimetre, analyste, settings, django_capture_on_commit_callbacks
):
    settings.CLS_IMPORT_SEUIL_ARRIERE_PLAN = 10
    client = Client()
    client.force_login(analyste)
    deposer(client, BON)
    lot = LotImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.EN_ATTENTE and len(rappels) == 1
    page = client.get(lot.get_absolute_url()).content.decode()
    assert '<progress id="progression-import"' in page
    # What the worker thread runs (here in the test's own thread and transaction):
    services.traiter(lot.pk)
    etat = client.get(reverse("observatoire:import_etat", kwargs={"pk": lot.pk})).json()
    assert etat == {"statut": "applique", "libelle": "Appliqué", "progression": 100}
    assert Donnee.objects.get().nombre == 10
