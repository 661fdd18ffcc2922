"""CSV and XLSX exports of exactly what a table shows: `;`-separated UTF-8 with BOM and decimal
commas, cells that a spreadsheet would run as formulas neutralised."""

import io
from dataclasses import dataclass, field

import pandas as pd
from django.http import HttpResponse
from django.utils.text import slugify

from cls_poitiers.exports import neutraliser as _neutraliser


@dataclass
class Cellule:
    """What a table shows (`texte`) and what its export holds (`valeur`: a number when there is one)."""

    texte: str
    valeur: object = None
    serie: list | None = None
    lien: str = ""


@dataclass
class Tableau:
    cle: str
    titre: str
    colonnes: list[str]
    lignes: list[list[Cellule]] = field(default_factory=list)

    def dataframe(self, virgule: bool = False) -> pd.DataFrame:
        """`virgule`: decimals written with a comma, as text (CSV); XLSX keeps real numbers."""
        return pd.DataFrame(
            [
                [_cellule(c.valeur if c.valeur is not None else c.texte, virgule) for c in ligne]
                for ligne in self.lignes
            ],
            columns=self.colonnes,
        )


def _cellule(valeur, virgule: bool):
    if virgule and isinstance(valeur, float):
        return repr(valeur).replace(".", ",")
    return _neutraliser(valeur)


def ecrire_csv(df: pd.DataFrame, sortie) -> None:
    df.to_csv(sortie, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def ecrire_xlsx(df: pd.DataFrame, sortie, feuille: str = "Chiffres") -> None:
    with pd.ExcelWriter(sortie, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=feuille[:31], index=False)


def neutraliser_df(df: pd.DataFrame) -> pd.DataFrame:
    return df.map(_neutraliser)


def reponse(tableau: Tableau, format_: str, nom: str) -> HttpResponse:
    df = tableau.dataframe(virgule=format_ == "csv")
    base = slugify(nom) or "export"
    if format_ == "xlsx":
        tampon = io.BytesIO()
        ecrire_xlsx(df, tampon, tableau.titre)
        response = HttpResponse(
            tampon.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
        return response
    tampon = io.StringIO()
    df.to_csv(tampon, sep=";", decimal=",", index=False, lineterminator="\r\n")
    response = HttpResponse(
        ("\ufeff" + tampon.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{base}.csv"'
    return response
