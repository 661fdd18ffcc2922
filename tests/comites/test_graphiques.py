"""The annual review's bar charts (server-side SVG, on screen and in the PDF) write every label in
full: a long category name wraps inside the left margin instead of being cut."""

import re

from comites.bilan import graphiques

LONG = "Destructions et dégradations volontaires de biens publics"


def _barres(libelles):
    return str(
        graphiques.barres(
            ident="t",
            titre="Faits constatés",
            series=["1998", "1999"],
            lignes=[(libelle, [10.0, 12.0]) for libelle in libelles],
            format_valeur=str,
        )
    )


def test_a_long_label_is_written_in_full_over_several_lines():
    svg = _barres([LONG])
    lignes = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lignes) == LONG
    assert len(lignes) > 1
    assert all(len(ligne) <= graphiques.CARACTERES_PAR_LIGNE for ligne in lignes)


def test_the_chart_grows_to_leave_room_for_wrapped_labels():
    hauteur = lambda svg: int(re.search(r'height="(\d+)"', svg).group(1))  # noqa: E731
    tres_long = LONG + " et privés, hors véhicules"  # four lines: taller than two bars
    assert hauteur(_barres([tres_long, tres_long])) > hauteur(_barres(["Vols", "Cambriolages"]))


def test_a_label_stays_right_of_the_left_edge():
    """Anchored at its end, a line of at most CARACTERES_PAR_LIGNE characters of 12 px (7.5 px at
    most each) starts inside the picture."""
    svg = _barres([LONG])
    x = float(re.search(r'<tspan x="([\d.]+)"', svg).group(1))
    assert x - graphiques.CARACTERES_PAR_LIGNE * 7.5 >= 0
