"""Shared fixtures: the role personas, built once per test from the same factory."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cls_poitiers.permissions import COORDINATION, OBSERVATOIRE, PARTENAIRE, ROLES, SECRETARIAT
from tests.factories import PartenaireFactory, UtilisateurFactory

MOT_DE_PASSE = "motdepasse-de-test-2026"
# The council's identity: the current contract, read once per page by the context processor (and
# by a PDF or a calendar for their headers), not by a CSV, XLSX or JSON file (cls_poitiers.identite).
IDENTITE = 1
# What a logged-in user's page reads besides the view's own queries: the session, the user,
# their confirmed two-factor device (django-otp's middleware), their roles, the identity.
REQUETES_CONNEXION = 4 + IDENTITE


def lire_page(client, url, *textes) -> str:
    """The page at `url`, once checked that it answers 200 and shows each of `textes`: inside a
    query count, it proves the queries counted are those of the page, not of an error."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    for texte in textes:
        assert texte in page, texte
    return page


def _persona(username, role, partenaire=None):
    user = UtilisateurFactory(username=username, partenaire=partenaire or PartenaireFactory())
    user.set_password(MOT_DE_PASSE)
    user.save()
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def coordination(db):
    return _persona("p-coordination", COORDINATION)


@pytest.fixture
def partenaire(db):
    return _persona("p-partenaire", PARTENAIRE)


@pytest.fixture
def autre_partenaire(db):
    """A partner of another organisation: what `partenaire` owns is not theirs."""
    return _persona("p-autre-partenaire", PARTENAIRE)


@pytest.fixture
def secretariat(db):
    return _persona("p-secretariat", SECRETARIAT)


@pytest.fixture
def analyste(db):
    return _persona("p-analyste", OBSERVATOIRE)


@pytest.fixture
def sans_role(db):
    return _persona("p-sans-role", None)


@pytest.fixture
def client_de():
    """`client_de(user)`: a new test client logged in as `user` (anonymous for None)."""

    def connecte(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return connecte


@pytest.fixture
def envoi(django_capture_on_commit_callbacks):
    """`with envoi(): ...`: run what the block's commits trigger, as after a real request. The
    outbox queues its sending tasks on commit (cls_poitiers/courriels.py), and the tests' task
    backend runs them at once: the e-mails reach `mail.outbox` when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def demo(db):
    """The whole Poitiers demo (core and apps), as `manage.py charger_demo` loads it."""
    from django.core.management import call_command

    call_command("charger_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def donnees_de_reference(db):
    """What the data migrations seed (roles, the observatory's nomenclature). A test outside a
    transaction (live server) empties every table when it ends, so the next one puts them back."""
    from observatoire import nomenclatures

    for role in ROLES:
        Group.objects.get_or_create(name=role)
    nomenclatures.charger()


# Tasks queued in the database -------------------------------------------------------------------


def _oublier_les_files():
    # Django keeps the task backends it built; a changed TASKS setting is read again after this.
    from asgiref.local import Local
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def file_en_base(settings):
    """Tasks queued in the database (django-tasks-db), as in production, instead of the tests'
    ImmediateBackend: run them with `travailler()` or a real `manage.py db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _oublier_les_files()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _oublier_les_files()


def travailler() -> int:
    """Run every task waiting in the queue here, in the test's thread and transaction, as
    `manage.py db_worker --batch` does; returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    avant = DBTaskResult.objects.exclude(status="READY").count()
    # The worker closes connections it finds out of autocommit: here, the test's own transaction.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test",
            excluded_queue_names=[],
        ).run()
    return DBTaskResult.objects.exclude(status="READY").count() - avant
