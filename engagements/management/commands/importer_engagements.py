"""manage.py importer_engagements FICHIER [--apercu]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from engagements import exchange
from engagements.historique import lisible


class Command(BaseCommand):
    help = (
        "Importe des engagements depuis un fichier CSV ou XLSX au format de l'export, reconnus par leur "
        "référence. Tout ou rien : un fichier comportant une erreur est refusé en entier."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier .csv ou .xlsx")
        parser.add_argument(
            "--apercu", action="store_true", help="Montrer les changements sans les appliquer."
        )

    def handle(self, *args, fichier, apercu=False, **options):
        chemin = Path(fichier)
        try:
            contenu = chemin.read_bytes()
        except OSError as exc:
            raise CommandError(f"Impossible de lire {chemin} : {exc.strerror}.") from exc
        try:
            plan = exchange.importer(contenu=contenu, nom=chemin.name, par=None, apercu=apercu)
        except exchange.FichierInvalide as exc:
            for erreur in exc.erreurs:
                self.stderr.write(erreur)
            raise CommandError(
                f"Fichier refusé ({len(exc.erreurs)} problème(s)) : aucun engagement n'a été modifié."
            ) from exc
        for changement in plan.changements:
            nature = "création" if changement.creation else "modification"
            self.stdout.write(f"{changement.reference} : {nature}")
            for champ, (avant, apres) in changement.champs.items():
                self.stdout.write(f"  {champ} : {lisible(avant)} → {lisible(apres)}")
        bilan = (
            f"{len(plan.creations)} création(s), {len(plan.modifications)} modification(s), "
            f"{plan.inchanges} inchangé(s)."
        )
        if apercu:
            self.stdout.write(self.style.WARNING("Aperçu (--apercu), rien n'est écrit : " + bilan))
        else:
            self.stdout.write(self.style.SUCCESS("Import appliqué : " + bilan))
