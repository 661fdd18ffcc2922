"""Generated figures for benchmarks: `--fichier-national FILE` writes a national-format file (about
5.25 million rows by default); `--lignes N` loads N illustrative figures into the database through
the SSMSI import itself (territories created from the generated set). With `--referentiel`, the
file's communes are the national referential's (real codes, départements and legal populations;
the figures stay illustrative), and `--fichier-departemental FILE` writes beside it the
départemental base of the same figures (each département's total, masked communes included)."""

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from observatoire import generation, services
from observatoire.models import LotImport


class Command(BaseCommand):
    help = (
        "Génère des chiffres réalistes (illustratifs) : un fichier au format national "
        "(--fichier-national) ou N chiffres en base (--lignes), de façon reproductible (--graine)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lignes", type=int, help="Nombre de chiffres à charger en base.")
        parser.add_argument("--fichier-national", help="Chemin du fichier au format national à écrire.")
        parser.add_argument(
            "--lignes-nationales",
            type=int,
            default=generation.COMMUNES_NATIONALES * generation.LIGNES_PAR_COMMUNE,
            help="Nombre de lignes du fichier national (35 000 communes × 15 indicateurs × 10 ans).",
        )
        parser.add_argument(
            "--territoires",
            type=int,
            help="Crée seulement les départements et communes d'un jeu de N communes (sans chiffres).",
        )
        parser.add_argument(
            "--referentiel",
            action="store_true",
            help="Fichier national sur les communes du référentiel national (codes, populations légales).",
        )
        parser.add_argument(
            "--communes",
            default="",
            help="Codes de communes toujours présents dans le fichier national (séparés par des virgules).",
        )
        parser.add_argument(
            "--fichier-departemental",
            help="Chemin de la base départementale des mêmes chiffres à écrire (avec --fichier-national).",
        )
        parser.add_argument("--graine", type=int, default=2025, help="Graine du générateur.")
        parser.add_argument(
            "--source",
            default=services.SOURCE_GENEREE[0],
            help="Code de la source qui reçoit les chiffres générés (--lignes).",
        )

    def handle(
        self,
        *args,
        lignes=None,
        fichier_national=None,
        lignes_nationales=None,
        graine=2025,
        source=None,
        territoires=None,
        referentiel=False,
        communes="",
        fichier_departemental=None,
        **o,
    ):
        if not lignes and not fichier_national and not territoires:
            raise CommandError("Indiquez --lignes N, --fichier-national FICHIER ou --territoires N.")
        if territoires:
            cree = services.preparer_territoires_generes(generation.communes(territoires, seed=graine))
            self.stdout.write(f"{cree} territoire(s) créé(s).")
        if fichier_national:
            debut = time.perf_counter()
            imposees = None
            if communes:
                from observatoire.demo import COMMUNES_RECENTES

                imposees = {**COMMUNES_RECENTES, **dict.fromkeys(communes.split(","), 0)}
            n = generation.ecrire_fichier(
                Path(fichier_national),
                nombre_lignes=lignes_nationales,
                seed=graine,
                referentiel=referentiel,
                imposees=imposees,
                departemental=Path(fichier_departemental) if fichier_departemental else None,
                populations=populations_reelles(),
            )
            self.stdout.write(
                f"{fichier_national} : {n} lignes écrites en {time.perf_counter() - debut:.1f} s "
                f"({Path(fichier_national).stat().st_size / 1e6:.0f} Mo)."
            )
        if lignes:
            if lignes < 1:
                raise CommandError("--lignes doit être positif.")
            self.charger(lignes, graine, source)

    def charger(self, lignes, graine, code_source):
        cree = services.preparer_territoires_generes(
            generation.communes(max(1, -(-lignes // generation.LIGNES_PAR_COMMUNE)), seed=graine)
        )
        source = services.source_generee(code_source)
        with tempfile.TemporaryDirectory(prefix="cls-generation-") as dossier:
            chemin = Path(dossier) / f"chiffres-generes-{lignes}.csv"
            n = generation.ecrire_fichier(chemin, nombre_lignes=lignes, seed=graine)
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


def populations_reelles() -> dict[str, dict[int, int]]:
    """{commune code: {year: inhabitants}} of the real (not illustrative) populations recorded for
    the generated file's years: the file carries them, and the import keeps them anyway."""
    from django.db import DatabaseError

    from cls_poitiers.models import Population, Territoire

    resultat: dict[str, dict[int, int]] = {}
    lignes = Population.objects.filter(
        illustratif=False,
        territoire__niveau=Territoire.Niveau.COMMUNE,
        annee__in=generation.ANNEES,
        habitants__isnull=False,
    ).values_list("territoire__code", "annee", "habitants")
    try:
        for code, annee, habitants in lignes:
            resultat.setdefault(code, {})[annee] = habitants
    except DatabaseError:
        # No database yet (the benchmark writes its files before creating any): the file's own
        # populations, then.
        return {}
    return resultat
