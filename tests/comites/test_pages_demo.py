"""Every page of the committees renders on the whole demo, for each demo role, within a bounded
number of queries."""

import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Territoire, Utilisateur
from comites.models import Comite, Reunion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["secretariat", "coordination", "parquet", "stp"])
def test_demo_pages_render_for_each_role(demo, username, django_assert_num_queries):
    client = Client()
    client.force_login(Utilisateur.objects.get(username=username))
    urls = [
        "/",
        reverse("comites:comite_list"),
        reverse("comites:reunion_list"),
        reverse("comites:calendrier") + "?mois=1999-12",
        reverse("comites:rythme"),
        reverse("comites:comite_detail", args=["pilotage"]),
        Territoire.objects.get(code="QP086005").get_absolute_url(),
    ]
    for url in urls:
        with django_assert_num_queries(25):
            response = client.get(url)
        assert response.status_code == 200, url
    reunion = Reunion.objects.filter(comite__code="pilotage", statut="cr_approuve").first()
    for nom in ("reunion_detail", "reunion_pdf", "reunion_ics"):
        assert client.get(reverse(f"comites:{nom}", args=[reunion.pk])).status_code == 200


def test_rhythm_page_shows_the_missing_semester_and_warns_the_secretariat(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="secretariat"))
    page = client.get(reverse("comites:rythme")).content.decode()
    assert "1er semestre 2000" in page
    assert "manquante" in page
    assert "Comité de pilotage à planifier" in page
    client.force_login(Utilisateur.objects.get(username="stp"))
    assert "Comité de pilotage à planifier" not in client.get(reverse("comites:rythme")).content.decode()


def test_territory_page_lists_its_meetings_once_and_not_in_the_title(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="parquet"))
    page = client.get(Territoire.objects.get(code="QP086005").get_absolute_url()).content.decode()
    assert page.count("Réunions sur ce territoire") == 1
    titre = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Réunion" not in titre
    assert Comite.objects.get(code="gltd-couronneries").nom in page
