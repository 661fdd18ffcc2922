"""Convening e-mails every member in French with an .ics invitation; a change sends an updated
invitation and a cancellation a cancelled one, with the same UID and a higher SEQUENCE.

The e-mails leave by a background task once the meeting is committed: `envoi()` (tests/conftest.py)
runs what the commit triggers."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from comites import services
from comites.models import Presence
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory, a_paris
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db


def _ics(message):
    (nom, contenu, type_mime) = message.attachments[0]
    assert nom.endswith(".ics")
    assert type_mime.startswith("text/calendar")
    cal = Calendar.from_ical(contenu)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_every_member_receives_a_french_convocation_with_date_time_place_and_agenda(
    reunion, secretariat, envoi
):
    reunion.adresse = "Maison de quartier des Couronneries"
    reunion.save()
    services.ajouter_point(reunion=reunion, par=secretariat, titre="Bilan de l'îlotage", duree_minutes=30)
    services.ajouter_point(reunion=reunion, par=secretariat, titre="Avenants", duree_minutes=20)
    with envoi():
        envoyes = services.convoquer(reunion=reunion, par=secretariat)
    assert envoyes == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["prefete@example.fr", "procureur@example.fr"]
    message = mail.outbox[0]
    assert message.subject.startswith("Convocation : Comité de pilotage — mardi 12/03/2030 à 14h30")
    for attendu in (
        "Vous êtes convoqué(e) à la réunion du Comité de pilotage.",
        "12/03/2030",
        "de 14h30 à 17h00",
        "Maison de quartier des Couronneries",
        "1. Bilan de l'îlotage (30 min)",
        "2. Avenants (20 min)",
        "/comites/reponse/",
    ):
        assert attendu in message.body


def test_a_cellule_de_veille_s_convocation_says_de_la_cellule(reunion, secretariat, envoi):
    """The committee's name after « de » as French writes it: never « la réunion du Cellule »."""
    reunion.comite.nom = "Cellule de veille des Couronneries"
    reunion.comite.save()
    with envoi():
        services.convoquer(reunion=reunion, par=secretariat)
    assert "à la réunion de la Cellule de veille des Couronneries." in mail.outbox[0].body


def test_invitation_is_a_request_with_stable_uid_and_paris_time(reunion, secretariat, envoi):
    with envoi():
        services.convoquer(reunion=reunion, par=secretariat)
    cal, event = _ics(mail.outbox[0])
    assert cal["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"reunion-{reunion.uid}@localhost"
    assert event["SEQUENCE"] == 0
    debut = event.decoded("DTSTART")
    assert debut.tzinfo.key == "Europe/Paris"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert debut == datetime.datetime(2030, 3, 12, 14, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"


def test_a_change_sends_an_updated_invitation_with_a_higher_sequence(reunion, secretariat, envoi):
    with envoi():
        services.convoquer(reunion=reunion, par=secretariat)
    _, premiere = _ics(mail.outbox[0])
    mail.outbox.clear()
    with envoi():
        services.modifier_reunion(
            reunion=reunion,
            par=secretariat,
            data={"debut": a_paris(2030, 3, 13, 9), "fin": a_paris(2030, 3, 13, 12)},
        )
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject.startswith("Modification : ")
    cal, event = _ics(mail.outbox[0])
    assert cal["METHOD"] == "REQUEST"
    assert event["UID"] == premiere["UID"]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime.datetime(2030, 3, 13, 9, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_change_of_a_draft_sends_nothing(reunion, secretariat, envoi):
    with envoi():
        services.modifier_reunion(reunion=reunion, par=secretariat, data={"adresse": "Mairie"})
    assert mail.outbox == []
    reunion.refresh_from_db()
    assert reunion.sequence == 0


def test_cancellation_sends_method_cancel_same_uid_higher_sequence(reunion, secretariat, envoi):
    with envoi():
        services.convoquer(reunion=reunion, par=secretariat)
    with envoi():
        services.modifier_reunion(reunion=reunion, par=secretariat, data={"adresse": "Mairie de Buxerolles"})
    mail.outbox.clear()
    with envoi():
        services.annuler(reunion=reunion, par=secretariat, motif="Préfet retenu par une crise")
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("Annulation : ")
    assert "Préfet retenu par une crise" in message.body
    assert "La réunion du Comité de pilotage prévue le mardi 12/03/2030" in message.body
    cal, event = _ics(message)
    assert cal["METHOD"] == "CANCEL"
    assert str(event["UID"]) == reunion.ics_uid
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"


def test_cancelling_a_draft_sends_nothing(reunion, secretariat, envoi):
    with envoi():
        services.annuler(reunion=reunion, par=secretariat, motif="Doublon")
    assert mail.outbox == []


def test_member_without_representative_address_is_reached_through_its_users(secretariat, envoi):
    comite = ComiteFactory(secretaires=[secretariat])
    membre = MembreFactory(comite=comite, email="")
    UtilisateurFactory(partenaire=membre.partenaire, email="agent1@stp.example")
    UtilisateurFactory(partenaire=membre.partenaire, email="agent2@stp.example")
    reunion = ReunionFactory(comite=comite)
    with envoi():
        services.convoquer(reunion=reunion, par=secretariat)
    assert mail.outbox[0].to == ["agent1@stp.example", "agent2@stp.example"]


def test_urgent_meeting_is_convened_at_once(comite, secretariat, envoi):
    with envoi():
        reunion = services.convoquer_en_urgence(
            comite=comite,
            par=secretariat,
            debut=a_paris(2030, 1, 5, 18),
            fin=a_paris(2030, 1, 5, 19, 30),
            objet="Violences urbaines aux Couronneries",
            adresse="Préfecture",
        )
    assert reunion.statut == "convoquee"
    assert reunion.nature == "urgente"
    assert list(reunion.points.values_list("titre", "duree_minutes")) == [
        ("Violences urbaines aux Couronneries", 90)
    ]
    assert len(mail.outbox) == 2
    assert "(réunion urgente)" in mail.outbox[0].subject


def test_overlapping_meetings_with_the_same_members_are_found(comite, partenaire, secretariat):
    autre = ComiteFactory(nom="GLTD des Couronneries")
    MembreFactory(comite=autre, partenaire=partenaire.partenaire)
    existante = ReunionFactory(comite=autre, debut=a_paris(2030, 3, 12, 16), fin=a_paris(2030, 3, 12, 18))
    sans_membre_commun = ReunionFactory(debut=a_paris(2030, 3, 12, 16), fin=a_paris(2030, 3, 12, 18))
    trouvees = services.chevauchements(
        comite=comite, debut=a_paris(2030, 3, 12, 14), fin=a_paris(2030, 3, 12, 17)
    )
    assert list(trouvees) == [existante]
    assert sans_membre_commun not in trouvees
    # Back to back is not an overlap.
    assert not services.chevauchements(
        comite=comite, debut=a_paris(2030, 3, 12, 18), fin=a_paris(2030, 3, 12, 19)
    ).exists()


def test_presences_keep_one_row_per_member(reunion, secretariat, envoi):
    with envoi():
        services.convoquer(reunion=reunion, par=secretariat)
    assert Presence.objects.filter(reunion=reunion).count() == 2
