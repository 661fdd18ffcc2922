"""The whole demo (core and every app) loads, holds together, and a second load changes nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _comptes():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def test_second_load_changes_nothing_and_keeps_the_amendment(demo):
    from comites.models import Avenant
    from engagements.models import Engagement

    avenant = Avenant.objects.get()
    engagement = Engagement.objects.get(reference="p3-alms-poitiers")
    assert engagement.valeur_cible == Decimal(6), "l'avenant n°1 relève la cible de 5 à 6"
    assert avenant.numero == 1
    avant = _comptes()
    call_command("charger_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _comptes() == avant
    engagement.refresh_from_db()
    assert engagement.valeur_cible == Decimal(6)
    raison = engagement.history.filter(valeur_cible=6).earliest().history_change_reason
    assert raison.startswith("Avenant n°1")


def test_alms_targets_add_up_to_the_contracts_fifteen_before_the_amendment(demo):
    from engagements.models import Engagement

    premieres_cibles = [
        e.history.earliest().valeur_cible for e in Engagement.objects.filter(action__reference="p3-alms")
    ]
    assert sum(premieres_cibles) == 15
    assert len(premieres_cibles) == 6
