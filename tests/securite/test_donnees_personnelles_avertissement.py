"""Every free-text field that people fill says it must hold no nominative data about offenders or
victims."""

import pytest

from comites.forms import AnnulationForm, AvenantForm, PointForm, ReunionForm, ReunionUrgenteForm
from engagements.forms import EngagementForm
from tests.comites.factories import ComiteFactory

pytestmark = pytest.mark.django_db

AVERTISSEMENT = "Aucune donnée nominative"


@pytest.mark.parametrize(
    ("formulaire", "champ"),
    [
        (lambda: AnnulationForm(), "motif"),
        (lambda: AvenantForm(), "description"),
        (lambda: EngagementForm(), "motif_abandon"),
        (lambda: ReunionForm(comite=ComiteFactory()), "titre"),
        (lambda: ReunionForm(comite=ComiteFactory()), "adresse"),
        (lambda: ReunionUrgenteForm(comite=ComiteFactory()), "adresse"),
        (lambda: PointForm(), "titre"),
    ],
    ids=[
        "motif d'annulation",
        "description d'un nouvel engagement (avenant)",
        "motif d'abandon",
        "titre de réunion",
        "adresse de réunion",
        "adresse de réunion urgente",
        "point de l'ordre du jour",
    ],
)
def test_every_free_text_field_renders_the_no_nominative_data_warning(formulaire, champ):
    assert AVERTISSEMENT in formulaire()[champ].as_field_group()
