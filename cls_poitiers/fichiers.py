"""Uploaded files: size limits, content checked against the claimed type, decompression bombs
refused, and storage names that never come from the user's file name.

Every upload of the platform (imports, diagnostic annexes, minutes) goes through `verifier_fichier`.
"""

import codecs
import io
import os
import re
import uuid
import zipfile
from dataclasses import dataclass

import puremagic
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from . import formats

# An archive whose members would expand beyond this, or compress better than this ratio, is refused.
ZIP_TAILLE_DECOMPRESSEE_MAX = 200 * 1024 * 1024
ZIP_RATIO_MAX = 100
ZIP_MEMBRES_MAX = 10_000
# What is read of a file that is not an archive to tell its type: its head, never the whole file
# (the national base is several hundred megabytes, spooled to disk by the upload).
TETE_LUE = 1024 * 1024


@dataclass(frozen=True)
class TypeFichier:
    code: str
    libelle: str
    extensions: tuple[str, ...]
    mime: str


TYPES = {
    t.code: t
    for t in (
        TypeFichier("pdf", "PDF", (".pdf",), "application/pdf"),
        TypeFichier("odt", "ODT", (".odt",), "application/vnd.oasis.opendocument.text"),
        TypeFichier("ods", "ODS", (".ods",), "application/vnd.oasis.opendocument.spreadsheet"),
        TypeFichier(
            "docx",
            "DOCX",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        TypeFichier(
            "xlsx", "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        TypeFichier("csv", "CSV", (".csv", ".txt"), "text/csv"),
        TypeFichier("png", "PNG", (".png",), "image/png"),
        TypeFichier("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg"),
        TypeFichier("geojson", "GeoJSON", (".geojson", ".json"), "application/geo+json"),
    )
}
ODF_MIMETYPES = {"odt": TYPES["odt"].mime, "ods": TYPES["ods"].mime}
OOXML_PARTIES = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


def _tete(fichier) -> bytes:
    fichier.seek(0)
    data = fichier.read(TETE_LUE)
    fichier.seek(0)
    return data


def _verifier_archive(fichier) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(fichier)
    except zipfile.BadZipFile as exc:
        raise ValidationError(
            _("Le fichier est endommagé : son contenu n'est pas une archive valide.")
        ) from exc
    membres = archive.infolist()
    if len(membres) > ZIP_MEMBRES_MAX:
        raise ValidationError(_("Le fichier contient trop d'éléments internes : il est refusé par sécurité."))
    total = 0
    for membre in membres:
        total += membre.file_size
        ratio = membre.file_size / max(membre.compress_size, 1)
        if total > ZIP_TAILLE_DECOMPRESSEE_MAX or (membre.file_size > 1024 * 1024 and ratio > ZIP_RATIO_MAX):
            raise ValidationError(
                _(
                    "Le fichier se décompresse en un volume anormal (archive piégée) : "
                    "il est refusé par sécurité."
                )
            )
    return archive


def detecter_type(contenu) -> str | None:
    """The platform's type code that the content (bytes, or a seekable file read from its head
    only unless it is an archive) really is, or None."""
    fichier = io.BytesIO(contenu) if isinstance(contenu, bytes) else contenu
    data = _tete(fichier)
    if data.startswith(b"PK\x03\x04"):
        archive = _verifier_archive(fichier)
        noms = set(archive.namelist())
        if "mimetype" in noms:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            return next((code for code, mime in ODF_MIMETYPES.items() if mime == mimetype), None)
        if "[Content_Types].xml" in noms:
            return next((code for code, partie in OOXML_PARTIES.items() if partie in noms), None)
        return None
    try:
        mime = puremagic.from_string(data[:8192], mime=True)
    except puremagic.PureError:
        mime = ""
    for code in ("pdf", "png", "jpeg"):
        if mime == TYPES[code].mime:
            return code
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:65536] and not utf16:
        return None
    texte = _decoder(data, utf16=utf16, entier=len(data) < TETE_LUE)
    if texte is None:
        return None
    if _BALISAGE.search(texte[:65536]):
        return "html"
    if texte.lstrip().startswith("{"):
        return "geojson"
    return "csv"


# Markup is never a CSV nor a GeoJSON: a web page (or SVG, XML) renamed .csv would run its
# scripts in a browser that opens it. A document starting with a tag, or holding a tag that
# loads or runs something, is taken for markup.
_BALISAGE = re.compile(r"\A\s*<|<\s*(?:!doctype|html|script|iframe|svg|body|object|embed)\b", re.IGNORECASE)


def _decoder(data: bytes, *, utf16: bool = False, entier: bool = True) -> str | None:
    """The text in `data`; a file's head (`entier` False) may end inside a character."""
    for encodage in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            return codecs.getincrementaldecoder(encodage)().decode(data, final=entier)
        except UnicodeDecodeError:
            continue
    return None


def verifier_fichier(upload, *, types: set[str] | tuple[str, ...], taille_max: int) -> str:
    """Check an uploaded file; return its type code or raise ValidationError with a French message."""
    acceptes = [TYPES[c] for c in types]
    libelles = ", ".join(t.libelle for t in acceptes)
    if upload.size == 0:
        raise ValidationError(_("Le fichier est vide."))
    if upload.size > taille_max:
        raise ValidationError(
            _("Le fichier pèse %(taille)s Mo : la limite est de %(max)s Mo.")
            % {"taille": formats.mega_octets(upload.size), "max": formats.mega_octets(taille_max)}
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    annonce = next((t for t in acceptes if extension in t.extensions), None)
    if annonce is None:
        raise ValidationError(
            _("Type de fichier non accepté (%(ext)s). Types acceptés : %(types)s.")
            % {"ext": extension or _("sans extension"), "types": libelles}
        )
    try:
        reel = detecter_type(upload)
    finally:
        upload.seek(0)
    if reel == "html" and annonce.code in ("csv", "geojson"):
        raise ValidationError(
            _(
                "Le fichier %(ext)s contient une page web (HTML) ou du balisage, "
                "pas un %(type)s : il est refusé."
            )
            % {"ext": extension, "type": annonce.libelle}
        )
    if reel != annonce.code:
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension %(ext)s (%(type)s attendu).")
            % {"ext": extension, "type": annonce.libelle}
        )
    return reel


@deconstructible
class NomDeStockage:
    """An `upload_to` for FileField: a random name in `dossier`, keeping only a known extension.
    The user's file name is never used as a path (keep it in a separate field for display)."""

    def __init__(self, dossier: str):
        self.dossier = dossier

    def __call__(self, instance, filename: str) -> str:
        extension = os.path.splitext(filename)[1].lower()
        connues = {e for t in TYPES.values() for e in t.extensions}
        return f"{self.dossier}/{uuid.uuid4().hex}{extension if extension in connues else ''}"

    def __eq__(self, other):
        return isinstance(other, NomDeStockage) and other.dossier == self.dossier

    def __hash__(self):
        return hash(self.dossier)
