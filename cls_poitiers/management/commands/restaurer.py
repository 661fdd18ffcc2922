"""Restore a backup written by `sauvegarder` into an empty, migrated database.

History is switched off while loading: the backup already holds every historical record, and
re-saving the objects must not add new ones."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from cls_poitiers.models import Territoire


class Command(BaseCommand):
    help = "Restaure une sauvegarde JSON (manage.py sauvegarder) dans une base vide et migrée."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier de sauvegarde (.json).")

    def handle(self, *args, fichier, **options):
        if Territoire.objects.exists():
            raise CommandError(
                "Refus : la base contient déjà des données. Restaurez dans une base vide "
                "(nouvelle base, puis manage.py migrate)."
            )
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            # The roles that `migrate` seeds come back from the backup with their own keys (and
            # their permissions): the seeded ones would clash with them by name.
            Group.objects.all().delete()
            call_command("loaddata", fichier, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde restaurée : {fichier}"))
