"""Backups restore: a dump restored into an empty database holds the same data.

The README documents both procedures: pg_dump/pg_restore for PostgreSQL, dumpdata/loaddata
(any engine, SQLite in particular)."""

import os
import shutil
import subprocess
import uuid

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from cls_poitiers import referentiel
from tests.cls_poitiers.test_referentiel import _commune, _paquet

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot():
    counts = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in {"contenttypes", "sessions", "admin"} or label == "auth.Permission":
            continue
        counts[label] = model.objects.count()
    return counts


def test_dumpdata_restores_into_an_empty_database(demo, tmp_path):
    before = _snapshot()
    assert before["cls_poitiers.Territoire"] > 0
    dump = tmp_path / "sauvegarde.json"
    call_command("sauvegarder", str(dump), stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="base vide"):
        call_command("restaurer", str(dump))
    call_command("flush", "--noinput")
    assert _snapshot()["cls_poitiers.Territoire"] == 0
    call_command("restaurer", str(dump), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == before


def test_a_backup_restores_over_the_referential_a_fresh_migrate_loaded(demo, tmp_path):
    before = _snapshot()
    dump = tmp_path / "sauvegarde.json"
    call_command("sauvegarder", str(dump), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("flush", "--noinput")
    # What `migrate` does on a new server: the national referential is there before the restore.
    referentiel.charger(
        _paquet(
            tmp_path / "paquet",
            [_commune("86066", "Châtellerault", 31003), _commune("86194", "Poitiers", 89916)],
        )
    )
    assert _snapshot()["cls_poitiers.Territoire"] > 0
    call_command("restaurer", str(dump), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore ne concernent que PostgreSQL"
)
def test_pg_dump_restores_into_an_empty_database(demo, tmp_path):
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        assert shutil.which(tool), f"{tool} est introuvable (paquet postgresql-client)"
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": settings_dict["HOST"] or "127.0.0.1",
        "PGPORT": str(settings_dict["PORT"] or 5432),
    }
    env["PGUSER"] = settings_dict["USER"] or "postgres"
    if settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    dump = tmp_path / "cls.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), settings_dict["NAME"]], env=env, check=True)
    cible = f"cls_restauration_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", cible], env=env, check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", cible, str(dump)], env=env, check=True)
        import psycopg2

        with (
            psycopg2.connect(
                dbname=cible, host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"]
            ) as conn,
            conn.cursor() as cursor,
        ):
            for model in (
                apps.get_model("cls_poitiers", "Territoire"),
                apps.get_model("cls_poitiers", "Population"),
                apps.get_model("cls_poitiers", "Utilisateur"),
            ):
                cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')  # noqa: S608
                assert cursor.fetchone()[0] == model.objects.count()
            cursor.execute(
                "SELECT habitants FROM cls_poitiers_population p JOIN cls_poitiers_territoire t "
                "ON p.territoire_id = t.id WHERE t.code = '86194' AND p.annee = 1999"
            )
            assert cursor.fetchone()[0] == 83448
        conn.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", cible], env=env, check=True)
