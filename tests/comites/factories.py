"""factory_boy factories for the committees."""

import datetime

import factory

from comites.models import Comite, Membre, Reunion
from tests.factories import PartenaireFactory, TerritoireFactory, commune_du_contrat, contrat_du_conseil


def a_paris(annee, mois, jour, heure=14, minute=0) -> datetime.datetime:
    """An aware datetime in Europe/Paris (the platform's time zone)."""
    from zoneinfo import ZoneInfo

    return datetime.datetime(annee, mois, jour, heure, minute, tzinfo=ZoneInfo("Europe/Paris"))


class ComiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comite
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    contrat = factory.LazyFunction(contrat_du_conseil)
    code = factory.Sequence(lambda n: f"comite-{n}")
    nom = factory.Sequence(lambda n: f"Comité de pilotage {n}")
    type = Comite.Type.PILOTAGE
    rythme = Comite.Rythme.SEMESTRIEL

    class Params:
        gltd = factory.Trait(
            type=Comite.Type.GLTD,
            rythme=Comite.Rythme.BESOIN,
            nom=factory.Sequence(lambda n: f"GLTD {n}"),
            # A quartier of one of the contract's communes: its page is the contract's.
            territoire=factory.LazyFunction(
                lambda: TerritoireFactory(quartier=True, parent=commune_du_contrat())
            ),
        )
        evaluation = factory.Trait(
            type=Comite.Type.EVALUATION,
            rythme=Comite.Rythme.ANNUEL,
            nom=factory.Sequence(lambda n: f"Évaluation {n}"),
        )

    @factory.post_generation
    def secretaires(self, create, extracted, **kwargs):
        if create and extracted:
            self.secretaires.add(*extracted)


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    comite = factory.SubFactory(ComiteFactory)
    partenaire = factory.SubFactory(PartenaireFactory)
    representant = factory.Sequence(lambda n: f"Représentant {n}")
    email = factory.Sequence(lambda n: f"representant{n}@example.fr")


class ReunionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reunion

    comite = factory.SubFactory(ComiteFactory)
    titre = factory.LazyAttribute(lambda r: f"{r.comite.nom} du {r.debut:%d/%m/%Y}")
    debut = factory.LazyFunction(lambda: a_paris(2030, 3, 12))
    fin = factory.LazyAttribute(lambda r: r.debut + datetime.timedelta(hours=2))
    adresse = "Maison de quartier"
