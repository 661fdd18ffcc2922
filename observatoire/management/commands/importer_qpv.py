from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les populations des quartiers prioritaires (fichiers DEMO de l'INSEE et de l'ANCT : "
        "CODGEO ; LIBGEO ; POP_MUN ; LIB_COM…). L'année est celle de --annee, sinon celle du nom du "
        "fichier (DEMO_2020.csv)."
    )
    type_lot = LotImport.Type.QPV

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--annee", type=int, help="Année des populations (par défaut : celle du nom).")

    def options_du_lot(self, options) -> dict:
        return {"annee": options["annee"]} if options.get("annee") else {}
