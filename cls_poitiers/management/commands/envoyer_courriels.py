from django.core.management.base import BaseCommand

from cls_poitiers.courriels import relancer


class Command(BaseCommand):
    help = "Renvoie les courriels en attente dont l'envoi avait échoué (serveur injoignable…)."

    def handle(self, *args, **options):
        envoyes, restants = relancer()
        self.stdout.write(f"Courriels renvoyés : {envoyes} ; toujours en attente : {restants}.")
