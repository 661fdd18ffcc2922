"""factory_boy factories for the engagements app."""

import datetime
from decimal import Decimal

import factory

from engagements.models import Action, Engagement, PointEtape
from tests.factories import PartenaireFactory, PrioriteFactory, UtilisateurFactory


def _lettres(n: int) -> str:
    """0 → "a", 25 → "z", 26 → "ba": a sequence number written without digits."""
    lettres = ""
    while True:
        n, reste = divmod(n, 26)
        lettres = chr(ord("a") + reste) + lettres
        if n == 0:
            return lettres


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    # The current contract's (signed as the reference contract, ContratFactory: dates of
    # commitments and reports may not precede it).
    priorite = factory.SubFactory(PrioriteFactory)
    reference = factory.Sequence(lambda n: f"action-{n}")
    titre = factory.Sequence(lambda n: f"Fiche-action {n}")


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    action = factory.SubFactory(ActionFactory)
    reference = factory.Sequence(lambda n: f"engagement-{n}")
    partenaire = factory.SubFactory(PartenaireFactory)
    # No digits: a label never writes a figure its fields hold (the target may be any number).
    description = factory.Sequence(lambda n: f"Engagement de test {_lettres(n)}")
    unite = "agents"
    valeur_initiale = Decimal(0)
    valeur_cible = Decimal(10)
    echeance = datetime.date(1999, 12, 31)

    class Params:
        # A falling target: fewer incidents, from 120 down to 80.
        descendant = factory.Trait(unite="incidents", valeur_initiale=Decimal(120), valeur_cible=Decimal(80))


class PointEtapeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointEtape

    engagement = factory.SubFactory(EngagementFactory)
    date = datetime.date(1999, 6, 30)
    valeur = Decimal(5)
    auteur = factory.SubFactory(UtilisateurFactory)
