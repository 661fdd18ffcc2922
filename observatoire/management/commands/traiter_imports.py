"""manage.py traiter_imports [--relancer]"""

from django.core.management.base import BaseCommand

from observatoire import services
from observatoire.models import LotImport


class Command(BaseCommand):
    help = (
        "Constate les imports interrompus (processus de traitement arrêté : signe de vie plus ancien que "
        "CLS_IMPORT_BAIL_SECONDES) et les marque « interrompu ». Avec --relancer, remet en file chaque "
        "import interrompu à l'étape où il en était : la vérification, ou l'écriture d'un import que "
        "quelqu'un avait appliqué. N'applique jamais un aperçu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--relancer",
            action="store_true",
            help="Remettre en file les imports interrompus dont le fichier est conservé.",
        )

    def handle(self, *args, relancer=False, **options):
        interrompus = services.constater_interruptions()
        self.stdout.write(f"{interrompus} import(s) interrompu(s) constaté(s).")
        if not relancer:
            return
        relances = 0
        for lot in LotImport.objects.filter(statut=LotImport.Statut.INTERROMPU).exclude(fichier=""):
            if services.relancer(lot=lot, par=None):
                relances += 1
                self.stdout.write(f"{lot.fichier_nom} : {lot.get_etape_display()} remise en file.")
        self.stdout.write(f"{relances} import(s) relancé(s).")
