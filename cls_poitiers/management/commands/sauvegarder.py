"""A portable backup (JSON) of the whole platform: the data and its history, any engine.

The file is secret: it holds password hashes and, unless `--sans-secrets-2fa`, the keys of the
second factor. It is created readable by its owner alone (0600) before anything is written."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate` or meaningless on another server.
EXCLUSIONS = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
# The second factor's devices: their keys would let whoever reads the file generate the codes.
SECRETS_2FA = ["otp_totp.totpdevice"]
MODE_SECRET = 0o600


def creer_fichier_secret(chemin: str) -> None:
    """Create (or empty) `chemin` with mode 0600, before a byte is written: an existing file keeps
    no wider mode either."""
    descripteur = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE_SECRET)
    try:
        os.fchmod(descripteur, MODE_SECRET)
    finally:
        os.close(descripteur)


class Command(BaseCommand):
    help = (
        "Sauvegarde toutes les données (et leur historique) dans un fichier JSON portable, "
        "lisible par son seul propriétaire : il contient les empreintes des mots de passe."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier de sauvegarde à écrire (.json).")
        parser.add_argument(
            "--sans-secrets-2fa",
            action="store_true",
            dest="sans_secrets_2fa",
            help="Laisser de côté les clés de la double authentification : après restauration, "
            "chacun enregistre de nouveau son application.",
        )

    def handle(self, *args, fichier, sans_secrets_2fa=False, **options):
        exclusions = EXCLUSIONS + (SECRETS_2FA if sans_secrets_2fa else [])
        creer_fichier_secret(fichier)
        call_command(
            "dumpdata",
            "--natural-foreign",
            *[f"--exclude={e}" for e in exclusions],
            output=fichier,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {fichier}"))
