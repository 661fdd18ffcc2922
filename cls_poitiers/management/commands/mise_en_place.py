"""Print the one-time link that opens the set-up journey, on a platform without any contract."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cls_poitiers.mise_en_place import services


class Command(BaseCommand):
    help = _(
        "Sur une plateforme sans contrat, affiche un lien à usage unique, valable 24 heures, qui "
        "ouvre la mise en place du conseil dans le navigateur (premier compte de coordination, "
        "puis le conseil étape par étape). L'adresse vient de CLS_ADRESSE_PUBLIQUE."
    )

    def handle(self, *args, **options):
        try:
            jeton = services.creer_jeton()
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        self.stdout.write(_("Ouvrez ce lien dans votre navigateur pour mettre en place le conseil :"))
        self.stdout.write(services.lien(jeton))
        self.stdout.write(_("Il sert une seule fois et expire dans 24 heures."))
