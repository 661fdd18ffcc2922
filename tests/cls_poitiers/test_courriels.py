"""The outbox: an unreachable mail server loses nothing; messages are retried; status is shown."""

import datetime
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cls_poitiers import courriels
from cls_poitiers.models import Courriel
from tests.conftest import REQUETES_CONNEXION
from tests.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

PANNE = {"default": {"BACKEND": "tests.support.mail.ServeurInjoignableBackend"}}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _envoyer(**kwargs):
    return courriels.envoyer(
        destinataires=["a@example.fr", "b@example.fr"],
        sujet="Convocation au comité de pilotage",
        corps="Bonjour",
        pieces_jointes=[("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        **kwargs,
    )


def test_message_is_sent_with_its_attachment(mailoutbox):
    courriel = _envoyer()
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["a@example.fr", "b@example.fr"]
    assert mailoutbox[0].attachments[0].filename == "invitation.ics"


def test_unreachable_server_keeps_the_message_pending_then_retries(settings, mailoutbox):
    settings.MAILERS = PANNE
    courriel = _envoyer()
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.EN_ATTENTE
    assert "SMTPServerDisconnected" in courriel.derniere_erreur
    assert courriel.prochaine_tentative > timezone.now()

    # Not due yet: nothing happens.
    assert courriels.relancer() == (0, 0)
    settings.MAILERS = LOCMEM
    envoyes, restants = courriels.relancer(maintenant=timezone.now() + datetime.timedelta(hours=1))
    assert (envoyes, restants) == (1, 0)
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert courriel.tentatives == 2
    assert len(mailoutbox) == 1


def test_message_fails_for_good_after_the_last_attempt(settings):
    settings.MAILERS = PANNE
    courriel = _envoyer()
    for _ in range(courriels.TENTATIVES_MAX - 1):
        courriels.relancer(maintenant=timezone.now() + datetime.timedelta(days=30))
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ECHEC
    assert courriel.tentatives == courriels.TENTATIVES_MAX


def test_status_per_object(settings):
    territoire = TerritoireFactory()
    _envoyer(objet=territoire)
    settings.MAILERS = PANNE
    _envoyer(objet=territoire)
    assert courriels.statut_pour(territoire) == {"en_attente": 1, "envoye": 1, "echec": 0}


def test_envoyer_relances_retries_pending_messages(settings, mailoutbox):
    settings.MAILERS = PANNE
    courriel = _envoyer()
    Courriel.objects.filter(pk=courriel.pk).update(prochaine_tentative=timezone.now())
    settings.MAILERS = LOCMEM
    call_command("envoyer_relances", stdout=open("/dev/null", "w"))  # noqa: SIM115
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE


def test_outbox_page_shows_status_to_coordination_only(settings, coordination, partenaire):
    settings.MAILERS = PANNE
    _envoyer()
    client = Client()
    client.force_login(coordination)
    html = unescape(client.get(reverse("courriel_list")).content.decode())
    assert "Convocation au comité de pilotage" in html
    assert "En attente d'envoi" in html
    client.force_login(partenaire)
    assert client.get(reverse("courriel_list")).status_code == 403


def test_outbox_query_count(settings, coordination, client_de, django_assert_num_queries):
    settings.MAILERS = PANNE
    for _ in range(12):
        _envoyer()
    client = client_de(coordination)
    # Login, then the count and the page of messages, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        response = client.get(reverse("courriel_list"))
        assert response.status_code == 200
        assert response.content.decode().count("Convocation au comité de pilotage") == 12
