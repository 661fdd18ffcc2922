"""Every web upload goes through the same checks: content against the claimed type, archive
bombs, size; a refused file changes nothing and says why in French."""

import io
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _bombe_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def _page(client, url, data):
    response = client.post(url, data)
    return response, unescape(response.content.decode())


def test_engagements_import_refuses_a_decompression_bomb_and_a_disguised_file(coordination):
    from engagements.models import Engagement

    client = Client()
    client.force_login(coordination)
    url = reverse("engagements:import")
    _, html = _page(client, url, {"fichier": SimpleUploadedFile("engagements.xlsx", _bombe_xlsx())})
    assert "archive piégée" in html
    _, html = _page(client, url, {"fichier": SimpleUploadedFile("engagements.csv", b"%PDF-1.4\n%%EOF")})
    assert "ne correspond pas à son extension .csv" in html
    assert Engagement.objects.count() == 0


def test_observatoire_import_refuses_a_decompression_bomb_and_a_disguised_file(analyste):
    from observatoire.models import Donnee, LotImport

    client = Client()
    client.force_login(analyste)
    url = reverse("observatoire:imports")
    _, html = _page(
        client, url, {"type": "figures", "fichier": SimpleUploadedFile("chiffres.xlsx", _bombe_xlsx())}
    )
    assert "archive piégée" in html
    _, html = _page(
        client,
        url,
        {"type": "geojson", "fichier": SimpleUploadedFile("contours.geojson", b"\x89PNG\r\n\x1a\n")},
    )
    assert "ne correspond pas à son extension .geojson" in html
    assert LotImport.objects.count() == 0
    assert Donnee.objects.count() == 0
