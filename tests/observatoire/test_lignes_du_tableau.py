"""The rows of the dashboards' tables, built in Python by `{% lignes_du_tableau %}`."""

from django.template import Context, Template

from observatoire.tableaux_de_bord.exports import Cellule, Tableau


def _rendu(tableau: Tableau) -> str:
    gabarit = Template("{% load observatoire_tableaux %}{% lignes_du_tableau tableau %}")
    return gabarit.render(Context({"tableau": tableau}))


def test_the_first_cell_heads_the_row_and_every_text_is_escaped():
    tableau = Tableau(
        "t",
        "Titre",
        ["Territoire", "Taux"],
        [[Cellule("<Poitiers> & co"), Cellule("10,0 ‰", 10.0)], [Cellule("Vienne"), Cellule("7,1 ‰")]],
    )
    assert _rendu(tableau) == (
        '<tr><th scope="row">&lt;Poitiers&gt; &amp; co</th><td>10,0 ‰</td></tr>\n'
        '<tr><th scope="row">Vienne</th><td>7,1 ‰</td></tr>'
    )


def test_a_link_is_a_link_and_its_address_is_escaped():
    tableau = Tableau("t", "Titre", ["Territoire"], [[Cellule("Châtellerault", lien='/t/86066/?a=1&b="2"')]])
    assert _rendu(tableau) == (
        '<tr><th scope="row"><a href="/t/86066/?a=1&amp;b=&quot;2&quot;">Châtellerault</a></th></tr>'
    )


def test_a_trend_is_a_sparkline_with_its_text_for_screen_readers_and_gaps_for_masked_years():
    serie = [{"annee": 2024, "valeur": 8.25}, {"annee": 2025, "valeur": None}, {"annee": 2026, "valeur": 12}]
    tableau = Tableau(
        "t",
        "Titre",
        ["Territoire", "Tendance"],
        [[Cellule("Poitiers"), Cellule("Nombres — 2024 : 8", serie=serie, note="nombres <b>")]],
    )
    html = _rendu(tableau)
    assert (
        '<td><canvas class="sparkline" width="120" height="30" role="img" aria-label="Nombres — 2024 : 8" '
        'data-serie="8.25;;12"></canvas><span class="visually-hidden">Nombres — 2024 : 8</span>'
        '<span class="small d-block" aria-hidden="true">nombres &lt;b&gt;</span></td>'
    ) in html


def test_no_row_gives_nothing():
    assert _rendu(Tableau("t", "Titre", ["Territoire"], [])) == ""
