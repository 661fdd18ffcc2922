"""manage.py exporter_engagements FICHIER.csv|FICHIER.xlsx [--au AAAA-MM-JJ]"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from engagements import exchange
from engagements.models import Engagement


class Command(BaseCommand):
    help = (
        "Exporte tous les engagements avec leur valeur actuelle et leur état (CSV « ; », UTF-8 avec BOM, "
        "virgule décimale ; ou XLSX selon l'extension du fichier)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier à écrire : .csv ou .xlsx")
        parser.add_argument(
            "--au", help="Date de lecture des valeurs et des états (AAAA-MM-JJ), aujourd'hui par défaut."
        )

    def handle(self, *args, fichier, au=None, **options):
        chemin = Path(fichier)
        format = chemin.suffix.lower().lstrip(".")
        if format not in ("csv", "xlsx"):
            raise CommandError("Format non reconnu : le fichier doit finir par .csv ou .xlsx.")
        try:
            date = datetime.date.fromisoformat(au) if au else None
        except ValueError as exc:
            raise CommandError(f"Date invalide : {au!r} (attendu AAAA-MM-JJ).") from exc
        engagements = (
            Engagement.objects.pour_listes(date).prefetch_related("territoires").order_by("reference")
        )
        try:
            chemin.write_bytes(exchange.export(engagements, format=format))
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire {chemin} : {exc.strerror}.") from exc
        self.stdout.write(
            self.style.SUCCESS(f"{engagements.count()} engagement(s) exporté(s) dans {chemin}.")
        )
