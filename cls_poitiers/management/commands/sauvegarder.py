"""A portable backup (JSON) of the whole platform: the data and its history, any engine."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate` or meaningless on another server.
EXCLUSIONS = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class Command(BaseCommand):
    help = "Sauvegarde toutes les données (et leur historique) dans un fichier JSON portable."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier de sauvegarde à écrire (.json).")

    def handle(self, *args, fichier, **options):
        call_command(
            "dumpdata",
            "--natural-foreign",
            *[f"--exclude={e}" for e in EXCLUSIONS],
            output=fichier,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {fichier}"))
