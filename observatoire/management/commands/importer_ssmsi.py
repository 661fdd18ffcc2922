from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe la base nationale de la délinquance enregistrée (SSMSI), communale ou départementale, "
        "toutes éditions. Lecture en continu : le fichier national tient en mémoire bornée."
    )
    type_lot = LotImport.Type.SSMSI

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--creer-territoires",
            action="store_true",
            help="Créer les communes ou départements inconnus à partir de leur code.",
        )

    def options_du_lot(self, options):
        return {"creer_territoires": bool(options.get("creer_territoires"))}
