"""Every page of the committees renders on the whole demo, for each demo role, with an exact
number of queries."""

import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Territoire, Utilisateur
from comites.models import Comite, Reunion
from tests.conftest import REQUETES_CONNEXION

pytestmark = pytest.mark.django_db


# The observatory's panel (home and territory pages, for the roles that read figures): the current
# contract with its territory, the territories under it, then down to the quartiers, their
# populations, the sources with figures, the figures summed, their indicators.
OBSERVATOIRE = 7
# What a committee's manager (a secretary, the coordination) reads more on the home page: whether
# they manage a committee, the drafts to convene, the minutes missing, whether one is a steering
# committee, the contract, its steering committees' rhythm and their meetings (rhythm warning).
# On the committees' list: the committees they manage; on a committee's page: whether they manage it.
GERE_ACCUEIL = 7
GERE_COMITES = 1
SECRETAIRE, COORDINATION, PARTENAIRE = "secretariat", "coordination", "partenaire"
# Login, then, per page (roles aside):
# - home: the contract, the next meetings, the adopted review and the draft, the header's
#   organisation; the coordination also the commitments per status and the reports to validate,
#   a partner its organisation's commitments;
# - committees: the current contract, the header's organisation, its committees with their
#   coming meetings;
# - meetings: the count, the header's organisation, the filter form's committees, the page;
# - calendar: the month's meetings, the calendar token, the header's organisation;
# - rhythm: the contract, the rhythm and the meetings of its steering committees, then of its
#   evaluation committees, the header's organisation;
# - a committee: the committee, the header's organisation, its members, its secretaries, its
#   meetings;
# - a territory: the territory, the header's organisation, its quartiers, its populations, the
#   panels of its meetings and of its commitments.
REQUETES = {
    "accueil": {
        SECRETAIRE: 5 + GERE_ACCUEIL,
        COORDINATION: 5 + 2 + GERE_ACCUEIL + OBSERVATOIRE,
        PARTENAIRE: 5 + 1 + OBSERVATOIRE,
    },
    "comites": {SECRETAIRE: 3 + GERE_COMITES, COORDINATION: 3 + GERE_COMITES, PARTENAIRE: 3},
    "reunions": dict.fromkeys((SECRETAIRE, COORDINATION, PARTENAIRE), 4),
    "calendrier": dict.fromkeys((SECRETAIRE, COORDINATION, PARTENAIRE), 3),
    "rythme": dict.fromkeys((SECRETAIRE, COORDINATION, PARTENAIRE), 4),
    "comite": {SECRETAIRE: 5 + GERE_COMITES, COORDINATION: 5 + GERE_COMITES, PARTENAIRE: 5},
    "territoire": {SECRETAIRE: 6, COORDINATION: 6 + OBSERVATOIRE, PARTENAIRE: 6 + OBSERVATOIRE},
}


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("secretariat", SECRETAIRE),
        ("coordination", COORDINATION),
        ("parquet", PARTENAIRE),
        ("stp", PARTENAIRE),
    ],
)
def test_demo_pages_render_for_each_role(demo, username, role, django_assert_num_queries):
    client = Client()
    client.force_login(Utilisateur.objects.get(username=username))
    pages = {
        "accueil": "/",
        "comites": reverse("comites:comite_list"),
        "reunions": reverse("comites:reunion_list"),
        "calendrier": reverse("comites:calendrier") + "?mois=1999-12",
        "rythme": reverse("comites:rythme"),
        "comite": reverse("comites:comite_detail", args=["pilotage"]),
        "territoire": Territoire.objects.get(code="QP086005").get_absolute_url(),
    }
    for page, url in pages.items():
        with django_assert_num_queries(REQUETES_CONNEXION + REQUETES[page][role], info=url):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<h1" in response.content.decode(), url
    reunion = Reunion.objects.filter(comite__code="pilotage", statut="cr_approuve").first()
    for nom in ("reunion_detail", "reunion_pdf", "reunion_ics"):
        assert client.get(reverse(f"comites:{nom}", args=[reunion.pk])).status_code == 200


def test_rhythm_page_shows_the_missing_semester_and_warns_the_secretariat(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="secretariat"))
    page = client.get(reverse("comites:rythme")).content.decode()
    assert "1er semestre 2000" in page
    assert "manquante" in page
    assert "Instances à planifier" in page
    assert "Comité de pilotage du CLS : rien n'est prévu pour" in page
    client.force_login(Utilisateur.objects.get(username="stp"))
    assert "Instances à planifier" not in client.get(reverse("comites:rythme")).content.decode()


def test_territory_page_lists_its_meetings_once_and_not_in_the_title(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="parquet"))
    page = client.get(Territoire.objects.get(code="QP086005").get_absolute_url()).content.decode()
    assert page.count("Réunions sur ce territoire") == 1
    titre = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Réunion" not in titre
    assert Comite.objects.get(code="gltd-couronneries").nom in page
