"""A rate's denominator covers the same place as its count, or there is no rate (issue 14, §3)."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cls_poitiers.models import Population, Territoire
from observatoire.models import Donnee
from observatoire.tableaux_de_bord import calculs
from observatoire.tableaux_de_bord.calculs import Compte, Denominateur

# A commune C with two quartiers (which do not cover it), in a district D with another commune.
ARBRE = {"D": ["C", "C2"], "C": ["Q1", "Q2"]}
QUARTIERS = {"Q1": Denominateur(300, 1990), "Q2": Denominateur(200, 1990)}


def _consolider(comptes, denominateurs):
    return calculs.consolider(ARBRE, ["D"], comptes, denominateurs, annee=1998)


def test_facts_located_in_no_quartier_give_no_rate_on_the_quartiers_denominator():
    comptes = {"C": Compte(7, 1, 0), "Q1": Compte(10, 1, 0), "Q2": Compte(20, 1, 0)}
    resultat = _consolider(comptes, QUARTIERS)
    commune = resultat["C"].total
    assert commune.nombre == 37
    assert commune.denominateur is None  # not the 500 of the quartiers: 7 facts lie outside them
    assert commune.taux is None
    assert commune.motif == calculs.HORS_DES_PARTIES
    assert "non localisé" in calculs.motif_texte(commune.motif, par_logements=True)
    assert "logements" in calculs.motif_texte(commune.motif, par_logements=True)
    # The quartiers keep their own rates.
    assert resultat["Q1"].total.taux == pytest.approx(10 / 300 * 1000)
    assert resultat["Q2"].total.taux == pytest.approx(20 / 200 * 1000)
    # And the district, whose count includes the commune's, has none either.
    assert resultat["D"].total.taux is None
    assert resultat["D"].total.motif == calculs.PARTIE_SANS_DENOMINATEUR


def test_no_fact_outside_the_quartiers_lets_their_denominators_add_up():
    # A published zero "non localisé" is no fact outside the quartiers.
    for propre in (Compte(0, 1, 0), Compte()):
        comptes = {"C": propre, "Q1": Compte(10, 1, 0), "Q2": Compte(20, 1, 0)}
        commune = _consolider(comptes, QUARTIERS)["C"].total
        assert commune.denominateur == 500
        assert commune.taux == pytest.approx(30 / 500 * 1000)


def test_a_count_of_the_quartiers_alone_is_not_divided_by_the_communes_population():
    # Figures only in the quartiers (a partner declares by quartier): the commune's own
    # population covers more than the count.
    denominateurs = {**QUARTIERS, "C": Denominateur(5000, 1990)}
    comptes = {"Q1": Compte(10, 1, 0), "Q2": Compte(20, 1, 0)}
    assert _consolider(comptes, denominateurs)["C"].total.denominateur == 500
    # Only one quartier has figures: the count and the denominator are that quartier's.
    commune = _consolider({"Q1": Compte(10, 1, 0)}, denominateurs)["C"].total
    assert commune.denominateur == 300


def test_a_quartier_without_a_denominator_leaves_its_commune_without_a_rate():
    comptes = {"Q1": Compte(10, 1, 0), "Q2": Compte(20, 1, 0)}
    commune = _consolider(comptes, {"Q1": Denominateur(300, 1990)})["C"].total
    assert commune.taux is None
    assert commune.motif == calculs.PARTIE_SANS_DENOMINATEUR


def test_the_communes_own_denominator_loses_the_parts_missing_from_its_count():
    denominateurs = {**QUARTIERS, "C": Denominateur(5000, 1990)}
    # Q2 has no figure while Q1 has: its facts are not in the count, nor its inhabitants.
    comptes = {"C": Compte(7, 1, 0), "Q1": Compte(10, 1, 0)}
    assert _consolider(comptes, denominateurs)["C"].total.denominateur == 4800
    # Q2 masked at the source: the same.
    comptes = {"C": Compte(7, 1, 0), "Q1": Compte(10, 1, 0), "Q2": Compte(0, 0, 1)}
    assert _consolider(comptes, denominateurs)["C"].total.denominateur == 4800
    # No quartier has figures: the commune's own rows are the whole commune's count.
    assert _consolider({"C": Compte(7, 1, 0)}, denominateurs)["C"].total.denominateur == 5000
    # A missing part whose population is unknown cannot be taken out: no rate, and why.
    commune = _consolider(comptes, {"Q1": Denominateur(300, 1990), "C": Denominateur(5000, 1990)})["C"]
    assert commune.total.taux is None
    assert commune.total.motif == calculs.PARTIE_MANQUANTE_SANS_DENOMINATEUR
    # Missing parts as large as the whole: populations that do not add up, no rate.
    commune = _consolider(comptes, {**QUARTIERS, "C": Denominateur(200, 1990)})["C"]
    assert commune.total.taux is None
    assert commune.total.motif == calculs.PARTIES_AU_DELA


def test_a_territory_without_any_denominator_says_so():
    commune = _consolider({"C2": Compte(12, 1, 0)}, {})["C2"].total
    assert commune.taux is None
    assert commune.motif == calculs.SANS_DENOMINATEUR
    assert calculs.agreger([commune]).motif == calculs.SANS_DENOMINATEUR
    # A masked figure has no rate, and no reason to give (it would tell what is hidden).
    assert _consolider({"C2": Compte(0, 0, 1)}, {})["C2"].total.motif == ""


def test_fractional_dwellings_are_kept_and_the_rate_is_full_precision():
    resultat = _consolider({"C2": Compte(4953, 1, 0)}, {"C2": Denominateur(Decimal("308491.16"), 2022)})
    commune = resultat["C2"].total
    assert commune.denominateur == Decimal("308491.16")
    assert commune.taux == pytest.approx(4953 / 308491.16 * 1000, rel=1e-12)
    assert resultat["D"].total.denominateur == Decimal("308491.16")


def test_the_sources_own_rate_is_shown_for_its_own_figure_only():
    comptes = {"C2": Compte(12, 1, 0, taux_publie=2.5)}
    resultat = _consolider(comptes, {"C2": Denominateur(5000, 2020)})
    assert resultat["C2"].total.taux == 2.5
    assert resultat["C2"].total.taux_calcule == pytest.approx(12 / 5000 * 1000)
    assert resultat["D"].total.taux_publie is None  # the district's is a sum: the platform's


# Any commune and quartiers ----------------------------------------------------------------------

propres = st.one_of(
    st.just(Compte()),
    st.builds(lambda n: Compte(n, 1, 0), st.integers(min_value=0, max_value=1000)),
    st.just(Compte(0, 0, 1)),
)
denominateurs = st.one_of(
    st.none(), st.builds(Denominateur, st.integers(min_value=1, max_value=100_000), st.just(1990))
)


@given(propres, denominateurs, st.lists(st.tuples(propres, denominateurs), max_size=5))
def test_a_rate_is_always_over_the_place_of_its_count(propre, denominateur, quartiers):
    noms = [f"Q{i}" for i in range(len(quartiers))]
    comptes = {"C": propre, **{nom: c for nom, (c, _d) in zip(noms, quartiers, strict=True)}}
    dens = {"C": denominateur, **{nom: d for nom, (_c, d) in zip(noms, quartiers, strict=True)}}
    commune = calculs.consolider({"C": noms}, ["C"], comptes, dens, annee=1998)["C"].total
    avec_chiffres = [(c, d) for c, d in quartiers if c.publies]
    if commune.statut in (calculs.SECRET, calculs.VIDE):
        assert commune.taux is None and commune.motif == ""
        return
    if commune.taux is None:
        assert commune.motif  # never a silent missing rate
        return
    assert not propre.secrets
    if propre.publies and (propre.nombre or not avec_chiffres):
        # The count includes facts recorded on the commune: its own denominator, less the parts missing.
        manquants = [d for c, d in quartiers if c.secrets or (not c.publies and avec_chiffres)]
        assert commune.denominateur == denominateur.valeur - sum(d.valeur for d in manquants)
        assert commune.denominateur > 0
    else:
        # The count is the quartiers': so is the denominator, whatever the commune's own.
        assert commune.denominateur == sum(d.valeur for _c, d in avec_chiffres)


# The demo ---------------------------------------------------------------------------------------


def _faits(code, annee, indicateur):
    return Donnee.objects.filter(
        territoire__code=code, annee=annee, indicateur__code=indicateur, source__code="police-locale-demo"
    ).aggregate(n=Sum("nombre"))["n"]


def test_poitiers_1998_burglaries_in_the_demo_are_not_divided_by_the_quartiers_dwellings(
    demo, analyste, client_de
):
    poitiers = Territoire.objects.get(code="86194")
    # The demo knows no dwellings for Poitiers itself, only for its quartiers.
    assert not Population.objects.filter(territoire=poitiers, logements__isnull=False).exists()
    client = client_de(analyste)
    reponse = client.get(
        reverse("observatoire:api_chiffres") + "?annee=1998&indicateur=cambriolages-logement"
    ).json()
    lignes = {ligne["territoire_code"]: ligne for ligne in reponse["resultats"]}
    ligne = lignes["86194"]
    non_localise = _faits("86194", 1998, "cambriolages-logement")
    assert non_localise > 0
    assert ligne["nombre"] > non_localise  # quartiers + non localisé
    assert ligne["taux_pour_mille"] is None
    assert ligne["denominateur"] is None
    assert "non localisé" in ligne["motif_sans_taux"]
    # Its quartiers keep their rates, over their own dwellings.
    centre = Territoire.objects.get(code="8619401")
    logements = Population.objects.get(territoire=centre, annee=1990).logements
    assert lignes["8619401"]["taux_pour_mille"] == pytest.approx(
        _faits("8619401", 1998, "cambriolages-logement") / float(logements) * 1000
    )
    # The ranking no longer puts Poitiers first: it has no rank, and the page says why.
    page = client.get(
        reverse("observatoire:par_territoire") + "?annee=1998&indicateur=cambriolages-logement"
    ).content.decode()
    assert "Poitiers : taux non calculable" in page
    lignes_csv = client.get(
        reverse("observatoire:par_territoire")
        + "?annee=1998&indicateur=cambriolages-logement&export=classement&format=csv"
    ).content.decode("utf-8-sig")
    poitiers_csv = next(ligne for ligne in lignes_csv.splitlines() if ";Poitiers;" in ligne).split(";")
    assert poitiers_csv[0] == ""  # no rank
    assert poitiers_csv[4] == "non calculable"


def test_the_seeds_85_4_still_comes_out_of_the_demo(demo, analyste, client_de):
    reponse = (
        client_de(analyste)
        .get(reverse("observatoire:api_chiffres") + "?annee=1997&indicateur=total-faits-constates")
        .json()
    )
    district = next(r for r in reponse["resultats"] if r["niveau"] == "district")
    assert round(district["taux_pour_mille"], 1) == 85.4
