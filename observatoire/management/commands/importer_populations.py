from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les populations et logements par territoire et année (territoire ; annee ; habitants ; "
        "logements, ou colonnes INSEE CODGEO ; P99_POP ; P99_LOG)."
    )
    type_lot = LotImport.Type.POPULATION
