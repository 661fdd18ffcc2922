"""Login, logout, the home page per role, and refusals in French."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Contrat, Territoire, Utilisateur
from tests.conftest import MOT_DE_PASSE

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login():
    response = Client().get(reverse("accueil"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_french():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Connexion à la plateforme du CLS" in html
    assert "Mot de passe" in html


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordination", ["Engagements", "Prochaines réunions", "Tableaux de bord"]),
        ("partenaire", ["Engagements", "Prochaines réunions", "Tableaux de bord"]),
        ("secretariat", ["Prochaines réunions"]),
        ("analyste", ["Tableaux de bord"]),
    ],
)
def test_each_role_lands_on_its_home_page(request, persona, expected):
    user = request.getfixturevalue(persona)
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": MOT_DE_PASSE})
    assert response.status_code == 302
    assert response["Location"] == reverse("accueil")
    html = client.get(reverse("accueil")).content.decode()
    for title in expected:
        assert title in html


def test_secretary_home_has_no_dashboard_slot(secretariat):
    client = Client()
    client.force_login(secretariat)
    html = client.get(reverse("accueil")).content.decode()
    assert "Tableaux de bord de l'observatoire" not in html
    assert "Engagements" not in html.split("<main", 1)[1]


def test_wrong_password_gets_a_french_message_and_no_session(partenaire):
    client = Client()
    response = client.post(reverse("login"), {"username": partenaire.username, "password": "faux"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_message():
    response = Client().post(reverse("login"), {"username": "personne", "password": "x"})
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_missing_fields_are_reported_in_french():
    response = Client().post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()


def test_missing_csrf_token_is_refused_in_french(partenaire):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": partenaire.username, "password": MOT_DE_PASSE})
    assert response.status_code == 403
    assert "rien n'a été enregistré" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account(partenaire, settings):
    client = Client()
    for _ in range(settings.AXES_ECHECS_COMPTE):
        client.post(reverse("login"), {"username": partenaire.username, "password": "mauvais"})
    response = client.post(reverse("login"), {"username": partenaire.username, "password": MOT_DE_PASSE})
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(partenaire):
    client = Client()
    client.force_login(partenaire)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("accueil")).status_code == 302


def test_password_reset_sends_a_french_single_use_link(partenaire, mailoutbox, settings):
    settings.CLS_ADRESSE_PUBLIQUE = "https://cls.example.fr"
    client = Client()
    client.post(reverse("password_reset"), {"email": partenaire.email})
    assert mailoutbox == []  # in the outbox, sent by `envoyer_courriels`
    call_command("envoyer_courriels", stdout=StringIO())
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "Réinitialisation de votre mot de passe" in message.subject
    link = next(line for line in message.body.splitlines() if "/reinitialisation/" in line).strip()
    assert link.startswith("https://cls.example.fr/")  # the public address, not the request's host
    path = link.removeprefix("https://cls.example.fr")
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "un-nouveau-mot-de-passe-solide"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert Utilisateur.objects.get(pk=partenaire.pk).check_password(new_password)
    # The same link does not work twice.
    again = Client().get(path, follow=True)
    assert "n'est plus valable" in again.content.decode()


def test_core_pages_render_for_a_partner(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="stp"))

    contrat = Contrat.objects.get()
    html = client.get(contrat.get_absolute_url()).content.decode()
    assert "Mieux connaître la délinquance" in html
    assert "Les Couronneries" in html
    for url in (
        reverse("territoire_list"),
        reverse("partenaire_list"),
        Territoire.objects.get(code="86194").get_absolute_url(),
    ):
        assert client.get(url).status_code == 200
    html = client.get(Territoire.objects.get(code="86194").get_absolute_url()).content.decode()
    assert "83\u202f448" in html


def test_weak_new_password_is_refused_in_french(partenaire):
    client = Client()
    client.force_login(partenaire)
    response = client.post(
        reverse("password_change"),
        {"old_password": MOT_DE_PASSE, "new_password1": "12345678", "new_password2": "12345678"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in html
    assert "entièrement numérique" in html
    assert Utilisateur.objects.get(pk=partenaire.pk).check_password(MOT_DE_PASSE)
