"""factory_boy factories for the core models. Apps add theirs in tests/<app>/factories.py."""

import datetime

import factory

from cls_poitiers.models import Contrat, Partenaire, Population, Priorite, Territoire, Utilisateur


class TerritoireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territoire
        django_get_or_create = ("niveau", "code")

    code = factory.Sequence(lambda n: f"{86000 + n}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    niveau = Territoire.Niveau.COMMUNE

    class Params:
        district = factory.Trait(
            niveau=Territoire.Niveau.DISTRICT, code=factory.Sequence(lambda n: f"district-{n}")
        )
        quartier = factory.Trait(
            niveau=Territoire.Niveau.QUARTIER,
            code=factory.Sequence(lambda n: f"Q{n:05d}"),
            parent=factory.SubFactory("tests.factories.TerritoireFactory"),
        )


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Population

    territoire = factory.SubFactory(TerritoireFactory)
    annee = 1999
    habitants = 10000
    source = "Test"


class PartenaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partenaire

    code = factory.Sequence(lambda n: f"partenaire-{n}")
    nom = factory.Sequence(lambda n: f"Organisation partenaire {n}")
    nature = Partenaire.Nature.ETAT


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.fr")
    partenaire = factory.SubFactory(PartenaireFactory)


class ContratFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contrat

    titre = "Contrat local de sécurité de test"
    territoire = factory.SubFactory(TerritoireFactory, district=True)
    # A fixed signature (the reference contract's): dates before it are refused, so a random one
    # would make tests that use 1999 deadlines or meetings fail by chance.
    date_signature = datetime.date(1998, 7, 8)
    annee_diagnostic = 1997


def contrat_du_conseil() -> Contrat:
    """The current contract, or a new one: a test's priorities and instances belong to one
    council's contract unless the test says otherwise (lists show the current contract's)."""
    return Contrat.objects.courant() or ContratFactory()


def commune_du_contrat(**kwargs) -> Territoire:
    """A commune inside the current contract's perimeter (under its territory)."""
    return TerritoireFactory(parent=contrat_du_conseil().territoire, **kwargs)


class PrioriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priorite

    contrat = factory.LazyFunction(contrat_du_conseil)
    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Priorité {n}")
