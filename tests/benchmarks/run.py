"""`make bench`: the benchmark of issue 8 (see tests/benchmarks/bench.py and BENCHMARKS.md).

BENCH_SCALE=full|small|tiny  (default full: 5.25 million rows, about 15 minutes)
BENCH_DIR=/tmp/cls-bench      where the generated national-format files are kept
BENCH_PARTIE=contexte         the national context's pages and ranking alone (issue 13)
BENCH_PARTIE=import           the import alone: command, COPY, web, re-import (issue 13)
BENCH_PG=postgres://postgres@127.0.0.1:5432   BENCH_DB_PREFIX=cls_perf_bench
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from tests.benchmarks import bench  # noqa: E402


def main(argv: list[str]) -> int:
    if argv[:1] == ["--tableaux"]:
        source, requetes, repetitions = argv[1], int(argv[2]), int(argv[3])
        print(json.dumps(bench.mesurer_tableaux_ici(source, requetes, repetitions)))
        return 0
    if argv[:1] == ["--national"]:
        source, requetes, repetitions = argv[1], int(argv[2]), int(argv[3])
        classement = argv[4:5] != ["0"]
        print(json.dumps(bench.mesurer_national_ici(source, requetes, repetitions, classement)))
        return 0
    echelle = bench.ECHELLES[os.environ.get("BENCH_SCALE", "full")]
    partie = os.environ.get("BENCH_PARTIE")
    if partie and partie not in bench.PARTIES:
        print(f"BENCH_PARTIE inconnue : {partie} (au choix : {', '.join(bench.PARTIES)})", file=sys.stderr)
        return 2
    executer = bench.PARTIES[partie] if partie else bench.executer
    executer(echelle, Path(os.environ.get("BENCH_DIR", "/tmp/cls-bench")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
