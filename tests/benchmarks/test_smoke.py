"""A smoke run of the benchmark (`make bench`) at tiny size: every code path runs (generated file,
template database, import against COPY, the same import through the web behind gunicorn with a
worker, dashboards against the SQL GROUP BY at two sizes, query counts, gunicorn under 20 clients,
the national context — a commune's page, the ranking of the communes against its SQL, the
comparison page — on the national referential with and without a départemental base)
and every figure is printed. No timing is asserted here: the figures themselves are in
BENCHMARKS.md. It needs PostgreSQL (as CI has) for its own databases, named cls_perf_smoke_<pid>_*.

The benchmark measures PostgreSQL whatever engine the suite runs on: it runs once, in the suite's
PostgreSQL pass (CI runs the suite on PostgreSQL, then on SQLite), not a second time to measure the
same thing again."""

import os

import pytest
from django.conf import settings

from tests.benchmarks import bench

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="banc d'essai de PostgreSQL : lancé par le passage de la suite sur PostgreSQL",
)

FIGURES = [
    "Import du fichier national — durée",
    "Import du fichier national — débit",
    "Import du fichier national — mémoire résidente maximale",
    "COPY PostgreSQL du même fichier dans une table nue — durée",
    "Rapport import / COPY",
    "Ré-import du même fichier (rien ne change) — durée",
    "Import du fichier national par le web (gunicorn local : dépôt + vérification + application) — durée",
    "Import du fichier national par le web (gunicorn local : dépôt + vérification + application) — rapport",
    "Import du fichier national par le web (gunicorn local : dépôt + vérification + application) — mémoire",
    "Tableau de bord « vue d'ensemble » à",
    "Tableau de bord « par territoire » à",
    "GROUP BY SQL sur la table de base (mêmes nombres) à",
    "Lecture des comptes par les tableaux (mêmes nombres) à",
    "Rapport page « vue d'ensemble » / GROUP BY à",
    "Rapport page « par territoire » / GROUP BY à",
    "Coût « vue d'ensemble » à",
    "Coût « par territoire » à",
    "Tableau de bord « vue d'ensemble » servi par le cache à",
    "Tableau de bord « par territoire » servi par le cache à",
    "Pages sous charge (gunicorn 2 workers, 20 clients, 5 pages) — requêtes/s",
    "Pages sous charge (gunicorn 2 workers, 20 clients, 5 pages) — p50",
    "Pages sous charge (gunicorn 2 workers, 20 clients, 5 pages) — p95",
    "Contexte national, page commune 86027 (moins de 2 000 habitants), petite base",
    "Contexte national, page commune 86066 (Châtellerault), base nationale",
    "Contexte national, comparaison (5 territoires, 10 ans), base nationale",
    "Classement de ",
    "Coût contexte national, page commune 86027",
    "Coût contexte national, comparaison",
    "Coût du classement des communes",
    "Contexte national, page commune 86027 (moins de 2 000 habitants), sans base départementale",
    "Rapport sans / avec base départementale",
    "Pages sous charge (gunicorn 2 workers, 20 clients, 5 pages) — erreurs",
]


def test_benchmark_runs_every_code_path_and_prints_every_figure(tmp_path):
    bases = bench.Bases(prefixe=f"cls_perf_smoke_{os.getpid()}")
    resultats = bench.executer(bench.ECHELLES["tiny"], tmp_path, bases)
    for debut in FIGURES:
        trouvees = [nom for nom in resultats.figures if nom.startswith(debut)]
        assert trouvees, debut
        for nom in trouvees:
            figure = resultats.figures[nom]
            assert figure["min"] <= figure["mediane"] <= figure["max"], nom
            assert any(ligne.startswith(nom + " : ") for ligne in resultats.sortie), nom
    assert resultats.figures[FIGURES[-1]]["max"] == 0
    assert "Nombre de requêtes par page constant quand les données grossissent : oui" in resultats.sortie
    identiques = [
        ligne for ligne in resultats.sortie if ligne.startswith("Comptes lus par les tableaux identiques")
    ]
    assert identiques and all(ligne.endswith("oui") for ligne in identiques)
    classements = [ligne for ligne in resultats.sortie if ligne.startswith("Classement identique")]
    assert len(classements) == 2 and all(ligne.endswith("oui") for ligne in classements)
    # The benchmark's own databases are gone.
    import psycopg2

    connexion = psycopg2.connect(bases.url("postgres"))
    with connexion.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s", [bases.prefixe + "%"])
        assert cursor.fetchone()[0] == 0
    connexion.close()
