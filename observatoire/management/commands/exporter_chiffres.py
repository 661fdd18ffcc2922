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
            metavar="NIVEAU",
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
                raise CommandError(f"Source inconnue : {source}.")
        indicateurs = None
        if code_indicateur:
            indicateur = Indicateur.objects.filter(code=code_indicateur).first()
            if indicateur is None:
                raise CommandError(f"Indicateur inconnu : {code_indicateur}")
            indicateurs = [indicateur]
        territoire = _territoire(code_territoire, niveau_territoire) if code_territoire else None
        ctx = pages.contexte(None, valeurs)
        if territoire is not None and (ctx is None or territoire.pk not in ctx.perimetre.territoires):
            # Any territory with figures, outside the contract too: that territory on its own.
            ctx = pages.contexte(None, valeurs, territoire=territoire)
        if ctx is None:
            raise CommandError(_sans_chiffres(valeurs.get("source"), territoire))
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
        if territoire is not None:
            # Exactly that territory's rows, not the contract's own rows beside them.
            lignes = [
                ligne
                for ligne in lignes
                if (ligne["territoire_code"], ligne["niveau"]) == (territoire.code, territoire.niveau)
            ]
        if not lignes:
            raise CommandError(_sans_chiffres(valeurs.get("source"), territoire, annee))
        entetes = pages.COLONNES_EXPORT
        lignes = [[pages.valeur_export(ligne, c) for c in entetes] for ligne in lignes]
        if sortie.suffix.lower() == ".xlsx":
            sortie.write_bytes(tableurs.xlsx_bytes({"Chiffres": (entetes, lignes)}))
        else:
            sortie.write_bytes(tableurs.csv_bytes(entetes, lignes))
        self.stdout.write(self.style.SUCCESS(f"{len(lignes)} ligne(s) écrite(s) dans {sortie}."))


def _territoire(code: str, niveau: str | None) -> Territoire:
    niveaux = [c for c, _l in Territoire.Niveau.choices]
    if niveau and niveau not in niveaux:
        raise CommandError(f"Niveau inconnu : {niveau} (niveaux possibles : {', '.join(niveaux)}).")
    territoire = Territoire.objects.par_code(code, niveau or None)
    if territoire is None:
        precision = f" au niveau {niveau}" if niveau else ""
        raise CommandError(f"Territoire inconnu : {code}{precision}.")
    return territoire


def _sans_chiffres(source, territoire, annee=None) -> str:
    """Why nothing would be written: the command refuses to write an empty file."""
    parties = [f"la source {source.code}" if source else "aucune source", f"l'année {annee}" if annee else ""]
    if territoire is not None:
        parties.append(f"le territoire {territoire.code} ({territoire.nom})")
    return "Aucun chiffre pour " + ", ".join(p for p in parties if p) + " : aucun fichier écrit."
