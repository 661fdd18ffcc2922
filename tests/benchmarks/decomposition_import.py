"""Where the national import's time goes, against PostgreSQL's raw COPY (BENCHMARKS.md, « Import :
ce que donnerait un chargement sans index »). Three trials; in each, side by side, on a fresh copy
of the benchmark's template: the raw COPY, the command, the reader alone (the COPY into
observatoire_donnee replaced by nothing), and a partition simulated (the same command COPYing into
an unindexed table of the same shape, then the indexes a partition would carry built afterwards).

    BENCH_DIR=/tmp/cls-bench BENCH_DB_PREFIX=cls_perf_decomposition \\
        .venv/bin/python tests/benchmarks/decomposition_import.py

Same files and templates as `BENCH_PARTIE=import make bench` (5.25 million rows by default;
BENCH_SCALE as there)."""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from tests.benchmarks import bench  # noqa: E402

# Run in a child process per trial, on its own database (argv: file, mode).
ENFANT = r"""
import io, json, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from observatoire.imports import ecriture

mode = sys.argv[2]
if mode == "lecteur":
    ecriture.EcritureCopie._copier = staticmethod(lambda cursor, donnees: None)
elif mode == "partition":
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE banc_nue (LIKE observatoire_donnee "
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)"
        )

    def copier(cursor, donnees):
        cursor.copy_expert(
            f"COPY banc_nue ({ecriture.COLONNES_COPIE}) FROM STDIN WITH (FORMAT binary)", io.BytesIO(donnees)
        )

    ecriture.EcritureCopie._copier = staticmethod(copier)
debut = time.perf_counter()
call_command("importer_ssmsi", sys.argv[1], verbosity=0)
charge = time.perf_counter() - debut
index = {}
if mode == "partition":
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for nom, sql in [
            ("clé primaire (id, source)", "CREATE UNIQUE INDEX ON banc_nue (id, source_id)"),
            (
                "unique",
                "CREATE UNIQUE INDEX ON banc_nue (source_id, territoire_id, indicateur_id, annee, mois)",
            ),
            (
                "classement",
                "CREATE INDEX ON banc_nue (source_id, indicateur_id, annee, territoire_id) "
                "INCLUDE (mois, nombre, secret, taux_publie)",
            ),
            ("déclarations", "CREATE INDEX ON banc_nue (declaration_id) WHERE declaration_id IS NOT NULL"),
            ("ANALYZE", "ANALYZE banc_nue"),
        ]:
            debut = time.perf_counter()
            cursor.execute(sql)
            index[nom] = time.perf_counter() - debut
print("RESULTAT", json.dumps({"charge": charge, "index": index}))
"""

MODES = ("commande", "lecteur", "partition")


def essai(bases: bench.Bases, gabarit: str, fichier: Path, mode: str) -> dict:
    nom = bases.nom("decomposition")
    bases.creer(nom, gabarit)
    try:
        url = bases.url(nom)
        sortie = subprocess.run(
            [sys.executable, "-c", ENFANT, str(fichier), mode],
            env=bench.environnement(url),
            cwd=bench.RACINE,
            capture_output=True,
            text=True,
            check=False,
        )
        lignes = [ligne for ligne in sortie.stdout.splitlines() if ligne.startswith("RESULTAT ")]
        if not lignes:
            raise RuntimeError(f"Essai « {mode} » en échec : {sortie.stderr[-3000:]}")
        resultat = json.loads(lignes[0].removeprefix("RESULTAT "))
        if mode == "commande":
            resultat["copy"] = bench.copie_postgresql(url, fichier)
        return resultat
    finally:
        bases.supprimer(nom)


def _texte(valeurs: list[float], unite: str) -> str:
    return f"{statistics.median(valeurs):.2f} {unite} (min {min(valeurs):.2f}, max {max(valeurs):.2f})"


def main() -> int:
    echelle = bench.ECHELLES[os.environ.get("BENCH_SCALE", "full")]
    bases = bench.Bases()
    try:
        fichier, departemental = bench.fichier_national(
            echelle.national, Path(os.environ.get("BENCH_DIR", "/tmp/cls-bench"))
        )
        gabarit = bench.preparer_gabarit(bases, bench.preparer_gabarit_referentiel(bases), departemental)
        mesures = {cle: [] for cle in ("copy", "commande", "lecteur", "chargement", "index")}
        index = []
        for numero in range(3):
            for mode in MODES:
                resultat = essai(bases, gabarit, fichier, mode)
                if mode == "partition":
                    mesures["chargement"].append(resultat["charge"])
                    mesures["index"].append(sum(resultat["index"].values()))
                    index.append(resultat["index"])
                else:
                    mesures[mode].append(resultat["charge"])
                if "copy" in resultat:
                    mesures["copy"].append(resultat["copy"])
            print(
                f"essai {numero + 1} : " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in mesures.items()),
                flush=True,
            )
        copies = mesures["copy"]
        total = [c + i for c, i in zip(mesures["chargement"], mesures["index"], strict=True)]
        print("COPY nu :", _texte(copies, "s"))
        for nom, valeurs in [
            ("commande", mesures["commande"]),
            ("lecteur seul", mesures["lecteur"]),
            ("partition : chargement sans index", mesures["chargement"]),
            ("partition : index construits après", mesures["index"]),
            ("partition : total", total),
        ]:
            rapports = [v / c for v, c in zip(valeurs, copies, strict=True)]
            print(f"{nom} : {_texte(valeurs, 's')} ; rapport au COPY {_texte(rapports, '×')}")
        for nom in index[0]:
            print(f"index {nom} : {_texte([i[nom] for i in index], 's')}")
    finally:
        bases.tout_supprimer()
    return 0


if __name__ == "__main__":
    sys.exit(main())
