"""Property-based tests (hypothesis): no input crashes the parsers or the computations, and rates
stay consistent with their counts whatever the figures."""

import math
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cls_poitiers.tableurs import est_manquant, serie_numerique
from observatoire.imports.figures import lire_periode
from observatoire.tableaux_de_bord import calculs

comptes = st.integers(min_value=0, max_value=10_000_000)
populations = st.integers(min_value=1, max_value=10_000_000)
publies = st.builds(
    lambda n, p, a: calculs.Chiffre.publie(n, calculs.Denominateur(p, a), a),
    comptes,
    populations,
    st.integers(min_value=1990, max_value=2030),
)
masques = st.builds(calculs.Chiffre.masque, st.integers(min_value=1990, max_value=2030))
chiffres = st.lists(st.one_of(publies, masques), max_size=30)


@given(chiffres)
def test_aggregate_rate_is_sum_of_counts_over_sum_of_denominators(parts):
    total = calculs.agreger(parts)
    visibles = [c for c in parts if c.publies]
    if not visibles:
        assert total.taux is None
        assert total.statut in (calculs.SECRET, calculs.VIDE)
        return
    nombre = sum(c.nombre for c in visibles)
    denominateur = sum(c.denominateur for c in visibles)
    assert total.nombre == nombre
    assert total.denominateur == denominateur
    assert total.taux == pytest.approx(nombre / denominateur * 1000)
    # A sum over sums lies between the parts' rates: never above the highest, never below the lowest.
    taux = [c.taux for c in visibles]
    assert min(taux) - 1e-9 <= total.taux <= max(taux) + 1e-9
    assert (total.statut == calculs.PARTIEL) == any(c.secrets for c in parts)


@given(chiffres, chiffres)
def test_aggregation_does_not_depend_on_grouping(a, b):
    ensemble = calculs.agreger(a + b)
    en_deux = calculs.agreger([calculs.agreger(a), calculs.agreger(b)])
    assert (ensemble.nombre, ensemble.denominateur, ensemble.publies, ensemble.secrets) == (
        en_deux.nombre,
        en_deux.denominateur,
        en_deux.publies,
        en_deux.secrets,
    )


@given(st.one_of(st.none(), st.integers()), st.one_of(st.none(), st.integers(), st.floats(allow_nan=False)))
def test_rate_never_crashes_and_needs_a_denominator(nombre, denominateur):
    taux = calculs.taux_pour_mille(nombre, denominateur)
    if nombre is None or not denominateur:
        assert taux is None
    else:
        assert math.isclose(taux, nombre / denominateur * 1000) or math.isinf(taux) or math.isnan(taux)


@given(
    st.dictionaries(
        st.integers(min_value=1950, max_value=2050),
        st.tuples(st.one_of(st.none(), populations), st.one_of(st.none(), populations)),
        max_size=10,
    ),
    st.integers(min_value=1950, max_value=2050),
    st.booleans(),
)
def test_denominator_is_the_nearest_earlier_known_year(populations_par_annee, annee, par_logements):
    choisi = calculs.denominateur_pour(populations_par_annee, annee, par_logements=par_logements)
    rang = 1 if par_logements else 0
    connues = [a for a, v in populations_par_annee.items() if a <= annee and v[rang]]
    if not connues:
        assert choisi is None
    else:
        assert choisi.annee == max(connues)
        assert choisi.valeur == populations_par_annee[max(connues)][rang]


@given(st.lists(st.tuples(st.integers(), st.one_of(publies, masques)), max_size=20))
def test_ranking_keeps_every_territory_and_orders_rates(elements):
    classement = calculs.classer(elements)
    assert len(classement) == len(elements)
    taux = [c.taux for rang, _cle, c in classement if rang is not None]
    assert taux == sorted(taux, reverse=True)


@given(st.lists(st.text(), max_size=20))
def test_number_and_missing_parsers_never_crash(textes):
    serie = pd.Series(textes, dtype=object)
    assert len(serie_numerique(serie)) == len(textes)
    assert len(est_manquant(serie)) == len(textes)


def _francais(valeur: Decimal, separateur: str) -> str:
    entier, _, fraction = f"{valeur:.2f}".partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    return separateur.join(groupes) + "," + fraction


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([" ", "\u00a0", "\u202f", ""]),
)
def test_french_numbers_are_read_back(valeur, separateur):
    lu = serie_numerique(pd.Series([_francais(valeur, separateur)])).iloc[0]
    assert lu == pytest.approx(float(valeur))


@given(st.text(max_size=30))
def test_period_parser_never_crashes(texte):
    resultat = lire_periode(texte)
    assert resultat is None or (1900 <= resultat[0] <= 2200 and 0 <= resultat[1] <= 12)


@given(st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))
def test_periods_in_every_french_form_are_read_back(annee, mois):
    for texte in (f"{mois:02d}/{annee}", f"{annee}-{mois:02d}", f"28/{mois:02d}/{annee}"):
        assert lire_periode(texte) == (annee, mois)
    assert lire_periode(str(annee)) == (annee, 0)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contenu=st.binary(max_size=2000))
def test_any_uploaded_bytes_are_refused_cleanly_or_imported(contenu, tmp_path, donnees_de_reference):
    from observatoire import services
    from observatoire.models import LotImport

    chemin = tmp_path / "chiffres.csv"
    chemin.write_bytes(b"territoire;indicateur;periode;nombre\n" + contenu)
    lot = services.creer_lot(
        type_lot=LotImport.Type.FIGURES,
        chemin=chemin,
        nom=chemin.name,
        source=services.source_par_code(None, LotImport.Type.FIGURES),
        options={},
    )
    rapport = services.executer_lot(lot=lot, chemin=chemin, appliquer=True)
    lot.refresh_from_db()
    assert lot.statut in (LotImport.Statut.APPLIQUE, LotImport.Statut.REFUSE)
    if rapport.a_des_erreurs:
        assert all(str(probleme) for probleme in rapport.erreurs)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contenu=st.binary(max_size=2000))
def test_any_bytes_after_a_national_header_are_refused_cleanly_or_imported(
    contenu, tmp_path, donnees_de_reference
):
    from observatoire import services
    from observatoire.models import LotImport

    chemin = tmp_path / "ssmsi.csv"
    entete = (
        b"CODGEO_2026;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
        b"insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux\n"
    )
    chemin.write_bytes(entete + contenu)
    lot = services.creer_lot(
        type_lot=LotImport.Type.SSMSI,
        chemin=chemin,
        nom=chemin.name,
        source=services.source_par_code(None, LotImport.Type.SSMSI),
        options={},
    )
    services.executer_lot(lot=lot, chemin=chemin, appliquer=True)
    lot.refresh_from_db()
    assert lot.statut in (LotImport.Statut.APPLIQUE, LotImport.Statut.REFUSE)
