from django.core.management.base import BaseCommand

from cls_poitiers.courriels import relancer


class Command(BaseCommand):
    help = (
        "Envoie les courriels en attente dont l'heure est venue, sans attendre le worker "
        "(worker arrêté, ou mort pendant un envoi)."
    )

    def handle(self, *args, **options):
        envoyes, restants = relancer()
        self.stdout.write(f"Courriels envoyés : {envoyes} ; toujours en attente : {restants}.")
