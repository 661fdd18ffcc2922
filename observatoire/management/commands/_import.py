"""What the import commands share: one batch per file, the report in French, a non-zero exit
with every problem (line and column) when the file is refused."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from observatoire import services


class ImportCommand(BaseCommand):
    type_lot: str = ""
    # Django's system checks (URLs, templates, admin, security settings: about 1 s here) say
    # nothing about a data file; `manage.py check` and the test suite run them. An import of the
    # national base takes about 15 s, a local file well under one.
    requires_system_checks = []
    # The help of `--creer-territoires`, for the imports that may create the territories they do
    # not know; the other imports have no such option.
    aide_creer_territoires: str = ""

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Chemin du fichier à importer.")
        parser.add_argument(
            "--apercu", action="store_true", help="Tout vérifier et compter sans rien enregistrer."
        )
        if self.aide_creer_territoires:
            parser.add_argument("--creer-territoires", action="store_true", help=self.aide_creer_territoires)

    def options_du_lot(self, options) -> dict:
        if self.aide_creer_territoires:
            return {"creer_territoires": bool(options.get("creer_territoires"))}
        return {}

    def code_source(self, options) -> str | None:
        return None

    def handle(self, *args, fichier, apercu=False, **options):
        chemin = Path(fichier)
        if not chemin.is_file():
            raise CommandError(f"Fichier introuvable : {chemin}")
        # Without a code, the type's default source is created only if the file is applied.
        code = self.code_source(options)
        source = services.source_par_code(code, self.type_lot) if code else None
        if code and source is None:
            raise CommandError(f"Source inconnue : {self.code_source(options)}")
        lot = services.creer_lot(
            type_lot=self.type_lot,
            chemin=chemin,
            nom=chemin.name,
            source=source,
            options=self.options_du_lot(options),
        )
        rapport = services.executer_lot(lot=lot, chemin=chemin, appliquer=not apercu)
        if rapport.edition:
            self.stdout.write(f"Format reconnu : {rapport.edition}")
        for probleme in rapport.avertissements:
            self.stdout.write(self.style.WARNING(f"Avertissement — {probleme}"))
        if rapport.avertissements_en_plus:
            self.stdout.write(
                self.style.WARNING(f"… et {rapport.avertissements_en_plus} autres avertissements.")
            )
        if rapport.a_des_erreurs:
            raise CommandError(
                "Fichier refusé, rien n'a été enregistré :\n" + "\n".join(rapport.lignes_de_texte())
            )
        verbe = "aperçu (rien enregistré)" if apercu else "import appliqué"
        self.stdout.write(
            self.style.SUCCESS(
                f"{chemin.name} : {verbe} — {rapport.lignes_lues} lignes lues, {rapport.creees} créées, "
                f"{rapport.modifiees} modifiées, {rapport.inchangees} inchangées, "
                f"{rapport.rejetees} rejetées."
            )
        )
        if rapport.territoires_inconnus:
            self.stdout.write(
                f"{len(rapport.territoires_inconnus)} territoire(s) inconnu(s), {rapport.rejetees} ligne(s) "
                "ignorée(s) (--creer-territoires pour exiger que chaque code soit au référentiel national)."
            )
        if rapport.territoires_crees:
            self.stdout.write(f"{len(rapport.territoires_crees)} territoire(s) créé(s).")
        if rapport.populations:
            self.stdout.write(f"{rapport.populations} population(s) enregistrée(s) depuis le fichier.")
