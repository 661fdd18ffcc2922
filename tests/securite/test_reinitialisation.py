"""Password reset tells nothing about the address: the same answer, without any exchange with the
mail server in the request, for a known and an unknown address; the mail waits in the outbox."""

import pytest
from django.urls import reverse

from cls_poitiers.models import Courriel

pytestmark = pytest.mark.django_db


class ServeurQuiPend:
    """A mail backend whose every use would hang or fail: the request must not reach it."""

    appels = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        ServeurQuiPend.appels += 1
        raise TimeoutError("le serveur de courriel ne répond pas")

    def open(self):
        ServeurQuiPend.appels += 1
        raise TimeoutError("le serveur de courriel ne répond pas")

    def close(self):
        pass


@pytest.fixture
def serveur_qui_pend(settings):
    ServeurQuiPend.appels = 0
    chemin = f"{__name__}.ServeurQuiPend"
    settings.MAILERS = {"default": {"BACKEND": chemin, "OPTIONS": {}}}
    return ServeurQuiPend


@pytest.mark.parametrize("connue", [True, False], ids=["adresse-connue", "adresse-inconnue"])
def test_password_reset_answers_the_same_without_contacting_the_mail_server(
    client_de, partenaire, serveur_qui_pend, connue
):
    adresse = partenaire.email if connue else "personne@example.fr"
    response = client_de(None).post(reverse("password_reset"), {"email": adresse})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert serveur_qui_pend.appels == 0


def test_outbox_holds_the_reset_mail_for_the_known_address_only(client_de, partenaire, serveur_qui_pend):
    client_de(None).post(reverse("password_reset"), {"email": "personne@example.fr"})
    assert not Courriel.objects.exists()
    client_de(None).post(reverse("password_reset"), {"email": partenaire.email})
    courriel = Courriel.objects.get()
    assert courriel.destinataires == [partenaire.email]
    assert courriel.statut == Courriel.Statut.EN_ATTENTE
    assert courriel.tentatives == 0
    assert "/reinitialisation/" in courriel.corps


@pytest.mark.django_db(transaction=True)
def test_password_reset_never_connects_to_a_listening_mail_server(settings, client_de, partenaire):
    """On a real socket and the production queue: both answers come, the same, without one
    connection to the mail server; the known address's e-mail waits for the worker."""
    from django_tasks_db.models import DBTaskResult

    from cls_poitiers.courriels import envoyer_courriel
    from tests.support.smtp import ServeurMuet

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with ServeurMuet() as serveur:
        settings.MAILERS = serveur.reglages(timeout=5)
        reponses = [
            client_de(None).post(reverse("password_reset"), {"email": adresse})
            for adresse in ("personne@example.fr", partenaire.email)
        ]
        assert serveur.connexions == 0
    assert {(r.status_code, r["Location"]) for r in reponses} == {(302, reverse("password_reset_done"))}
    courriel = Courriel.objects.get()
    assert courriel.destinataires == [partenaire.email]
    assert courriel.confidentiel
    (tache,) = DBTaskResult.objects.all()
    assert (tache.task_path, tache.args_kwargs["args"]) == (envoyer_courriel.module_path, [courriel.pk])
