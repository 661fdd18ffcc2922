from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe la base nationale de la délinquance enregistrée (SSMSI), communale ou départementale, "
        "toutes éditions. Lecture en continu : le fichier national tient en mémoire bornée."
    )
    type_lot = LotImport.Type.SSMSI
    aide_creer_territoires = (
        "Rattacher chaque code au référentiel national (nom officiel, commune sous son département) : "
        "un code qu'il ne connaît pas refuse le fichier, en nommant sa ligne. Sans cette option, les "
        "lignes d'un territoire inconnu sont ignorées et comptées."
    )
