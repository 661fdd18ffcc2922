"""One command for every reminder of the platform (cls_poitiers/relances.py): run the day's
reminders now (daily from cron), or start their periodic background task (`--planifier`)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cls_poitiers import relances
from cls_poitiers.courriels import relancer


class Command(BaseCommand):
    help = "Envoie les relances du jour (engagements, comptes rendus, rythme des comités)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date du jour à simuler (AAAA-MM-JJ), pour les essais.")
        parser.add_argument(
            "--planifier",
            action="store_true",
            help="Met en file la tâche quotidienne des relances (chaque matin, par le worker) "
            "au lieu de les envoyer maintenant.",
        )

    def handle(self, *args, date=None, planifier=False, **options):
        if planifier:
            quand = relances.planifier()
            if quand is None:
                self.stdout.write("Relances déjà planifiées (ou file d'attente sans exécution différée).")
            else:
                self.stdout.write(f"Prochaines relances le {timezone.localtime(quand):%d/%m/%Y à %H:%M}.")
            return
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide : {date!r} (attendu AAAA-MM-JJ).") from exc
        envoyes, restants = relancer()
        self.stdout.write(f"Courriels en attente renvoyés : {envoyes} ; toujours en attente : {restants}.")
        par_app = relances.envoyer_relances(today=today, stdout=self.stdout)
        for app_name, nombre in par_app.items():
            self.stdout.write(f"{app_name} : {nombre} relance(s) mise(s) en file d'envoi.")
        total = sum(par_app.values())
        self.stdout.write(self.style.SUCCESS(f"Total : {total} relance(s) le {today:%d/%m/%Y}."))
