"""The month calendar of every meeting the user may see (bounded queries), the personal
iCalendar feed behind a revocable secret, and the committee feeds."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from comites.models import JetonCalendrier
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory, a_paris
from tests.conftest import IDENTITE, REQUETES_CONNEXION

pytestmark = pytest.mark.django_db


def _uids(contenu: bytes) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(contenu).walk("VEVENT")}


def test_month_view_shows_the_meetings_of_the_month_by_day(comite, partenaire, client_de):
    ReunionFactory(
        comite=comite, titre="Pilotage de mars", debut=a_paris(2030, 3, 12, 14), statut="convoquee"
    )
    ReunionFactory(
        comite=comite, titre="Pilotage d'avril", debut=a_paris(2030, 4, 15, 14), statut="convoquee"
    )
    page = client_de(partenaire).get(reverse("comites:calendrier") + "?mois=2030-03").content.decode()
    assert "Calendrier des réunions — mars 2030" in page
    assert "14h00 Comité de pilotage" in page
    assert "?mois=2030-04" in page and "?mois=2030-02" in page


def test_month_view_with_a_bad_month_says_so_and_shows_the_current_month(comite, partenaire, client_de):
    response = client_de(partenaire).get(reverse("comites:calendrier") + "?mois=mars")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mois invalide (attendu AAAA-MM)" in page


def test_month_view_query_count_does_not_grow_with_meetings(
    comite, secretariat, django_assert_num_queries, client_de
):
    for jour in range(1, 29):
        ReunionFactory(comite=comite, debut=a_paris(2030, 3, jour, 9), statut="convoquee")
        gltd = ComiteFactory(gltd=True, secretaires=[secretariat])
        ReunionFactory(comite=gltd, debut=a_paris(2030, 3, jour, 15), statut="brouillon")
    client = client_de(secretariat)
    # Login, then the month's meetings with their committees, the user's calendar token, the
    # header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        response = client.get(reverse("comites:calendrier") + "?mois=2030-03")
        assert response.status_code == 200
        assert response.content.decode().count('class="reunion-calendrier') == 56


def test_personal_feed_is_created_revoked_and_regenerated(comite, partenaire, client_de):
    reunion = ReunionFactory(
        comite=comite, debut=timezone.now() + datetime.timedelta(days=3), statut="convoquee"
    )
    client = client_de(partenaire)
    client.post(reverse("comites:calendrier_jeton"), {"action": "regenerer"})
    jeton = JetonCalendrier.objects.get(utilisateur=partenaire).jeton
    assert jeton in client.get(reverse("comites:calendrier")).content.decode()
    url = reverse("comites:flux_personnel", args=[jeton])
    anonyme = Client()
    response = anonyme.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    assert _uids(response.content) == {reunion.ics_uid}
    assert Calendar.from_ical(response.content)["METHOD"] == "PUBLISH"

    client.post(reverse("comites:calendrier_jeton"), {"action": "regenerer"})
    nouveau = JetonCalendrier.objects.get(utilisateur=partenaire).jeton
    assert nouveau != jeton
    assert anonyme.get(url).status_code == 404
    assert anonyme.get(reverse("comites:flux_personnel", args=[nouveau])).status_code == 200

    client.post(reverse("comites:calendrier_jeton"), {"action": "revoquer"})
    assert not JetonCalendrier.objects.filter(utilisateur=partenaire).exists()
    assert anonyme.get(reverse("comites:flux_personnel", args=[nouveau])).status_code == 404


def test_personal_feed_respects_confidentiality_and_deactivated_users(comite, partenaire, autre_partenaire):
    gltd = ComiteFactory(gltd=True)
    MembreFactory(comite=gltd, partenaire=autre_partenaire.partenaire)
    debut = timezone.now() + datetime.timedelta(days=3)
    ouverte = ReunionFactory(comite=comite, debut=debut, statut="convoquee")
    confidentielle = ReunionFactory(comite=gltd, debut=debut, statut="convoquee")
    brouillon = ReunionFactory(comite=comite, debut=debut)
    jeton = JetonCalendrier.objects.create(utilisateur=partenaire).jeton
    uids = _uids(Client().get(reverse("comites:flux_personnel", args=[jeton])).content)
    assert uids == {ouverte.ics_uid}
    assert confidentielle.ics_uid not in uids and brouillon.ics_uid not in uids
    jeton_membre = JetonCalendrier.objects.create(utilisateur=autre_partenaire).jeton
    assert confidentielle.ics_uid in _uids(
        Client().get(reverse("comites:flux_personnel", args=[jeton_membre])).content
    )
    partenaire.is_active = False
    partenaire.save()
    assert Client().get(reverse("comites:flux_personnel", args=[jeton])).status_code == 404


def test_committee_feed_with_session_or_token(comite, partenaire, autre_partenaire, client_de):
    autre = ComiteFactory(nom="Comité d'évaluation", evaluation=True)
    debut = timezone.now() + datetime.timedelta(days=3)
    mienne = ReunionFactory(comite=comite, debut=debut, statut="convoquee")
    ReunionFactory(comite=autre, debut=debut, statut="convoquee")
    response = client_de(partenaire).get(reverse("comites:flux_comite", args=[comite.code]))
    assert _uids(response.content) == {mienne.ics_uid}
    assert Calendar.from_ical(response.content)["X-WR-CALNAME"] == "Comité de pilotage"
    jeton = JetonCalendrier.objects.create(utilisateur=partenaire).jeton
    assert _uids(Client().get(reverse("comites:flux_comite_jeton", args=[jeton, comite.code])).content) == {
        mienne.ics_uid
    }
    gltd = ComiteFactory(gltd=True)
    assert Client().get(reverse("comites:flux_comite_jeton", args=[jeton, gltd.code])).status_code == 404
    assert client_de(partenaire).get(reverse("comites:flux_comite", args=[gltd.code])).status_code == 404


def test_feed_query_count(comite, partenaire, django_assert_num_queries):
    for i in range(20):
        ReunionFactory(
            comite=comite, debut=timezone.now() + datetime.timedelta(days=i + 1), statut="convoquee"
        )
    jeton = JetonCalendrier.objects.create(utilisateur=partenaire).jeton
    # The token with its user, the user's roles, the meetings they may see, their agenda items,
    # the platform's name (PRODID, ORGANIZER: once for the whole feed).
    with django_assert_num_queries(4 + IDENTITE):
        response = Client().get(reverse("comites:flux_personnel", args=[jeton]))
        assert response.status_code == 200
        assert len(_uids(response.content)) == 20


def _evenements(contenu: bytes) -> dict[str, dict]:
    return {
        str(e["UID"]): {
            "statut": str(e["STATUS"]),
            "sequence": int(e["SEQUENCE"]),
            "debut": e.decoded("DTSTART"),
        }
        for e in Calendar.from_ical(contenu).walk("VEVENT")
    }


def test_feed_leaves_drafts_out_and_gives_each_event_its_true_status(comite, secretariat):
    """The secretary sees their drafts on the platform, but the feed carries only what was announced."""
    debut = timezone.now() + datetime.timedelta(days=3)
    brouillon = ReunionFactory(comite=comite, debut=debut)
    brouillon_annule = ReunionFactory(
        comite=comite, debut=debut, statut="annulee", motif_annulation="Doublon"
    )
    convoquee = ReunionFactory(comite=comite, debut=debut, statut="convoquee", convoquee_le=timezone.now())
    annulee = ReunionFactory(
        comite=comite,
        debut=debut,
        statut="annulee",
        motif_annulation="Salle indisponible",
        convoquee_le=timezone.now(),
    )
    tenue = ReunionFactory(comite=comite, debut=timezone.now() - datetime.timedelta(days=3), statut="tenue")
    jeton = JetonCalendrier.objects.create(utilisateur=secretariat).jeton
    evenements = _evenements(Client().get(reverse("comites:flux_personnel", args=[jeton])).content)
    assert {uid: e["statut"] for uid, e in evenements.items()} == {
        convoquee.ics_uid: "CONFIRMED",
        annulee.ics_uid: "CANCELLED",
        tenue.ics_uid: "CONFIRMED",
    }
    assert brouillon.ics_uid not in evenements and brouillon_annule.ics_uid not in evenements


def test_a_draft_downloaded_from_its_page_is_tentative(reunion, secretariat, client_de):
    contenu = client_de(secretariat).get(reverse("comites:reunion_ics", args=[reunion.pk])).content
    assert _evenements(contenu)[reunion.ics_uid]["statut"] == "TENTATIVE"


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence_in_the_feed(reunion, secretariat, mailoutbox):
    from comites import services

    services.convoquer(reunion=reunion, par=secretariat)
    jeton = JetonCalendrier.objects.create(utilisateur=secretariat).jeton
    avant = _evenements(Client().get(reverse("comites:flux_personnel", args=[jeton])).content)[
        reunion.ics_uid
    ]
    nouveau = reunion.debut + datetime.timedelta(days=2)
    services.modifier_reunion(
        reunion=reunion,
        par=secretariat,
        data={"debut": nouveau, "fin": nouveau + datetime.timedelta(hours=2)},
    )
    apres = _evenements(Client().get(reverse("comites:flux_personnel", args=[jeton])).content)
    assert set(apres) == {reunion.ics_uid}
    assert apres[reunion.ics_uid]["sequence"] == avant["sequence"] + 1
    assert apres[reunion.ics_uid]["debut"] == nouveau
