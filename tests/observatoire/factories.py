"""Factories for the observatory's models."""

import factory

from observatoire.models import Donnee, Indicateur, LotImport, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"source-{n}")
    libelle = factory.Sequence(lambda n: f"Source {n}")
    nature = Source.Nature.POLICE_LOCALE
    ordre = 1


class IndicateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicateur
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicateur-{n}")
    libelle = factory.Sequence(lambda n: f"Indicateur {n}")
    famille = Indicateur.Famille.BIENS
    unite = Indicateur.Unite.INFRACTION
    nomenclature = "locale"


class LotImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotImport

    type = LotImport.Type.FIGURES
    fichier_nom = "test.csv"
    statut = LotImport.Statut.APPLIQUE
    source = factory.SubFactory(SourceFactory)


class DonneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donnee

    source = factory.SubFactory(SourceFactory)
    indicateur = factory.LazyFunction(lambda: Indicateur.objects.get(code="total-faits-constates"))
    annee = 1997
    mois = 0
    nombre = 10
    lot = factory.SubFactory(LotImportFactory, source=factory.SelfAttribute("..source"))
