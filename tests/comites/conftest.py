"""A committee with its secretary (the `secretariat` persona), a member organisation (the
`partenaire` persona's), and a meeting in preparation."""

import datetime

import pytest

from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory, a_paris
from tests.factories import PartenaireFactory


@pytest.fixture
def comite(secretariat, partenaire):
    comite = ComiteFactory(nom="Comité de pilotage", secretaires=[secretariat])
    MembreFactory(
        comite=comite,
        partenaire=partenaire.partenaire,
        representant="Mme Préfète",
        email="prefete@example.fr",
    )
    MembreFactory(
        comite=comite,
        partenaire=PartenaireFactory(nom="Parquet"),
        representant="M. le Procureur",
        email="procureur@example.fr",
    )
    return comite


@pytest.fixture
def reunion(comite):
    return ReunionFactory(comite=comite, debut=a_paris(2030, 3, 12, 14, 30), fin=a_paris(2030, 3, 12, 17))


@pytest.fixture
def reunion_passee(comite):
    """A meeting that took place (convened, then held) yesterday."""
    from django.utils import timezone

    debut = timezone.now() - datetime.timedelta(days=1)
    return ReunionFactory(
        comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2), statut="convoquee"
    )
