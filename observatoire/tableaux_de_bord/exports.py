"""Exports of exactly what a table shows, written by the core's French spreadsheet writer
(`cls_poitiers.tableurs`): each cell's number when it has one, else its text."""

from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.text import slugify

from cls_poitiers import tableurs


@dataclass
class Cellule:
    """What a table shows (`texte`) and what its export holds (`valeur`: a number when there is one)."""

    texte: str
    valeur: object = None
    serie: list | None = None
    lien: str = ""
    # Shown under the cell's text on the page (why a rate is not computed, what a trend plots).
    note: str = ""


@dataclass
class Tableau:
    cle: str
    titre: str
    colonnes: list[str]
    lignes: list[list[Cellule]] = field(default_factory=list)

    def valeurs(self) -> list[list]:
        """The rows of the export."""
        return [[c.valeur if c.valeur is not None else c.texte for c in ligne] for ligne in self.lignes]


def nom_de_fichier(*quoi: str, source: str = "", annees=(), territoire: str = "") -> str:
    """The name an export is saved under says what it holds: the page and table, the source, the
    year or years (2016, 2014-2016) and the territory, slugified
    (`observatoire-indicateurs-ssmsi-2016-chatellerault`)."""
    annees = sorted(set(annees))
    periode = "" if not annees else str(annees[0]) if len(annees) == 1 else f"{annees[0]}-{annees[-1]}"
    return slugify("-".join(p for p in (*quoi, source, periode, territoire) if p)) or "export"


def reponse(tableau: Tableau, format_: str, nom: str) -> HttpResponse:
    base = slugify(nom) or "export"
    if format_ == "xlsx":
        return tableurs.reponse_xlsx(f"{base}.xlsx", {tableau.titre: (tableau.colonnes, tableau.valeurs())})
    return tableurs.reponse_csv(f"{base}.csv", tableau.colonnes, tableau.valeurs())
