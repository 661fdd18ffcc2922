"""What the committees add to the core's pages: the home panel, the amendments on a commitment's
page, the meetings on a territory's page, and the navigation."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from cls_poitiers import registry
from comites import services
from engagements.models import Action, Engagement
from tests.comites.factories import ReunionFactory, a_paris
from tests.conftest import REQUETES_CONNEXION
from tests.factories import PartenaireFactory, PrioriteFactory

pytestmark = pytest.mark.django_db


def test_home_panel_lists_next_meetings_and_what_the_secretary_must_do(
    comite, secretariat, partenaire, monkeypatch
):
    # A fixed day well inside a semester: in December, "in 30 days" would be the next semester,
    # which would then have a meeting.
    maintenant = a_paris(2026, 3, 10)
    monkeypatch.setattr(timezone, "now", lambda: maintenant)
    ReunionFactory(
        comite=comite,
        titre="Pilotage à venir",
        debut=maintenant + datetime.timedelta(days=4),
        statut="convoquee",
    )
    ReunionFactory(
        comite=comite, titre="Pilotage à convoquer", debut=maintenant + datetime.timedelta(days=30)
    )
    ReunionFactory(
        comite=comite,
        titre="Pilotage sans compte rendu",
        debut=maintenant - datetime.timedelta(days=5),
        statut="tenue",
    )
    client = Client()
    client.force_login(secretariat)
    page = client.get("/").content.decode()
    assert "Pilotage à venir" in page
    assert "À faire au secrétariat" in page
    assert "À convoquer :" in page and "Pilotage à convoquer" in page
    assert "Comptes rendus manquants :" in page and "Pilotage sans compte rendu" in page
    assert f"{comite.nom} à planifier" in page  # next semester has nothing

    client.force_login(partenaire)
    page = client.get("/").content.decode()
    assert "Pilotage à venir" in page
    assert "Pilotage à convoquer" not in page  # drafts stay with the secretariat
    assert "À faire au secrétariat" not in page


def test_home_query_count(comite, secretariat, django_assert_num_queries):
    for i in range(10):
        ReunionFactory(
            comite=comite, debut=timezone.now() + datetime.timedelta(days=i + 1), statut="convoquee"
        )
    client = Client()
    client.force_login(secretariat)
    # Login, then the contract; the meetings panel: the next meetings, whether the user manages a
    # committee, the drafts to convene, the minutes missing, whether one is a steering committee,
    # the contract again, its steering committees' rhythm and meetings for the rhythm warning; the
    # reviews panel:
    # the adopted review, the draft; the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 12):
        response = client.get("/")
        assert response.status_code == 200
        assert response.content.decode().count("Comité de pilotage") >= 5


def test_commitment_page_panel_lists_the_amendments_that_changed_it(comite, secretariat, partenaire):
    action = Action.objects.create(
        priorite=PrioriteFactory(contrat=comite.contrat), reference="p2", titre="Îlotage"
    )
    engagement = Engagement.objects.create(
        action=action,
        reference="p2-ads",
        partenaire=PartenaireFactory(),
        description="ADS",
        unite="agents",
        valeur_cible=36,
        echeance=datetime.date(2000, 12, 31),
    )
    reunion = ReunionFactory(comite=comite, debut=a_paris(1999, 12, 15), statut="tenue")
    services.adopter_avenant(
        reunion=reunion,
        par=secretariat,
        texte="Cible relevée",
        objet="cible",
        engagement=engagement,
        nouvelle_valeur=Decimal("40"),
    )
    request = RequestFactory().get("/")
    request.user = partenaire
    (panneau,) = [
        p
        for p in registry.detail_panels_for(request, engagement)
        if p["template"] == "comites/_panneau_engagement.html"
    ]
    html = render_to_string(panneau["template"], {"panel": panneau["context"], "request": request})
    assert "Avenant n°1" in html
    assert "valeur cible : 36 → 40" in html
    assert reunion.get_absolute_url() in html  # the partner may see this pilotage meeting


def test_navigation_entries_for_roles(partenaire, analyste):
    assert {e.url_name for e in registry.nav_for(partenaire)} >= {
        "comites:comite_list",
        "comites:calendrier",
        "comites:rythme",
    }
    assert not {e.url_name for e in registry.nav_for(analyste)} & {
        "comites:comite_list",
        "comites:calendrier",
    }
