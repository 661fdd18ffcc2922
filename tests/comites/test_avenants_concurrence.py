"""Two secretaries recording amendments at the same moment get distinct, consecutive numbers.

Runs against PostgreSQL, where `select_for_update` locks the contract row; SQLite has no row
locks (it serialises writers for the whole database), so there is nothing to race there."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from comites import services
from comites.models import Avenant
from engagements.models import Action, Engagement
from tests.comites.factories import ComiteFactory, ReunionFactory, a_paris
from tests.factories import PartenaireFactory, PrioriteFactory, UtilisateurFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="verrous de ligne : PostgreSQL seulement"),
]


def test_concurrent_amendments_get_distinct_consecutive_numbers(monkeypatch):
    # Widen the window between reading the last number and writing the new one, as a slow
    # engagement update would.
    motif = services.motif_avenant

    def motif_lent(**kwargs):
        time.sleep(0.3)
        return motif(**kwargs)

    monkeypatch.setattr(services.avenants, "motif_avenant", motif_lent)
    comite = ComiteFactory()
    secretaire = UtilisateurFactory()
    action = Action.objects.create(priorite=PrioriteFactory(contrat=comite.contrat), reference="a", titre="A")
    travaux = []
    for i in range(4):
        engagement = Engagement.objects.create(
            action=action,
            reference=f"e-{i}",
            partenaire=PartenaireFactory(),
            description="x",
            unite="u",
            valeur_cible=10,
            echeance=datetime.date(2000, 1, 1),
        )
        # Distinct committees of the same contract: only the contract's numbering is shared.
        pilotage = comite if i == 0 else ComiteFactory(contrat=comite.contrat)
        reunion = ReunionFactory(comite=pilotage, debut=a_paris(1999, 1 + i, 10), statut="tenue")
        travaux.append((reunion, engagement))
    depart = threading.Barrier(len(travaux))
    erreurs = []

    def adopter(reunion, engagement):
        try:
            depart.wait()
            services.adopter_avenant(
                reunion=reunion,
                par=secretaire,
                texte="Cible",
                objet="cible",
                engagement=engagement,
                nouvelle_valeur=Decimal(20),
            )
        except Exception as exc:  # noqa: BLE001 (reported below)
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=adopter, args=travail) for travail in travaux]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert erreurs == []
    assert sorted(Avenant.objects.values_list("numero", flat=True)) == [1, 2, 3, 4]
