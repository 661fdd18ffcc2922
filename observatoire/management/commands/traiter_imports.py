from django.core.management.base import BaseCommand

from observatoire import services
from observatoire.models import LotImport


class Command(BaseCommand):
    help = (
        "Applique les imports déposés sur le web restés en attente (par exemple après un redémarrage "
        "du serveur pendant un import en arrière-plan)."
    )

    def handle(self, *args, **options):
        lots = list(
            LotImport.objects.filter(statut__in=[LotImport.Statut.EN_ATTENTE, LotImport.Statut.EN_COURS])
            .exclude(fichier="")
            .values_list("pk", flat=True)
        )
        for pk in lots:
            services.traiter(pk)
            lot = LotImport.objects.get(pk=pk)
            self.stdout.write(f"{lot.fichier_nom} : {lot.get_statut_display()}")
        self.stdout.write(f"{len(lots)} import(s) traité(s).")
