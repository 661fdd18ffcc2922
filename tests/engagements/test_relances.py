"""Daily reminders: no progress report for N days, deadline near; French e-mails to the partner
organisation's users with the Partenaire role; never twice the same day."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from engagements import relances
from engagements.models import RelanceEngagement
from tests.engagements.factories import EngagementFactory, PointEtapeFactory
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db


def _relancer(*, today: datetime.date) -> int:
    """The day's reminders, then what their commit triggers: the outbox's sending tasks."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return relances.envoyer(today=today)


AUJOURDHUI = datetime.date(1999, 6, 30)


@pytest.fixture(autouse=True)
def reglages(settings):
    settings.CLS_RELANCE_SANS_POINT_JOURS = 90
    settings.CLS_RELANCE_ECHEANCE_JOURS = 30


def _cree_le(jours_avant):
    return timezone.make_aware(
        datetime.datetime.combine(AUJOURDHUI - datetime.timedelta(days=jours_avant), datetime.time())
    )


def test_silent_commitment_triggers_a_french_email_to_partner_users_only(partenaire, secretariat):
    collegue_sans_role = UtilisateurFactory(partenaire=partenaire.partenaire, email="sans-role@example.fr")
    e = EngagementFactory(
        partenaire=partenaire.partenaire, echeance=datetime.date(2001, 1, 1), cree_le=_cree_le(200)
    )
    PointEtapeFactory(engagement=e, date=AUJOURDHUI - datetime.timedelta(days=91), valeur=2)
    assert _relancer(today=AUJOURDHUI) == 1
    [message] = mail.outbox
    assert message.to == [partenaire.email]
    assert collegue_sans_role.email not in message.to
    assert "Vos engagements à mettre à jour" in message.subject
    assert "Sans point d'étape depuis plus de 90 jours" in message.body
    assert e.reference in message.body
    assert "01/01/2001" in message.body
    assert "/engagements/mes-engagements/" in message.body


def test_recent_report_or_achieved_commitment_sends_nothing(partenaire):
    recent = EngagementFactory(
        partenaire=partenaire.partenaire, echeance=datetime.date(2001, 1, 1), cree_le=_cree_le(400)
    )
    PointEtapeFactory(engagement=recent, date=AUJOURDHUI - datetime.timedelta(days=90), valeur=1)
    atteint = EngagementFactory(partenaire=partenaire.partenaire, valeur_cible=1, cree_le=_cree_le(400))
    PointEtapeFactory(engagement=atteint, date=AUJOURDHUI - datetime.timedelta(days=300), valeur=1)
    EngagementFactory(
        partenaire=partenaire.partenaire,
        cree_le=_cree_le(400),
        abandonne_le=datetime.date(1999, 1, 1),
        motif_abandon="Retiré",
    )
    assert _relancer(today=AUJOURDHUI) == 0
    assert mail.outbox == []


def test_near_deadline_triggers_a_reminder_from_thirty_days_before(partenaire):
    e = EngagementFactory(partenaire=partenaire.partenaire, echeance=AUJOURDHUI + datetime.timedelta(days=30))
    PointEtapeFactory(engagement=e, date=AUJOURDHUI, valeur=1)
    assert _relancer(today=AUJOURDHUI - datetime.timedelta(days=1)) == 0
    assert _relancer(today=AUJOURDHUI) == 1
    assert "Échéance dans les 30 prochains jours" in mail.outbox[0].body
    assert "30/07/1999" in mail.outbox[0].body


def test_running_twice_the_same_day_sends_nothing_more(partenaire):
    e = EngagementFactory(
        partenaire=partenaire.partenaire,
        echeance=AUJOURDHUI + datetime.timedelta(days=10),
        cree_le=_cree_le(200),
    )
    assert _relancer(today=AUJOURDHUI) == 1
    assert _relancer(today=AUJOURDHUI) == 0
    assert len(mail.outbox) == 1
    assert set(RelanceEngagement.objects.filter(engagement=e).values_list("motif", flat=True)) == {
        "sans_point",
        "echeance",
    }
    # The deadline reminder is not repeated the next day; the silence one waits a week.
    assert _relancer(today=AUJOURDHUI + datetime.timedelta(days=1)) == 0
    assert _relancer(today=AUJOURDHUI + datetime.timedelta(days=7)) == 1
    assert "Échéance" not in mail.outbox[-1].body


def test_one_email_per_user_lists_all_their_commitments(partenaire):
    collegue = UtilisateurFactory(partenaire=partenaire.partenaire, email="collegue@example.fr")
    from django.contrib.auth.models import Group

    collegue.groups.add(Group.objects.get(name="Partenaire"))
    for _ in range(3):
        EngagementFactory(
            partenaire=partenaire.partenaire, echeance=datetime.date(2001, 1, 1), cree_le=_cree_le(100)
        )
    assert _relancer(today=AUJOURDHUI) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["collegue@example.fr", partenaire.email]
    assert mail.outbox[0].body.count("- engagement-") == 3


def test_envoyer_relances_command_reports_the_count(partenaire, envoi):
    EngagementFactory(
        partenaire=partenaire.partenaire, echeance=datetime.date(2001, 1, 1), cree_le=_cree_le(100)
    )
    sortie = io.StringIO()
    with envoi():
        call_command("envoyer_relances", "--date", AUJOURDHUI.isoformat(), stdout=sortie)
    assert "engagements : 1 relance(s) mise(s) en file d'envoi." in sortie.getvalue()
    assert len(mail.outbox) == 1


def test_two_runs_at_once_send_one_email(partenaire):
    """The second run read the log before the first one wrote it: the outbox's key still lets only
    one e-mail through."""
    EngagementFactory(
        partenaire=partenaire.partenaire, echeance=datetime.date(2001, 1, 1), cree_le=_cree_le(100)
    )
    assert _relancer(today=AUJOURDHUI) == 1
    RelanceEngagement.objects.all().delete()
    assert _relancer(today=AUJOURDHUI) == 0
    assert len(mail.outbox) == 1


def test_a_commitment_that_falls_due_later_the_same_day_is_still_reminded(partenaire):
    EngagementFactory(
        partenaire=partenaire.partenaire, echeance=datetime.date(2001, 1, 1), cree_le=_cree_le(100)
    )
    assert _relancer(today=AUJOURDHUI) == 1
    nouveau = EngagementFactory(
        partenaire=partenaire.partenaire, echeance=AUJOURDHUI + datetime.timedelta(days=5)
    )
    assert _relancer(today=AUJOURDHUI) == 1
    assert len(mail.outbox) == 2
    assert nouveau.reference in mail.outbox[1].body
