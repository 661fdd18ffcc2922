"""Concurrent edits never lose an update: two real transactions on PostgreSQL.

Two editors open the same commitment (version 1) and save at the same moment from two
connections; the row lock serialises them, the second sees that the version moved and is
refused with what changed. On SQLite (one writer at a time) the same rule is covered by
tests/engagements/test_services_base.py."""

import datetime
import threading

import pytest
from django.db import connection, connections

from engagements.models import Action, Engagement
from engagements.services import ConflitDeVersion, modifier_engagement
from tests.factories import PartenaireFactory, PrioriteFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="verrous de ligne : PostgreSQL (moteur de production)"
    ),
]


def test_two_simultaneous_saves_one_wins_one_is_refused(coordination, partenaire):
    action = Action.objects.create(priorite=PrioriteFactory(), reference="a-conc", titre="Action")
    engagement = Engagement.objects.create(
        action=action,
        reference="e-conc",
        partenaire=PartenaireFactory(),
        description="Médiateurs",
        unite="agents",
        valeur_cible=4,
        echeance=datetime.date(1999, 12, 31),
    )
    barriere = threading.Barrier(2)
    resultats = {}

    def enregistrer(nom, user, cible):
        try:
            barriere.wait(timeout=10)
            modifier_engagement(
                engagement=Engagement.objects.get(pk=engagement.pk),
                data={"valeur_cible": cible},
                par=user,
                version_attendue=1,
            )
            resultats[nom] = "ok"
        except ConflitDeVersion as exc:
            resultats[nom] = exc
        finally:
            connections.close_all()

    fils = [
        threading.Thread(target=enregistrer, args=("a", coordination, 6)),
        threading.Thread(target=enregistrer, args=("b", partenaire, 8)),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)

    assert sorted(type(r).__name__ for r in resultats.values()) == ["ConflitDeVersion", "str"]
    gagnant = next(n for n, r in resultats.items() if r == "ok")
    perdant = resultats["b" if gagnant == "a" else "a"]
    engagement.refresh_from_db()
    assert engagement.version == 2
    assert engagement.valeur_cible == (6 if gagnant == "a" else 8)
    assert perdant.changements["valeur_cible"] == (4, engagement.valeur_cible)
    assert engagement.history.count() == 2
