"""The national territorial referential: the real package once (counts, identity by level and code,
links), then small packages written by the tests (updates, deletions, bad input)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from cls_poitiers import referentiel
from cls_poitiers.models import Contrat, Population, Territoire
from tests.factories import TerritoireFactory


def _paquet(tmp_path, communes, epci=(), departements=None, regions=None, version="6.0.0"):
    (tmp_path / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    fichiers = {
        "regions.json": regions or [{"code": "75", "nom": "Nouvelle-Aquitaine"}],
        "departements.json": departements
        or [{"code": "86", "nom": "Vienne", "region": "75"}, {"code": "75", "nom": "Paris", "region": "11"}],
        "communes.json": communes,
        "epci.json": list(epci),
    }
    for nom, contenu in fichiers.items():
        (tmp_path / "data" / nom).write_text(json.dumps(contenu), encoding="utf-8")
    return tmp_path


def _commune(code, nom, population, epci=None, departement="86", region="75"):
    return {
        "code": code,
        "nom": nom,
        "type": "commune-actuelle",
        "departement": departement,
        "region": region,
        "population": population,
    }


@pytest.mark.django_db
def test_the_national_referential_loads_every_level_with_distinct_codes_and_again_changes_nothing(capsys):
    call_command("charger_referentiel")
    comptes = dict(Territoire.objects.values_list("niveau").annotate(n=Count("pk")))
    assert comptes == {"pays": 1, "region": 26, "departement": 109, "epci": 1255, "commune": 34969}
    assert Territoire.objects.values("niveau", "code").distinct().count() == Territoire.objects.count()

    # Two territories share code 75: Paris (département) and Nouvelle-Aquitaine (région).
    assert dict(Territoire.objects.filter(code="75").values_list("niveau", "nom")) == {
        "departement": "Paris",
        "region": "Nouvelle-Aquitaine",
    }
    chatellerault = Territoire.objects.select_related("departement", "region", "epci", "parent").get(
        niveau="commune", code="86066"
    )
    assert (chatellerault.nom, chatellerault.population_legale, chatellerault.annee_population_legale) == (
        "Châtellerault",
        31003,
        2022,
    )
    assert (chatellerault.departement.code, chatellerault.region.code) == ("86", "75")
    assert chatellerault.parent == chatellerault.departement
    assert chatellerault.departement.parent == chatellerault.region
    assert chatellerault.region.parent.niveau == "pays"
    assert chatellerault.nom_recherche == "chatellerault"
    grand_poitiers = Territoire.objects.get(niveau="epci", code="200069854")
    assert grand_poitiers.communes_membres.count() == 40
    france = Territoire.objects.get(niveau="pays")
    # INSEE's France: metropolitan France and the overseas départements, without the eight
    # overseas collectivities (602 143 inhabitants in the 2022 figures).
    regions = Territoire.objects.filter(niveau="region")
    assert france.population_legale == sum(
        referentiel.hors_collectivites_d_outre_mer(regions).values_list("population_legale", flat=True)
    )
    assert sum(regions.values_list("population_legale", flat=True)) - france.population_legale == 602143
    capsys.readouterr()

    call_command("charger_referentiel")
    assert "rien n'a changé" in capsys.readouterr().out
    assert Territoire.objects.count() == sum(comptes.values())


@pytest.mark.django_db
def test_an_update_renames_moves_and_repopulates_and_says_what_changed(tmp_path):
    dossier = _paquet(tmp_path, [_commune("86066", "Châtellerault", 31003)])
    referentiel.charger(dossier)
    _paquet(
        tmp_path,
        [_commune("86066", "Châtellerault", 31500), _commune("86194", "Poitiers", 89916)],
        epci=[{"code": "248600413", "nom": "CA Grand Châtellerault", "membres": [{"code": "86066"}]}],
    )
    rapport = referentiel.charger(dossier)
    assert rapport.crees == {"epci": 1, "commune": 1}
    assert rapport.modifies["commune"] == 1
    commune = Territoire.objects.get(niveau="commune", code="86066")
    assert commune.population_legale == 31500
    assert commune.epci.nom == "CA Grand Châtellerault"
    assert referentiel.charger(dossier).inchange


@pytest.mark.django_db
def test_a_contracts_commune_keeps_its_place_in_the_contracts_tree(tmp_path):
    district = TerritoireFactory(district=True)
    commune = TerritoireFactory(code="86066", nom="Chatellerault (saisi à la main)", parent=district)
    referentiel.charger(_paquet(tmp_path, [_commune("86066", "Châtellerault", 31003)]))
    commune.refresh_from_db()
    assert commune.parent == district
    assert commune.nom == "Châtellerault"
    assert commune.departement.code == "86"
    assert commune.referentiel


@pytest.mark.django_db
def test_a_territory_gone_from_the_referential_is_deleted_unless_data_points_to_it(tmp_path):
    dossier = _paquet(
        tmp_path, [_commune("86066", "Châtellerault", 31003), _commune("86001", "Ancienne commune", 100)]
    )
    referentiel.charger(dossier)
    ancienne = Territoire.objects.get(niveau="commune", code="86001")
    Contrat.objects.create(
        titre="Contrat", territoire=ancienne, date_signature="2020-01-01", annee_diagnostic=2019
    )
    _paquet(tmp_path, [_commune("86066", "Châtellerault", 31003)])
    rapport = referentiel.charger(dossier)
    assert rapport.conserves == [ancienne]
    assert "des données s'y rattachent" in " ".join(rapport.lignes())
    ancienne.refresh_from_db()
    assert not ancienne.referentiel

    _paquet(tmp_path, [])
    rapport = referentiel.charger(dossier)
    assert rapport.supprimes == {"commune": 1}
    assert not Territoire.objects.filter(niveau="commune", code="86066").exists()
    assert Territoire.objects.filter(niveau="commune", code="86001").exists()


@pytest.mark.django_db
def test_a_missing_package_is_a_french_error_and_changes_nothing(tmp_path):
    with pytest.raises(CommandError, match="Référentiel introuvable.*make install"):
        call_command("charger_referentiel", dossier=str(tmp_path))
    assert not Territoire.objects.exists()


@pytest.mark.django_db
def test_a_load_cut_halfway_leaves_nothing(tmp_path, monkeypatch):
    dossier = _paquet(tmp_path, [_commune("86066", "Châtellerault", 31003)])

    def panne(*args, **kwargs):
        raise RuntimeError("coupure")

    monkeypatch.setattr(referentiel._Chargement, "_retirer_les_disparus", panne)
    with pytest.raises(RuntimeError):
        referentiel.charger(dossier)
    assert not Territoire.objects.exists()
    assert not Population.objects.exists()
