"""Versions of the data behind cached computations (the observatory's dashboards).

A reader takes the version FIRST, then reads the data, and caches its result under that version.
A writer increments the version AFTER its transaction has committed (`transaction.on_commit`).
So a result cached under version v was computed from data at least as new as version v: a reader
that saw v+1 started after the commit that made it, and one that saw v may have read newer data,
which is harmless. Incrementing after the commit, in its own short statement, holds no lock during
the writer's transaction (a national import takes a minute; partners' declarations must not wait).

The version lives in the database, not in the cache: any cache backend, even one per process
(LocMemCache under gunicorn's workers), sees every change at once. A process that dies between
its commit and the increment leaves results stale at most until the cache's timeout.
"""

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F

from .models import VersionDonnees


def lire(cle: str) -> int:
    """The current version of `cle` (0 before its first change). One indexed query."""
    return VersionDonnees.objects.filter(cle=cle).values_list("version", flat=True).first() or 0


def _incrementer(cle: str) -> None:
    if VersionDonnees.objects.filter(cle=cle).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            VersionDonnees.objects.create(cle=cle, version=1)
    except IntegrityError:  # created meanwhile by another process
        VersionDonnees.objects.filter(cle=cle).update(version=F("version") + 1)


def changer(cle: str, using: str | None = None) -> None:
    """Record that data of `cle` changed: the version is incremented once the current transaction
    commits (at once outside a transaction), and never if it is rolled back. Once per transaction,
    however many rows it writes (a callback already waiting for `cle` is enough; one discarded by
    a rolled-back savepoint is no longer waiting, and the next change registers a new one)."""
    connexion = connections[using or DEFAULT_DB_ALIAS]
    if connexion.in_atomic_block and any(
        isinstance(rappel, _Rappel) and rappel.cle == cle and not rappel.fait
        for _sids, rappel, _robuste in connexion.run_on_commit
    ):
        return
    transaction.on_commit(_Rappel(cle), using=using)


class _Rappel:
    """The on-commit callback of one key, recognisable while it waits."""

    def __init__(self, cle: str):
        self.cle, self.fait = cle, False

    def __call__(self):
        self.fait = True
        _incrementer(self.cle)
