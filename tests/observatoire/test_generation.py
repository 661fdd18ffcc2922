"""The figures generator of the benchmarks: a national-format file, deterministic for a seed,
with masked rows; figures loaded in the database through the import, labelled illustrative."""

import pandas as pd
import pytest
from django.core.management import call_command

from cls_poitiers.models import Territoire
from observatoire import generation
from observatoire.demo import COMMUNES_RECENTES
from observatoire.models import Donnee, Source

pytestmark = pytest.mark.django_db


def generer(*args):
    call_command("generer_chiffres", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_national_file_is_in_the_current_format_deterministic_and_masks_small_counts(tmp_path):
    premier, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for chemin in (premier, second):
        generer("--fichier-national", str(chemin), "--lignes-nationales", "3000")
    contenu = premier.read_bytes()
    assert contenu == second.read_bytes()
    assert contenu.startswith(b"\xef\xbb\xbf" + b'"CODGEO_2026";"annee";"indicateur";"unite_de_compte"')
    tableau = pd.read_csv(premier, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(tableau.columns) == generation.ENTETE
    assert len(tableau) == 3000
    assert tableau["indicateur"].nunique() == 15 and tableau["annee"].nunique() == 10
    masques = tableau[tableau["est_diffuse"] == "ndiff"]
    assert len(masques) and (masques["nombre"] == "NA").all() and (masques["taux_pour_mille"] == "NA").all()
    publies = tableau[tableau["est_diffuse"] == "diff"]
    assert len(publies) and publies["taux_pour_mille"].str.contains(",").any()
    assert set(tableau["CODGEO_2026"]) >= set(COMMUNES_RECENTES)
    autre = tmp_path / "c.csv"
    generer("--fichier-national", str(autre), "--lignes-nationales", "3000", "--graine", "7")
    assert autre.read_bytes() != contenu


def test_generated_rows_are_loaded_through_the_import_with_their_territories():
    generer("--lignes", "450")
    source = Source.objects.get(code="generee-illustrative")
    assert source.illustratif
    assert Donnee.objects.filter(source=source).count() == 1500  # whole communes: 10 × 15 × 10
    assert Donnee.objects.filter(source=source, secret=True, nombre__isnull=True).exists()
    assert Territoire.objects.filter(code="86194", niveau="commune").exists()
    generer("--lignes", "450")
    assert Donnee.objects.filter(source=source).count() == 1500


def test_national_file_on_the_referential_with_its_departemental_base(tmp_path):
    """With --referentiel the communes are the national referential's (real codes); the
    départemental base beside it gives each département's total, masked communes included."""
    communes, departemental = tmp_path / "communes.csv", tmp_path / "departements.csv"
    generer(
        "--fichier-national", str(communes), "--lignes-nationales", "3000", "--referentiel",
        "--communes", "86066", "--fichier-departemental", str(departemental),
    )  # fmt: skip
    lues = pd.read_csv(communes, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    referentiel = {c["code"]: c for c in generation.communes_du_referentiel()}
    codes = set(lues["CODGEO_2026"])
    assert codes <= set(referentiel) and codes >= {"86066", *COMMUNES_RECENTES}
    assert "chiffres_generes_illustratifs" in lues.columns
    base = pd.read_csv(departemental, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(base.columns) == generation.ENTETE_DEPARTEMENTAL
    assert set(base["Code.département"]) == {referentiel[c]["departement"] for c in codes}
    assert (base["chiffres_generes_illustratifs"] == "oui").all()
    lues["departement"] = lues["CODGEO_2026"].map(lambda c: referentiel[c]["departement"])
    lues["publie"] = pd.to_numeric(lues["nombre"], errors="coerce")
    cle = ["departement", "annee", "indicateur"]
    publies = lues.groupby(cle)["publie"].sum()
    masques = lues.assign(m=lues["est_diffuse"] == "ndiff").groupby(cle)["m"].any()
    totaux = base.set_index(["Code.département", "annee", "classe"])["faits"].astype(int)
    totaux.index.names = cle
    totaux = totaux.reindex(publies.index)
    assert totaux.notna().all() and (totaux >= publies).all()
    assert (totaux[~masques] == publies[~masques]).all()  # nothing masked: the plain sum
    assert (totaux[masques] > publies[masques]).any()  # the masked communes' facts are in it


def test_the_file_carries_the_real_populations_already_recorded(tmp_path):
    """Poitiers' real 2021 population is recorded: the generated file gives it for 2021, and
    the rates it publishes that year are its counts over it (the import keeps the real one, so a
    page's count, denominator and rate agree); an illustrative population is not taken."""
    from cls_poitiers.models import Population
    from tests.factories import TerritoireFactory

    poitiers = TerritoireFactory(code="86194", nom="Poitiers")
    Population.objects.create(territoire=poitiers, annee=2021, habitants=12345, source="INSEE")
    Population.objects.create(territoire=poitiers, annee=2022, habitants=54321, illustratif=True, source="x")
    chemin = tmp_path / "national.csv"
    generer("--fichier-national", str(chemin), "--lignes-nationales", "3000")
    tableau = pd.read_csv(chemin, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    poitiers_2021 = tableau[(tableau["CODGEO_2026"] == "86194") & (tableau["annee"] == "2021")]
    assert set(poitiers_2021["insee_pop"]) == {"12345"}
    par_logements = {libelle for libelle, _u, par_log, _t in generation.INDICATEURS_2025 if par_log}
    publie = poitiers_2021[
        (poitiers_2021["est_diffuse"] == "diff") & ~poitiers_2021["indicateur"].isin(par_logements)
    ]
    assert len(publie)
    for nombre, taux in zip(publie["nombre"], publie["taux_pour_mille"], strict=True):
        assert float(taux.replace(",", ".")) == pytest.approx(int(nombre) / 12345 * 1000)
    poitiers_2022 = tableau[(tableau["CODGEO_2026"] == "86194") & (tableau["annee"] == "2022")]
    assert set(poitiers_2022["insee_pop"]) != {"54321"}
