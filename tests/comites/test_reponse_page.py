"""A logged-in member answers a convocation on the meeting's page (will attend, excused,
represented by…), with the same rules as the e-mail's link. Only the invited organisation's users
answer, only for their own organisation, and only while the meeting awaits answers."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comites import services
from comites.models import Presence
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def convoquee(reunion, secretariat, mailoutbox):
    services.convoquer(reunion=reunion, par=secretariat)
    reunion.refresh_from_db()
    return reunion


def _ma_presence(reunion, user):
    return Presence.objects.get(reunion=reunion, membre__partenaire=user.partenaire)


def _repondre(client, reunion, **donnees):
    return client.post(
        reverse("comites:reunion_repondre", args=[reunion.pk]),
        {f"reponse-{k}": v for k, v in donnees.items()},
        follow=True,
    )


def test_a_member_answers_on_the_meeting_page(client_de, convoquee, partenaire):
    client = client_de(partenaire)
    page = client.get(convoquee.get_absolute_url()).content.decode()
    assert "Votre réponse à la convocation" in page
    response = _repondre(client, convoquee, reponse="represente", represente_par="M. Martin, adjoint")
    assert "Votre réponse est enregistrée." in response.content.decode()
    presence = _ma_presence(convoquee, partenaire)
    assert (presence.reponse, presence.reponse_represente_par) == ("represente", "M. Martin, adjoint")
    assert presence.repondu_le is not None
    historique = presence.history.latest()
    assert (historique.history_user, historique.history_change_reason) == (
        partenaire,
        "Réponse à la convocation",
    )
    _repondre(client, convoquee, reponse="excuse", represente_par="ignoré")
    presence.refresh_from_db()
    assert (presence.reponse, presence.reponse_represente_par) == ("excuse", "")


def test_represented_without_a_name_is_refused_in_french(client_de, convoquee, partenaire):
    response = _repondre(client_de(partenaire), convoquee, reponse="represente", represente_par=" ")
    assert "Indiquez qui représentera votre organisation." in response.content.decode()
    assert _ma_presence(convoquee, partenaire).reponse == "sans_reponse"


def test_the_answer_is_shown_on_the_secretary_s_table(client_de, convoquee, partenaire, secretariat):
    _repondre(client_de(partenaire), convoquee, reponse="participera")
    page = client_de(secretariat).get(convoquee.get_absolute_url()).content.decode()
    assert "1 participeront" in page


@pytest.mark.parametrize("persona", ["autre_partenaire", "secretariat", "coordination"])
def test_who_is_not_an_invited_member_cannot_answer(client_de, convoquee, persona, request):
    """A partner of a non-member organisation reads the open committee's meeting, the secretary and
    the coordination manage it: none of them answers for the members."""
    user = request.getfixturevalue(persona)
    client = client_de(user)
    assert "Votre réponse à la convocation" not in client.get(convoquee.get_absolute_url()).content.decode()
    response = client.post(
        reverse("comites:reunion_repondre", args=[convoquee.pk]), {"reponse-reponse": "participera"}
    )
    assert response.status_code == 403
    assert not Presence.objects.filter(reunion=convoquee).exclude(reponse="sans_reponse").exists()


def test_anonymous_is_sent_to_login(client, convoquee):
    response = client.post(
        reverse("comites:reunion_repondre", args=[convoquee.pk]), {"reponse-reponse": "excuse"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))
    assert not Presence.objects.filter(reunion=convoquee).exclude(reponse="sans_reponse").exists()


def test_a_member_of_a_confidential_group_elsewhere_cannot_reach_this_one(
    client_de, partenaire, autre_partenaire
):
    gltd = ComiteFactory(gltd=True)
    MembreFactory(comite=gltd, partenaire=partenaire.partenaire)
    debut = timezone.now() + datetime.timedelta(days=5)
    reunion = ReunionFactory(comite=gltd, debut=debut, statut="convoquee")
    Presence.objects.create(reunion=reunion, membre=gltd.membres.get())
    response = client_de(autre_partenaire).post(
        reverse("comites:reunion_repondre", args=[reunion.pk]), {"reponse-reponse": "participera"}
    )
    assert response.status_code == 404
    assert Presence.objects.get(reunion=reunion).reponse == "sans_reponse"


@pytest.mark.parametrize("etat", ["tenue", "annulee", "passee"])
def test_no_answer_once_the_meeting_awaits_none(client_de, convoquee, partenaire, etat):
    if etat == "passee":
        convoquee.debut = timezone.now() - datetime.timedelta(hours=3)
        convoquee.fin = timezone.now() - datetime.timedelta(hours=1)
    else:
        convoquee.statut = etat
        convoquee.motif_annulation = "Motif" if etat == "annulee" else ""
    convoquee.save()
    client = client_de(partenaire)
    assert "Votre réponse à la convocation" not in client.get(convoquee.get_absolute_url()).content.decode()
    response = _repondre(client, convoquee, reponse="participera")
    assert response.status_code == 200
    page = response.content.decode()
    if etat == "passee":
        assert "Cette réunion est passée : la réponse n&#x27;est plus possible." in page
    else:
        assert "Cette convocation n&#x27;attend plus de réponse." in page
    assert _ma_presence(convoquee, partenaire).reponse == "sans_reponse"
