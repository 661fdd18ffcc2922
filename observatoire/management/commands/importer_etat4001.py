from django.core.management.base import CommandError

from observatoire.imports import etat4001
from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe l'État 4001 : avec --index, la nomenclature des 107 index (numéro<TAB>libellé) ; "
        "sinon les nombres mensuels par département et par index (CSV ; ou XLSX, une feuille par "
        "département)."
    )
    type_lot = LotImport.Type.ETAT4001
    aide_creer_territoires = (
        "Rattacher chaque département au référentiel national : un code qu'il ne connaît pas refuse "
        "le fichier, en nommant sa ligne. Sans cette option, ses lignes sont ignorées et comptées."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--index", action="store_true", help="Le fichier est la nomenclature des index.")

    def handle(self, *args, fichier, index=False, **options):
        if not index:
            return super().handle(*args, fichier=fichier, **options)
        rapport = etat4001.charger_index(fichier)
        if rapport.a_des_erreurs:
            raise CommandError(
                "Fichier refusé, rien n'a été enregistré :\n" + "\n".join(rapport.lignes_de_texte())
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Nomenclature de l'État 4001 : {rapport.lignes_lues} lignes lues, "
                f"{rapport.creees} index créés, {rapport.rejetees} index non utilisés ignorés."
            )
        )
