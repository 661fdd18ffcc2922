from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe le modèle local (territoire ; indicateur ; periode ; nombre), en CSV (UTF-8 ou "
        "Windows-1252, séparateur ;) ou XLSX."
    )
    type_lot = LotImport.Type.FIGURES

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--source", help="Code de la source (par défaut : relevés locaux de l'observatoire)."
        )

    def code_source(self, options):
        return options.get("source")
