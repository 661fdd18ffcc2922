"""Accounts are created by invitation: the person chooses their password from a one-use link."""

import datetime
import re
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cls_poitiers import invitations
from cls_poitiers.models import Courriel
from tests.factories import PartenaireFactory, UtilisateurFactory


@pytest.fixture
def invite(db):
    utilisateur = UtilisateurFactory(
        username="j.martin", email="j.martin@example.fr", partenaire=PartenaireFactory()
    )
    utilisateur.set_unusable_password()
    utilisateur.save()
    return utilisateur


def _lien(courriel: Courriel) -> str:
    return re.search(r"https?://\S+", courriel.corps).group(0)


def test_the_invited_person_chooses_a_password_once_and_is_logged_in(invite, settings):
    settings.CLS_ADRESSE_PUBLIQUE = "https://clspd.example.fr"
    courriel = invitations.inviter(invite)
    assert courriel.confidentiel and courriel.destinataires == ["j.martin@example.fr"]
    assert "j.martin" in courriel.corps
    lien = _lien(courriel)
    assert lien.startswith("https://clspd.example.fr/compte/invitation/")
    chemin = lien.removeprefix("https://clspd.example.fr")

    client = Client()
    assert "Choisir votre mot de passe" in client.get(chemin).content.decode()
    reponse = client.post(
        chemin,
        {"new_password1": "Un-mot-de-passe-solide-2026", "new_password2": "Un-mot-de-passe-solide-2026"},
    )
    assert reponse.status_code == 302
    invite.refresh_from_db()
    assert invite.check_password("Un-mot-de-passe-solide-2026")
    assert client.get("/").wsgi_request.user == invite

    # The same link a second time: refused in French, and the password stays.
    autre = Client()
    reponse = autre.post(
        chemin, {"new_password1": "Autre-mot-de-passe-2026!", "new_password2": "Autre-mot-de-passe-2026!"}
    )
    assert reponse.status_code == 400
    assert "a déjà servi ou il a expiré" in reponse.content.decode()
    invite.refresh_from_db()
    assert invite.check_password("Un-mot-de-passe-solide-2026")


def test_an_expired_invitation_is_refused(invite, settings):
    chemin = invitations.lien(invite)
    plus_tard = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch.object(invitations.JetonInvitation, "_now", return_value=plus_tard):
        reponse = Client().get(chemin)
    assert reponse.status_code == 400
    assert "n'est plus valable" in reponse.content.decode()


@pytest.mark.django_db
def test_a_forged_link_is_refused():
    assert Client().get("/compte/invitation/MTIz/abc-def/").status_code == 400


@pytest.mark.django_db
def test_an_account_without_organisation_or_address_gets_no_invitation():
    sans_organisation = UtilisateurFactory(email="x@example.fr", partenaire=None)
    with pytest.raises(ValidationError, match="organisation partenaire"):
        invitations.inviter(sans_organisation)
    sans_adresse = UtilisateurFactory(email="", partenaire=PartenaireFactory())
    with pytest.raises(ValidationError, match="adresse électronique"):
        invitations.inviter(sans_adresse)
    assert not Courriel.objects.exists()
