"""Login throttling by account and by address: one address trying many accounts is stopped; one
person's typos behind a shared gateway lock their own account only; the coordination unlocks."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.conftest import MOT_DE_PASSE, _persona

pytestmark = pytest.mark.django_db


def _connexion(client, username, mot_de_passe):
    return client.post(reverse("login"), {"username": username, "password": mot_de_passe})


@pytest.fixture
def comptes(db):
    return [_persona(f"p-compte-{i}", "Partenaire") for i in range(4)]


def test_one_address_trying_four_accounts_four_times_is_locked_out_of_all(comptes):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for compte in comptes:
        for _ in range(4):
            _connexion(client, compte.username, "mauvais-mot-de-passe")
    for compte in comptes:
        response = _connexion(Client(REMOTE_ADDR="203.0.113.7"), compte.username, MOT_DE_PASSE)
        assert response.status_code == 429, compte.username
        assert "Compte temporairement bloqué" in response.content.decode()


def test_typos_behind_a_shared_gateway_lock_only_the_account_that_made_them(comptes, settings):
    passerelle = "198.51.100.1"
    maladroit, collegue = comptes[0], comptes[1]
    for _ in range(settings.AXES_ECHECS_COMPTE):
        _connexion(Client(REMOTE_ADDR=passerelle), maladroit.username, "faute-de-frappe")
    assert _connexion(Client(REMOTE_ADDR=passerelle), maladroit.username, MOT_DE_PASSE).status_code == 429
    client = Client(REMOTE_ADDR=passerelle)
    assert _connexion(client, collegue.username, MOT_DE_PASSE).status_code == 302
    assert "_auth_user_id" in client.session


def test_coordination_unlocks_an_account_from_the_login_journal(client_de, coordination, comptes, settings):
    bloque = comptes[0]
    for _ in range(settings.AXES_ECHECS_COMPTE):
        _connexion(Client(), bloque.username, "mauvais")
    client = client_de(coordination)
    page = client.get(reverse("journal_connexions"))
    assert "Débloquer le compte" in page.content.decode()
    response = client.post(reverse("journal_connexion_debloquer"), {"username": bloque.username}, follow=True)
    assert f"Le compte « {bloque.username} » est débloqué." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=bloque.username).exists()
    assert _connexion(Client(), bloque.username, MOT_DE_PASSE).status_code == 302


def test_coordination_unlocks_an_address(client_de, coordination, comptes):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for compte in comptes:
        for _ in range(3):
            _connexion(client, compte.username, "mauvais")
    client_de(coordination).post(reverse("journal_connexion_debloquer"), {"adresse": "203.0.113.9"})
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()


def test_only_the_coordination_unlocks(client_de, partenaire, comptes, settings):
    for _ in range(settings.AXES_ECHECS_COMPTE):
        _connexion(Client(), comptes[0].username, "mauvais")
    response = client_de(partenaire).post(
        reverse("journal_connexion_debloquer"), {"username": comptes[0].username}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=comptes[0].username).exists()
    assert client_de(None).get(reverse("journal_connexion_debloquer")).status_code in (302, 405)
