"""Restore a backup written by `sauvegarder` into an empty, migrated database.

"Empty" means no data of a council: `migrate` loads the national referential, which the backup
holds too (with its own keys); the fresh one is dropped before loading the backup's.

History is switched off while loading: the backup already holds every historical record, and
re-saving the objects must not add new ones."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from cls_poitiers.models import Contrat, Territoire


class Command(BaseCommand):
    help = "Restaure une sauvegarde JSON (manage.py sauvegarder) dans une base vide et migrée."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier de sauvegarde (.json).")

    def handle(self, *args, fichier, **options):
        if Territoire.objects.filter(referentiel=False).exists() or Contrat.objects.exists():
            raise CommandError(
                _(
                    "Refus : la base contient déjà des données. Restaurez dans une base vide "
                    "(nouvelle base, puis manage.py migrate)."
                )
            )
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            # The roles that `migrate` seeds, and the referential it loads, come back from the
            # backup with their own keys: the fresh ones would clash with them. Nothing points to
            # the fresh referential yet; its links to itself are checked at commit (deferred).
            Group.objects.all().delete()
            Territoire.objects.all()._raw_delete(Territoire.objects.db)
            call_command("loaddata", fichier, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde restaurée : {fichier}"))
