"""Memory of checking a large XLSX (issue 15): the preview of a ~6 MB sheet of 260 000 rows in
the local template (territoire ; indicateur ; periode ; nombre), as the check task runs it
(`manage.py importer_chiffres --apercu`: the same `services.executer_lot(appliquer=False)`).

    .venv/bin/python tests/benchmarks/memoire_xlsx.py [--lignes 260000] [--essais 3]

Prints the file's size, then the wall time and the peak resident memory of the checking process
(its own `ru_maxrss`, `os.wait4`) of each run and their median. Target: under 200 MB.
The workbook and a migrated SQLite database (with the generated communes the sheet names) are
kept in BENCH_DIR (default /tmp/cls-bench-xlsx); each run checks against a fresh copy.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE))

from tests.benchmarks.bench import lancer_mesure  # noqa: E402

PYTHON = sys.executable
MANAGE = str(RACINE / "manage.py")
COMMUNES = 100
INDICATEURS = ("cambriolages", "vols-vehicules", "degradations", "violences-physiques")


def _territoires() -> list[str]:
    return [f"9{i:04d}" for i in range(COMMUNES)]


def ecrire_classeur(chemin: Path, lignes: int) -> None:
    """One figure a row, monthly periods as a partner types them (03/1999), counts as numbers."""
    from openpyxl import Workbook

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("chiffres")
    feuille.append(["territoire", "indicateur", "periode", "nombre"])
    territoires = _territoires()
    n = 0
    for annee in range(1901, 2200):
        for mois in range(1, 13):
            for territoire in territoires:
                for indicateur in INDICATEURS:
                    if n == lignes:
                        classeur.save(chemin)
                        return
                    feuille.append([territoire, indicateur, f"{mois:02d}/{annee}", (n * 7) % 97])
                    n += 1
    raise ValueError("trop de lignes demandées")


PREPARER = """
from cls_poitiers.models import Territoire
from observatoire.models import Indicateur
Territoire.objects.bulk_create(
    [Territoire(code=c, nom=f"Commune {{c}} (générée)", niveau=Territoire.Niveau.COMMUNE) for c in {codes!r}]
)
for code in {indicateurs!r}:
    Indicateur.objects.get_or_create(
        code=code, defaults={{"libelle": code, "famille": "biens", "unite": "infraction"}}
    )
"""


def preparer_base(base: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{base}"}
    subprocess.run([PYTHON, MANAGE, "migrate", "--noinput", "-v0"], env=env, cwd=RACINE, check=True)
    code = PREPARER.format(codes=_territoires(), indicateurs=list(INDICATEURS))
    subprocess.run([PYTHON, MANAGE, "shell", "-c", code], env=env, cwd=RACINE, check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lignes", type=int, default=260_000)
    parser.add_argument("--essais", type=int, default=3)
    args = parser.parse_args()
    dossier = Path(os.environ.get("BENCH_DIR", "/tmp/cls-bench-xlsx"))
    dossier.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(dossier / "media"))
    classeur = dossier / f"chiffres-{args.lignes}.xlsx"
    if not classeur.exists():
        ecrire_classeur(classeur, args.lignes)
    gabarit = dossier / "gabarit.sqlite3"
    if not gabarit.exists():
        preparer_base(gabarit)
    print(f"Classeur : {classeur.name}, {classeur.stat().st_size / 1024 / 1024:.1f} Mo, {args.lignes} lignes")
    durees, memoires = [], []
    for essai in range(1, args.essais + 1):
        base = dossier / "essai.sqlite3"
        shutil.copyfile(gabarit, base)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{base}"}
        commande = [PYTHON, MANAGE, "importer_chiffres", str(classeur), "--apercu"]
        duree, memoire, sortie = lancer_mesure(commande, env)
        if "aperçu (rien enregistré)" not in sortie:
            raise RuntimeError(f"vérification inattendue :\n{sortie[-2000:]}")
        durees.append(duree)
        memoires.append(memoire)
        print(f"essai {essai} : {duree:.1f} s, mémoire maximale {memoire:.0f} Mo")
    print(
        f"médiane de {args.essais} : {statistics.median(durees):.1f} s, "
        f"mémoire maximale {statistics.median(memoires):.0f} Mo (cible : moins de 200 Mo)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
