from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cls_poitiers import tableurs
from cls_poitiers.models import Territoire
from observatoire.models import Indicateur, Source
from observatoire.tableaux_de_bord import pages


class Command(BaseCommand):
    help = (
        "Exporte les chiffres et leurs agrégats (une ligne par territoire, indicateur et année, avec la "
        "ligne du territoire du contrat) en CSV (; UTF-8 avec BOM, virgule décimale) ou XLSX. Détail "
        "complet : commande réservée à l'exploitation du serveur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--annee", type=int)
        parser.add_argument(
            "--territoire", dest="code_territoire", metavar="CODE", help="Code du territoire."
        )
        parser.add_argument(
            "--indicateur", dest="code_indicateur", metavar="CODE", help="Code de l'indicateur."
        )
        parser.add_argument("--niveau", choices=[c for c, _l in Territoire.Niveau.choices])
        parser.add_argument(
            "--niveau-territoire",
            choices=[c for c, _l in Territoire.Niveau.choices],
            help="Niveau du territoire de --territoire quand son code en désigne plusieurs "
            "(75 : département ou région). Par défaut : le plus fin.",
        )
        parser.add_argument("--source", help="Code de la source (par défaut : la source principale).")
        parser.add_argument("--sortie", required=True, help="Fichier .csv ou .xlsx.")

    def handle(
        self,
        *args,
        annee=None,
        code_territoire=None,
        code_indicateur=None,
        niveau=None,
        niveau_territoire=None,
        source=None,
        sortie,
        **options,
    ):
        sortie = Path(sortie)
        if sortie.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Le fichier de sortie doit finir par .csv ou .xlsx.")
        valeurs = {}
        if source:
            valeurs["source"] = Source.objects.filter(code=source).first()
            if valeurs["source"] is None:
                raise CommandError(f"Source inconnue : {source}")
        indicateurs = None
        if code_indicateur:
            indicateur = Indicateur.objects.filter(code=code_indicateur).first()
            if indicateur is None:
                raise CommandError(f"Indicateur inconnu : {code_indicateur}")
            indicateurs = [indicateur]
        territoire = None
        if code_territoire:
            territoire = Territoire.objects.par_code(code_territoire, niveau_territoire)
            if territoire is None:
                raise CommandError(f"Territoire inconnu : {code_territoire}")
        ctx = pages.contexte(None, valeurs)
        lignes = []
        if ctx is not None:
            ctx.detail = True
            if annee is not None and annee not in ctx.annees:
                raise CommandError(f"Aucun chiffre pour l'année {annee}.")
            lignes = pages.lignes_chiffres(
                ctx,
                indicateurs=indicateurs,
                annees=[annee] if annee else None,
                niveau=niveau,
                territoire=territoire,
            )
        entetes = pages.COLONNES_EXPORT
        lignes = [[pages.valeur_export(ligne, c) for c in entetes] for ligne in lignes]
        if sortie.suffix.lower() == ".xlsx":
            sortie.write_bytes(tableurs.xlsx_bytes({"Chiffres": (entetes, lignes)}))
        else:
            sortie.write_bytes(tableurs.csv_bytes(entetes, lignes))
        self.stdout.write(self.style.SUCCESS(f"{len(lignes)} ligne(s) écrite(s) dans {sortie}."))
