"""Idempotent writes: nothing is saved when nothing changed; who and why go into the history."""

import pytest

from cls_poitiers.enregistrement import update_or_create_si_change
from engagements.models import Action
from tests.factories import PrioriteFactory

pytestmark = pytest.mark.django_db


def test_saves_only_what_changed_with_who_and_why_in_the_history(coordination):
    priorite = PrioriteFactory()
    valeurs = {"priorite": priorite, "titre": "Îlotage"}

    action, cree = update_or_create_si_change(
        Action, valeurs, par=coordination, motif="Chargement", reference="a"
    )
    assert cree
    assert update_or_create_si_change(Action, valeurs, par=coordination, reference="a") == (action, False)
    update_or_create_si_change(
        Action, {**valeurs, "titre": "Îlotage renforcé"}, motif="Avenant", reference="a"
    )

    historique = list(
        action.history.order_by("history_date").values_list("history_user", "history_change_reason")
    )
    assert historique == [(coordination.pk, "Chargement"), (None, "Avenant")]
