"""The daily reminders as a periodic background task: it runs the day's reminders of every app,
and queues itself for the next morning; starting it twice leaves one run waiting."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cls_poitiers import relances
from tests.comites.factories import ComiteFactory, ReunionFactory, a_paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_en_base(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _en_attente():
    return DBTaskResult.objects.filter(
        task_path=relances.relances_quotidiennes.module_path, status=TaskResultStatus.READY
    )


@pytest.mark.parametrize(
    ("maintenant", "attendu"),
    [
        (a_paris(2030, 3, 13, 6), a_paris(2030, 3, 13, 7, 30)),
        (a_paris(2030, 3, 13, 7, 30), a_paris(2030, 3, 14, 7, 30)),
        (a_paris(2030, 3, 13, 22), a_paris(2030, 3, 14, 7, 30)),
        # The night summer time begins: still 07:30 in Paris.
        (a_paris(2030, 3, 30, 23), a_paris(2030, 3, 31, 7, 30)),
    ],
)
def test_next_run_is_the_next_morning_in_paris(maintenant, attendu):
    assert relances.prochaine_execution(maintenant) == attendu


def test_planifier_queues_one_run_only(file_en_base):
    sortie = io.StringIO()
    call_command("envoyer_relances", "--planifier", stdout=sortie)
    call_command("envoyer_relances", "--planifier", stdout=sortie)
    assert "Prochaines relances le " in sortie.getvalue()
    assert "Relances déjà planifiées" in sortie.getvalue()
    (tache,) = _en_attente()
    assert tache.run_after > datetime.datetime.now(datetime.UTC)


def test_a_run_sends_the_reminders_and_queues_the_next_one(file_en_base, secretariat, monkeypatch):
    comite = ComiteFactory(secretaires=[secretariat])
    ReunionFactory(comite=comite, debut=a_paris(2030, 3, 10, 14), statut="tenue")
    monkeypatch.setattr(relances.timezone, "localdate", lambda: datetime.date(2030, 3, 13))
    # Run twice the same day (two chains, or a retry): the second sends nothing.
    assert relances.relances_quotidiennes.call() == 1
    assert relances.relances_quotidiennes.call() == 0
    assert _en_attente().count() == 1
