"""Partners declare their monthly incidents in their own categories, on their territories."""

import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Partenaire
from observatoire.models import Declaration, Donnee
from tests.conftest import REQUETES_CONNEXION

from .factories import IndicateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def categorie(partenaire):
    partenaire.partenaire.nature = Partenaire.Nature.TRANSPORT
    partenaire.partenaire.save()
    return IndicateurFactory(
        code="bus-degrades",
        libelle="Bus dégradés",
        nomenclature="partenaire",
        partenaire=partenaire.partenaire,
        unite="incident",
        famille="incivilites",
    )


def test_partner_declares_and_corrects_a_month(perimetre, partenaire, categorie):
    partenaire.partenaire.nom, partenaire.partenaire.sigle = "Société des transports poitevins", ""
    partenaire.partenaire.save()
    client = Client()
    client.force_login(partenaire)
    donnees = {"territoire": perimetre["q"].pk, "annee": 1998, "mois": 3, "nombre_bus-degrades": 7}
    assert client.post(reverse("observatoire:declaration_nouvelle"), donnees).status_code == 302
    figure = Donnee.objects.get()
    assert (figure.nombre, figure.declaration.partenaire, figure.source.partenaire) == (
        7,
        partenaire.partenaire,
        partenaire.partenaire,
    )
    assert figure.source.libelle == "Déclarations de la Société des transports poitevins"
    declaration = Declaration.objects.get()
    client.post(
        reverse("observatoire:declaration_modifier", kwargs={"pk": declaration.pk}),
        {**donnees, "nombre_bus-degrades": 9},
    )
    assert Donnee.objects.get().nombre == 9
    assert declaration.history.count() == 2


def test_empty_declaration_is_refused_in_french(perimetre, partenaire, categorie):
    client = Client()
    client.force_login(partenaire)
    page = client.post(
        reverse("observatoire:declaration_nouvelle"),
        {"territoire": perimetre["q"].pk, "annee": 1998, "mois": 3},
    )
    assert "Indiquez au moins un nombre." in page.content.decode()
    assert not Declaration.objects.exists()


def test_another_partner_cannot_edit_a_declaration(
    perimetre, partenaire, autre_partenaire, categorie, analyste
):
    client = Client()
    client.force_login(partenaire)
    client.post(
        reverse("observatoire:declaration_nouvelle"),
        {"territoire": perimetre["q"].pk, "annee": 1998, "mois": 3, "nombre_bus-degrades": 7},
    )
    declaration = Declaration.objects.get()
    client.force_login(autre_partenaire)
    assert (
        client.get(reverse("observatoire:declaration_modifier", kwargs={"pk": declaration.pk})).status_code
        == 404
    )
    assert declaration.pk not in [d.pk for d in Declaration.objects.visibles_par(autre_partenaire)]
    client.force_login(analyste)
    assert client.get(reverse("observatoire:declaration_nouvelle")).status_code == 403
    assert client.get(reverse("observatoire:declarations")).status_code == 200


@pytest.mark.parametrize(("mois", "dernier"), [(12, "décembre 1998"), (40, "avril 2001")])
def test_declaration_list_shows_values_by_category_a_page_at_a_time_in_a_fixed_number_of_queries(
    perimetre, partenaire, categorie, client_de, django_assert_num_queries, mois, dernier
):
    client = client_de(partenaire)
    autre = IndicateurFactory(
        code="abris-degrades",
        libelle="Abris dégradés",
        nomenclature="partenaire",
        partenaire=partenaire.partenaire,
        unite="incident",
        famille="incivilites",
    )
    for n in range(mois):
        annee, m = 1998 + n // 12, n % 12 + 1
        donnees = {
            "territoire": perimetre["q"].pk,
            "annee": annee,
            "mois": m,
            "nombre_bus-degrades": 1000 + n,
            "nombre_abris-degrades": n,
        }
        assert client.post(reverse("observatoire:declaration_nouvelle"), donnees).status_code == 302
    assert autre.donnees.count() == mois
    # Login, then the number of declarations, the page's declarations with their partner,
    # territory and author, their figures with their category, whether the partner has a category
    # to declare, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 5):
        response = client.get(reverse("observatoire:declarations"))
        assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Les Couronneries") == min(mois, 25)
    assert dernier in page
    assert f"Bus dégradés : 1\u202f{mois - 1:03d}" in page and f"Abris dégradés : {mois - 1}" in page
    assert "Catégories déclarées" not in page
    if mois > 25:
        assert "Page 1 sur 2" in page
        suite = client.get(reverse("observatoire:declarations") + "?page=2").content.decode()
        assert suite.count("Les Couronneries") == mois - 25
        assert "janvier 1998" in suite
    else:
        assert "Page 1 sur" not in page
