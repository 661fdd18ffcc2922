"""Fault tests: convening a meeting never waits on the mail server. The request commits the meeting
and queues the convocations; the worker (django-tasks-db's `db_worker`, on the database queue, as
in production) sends them, retries them, and marks them failed for good; the meeting page shows
sent, waiting and failed. Real sockets: a "silent" server that accepts and never answers, a port
that refuses, then a server that comes back. Run on SQLite and PostgreSQL alike."""

import time
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from cls_poitiers.models import Courriel
from comites.models import Reunion
from tests.support.smtp import ServeurMuet, ServeurSMTP, port_libre, reglages

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 0.5


@pytest.fixture
def file_en_base(settings):
    """The database queue of production, few and quick attempts."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CLS_COURRIEL_TENTATIVES = 3
    settings.CLS_COURRIEL_DELAI_SECONDES = 0


@pytest.fixture
def client_sec(client_de, secretariat):
    return client_de(secretariat)


def faire_tourner_le_worker():
    """The worker, until no task is ready."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def _etats(reunion) -> set[tuple[str, int]]:
    """(status, attempts) of the meeting's e-mails."""
    return set(Courriel.objects.filter(objet_id=reunion.pk).values_list("statut", "tentatives"))


def _convoquer(client, reunion) -> str:
    response = client.post(reverse("comites:reunion_convoquer", args=[reunion.pk]), follow=True)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_silent_server_convening_answers_at_once_and_mails_end_failed(
    settings, file_en_base, client_sec, reunion
):
    with ServeurMuet() as serveur:
        settings.MAILERS = serveur.reglages(timeout=TIMEOUT)
        page = _convoquer(client_sec, reunion)
        # The answer came without a word to the mail server.
        assert serveur.connexions == 0
        assert "Réunion convoquée : 2 convocation(s) en file d'envoi." in page
        assert "Courriels de convocation : 0 envoyé(s), 2 en file d'envoi, 0 en échec." in page
        reunion.refresh_from_db()
        assert reunion.statut == Reunion.Statut.CONVOQUEE

        faire_tourner_le_worker()
        # Each attempt gave up at the timeout (the worker did not hang): 2 e-mails × 3 attempts.
        assert serveur.connexions == 6

    assert _etats(reunion) == {(Courriel.Statut.ECHEC, 3)}
    assert all("timed out" in c.derniere_erreur for c in Courriel.objects.filter(objet_id=reunion.pk))
    page = unescape(client_sec.get(reunion.get_absolute_url()).content.decode())
    assert "Courriels de convocation : 0 envoyé(s), 0 en file d'envoi, 2 en échec." in page


def test_refused_then_back_the_mails_leave_on_the_next_try(settings, file_en_base, client_sec, reunion):
    settings.CLS_COURRIEL_DELAI_SECONDES = 1
    port = port_libre()
    settings.MAILERS = reglages(port, timeout=TIMEOUT)
    _convoquer(client_sec, reunion)
    faire_tourner_le_worker()
    assert _etats(reunion) == {(Courriel.Statut.EN_ATTENTE, 1)}
    assert all(
        "ConnectionRefusedError" in c.derniere_erreur for c in Courriel.objects.filter(objet_id=reunion.pk)
    )

    with ServeurSMTP(port) as serveur:
        time.sleep(1.1)  # the next try is due
        faire_tourner_le_worker()
    assert sorted(destinataires for destinataires, _ in serveur.recus) == [
        ["prefete@example.fr"],
        ["procureur@example.fr"],
    ]
    assert _etats(reunion) == {(Courriel.Statut.ENVOYE, 2)}
    page = unescape(client_sec.get(reunion.get_absolute_url()).content.decode())
    assert "Courriels de convocation : 2 envoyé(s), 0 en file d'envoi, 0 en échec." in page


def test_without_worker_the_cron_command_sends_what_waits(settings, file_en_base, client_sec, reunion):
    with ServeurSMTP() as serveur:
        settings.MAILERS = serveur.reglages(timeout=TIMEOUT)
        _convoquer(client_sec, reunion)
        assert serveur.recus == []
        call_command("envoyer_courriels", verbosity=0)
        assert len(serveur.recus) == 2
        # The tasks queued meanwhile find nothing left to do: nothing goes twice.
        faire_tourner_le_worker()
        assert len(serveur.recus) == 2
