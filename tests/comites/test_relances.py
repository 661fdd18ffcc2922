"""`envoyer_relances`: minutes missing 3 and 7 days after a meeting, and the current or next
semester without a comité de pilotage, e-mailed to the secretaries."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from comites import relances
from comites.models import CompteRendu
from tests.comites.factories import ComiteFactory, ReunionFactory, a_paris
from tests.factories import ContratFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def _relancer(today: datetime.date) -> int:
    """The day's reminders, then what their commit triggers: the outbox's sending tasks."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return relances.envoyer(today=today, stdout=io.StringIO())


@pytest.fixture
def pilotage(secretariat):
    comite = ComiteFactory(secretaires=[secretariat])
    # Current and next semesters scheduled: no rhythm warning in the minutes tests.
    ReunionFactory(comite=comite, debut=a_paris(2030, 5, 20), statut="convoquee")
    ReunionFactory(comite=comite, debut=a_paris(2030, 10, 20), statut="brouillon")
    return comite


@pytest.mark.parametrize(("jour", "attendu"), [(13, 1), (14, 0), (17, 1), (18, 0), (11, 0)])
def test_missing_minutes_reminder_on_days_3_and_7(pilotage, secretariat, jour, attendu):
    ReunionFactory(
        comite=pilotage, titre="Pilotage du 10 mars", debut=a_paris(2030, 3, 10, 14), statut="tenue"
    )
    envoyes = _relancer(datetime.date(2030, 3, jour))
    assert envoyes == attendu
    assert len(mail.outbox) == attendu
    if attendu:
        assert mail.outbox[0].to == [secretariat.email]
        assert "Compte rendu attendu : Pilotage du 10 mars" in mail.outbox[0].subject


def test_no_reminder_when_minutes_are_written_or_meeting_cancelled(pilotage):
    ecrit = ReunionFactory(comite=pilotage, debut=a_paris(2030, 3, 10, 14), statut="tenue")
    CompteRendu.objects.create(reunion=ecrit, texte="Fait", redige_par=UtilisateurFactory())
    ReunionFactory(comite=pilotage, debut=a_paris(2030, 3, 10, 9), statut="annulee", motif_annulation="Grève")
    assert _relancer(datetime.date(2030, 3, 13)) == 0


def test_rhythm_warning_on_mondays_when_next_semester_has_nothing(secretariat):
    comite = ComiteFactory(secretaires=[secretariat], nom="Comité de pilotage")
    ReunionFactory(comite=comite, debut=a_paris(2030, 5, 20), statut="convoquee")
    lundi = datetime.date(2030, 3, 11)
    assert lundi.weekday() == 0
    assert _relancer(lundi + datetime.timedelta(days=1)) == 0
    assert _relancer(lundi) == 1
    assert mail.outbox[0].subject == "À planifier : Comité de pilotage (2e semestre 2030)"
    assert mail.outbox[0].to == [secretariat.email]


def test_without_secretary_the_coordination_is_warned(coordination):
    ComiteFactory()
    assert _relancer(datetime.date(2030, 3, 11)) == 1
    assert mail.outbox[0].to == [coordination.email]
    assert "1er semestre 2030, 2e semestre 2030" in mail.outbox[0].subject


def test_core_command_calls_the_committees_reminders(pilotage, envoi):
    ReunionFactory(comite=pilotage, debut=a_paris(2030, 3, 10, 14), statut="convoquee")
    sortie = io.StringIO()
    with envoi():
        call_command("envoyer_relances", "--date=2030-03-17", stdout=sortie)
    assert "comites : 1 relance(s) mise(s) en file d'envoi." in sortie.getvalue()
    assert len(mail.outbox) == 1


def test_missing_minutes_reminder_run_twice_the_same_day_goes_once(pilotage, secretariat):
    ReunionFactory(comite=pilotage, debut=a_paris(2030, 3, 10, 14), statut="tenue")
    assert _relancer(datetime.date(2030, 3, 13)) == 1
    assert _relancer(datetime.date(2030, 3, 13)) == 0
    assert len(mail.outbox) == 1
    # The 7-day reminder is another day's: it goes.
    assert _relancer(datetime.date(2030, 3, 17)) == 1
    assert len(mail.outbox) == 2


def test_rhythm_warning_run_twice_on_a_monday_goes_once(secretariat):
    ComiteFactory(secretaires=[secretariat])
    lundi = datetime.date(2030, 3, 11)
    assert [_relancer(lundi), _relancer(lundi)] == [1, 0]
    assert len(mail.outbox) == 1
    assert _relancer(lundi + datetime.timedelta(days=7)) == 1


def test_the_command_run_twice_the_same_day_sends_each_reminder_once(pilotage, envoi):
    ReunionFactory(comite=pilotage, debut=a_paris(2030, 3, 10, 14), statut="convoquee")
    sortie = io.StringIO()
    with envoi():
        call_command("envoyer_relances", "--date=2030-03-13", stdout=sortie)
        call_command("envoyer_relances", "--date=2030-03-13", stdout=sortie)
    assert "comites : 1 relance(s) mise(s) en file d'envoi." in sortie.getvalue()
    assert "comites : 0 relance(s) mise(s) en file d'envoi." in sortie.getvalue()
    assert [m.subject for m in mail.outbox] == [mail.outbox[0].subject]


def test_rhythm_warning_is_about_the_current_contract_only(secretariat, coordination):
    """A contract that a later one replaced no longer meets: its steering committee is not chased."""
    ancien = ComiteFactory(secretaires=[secretariat])
    strategie = ContratFactory(
        titre="Stratégie 2029",
        territoire=ancien.contrat.territoire,
        date_signature=datetime.date(2029, 1, 15),
    )
    nouveau = ComiteFactory(contrat=strategie, secretaires=[coordination])
    ReunionFactory(comite=nouveau, debut=a_paris(2030, 5, 20), statut="convoquee")
    ReunionFactory(comite=nouveau, debut=a_paris(2030, 10, 20), statut="brouillon")
    assert _relancer(datetime.date(2030, 3, 11)) == 0
    assert mail.outbox == []
