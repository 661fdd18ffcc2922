"""The demo loads the whole Poitiers 1998 contract, and loading it again changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from cls_poitiers.models import Contrat, Partenaire, Population, Priorite, Signataire, Territoire, Utilisateur
from cls_poitiers.permissions import COORDINATION, OBSERVATOIRE, PARTENAIRE, SECRETARIAT

pytestmark = pytest.mark.django_db

MODELES = (Contrat, Partenaire, Population, Priorite, Signataire, Territoire, Utilisateur)


def _counts():
    return {m.__name__: m.objects.count() for m in MODELES}


def test_demo_loads_the_contract(demo):
    contrat = Contrat.objects.get()
    assert contrat.date_signature.isoformat() == "1998-07-08"
    assert Territoire.objects.communes().count() == 10
    assert Territoire.objects.quartiers().count() == 7
    assert Territoire.objects.prioritaires().count() == 11
    assert set(Territoire.objects.communes().prioritaires().values_list("nom", flat=True)) == {
        "Migné-Auxances",
        "Chasseneuil-du-Poitou",
        "Buxerolles",
        "Vouneuil-sous-Biard",
    }
    assert contrat.priorites.count() == 6
    assert contrat.signataires.count() == 9
    assert set(contrat.signataires.values_list("partenaire__code", flat=True)) >= {
        "prefecture",
        "district",
        "parquet",
        "conseil-general",
        "inspection-academique",
        "cci",
        "oparc",
        "stp",
    }


def test_demo_uses_real_insee_codes_and_census_figures(demo):
    poitiers = Territoire.objects.get(code="86194")
    assert poitiers.nom == "Poitiers"
    assert poitiers.populations.get(annee=1999).habitants == 83448
    assert poitiers.populations.get(annee=1999).illustratif is False
    assert Territoire.objects.get(code="86041").populations.get(annee=1990).habitants == 6337
    # No 1999 census figure is known for Montamisé: the demo's figure says it is illustrative.
    assert Territoire.objects.get(code="86163").populations.get(annee=1999).illustratif is True
    assert set(Territoire.objects.quartiers().values_list("parent__code", flat=True)) == {"86194"}


def test_demo_names_where_each_commune_centre_comes_from(demo):
    assert Territoire.objects.get(code="86194").coordonnees_source == (
        "Centre de la commune (référentiel IGN / INSEE)"
    )
    assert Territoire.objects.get(code="86027").coordonnees_source == (
        "Coordonnées approximatives (démonstration)"
    )


def test_demo_users_hold_their_roles(demo):
    def roles(username):
        return set(Utilisateur.objects.get(username=username).groups.values_list("name", flat=True))

    assert roles("coordination") == {COORDINATION}
    assert roles("secretariat") == {SECRETARIAT}
    assert roles("analyste") == {OBSERVATOIRE}
    for username in ("prefecture", "parquet", "stp", "oparc"):
        assert roles(username) == {PARTENAIRE}
        assert Utilisateur.objects.get(username=username).partenaire.code == username
    assert Utilisateur.objects.get(username="stp").check_password("poitiers1998")


def test_demo_is_idempotent(demo):
    before = _counts()
    history_before = Territoire.history.count()
    sortie = io.StringIO()
    call_command("charger_demo", "--force", stdout=sortie)
    assert _counts() == before
    assert Territoire.history.count() == history_before
    # Without the national referential (test settings) the demo creates its communes itself, says
    # so, and loads nothing of the referential.
    assert "Référentiel national absent" in sortie.getvalue()
    assert not Territoire.objects.filter(referentiel=True).exists()
    assert set(Territoire.objects.values_list("niveau", flat=True)) == {
        "departement",
        "district",
        "commune",
        "quartier",
    }


def test_demo_refuses_to_run_in_production_without_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("charger_demo")
    assert Contrat.objects.count() == 0
