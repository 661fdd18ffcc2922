"""Generated figures for benchmarks: `--national-file FILE` writes a national-format file (about
5.25 million rows by default); `--rows N` loads N illustrative figures into the database through
the SSMSI import itself (territories created from the generated set)."""

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from observatoire import generation, services
from observatoire.models import LotImport


class Command(BaseCommand):
    help = (
        "Génère des chiffres réalistes (illustratifs) : un fichier au format national "
        "(--national-file) ou N chiffres en base (--rows), de façon reproductible (--seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, help="Nombre de chiffres à charger en base.")
        parser.add_argument("--national-file", help="Chemin du fichier au format national à écrire.")
        parser.add_argument(
            "--national-rows",
            type=int,
            default=generation.COMMUNES_NATIONALES * generation.LIGNES_PAR_COMMUNE,
            help="Nombre de lignes du fichier national (35 000 communes × 15 indicateurs × 10 ans).",
        )
        parser.add_argument(
            "--territories",
            type=int,
            help="Crée seulement les départements et communes d'un jeu de N communes (sans chiffres).",
        )
        parser.add_argument("--seed", type=int, default=2025, help="Graine du générateur.")
        parser.add_argument(
            "--source",
            default=services.SOURCE_GENEREE[0],
            help="Code de la source qui reçoit les chiffres générés (--rows).",
        )

    def handle(
        self,
        *args,
        rows=None,
        national_file=None,
        national_rows=None,
        seed=2025,
        source=None,
        territories=None,
        **o,
    ):
        if not rows and not national_file and not territories:
            raise CommandError("Indiquez --rows N, --national-file FICHIER ou --territories N.")
        if territories:
            cree = services.preparer_territoires_generes(generation.communes(territories, seed=seed))
            self.stdout.write(f"{cree} territoire(s) créé(s).")
        if national_file:
            debut = time.perf_counter()
            n = generation.ecrire_fichier(Path(national_file), nombre_lignes=national_rows, seed=seed)
            self.stdout.write(
                f"{national_file} : {n} lignes écrites en {time.perf_counter() - debut:.1f} s "
                f"({Path(national_file).stat().st_size / 1e6:.0f} Mo)."
            )
        if rows:
            if rows < 1:
                raise CommandError("--rows doit être positif.")
            self.charger(rows, seed, source)

    def charger(self, rows, seed, code_source):
        cree = services.preparer_territoires_generes(
            generation.communes(max(1, -(-rows // generation.LIGNES_PAR_COMMUNE)), seed=seed)
        )
        source = services.source_generee(code_source)
        with tempfile.TemporaryDirectory(prefix="cls-generation-") as dossier:
            chemin = Path(dossier) / f"chiffres-generes-{rows}.csv"
            n = generation.ecrire_fichier(chemin, nombre_lignes=rows, seed=seed)
            lot = services.creer_lot(
                type_lot=LotImport.Type.SSMSI, chemin=chemin, nom=chemin.name, source=source
            )
            debut = time.perf_counter()
            rapport = services.executer_lot(lot=lot, chemin=chemin, appliquer=True)
        if rapport.a_des_erreurs:
            raise CommandError("Chiffres générés refusés :\n" + "\n".join(rapport.lignes_de_texte()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{n} chiffres générés (illustratifs, source « {source.code} ») en "
                f"{time.perf_counter() - debut:.1f} s : {rapport.creees} créés, "
                f"{rapport.modifiees} modifiés, "
                f"{rapport.inchangees} inchangés ; {cree} territoire(s) créé(s)."
            )
        )
