"""The computations against hand-computed values."""

import pytest

from observatoire.tableaux_de_bord import calculs
from observatoire.tableaux_de_bord.calculs import Chiffre, Compte, Denominateur


def test_rate_is_count_over_denominator_times_1000():
    assert calculs.taux_pour_mille(85, 1000) == pytest.approx(85.0)
    assert calculs.taux_pour_mille(5, 0) is None
    assert calculs.taux_pour_mille(None, 1000) is None


def test_denominator_is_the_figures_year_or_the_nearest_earlier_one():
    populations = {1990: (1000, 400), 1999: (1200, 500)}
    assert calculs.denominateur_pour(populations, 1997) == Denominateur(1000, 1990)
    assert calculs.denominateur_pour(populations, 1999) == Denominateur(1200, 1999)
    assert calculs.denominateur_pour(populations, 1985) is None


def test_burglary_rate_uses_dwellings_never_inhabitants():
    populations = {1990: (1000, None), 1995: (1100, 500)}
    assert calculs.denominateur_pour(populations, 1997, par_logements=True) == Denominateur(500, 1995)
    assert calculs.denominateur_pour({1990: (1000, None)}, 1997, par_logements=True) is None
    chiffre = Chiffre.publie(20, calculs.denominateur_pour(populations, 1997, par_logements=True), 1997)
    assert chiffre.taux == pytest.approx(40.0)  # 20 / 500 dwellings, not 20 / 1100 inhabitants


def test_rate_over_several_territories_is_sum_over_sum_not_mean_of_rates():
    petit = Chiffre.publie(10, Denominateur(100, 1990), 1997)  # 100 ‰
    grand = Chiffre.publie(100, Denominateur(10000, 1990), 1997)  # 10 ‰
    ensemble = calculs.agreger([petit, grand])
    assert ensemble.nombre == 110
    assert ensemble.denominateur == 10100
    assert ensemble.taux == pytest.approx(110 / 10100 * 1000)  # 10,89 ‰, not (100 + 10) / 2 = 55 ‰


def test_rate_over_several_years_adds_each_years_denominator():
    annee1 = Chiffre.publie(50, Denominateur(1000, 1990), 1997)
    annee2 = Chiffre.publie(70, Denominateur(1200, 1999), 1999)
    assert calculs.agreger([annee1, annee2]).taux == pytest.approx(120 / 2200 * 1000)


def test_masked_figures_are_left_out_of_both_sides_and_the_aggregate_says_partial():
    publie = Chiffre.publie(30, Denominateur(1000, 1990), 1997)
    ensemble = calculs.agreger([publie, Chiffre.masque(1997)])
    assert ensemble.statut == calculs.PARTIEL
    assert ensemble.taux == pytest.approx(30.0)
    assert calculs.agreger([Chiffre.masque(1997)]).statut == calculs.SECRET
    assert calculs.agreger([Chiffre.masque(1997)]).nombre is None


ARBRE = {"D": ["C1", "C2"], "C1": ["Q1", "Q2"]}
DENOMINATEURS = {
    "C1": Denominateur(1000, 1990),
    "C2": Denominateur(500, 1990),
    "Q1": Denominateur(300, 1990),
    "Q2": Denominateur(200, 1990),
}


def test_roll_up_keeps_the_non_localised_part_once():
    comptes = {
        "C1": Compte(5, 1, 0),
        "Q1": Compte(10, 12, 0),
        "Q2": Compte(20, 12, 0),
        "C2": Compte(15, 1, 0),
    }
    resultat = calculs.consolider(ARBRE, ["D"], comptes, DENOMINATEURS, annee=1997)
    assert resultat["C1"].total.nombre == 35  # 5 non localisés + 10 + 20
    assert resultat["C1"].non_localise.nombre == 5
    assert resultat["C1"].total.taux == pytest.approx(35.0)  # the commune's own population
    assert resultat["D"].total.nombre == 50
    assert resultat["D"].total.denominateur == 1500  # communes' populations, quartiers not added again
    assert resultat["D"].total.taux == pytest.approx(50 / 1500 * 1000)
    assert resultat["Q1"].total.taux == pytest.approx(10 / 300 * 1000)
    assert resultat["D"].non_localise is None


def test_roll_up_leaves_a_masked_commune_out_of_the_district_rate():
    comptes = {"C1": Compte(40, 1, 0), "C2": Compte(0, 0, 1)}
    resultat = calculs.consolider(ARBRE, ["D"], comptes, DENOMINATEURS, annee=1997)
    assert resultat["C2"].total.statut == calculs.SECRET
    assert resultat["D"].total.statut == calculs.PARTIEL
    assert resultat["D"].total.nombre == 40
    assert resultat["D"].total.denominateur == 1000
    assert resultat["D"].total.taux == pytest.approx(40.0)


def test_nearest_earlier_population_is_flagged_for_the_page():
    chiffre = Chiffre.publie(10, Denominateur(1000, 1990), 1997)
    assert chiffre.denominateur_anterieur
    assert not Chiffre.publie(10, Denominateur(1000, 1997), 1997).denominateur_anterieur


def test_year_over_year_change():
    avant = Chiffre.publie(100, Denominateur(1000, 1990), 1997)
    apres = Chiffre.publie(110, Denominateur(1000, 1990), 1998)
    evolution = calculs.evolution(apres, avant)
    assert evolution.ecart == 10
    assert evolution.pourcentage == pytest.approx(10.0)
    assert evolution.ecart_taux == pytest.approx(10.0)
    assert calculs.evolution(apres, Chiffre.masque(1997)).pourcentage is None


def test_comparison_ranking_and_priority_candidates():
    district = Chiffre.publie(100, Denominateur(1000, 1990))  # 100 ‰
    a = Chiffre.publie(40, Denominateur(200, 1990))  # 200 ‰
    b = Chiffre.publie(30, Denominateur(200, 1990))  # 150 ‰
    c = Chiffre.publie(15, Denominateur(100, 1990))  # 150 ‰
    d = Chiffre.masque()
    assert calculs.rapport(a, district) == pytest.approx(2.0)
    classement = calculs.classer([("a", a), ("b", b), ("c", c), ("d", d)])
    assert [(rang, cle) for rang, cle, _c in classement] == [(1, "a"), (2, "b"), (2, "c"), (None, "d")]
    candidats = calculs.candidats_prioritaires([("a", a), ("b", b), ("d", d)], district, 1.5)
    assert [cle for cle, _c, _r in candidats] == ["a"]  # 150 ‰ is not above 1,5 × 100 ‰
