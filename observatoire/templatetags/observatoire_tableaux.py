"""The rows of a dashboard table (`exports.Tableau`), built in Python: a table of the national
context or of a territory holds hundreds of cells, and a template loop of tags per cell cost
more than the figures behind them."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _point(valeur) -> str:
    # As `unlocalize`: the number as Python writes it (a dot), read by the sparkline script.
    return "" if valeur is None else str(valeur)


def _contenu(cellule) -> str:
    texte = localize(cellule.texte)  # as {{ cellule.texte }} would show it
    if cellule.serie:
        serie = ";".join(_point(p["valeur"]) for p in cellule.serie)
        contenu = format_html(
            '<canvas class="sparkline" width="120" height="30" role="img" aria-label="{}" data-serie="{}">'
            '</canvas><span class="visually-hidden">{}</span>',
            texte,
            serie,
            texte,
        )
        if cellule.note:
            contenu += format_html('<span class="small d-block" aria-hidden="true">{}</span>', cellule.note)
        return contenu
    if cellule.lien:
        return format_html('<a href="{}">{}</a>', cellule.lien, texte)
    return conditional_escape(texte)


@register.simple_tag
def lignes_du_tableau(tableau):
    """`<tr>` per row: its first cell a row header, the others data cells; a cell with a series
    is a sparkline with its text for screen readers, a cell with a link a link."""
    lignes = []
    for ligne in tableau.lignes:
        cellules = [
            format_html('<th scope="row">{}</th>' if i == 0 else "<td>{}</td>", _contenu(cellule))
            for i, cellule in enumerate(ligne)
        ]
        lignes.append("<tr>" + "".join(cellules) + "</tr>")
    return mark_safe("\n".join(lignes))  # each cell is escaped by format_html above
