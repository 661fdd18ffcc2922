from observatoire.models import LotImport

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Importe les contours des territoires (FeatureCollection GeoJSON), rapprochés par leur code."
    type_lot = LotImport.Type.GEOJSON

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--propriete-code", default="code", help="Propriété qui porte le code (défaut : code)."
        )

    def options_du_lot(self, options):
        return {"propriete": options.get("propriete_code") or "code"}
