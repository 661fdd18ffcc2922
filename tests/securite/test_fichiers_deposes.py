"""No URL serves the uploaded files, even with DEBUG on (`make run`): they are read only through
the views that check the role."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import cls_poitiers.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_en_developpement(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for chemin in ("imports/chiffres.csv", "diagnostics/annexes/annexe.pdf", "diagnostics/texte.pdf"):
        (tmp_path / chemin).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / chemin).write_bytes(b"Commune;Faits\n")
    with override_settings(DEBUG=True):
        importlib.reload(cls_poitiers.urls)
        clear_url_caches()
        yield
    importlib.reload(cls_poitiers.urls)
    clear_url_caches()


@pytest.mark.parametrize(
    "chemin", ["imports/chiffres.csv", "diagnostics/annexes/annexe.pdf", "diagnostics/texte.pdf"]
)
def test_uploaded_files_are_not_served_under_media_even_in_development(
    urls_en_developpement, client_de, partenaire, chemin
):
    for user in (None, partenaire):
        assert client_de(user).get(f"/media/{chemin}").status_code == 404, (user, chemin)
