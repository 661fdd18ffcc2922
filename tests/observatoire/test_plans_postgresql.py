"""What keeps the national context's queries from reading the whole table of figures on
PostgreSQL (5.25 million rows at the national scale; BENCHMARKS.md): no JIT compilation, and a
ranking answered from its index alone. The plan is read with sequential scans discouraged, so that
the answer does not depend on the few rows a test writes."""

import pytest
from django.db import connection

from cls_poitiers.models import Territoire
from observatoire.tableaux_de_bord import references
from tests.factories import PopulationFactory, TerritoireFactory

from .factories import DonneeFactory, IndicateurFactory, SourceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans de requêtes : PostgreSQL"),
]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(ligne for (ligne,) in cursor.fetchall())


def test_postgresql_compiles_no_query_to_machine_code():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_ranking_reads_the_ranking_index_only():
    source, indicateur = SourceFactory(), IndicateurFactory()
    for i in range(5):
        commune = TerritoireFactory(code=f"990{i:02d}", population_legale=1000 + i)
        PopulationFactory(territoire=commune, annee=2022, habitants=1000 + i)
        DonneeFactory(source=source, indicateur=indicateur, territoire=commune, annee=2024, nombre=10 + i)
    classement = references.Classement.lire(source, indicateur, 2024, Territoire.Niveau.COMMUNE)
    plan = _plan(classement._par_territoire())
    assert "Index Only Scan using donnee_classement_idx" in plan, plan
    assert len(classement.ordonne()) == 5
