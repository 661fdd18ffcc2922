"""The commitment services version every change and refuse a stale save."""

import datetime

import pytest

from engagements.models import Action, Engagement
from engagements.services import ConflitDeVersion, modifier_engagement
from tests.factories import PartenaireFactory, PrioriteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(coordination):
    action = Action.objects.create(
        priorite=PrioriteFactory(contrat__date_signature=datetime.date(1998, 7, 8)),
        reference="a-1",
        titre="Action",
    )
    return Engagement.objects.create(
        action=action,
        reference="e-1",
        partenaire=PartenaireFactory(),
        description="Recruter des médiateurs",
        unite="agents",
        valeur_cible=4,
        echeance=datetime.date(1999, 12, 31),
    )


def test_update_records_who_and_why_in_history(engagement, coordination):
    modifier_engagement(
        engagement=engagement, data={"valeur_cible": 6}, par=coordination, motif="Avenant n°1"
    )
    last = engagement.history.latest()
    assert last.valeur_cible == 6
    assert last.version == 2
    assert last.history_user == coordination
    assert last.history_change_reason == "Avenant n°1"


def test_stale_version_is_refused_with_what_changed(engagement, coordination, partenaire):
    modifier_engagement(engagement=engagement, data={"valeur_cible": 6}, par=coordination, version_attendue=1)
    with pytest.raises(ConflitDeVersion) as excinfo:
        modifier_engagement(
            engagement=engagement, data={"valeur_cible": 8}, par=partenaire, version_attendue=1
        )
    assert excinfo.value.changements == {"valeur_cible": (4, 6)}
    engagement.refresh_from_db()
    assert engagement.valeur_cible == 6


def test_action_reference_cannot_be_a_word_the_urls_use():
    from django.core.exceptions import ValidationError

    action = Action(priorite=PrioriteFactory(), reference="nouvelle", titre="Action")
    with pytest.raises(ValidationError, match="mot réservé"):
        action.full_clean()
