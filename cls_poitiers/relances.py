"""The platform's daily reminders, as a periodic background task.

Each app may provide a module `<app>.relances` with `envoyer(*, today, stdout) -> int` returning
the number of e-mails written to the outbox; `envoyer_relances` calls them in the apps' order.
Every reminder carries a key (kind, object, day) in the outbox (`courriels.envoyer(cle=...)`):
run twice the same day, the reminders send nothing twice.

The task framework has no scheduler: `relances_quotidiennes` runs the day's reminders, then queues
itself for the next morning (`run_after`). `manage.py envoyer_relances --planifier` starts that
chain (it does nothing when a run is already waiting); the cron line of the README remains a way to
run the reminders without a worker.
"""

import datetime
import io
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone

HEURE = datetime.time(7, 30)


def envoyer_relances(*, today: datetime.date, stdout=None) -> dict[str, int]:
    """The day's reminders of every app: app name → number of e-mails written to the outbox."""
    stdout = stdout if stdout is not None else io.StringIO()
    return {
        app_name: import_module(f"{app_name}.relances").envoyer(today=today, stdout=stdout)
        for app_name in settings.CLS_APPS
        if find_spec(f"{app_name}.relances") is not None
    }


def prochaine_execution(maintenant: datetime.datetime) -> datetime.datetime:
    """The next HEURE (Paris time) strictly after `maintenant`."""
    local = timezone.localtime(maintenant)
    prochaine = local.replace(hour=HEURE.hour, minute=HEURE.minute, second=0, microsecond=0)
    if prochaine <= local:
        prochaine = timezone.make_aware(
            datetime.datetime.combine(local.date() + datetime.timedelta(days=1), HEURE)
        )
    return prochaine


@task
def relances_quotidiennes() -> int:
    """Send today's reminders, and queue the next run for tomorrow morning, first: a failing
    reminder never breaks the chain. (This run is no longer waiting; should another chain have
    been started, its waiting run is found and no third one is queued.)"""
    planifier()
    return sum(envoyer_relances(today=timezone.localdate()).values())


def _deja_planifiee() -> bool:
    """Whether a run of the reminders is already waiting in the queue (known only for the database
    queue; for another backend, say no)."""
    backend = relances_quotidiennes.get_backend()
    if not type(backend).__module__.startswith("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=relances_quotidiennes.module_path,
        backend_name=backend.alias,
        status=TaskResultStatus.READY,
    ).exists()


def planifier(*, maintenant: datetime.datetime | None = None) -> datetime.datetime | None:
    """Queue the next daily run, unless one is waiting already. Returns when it will run, or None
    when nothing was queued (one is waiting, or the backend cannot wait: use cron)."""
    if _deja_planifiee():
        return None
    backend = relances_quotidiennes.get_backend()
    if not backend.supports_defer:
        return None
    quand = prochaine_execution(maintenant or timezone.now())
    relances_quotidiennes.using(run_after=quand).enqueue()
    return quand
