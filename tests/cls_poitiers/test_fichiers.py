"""Uploads: size limits, content against claimed type, decompression bombs, storage names."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cls_poitiers.fichiers import NomDeStockage, verifier_fichier

TYPES = ("pdf", "xlsx", "csv", "odt", "docx", "png")


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "territoire"
    workbook.save(buffer)
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201"
    "e5279ae10000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("rapport.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF", "pdf"),
        ("chiffres.xlsx", _xlsx(), "xlsx"),
        ("chiffres.csv", "territoire;nombre\nBel-Air;12\n".encode("cp1252"), "csv"),
        ("diagnostic.odt", _odt(), "odt"),
        ("carte.png", PNG, "png"),
    ],
)
def test_genuine_files_are_accepted(name, content, expected):
    assert verifier_fichier(SimpleUploadedFile(name, content), types=TYPES, taille_max=10_000_000) == expected


def test_too_large_file_is_refused_in_french():
    with pytest.raises(ValidationError, match="la limite est de 1 Mo"):
        verifier_fichier(
            SimpleUploadedFile("gros.csv", b"a;b\n" * 400_000), types=TYPES, taille_max=1024 * 1024
        )


def test_content_must_match_the_claimed_type():
    with pytest.raises(ValidationError, match="ne correspond pas à son extension .pdf"):
        verifier_fichier(SimpleUploadedFile("faux.pdf", _xlsx()), types=TYPES, taille_max=10_000_000)
    with pytest.raises(ValidationError, match="ne correspond pas à son extension .xlsx"):
        verifier_fichier(
            SimpleUploadedFile("faux.xlsx", b"MZ\x90\x00\x03" + b"\x00" * 100), types=TYPES, taille_max=10**7
        )


def test_unknown_extension_is_refused():
    with pytest.raises(ValidationError, match="Type de fichier non accepté"):
        verifier_fichier(SimpleUploadedFile("virus.exe", b"MZ"), types=TYPES, taille_max=10_000_000)


def test_xlsx_decompression_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ValidationError, match="archive piégée"):
        verifier_fichier(SimpleUploadedFile("bombe.xlsx", bomb), types=TYPES, taille_max=10_000_000)


def test_storage_name_never_uses_the_users_file_name():
    upload_to = NomDeStockage("diagnostics")
    name = upload_to(None, "../../etc/passwd.pdf")
    assert name.startswith("diagnostics/")
    assert ".." not in name and "passwd" not in name
    assert name.endswith(".pdf")
    assert upload_to(None, "script.sh").count(".") == 0
