"""Load the Poitiers 1998 contract as demo data: the core, then each app's `demo` module."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cls_poitiers import demo, referentiel


class Command(BaseCommand):
    help = "Charge le contrat de Poitiers (1998) comme données de démonstration. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charger même hors mode développement (DJANGO_DEBUG n'est pas à 1).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refus : DJANGO_DEBUG n'est pas à 1. Les données de démonstration ne se chargent pas sur "
                "une plateforme en production ; ajoutez --force si c'est vraiment voulu."
            )
        if not referentiel.est_charge():
            # The demo stands on its own: it creates its communes, which a later
            # `charger_referentiel` completes without moving them out of the District.
            self.stdout.write(
                "Référentiel national absent : la démonstration crée elle-même ses dix communes "
                "(« manage.py charger_referentiel » les complétera)."
            )
        with transaction.atomic():
            demo.load(stdout=self.stdout)
            for app_name in settings.CLS_APPS:
                module_name = f"{apps.get_app_config(app_name).name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Démonstration chargée : Contrat local de sécurité du District de Poitiers (1998)."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe « {demo.MOT_DE_PASSE_DEMO} ») :")
        self.stdout.write("  coordination, secretariat, analyste")
        self.stdout.write("  partenaires : " + ", ".join(demo.COMPTES_PARTENAIRES.values()))
