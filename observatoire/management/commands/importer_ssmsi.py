from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe la base nationale de la délinquance enregistrée (SSMSI), communale ou départementale, "
        "toutes éditions. Lecture en continu : le fichier national tient en mémoire bornée."
    )
    type_lot = LotImport.Type.SSMSI
    aide_creer_territoires = "Créer les communes ou départements inconnus à partir de leur code."
