"""Load the national territorial referential (communes, départements, régions, EPCI, France), or
bring the database up to date with a newer edition of it."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cls_poitiers import referentiel


class Command(BaseCommand):
    help = _(
        "Charge le référentiel national des territoires (communes, départements, régions, "
        "intercommunalités) du paquet @etalab/decoupage-administratif, ou le met à jour. Idempotent : "
        "ne supprime jamais un territoire auquel des données se rattachent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossier",
            help=_("Dossier du paquet (par défaut node_modules/@etalab/decoupage-administratif)."),
        )
        parser.add_argument(
            "--annee-population",
            type=int,
            help=_(
                "Année des populations légales, pour une version du paquet que la plateforme ne connaît pas."
            ),
        )

    def handle(self, *args, dossier=None, annee_population=None, **options):
        try:
            rapport = referentiel.charger(dossier, annee_population=annee_population)
        except referentiel.ReferentielIntrouvable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Référentiel %(version)s :") % {"version": rapport.version or "?"})
        for ligne in rapport.lignes():
            self.stdout.write(f"  {ligne}")
