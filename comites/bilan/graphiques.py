"""Charts of the annual review drawn on the server as SVG, so that the printable page and the PDF
have them without JavaScript. Every value is also written as text beside its bar and in the
review's tables: nothing is told by colour alone."""

import textwrap
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

# Two series are told apart by their fill and by a hatching pattern, and named in the legend.
COULEURS = ["#6a6af4", "#000091"]
LARGEUR = 640
MARGE_GAUCHE = 230
HAUTEUR_BARRE = 14
ECART = 4
# A label is written in full, on as many lines as it needs within the left margin: at 12 px, 28
# characters of a French label fit in MARGE_GAUCHE even in a wide font (DejaVu Sans, the PDF's).
CARACTERES_PAR_LIGNE = 28
INTERLIGNE = 14


def lignes_du_libelle(libelle: str) -> list[str]:
    """The label cut at word boundaries into lines that fit the left margin; a word longer than a
    line is cut."""
    return textwrap.wrap(libelle, CARACTERES_PAR_LIGNE, break_on_hyphens=False) or [""]


def barres(
    *,
    ident: str,
    titre: str,
    series: list[str],
    lignes: list[tuple[str, list[float]]],
    format_valeur: Callable[[float], str],
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars: one group per line, one bar per series, the value written after each bar."""
    maximum = maximum or max((v for _l, valeurs in lignes for v in valeurs if v is not None), default=0) or 1
    zone = LARGEUR - MARGE_GAUCHE - 90
    hauteur_barres = len(series) * (HAUTEUR_BARRE + ECART) + 10
    libelles = [lignes_du_libelle(libelle) for libelle, _valeurs in lignes]
    # A group is as tall as its bars or its label, whichever is taller.
    hauteurs = [max(hauteur_barres, len(texte) * INTERLIGNE + 10) for texte in libelles]
    hauteur = 40 + sum(hauteurs) + 10
    parties = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique-bilan" viewBox="0 0 {LARGEUR} {hauteur}" '
        f'width="{LARGEUR}" height="{hauteur}" role="img" aria-label={quoteattr(titre)}>',
        f"<title>{escape(titre)}</title>",
        f'<defs><pattern id="hachures-{ident}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#000091"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>',
    ]
    x = MARGE_GAUCHE
    for rang, serie in enumerate(series):
        remplissage = f"url(#hachures-{ident})" if rang == 1 else COULEURS[0]
        parties.append(
            f'<rect x="{x}" y="8" width="14" height="14" fill="{remplissage}" '
            'stroke="#161616" stroke-width="0.5"/>'
            f'<text x="{x + 20}" y="20" font-size="12" fill="#161616">{escape(serie)}</text>'
        )
        x += 30 + 8 * len(serie)
    y = 40
    for (_libelle, valeurs), texte, hauteur_groupe in zip(lignes, libelles, hauteurs, strict=True):
        parties.append(
            f'<text x="{MARGE_GAUCHE - 8}" y="{y + HAUTEUR_BARRE - 2}" font-size="12" text-anchor="end" '
            'fill="#161616">'
            + "".join(
                f'<tspan x="{MARGE_GAUCHE - 8}" dy="{0 if rang == 0 else INTERLIGNE}">{escape(ligne)}</tspan>'
                for rang, ligne in enumerate(texte)
            )
            + "</text>"
        )
        for rang, valeur in enumerate(valeurs):
            yb = y + rang * (HAUTEUR_BARRE + ECART)
            if valeur is None:
                continue
            largeur = max(1.0, zone * valeur / maximum)
            remplissage = f"url(#hachures-{ident})" if rang == 1 else COULEURS[0]
            parties.append(
                f'<rect x="{MARGE_GAUCHE}" y="{yb}" width="{largeur:.1f}" height="{HAUTEUR_BARRE}" '
                f'fill="{remplissage}" stroke="#161616" stroke-width="0.5"/>'
                f'<text x="{MARGE_GAUCHE + largeur + 4:.1f}" y="{yb + HAUTEUR_BARRE - 3}" font-size="11" '
                f'fill="#161616">{escape(format_valeur(valeur))}</text>'
            )
        y += hauteur_groupe
    parties.append("</svg>")
    # Every text above went through escape()/quoteattr(): the markup is safe to insert as is.
    return mark_safe("".join(parties))  # noqa: S308
