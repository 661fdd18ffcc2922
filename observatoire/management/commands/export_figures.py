from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cls_poitiers import tableurs
from cls_poitiers.models import Territoire
from observatoire import pages
from observatoire.models import Indicateur, Source


class Command(BaseCommand):
    help = (
        "Exporte les chiffres et leurs agrégats (une ligne par territoire, indicateur et année, avec la "
        "ligne du district) en CSV (; UTF-8 avec BOM, virgule décimale) ou XLSX. Détail complet : "
        "commande réservée à l'exploitation du serveur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--territory", help="Code du territoire.")
        parser.add_argument("--indicator", help="Code de l'indicateur.")
        parser.add_argument("--level", choices=[c for c, _l in Territoire.Niveau.choices])
        parser.add_argument("--source", help="Code de la source (par défaut : la source principale).")
        parser.add_argument("--output", required=True, help="Fichier .csv ou .xlsx.")

    def handle(
        self, *args, year=None, territory=None, indicator=None, level=None, source=None, output, **options
    ):
        sortie = Path(output)
        if sortie.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Le fichier de sortie doit finir par .csv ou .xlsx.")
        valeurs = {}
        if source:
            valeurs["source"] = Source.objects.filter(code=source).first()
            if valeurs["source"] is None:
                raise CommandError(f"Source inconnue : {source}")
        indicateurs = None
        if indicator:
            indicateur = Indicateur.objects.filter(code=indicator).first()
            if indicateur is None:
                raise CommandError(f"Indicateur inconnu : {indicator}")
            indicateurs = [indicateur]
        territoire = None
        if territory:
            territoire = Territoire.objects.filter(code=territory).first()
            if territoire is None:
                raise CommandError(f"Territoire inconnu : {territory}")
        ctx = pages.contexte(None, valeurs)
        lignes = []
        if ctx is not None:
            ctx.detail = True
            if year is not None and year not in ctx.annees:
                raise CommandError(f"Aucun chiffre pour l'année {year}.")
            lignes = pages.lignes_chiffres(
                ctx,
                indicateurs=indicateurs,
                annees=[year] if year else None,
                niveau=level,
                territoire=territoire,
            )
        entetes = pages.COLONNES_EXPORT
        lignes = [[ligne[c] for c in entetes] for ligne in lignes]
        if sortie.suffix.lower() == ".xlsx":
            sortie.write_bytes(tableurs.xlsx_bytes({"Chiffres": (entetes, lignes)}))
        else:
            sortie.write_bytes(tableurs.csv_bytes(entetes, lignes))
        self.stdout.write(self.style.SUCCESS(f"{len(lignes)} ligne(s) écrite(s) dans {sortie}."))
