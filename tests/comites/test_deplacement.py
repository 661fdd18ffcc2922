"""A convened meeting cannot be moved into the past: refused with a French message, nothing
changed, no invitation sent. A draft may (it can then be declared held)."""

import datetime

import pytest
from django.utils import timezone

from comites import services
from tests.comites.factories import ReunionFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Une réunion convoquée ne peut pas être déplacée dans le passé"


def _hier():
    return timezone.localtime() - datetime.timedelta(days=1)


def test_moving_a_convened_meeting_into_the_past_is_refused(reunion, secretariat, mailoutbox):
    services.convoquer(reunion=reunion, par=secretariat)
    reunion.refresh_from_db()
    avant = (reunion.debut, reunion.fin, reunion.titre, reunion.sequence, reunion.history.count())
    envoyes = len(mailoutbox)
    with pytest.raises(services.ActionImpossible, match=MESSAGE):
        services.modifier_reunion(
            reunion=reunion,
            par=secretariat,
            data={"debut": _hier(), "fin": _hier() + datetime.timedelta(hours=2)},
        )
    reunion.refresh_from_db()
    assert (reunion.debut, reunion.fin, reunion.titre, reunion.sequence, reunion.history.count()) == avant
    assert len(mailoutbox) == envoyes


def test_the_page_says_why_and_keeps_what_was_typed(client_de, reunion, secretariat, mailoutbox):
    services.convoquer(reunion=reunion, par=secretariat)
    reunion.refresh_from_db()
    avant = (reunion.debut, reunion.sequence)
    hier = _hier().strftime("%Y-%m-%dT%H:%M")
    fin = (_hier() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_de(secretariat).post(
        f"/comites/reunions/{reunion.pk}/modifier/", {"titre": reunion.titre, "debut": hier, "fin": fin}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page
    assert f'value="{hier}"' in page
    reunion.refresh_from_db()
    assert (reunion.debut, reunion.sequence) == avant


def test_a_draft_may_be_moved_into_the_past(comite, secretariat):
    brouillon = ReunionFactory(comite=comite)
    services.modifier_reunion(
        reunion=brouillon,
        par=secretariat,
        data={"debut": _hier(), "fin": _hier() + datetime.timedelta(hours=2)},
    )
    brouillon.refresh_from_db()
    assert brouillon.debut.date() <= timezone.now().date()


def test_a_convened_meeting_may_still_move_to_another_future_date(reunion, secretariat, mailoutbox):
    services.convoquer(reunion=reunion, par=secretariat)
    plus_tard = reunion.debut + datetime.timedelta(days=7)
    services.modifier_reunion(
        reunion=reunion,
        par=secretariat,
        data={"debut": plus_tard, "fin": plus_tard + datetime.timedelta(hours=2)},
    )
    reunion.refresh_from_db()
    assert reunion.debut == plus_tard and reunion.sequence == 1
