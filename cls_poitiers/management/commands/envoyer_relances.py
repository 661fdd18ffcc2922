"""One command for every reminder of the platform, to run daily from cron.

Each app may provide a module `<app>.relances` with `envoyer(*, today, stdout) -> int` returning
the number of e-mails sent; the core calls them in the apps' order.
"""

import datetime
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cls_poitiers.courriels import relancer


class Command(BaseCommand):
    help = "Envoie les relances du jour (engagements, comptes rendus, rythme des comités)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date du jour à simuler (AAAA-MM-JJ), pour les essais.")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide : {date!r} (attendu AAAA-MM-JJ).") from exc
        envoyes, restants = relancer()
        self.stdout.write(f"Courriels en attente renvoyés : {envoyes} ; toujours en attente : {restants}.")
        total = 0
        for app_name in settings.CLS_APPS:
            module_name = f"{app_name}.relances"
            if find_spec(module_name) is None:
                continue
            nombre = import_module(module_name).envoyer(today=today, stdout=self.stdout)
            self.stdout.write(f"{app_name} : {nombre} relance(s) envoyée(s).")
            total += nombre
        self.stdout.write(self.style.SUCCESS(f"Total : {total} relance(s) le {today:%d/%m/%Y}."))
