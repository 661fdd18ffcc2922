"""The coordination's qualitative texts: plain text with simple formatting, rendered safely.

- a blank line separates paragraphs; a line break stays a line break;
- lines starting with "- " or "* " make a bulleted list;
- **bold** and _italic_.

Everything is HTML-escaped first: no markup typed by a user ever reaches the page.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

GRAS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIQUE = re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])")
PUCE = re.compile(r"^\s*[-*]\s+")


def _en_ligne(texte: str) -> str:
    return ITALIQUE.sub(r"<em>\1</em>", GRAS.sub(r"<strong>\1</strong>", texte))


def mise_en_forme(texte: str | None) -> SafeString:
    blocs = re.split(r"\n\s*\n", (texte or "").replace("\r\n", "\n").strip())
    html = []
    for bloc in blocs:
        lignes = [ligne for ligne in bloc.split("\n") if ligne.strip()]
        if not lignes:
            continue
        echappees = [escape(ligne) for ligne in lignes]
        if all(PUCE.match(ligne) for ligne in lignes):
            items = "".join(f"<li>{_en_ligne(PUCE.sub('', ligne))}</li>" for ligne in echappees)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(_en_ligne(ligne) for ligne in echappees) + "</p>")
    # Built only from escaped text and the fixed tags above.
    return mark_safe("\n".join(html))  # noqa: S308
