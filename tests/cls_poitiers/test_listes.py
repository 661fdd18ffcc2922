"""The core's lists (partners, territories) read the same number of queries whatever their length."""

import pytest
from django.urls import reverse

from cls_poitiers.models import Signataire
from tests.conftest import REQUETES_CONNEXION, lire_page
from tests.factories import ContratFactory, PartenaireFactory, PopulationFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


def test_partner_list_query_count(analyste, client_de, django_assert_num_queries):
    contrat = ContratFactory()
    for i in range(12):
        partenaire = PartenaireFactory(nom=f"Bailleur {i:02d}")
        if i % 2:
            Signataire.objects.create(contrat=contrat, partenaire=partenaire, qualite=f"Qualité {i}", ordre=i)
    client = client_de(analyste)
    # Login, then the active partners with their territory and their number of signatures,
    # the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 2):
        lire_page(client, reverse("partenaire_list"), "Bailleur 00", "Bailleur 11")


def test_territory_list_query_count(analyste, client_de, django_assert_num_queries):
    district = ContratFactory(territoire__nom="District").territoire
    # A commune of the referential outside the contract: not listed, and no extra query.
    TerritoireFactory(nom="Commune hors du contrat", referentiel=True)
    for i in range(8):
        commune = TerritoireFactory(nom=f"Commune {i:02d}", parent=district)
        PopulationFactory(territoire=commune, annee=1990, habitants=1000 + i)
        PopulationFactory(territoire=commune, annee=1999, habitants=2000 + i)
        for j in range(2):
            TerritoireFactory(quartier=True, nom=f"Quartier {i:02d}-{j}", parent=commune)
    client = client_de(analyste)
    # Login, then the territories above the quartiers with their parent, their children,
    # their populations, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 4):
        page = lire_page(client, reverse("territoire_list"), "Quartier 07-1", "2\u202f007 (1999)")
    assert "Commune hors du contrat" not in page
