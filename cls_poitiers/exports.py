"""CSV and XLSX exports as French partners open them: `;`-separated UTF-8 with BOM and decimal
commas for CSV, real numbers in XLSX; cells that a spreadsheet would read as a formula are
neutralised (OWASP CSV injection). Every export of the platform goes through here."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse

DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutraliser(value):
    """A text cell beginning with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(DANGEREUX):
        return "'" + value
    return value


def _cellule_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        texte = format(value, "f")
        if "." in texte:
            texte = texte.rstrip("0").rstrip(".")
        return texte.replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(neutraliser(str(value)))


def csv_bytes(entetes: list[str], lignes) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutraliser(e) for e in entetes])
    for ligne in lignes:
        writer.writerow([_cellule_csv(v) for v in ligne])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(feuilles: dict[str, tuple[list[str], list]]) -> bytes:
    """`feuilles`: sheet title → (headers, rows). Text cells are neutralised."""
    # Imported here: every process (an import command, a worker) loads this module, few write XLSX.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, (entetes, lignes) in feuilles.items():
        feuille = classeur.create_sheet(title=titre[:31])
        feuille.append([neutraliser(e) for e in entetes])
        for ligne in lignes:
            feuille.append(
                [
                    float(v) if isinstance(v, Decimal) else neutraliser(v) if isinstance(v, str) else v
                    for v in ligne
                ]
            )
        for index, entete in enumerate(entetes, start=1):
            feuille.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(str(entete)) + 4))
    buffer = io.BytesIO()
    classeur.save(buffer)
    return buffer.getvalue()


def reponse_csv(nom_fichier: str, entetes: list[str], lignes) -> HttpResponse:
    response = HttpResponse(csv_bytes(entetes, lignes), content_type=CSV_MIME)
    response["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    return response


def reponse_xlsx(nom_fichier: str, feuilles: dict[str, tuple[list[str], list]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(feuilles), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    return response
