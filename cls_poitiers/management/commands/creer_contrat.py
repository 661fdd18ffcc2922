"""The set-up journey from a file or arguments, for scripted installs and tests: the same forms and
services as the browser, all in one transaction."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from cls_poitiers.mise_en_place import etapes, forms, services
from cls_poitiers.permissions import COORDINATION

SCHEMA = """\
Fichier JSON (--fichier) :
{
  "conseil": {"nature": "clspd", "nom_conseil": "CLSPD de Châtellerault", "perimetre": "86066",
              "titre": "", "date_signature": "2026-01-01", "date_debut": "2026-01-01",
              "date_fin": "2028-12-31", "annee_diagnostic": 2025},
  "coordination": {"prenom": "…", "nom": "…", "email": "…", "organisation": "Ville de …",
                   "nature": "collectivite"},
  "quartiers": [{"code": "QP086001", "nom": "Lac Renardières Ozon", "commune": "86066"}],
  "partenaires": [{"nom": "Préfecture de la Vienne", "sigle": "Préfet", "nature": "etat"}],
  "priorites": [{"titre": "Les jeunes exposés à la délinquance"}],
  "comptes": [{"prenom": "…", "nom": "…", "email": "…", "partenaire": "<nom du partenaire>",
               "role": "Partenaire"}],
  "instances": [{"nom": "Assemblée plénière", "type": "pleniere", "rythme": "annuel",
                 "confidentiel": false, "membres": ["<nom du partenaire>"],
                 "secretaires": ["<courriel du compte>"]}]
}
Seul « conseil » est obligatoire. « perimetre » : code INSEE ou nom de commune, SIREN ou nom
d'EPCI, plusieurs séparés par des virgules. Relancer le même fichier ne change rien."""


class Command(BaseCommand):
    help = _(
        "Met en place un conseil depuis un fichier JSON ou des options, comme le parcours du navigateur."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = SCHEMA
        parser.formatter_class = __import__("argparse").RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--fichier", help=_("Fichier JSON décrivant le conseil (voir ci-dessous)."))
        parser.add_argument("--nature", default="clspd", help=_("cls, clspd, cispd ou strategie."))
        parser.add_argument("--nom", help=_("Nom du conseil, par exemple « CLSPD de Châtellerault »."))
        parser.add_argument(
            "--commune", help=_("Code INSEE de la commune (ou plusieurs, séparés par des virgules).")
        )
        parser.add_argument("--epci", help=_("SIREN de l'intercommunalité."))
        parser.add_argument("--signature", help=_("Date de signature (AAAA-MM-JJ), par défaut le début."))
        parser.add_argument("--debut", help=_("Début (AAAA-MM-JJ)."))
        parser.add_argument("--fin", help=_("Fin (AAAA-MM-JJ), par défaut trois ans après le début."))
        parser.add_argument(
            "--coordination-courriel",
            help=_("Courriel de la coordination, invitée à choisir son mot de passe."),
        )
        parser.add_argument("--coordination-prenom", default="")
        parser.add_argument("--coordination-nom", default="")
        parser.add_argument("--coordination-organisation", help=_("Organisation de la coordination."))

    def handle(self, *args, **options):
        description = self._lire(options)
        try:
            with transaction.atomic():
                contrat = executer(description)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        self.stdout.write(
            _("Conseil en place : %(nom)s (%(territoire)s).")
            % {"nom": contrat.nom_court, "territoire": contrat.territoire.nom}
        )

    def _lire(self, options) -> dict:
        if options["fichier"]:
            try:
                return json.loads(Path(options["fichier"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as erreur:
                raise CommandError(_("Fichier illisible : %(erreur)s") % {"erreur": erreur}) from erreur
        perimetre = options["commune"] or options["epci"]
        if not perimetre or not options["debut"]:
            raise CommandError(_("Donnez --fichier, ou au moins --commune (ou --epci) et --debut."))
        description = {
            "conseil": {
                "nature": options["nature"],
                "nom_conseil": options["nom"] or "",
                "perimetre": perimetre,
                "date_signature": options["signature"] or options["debut"],
                "date_debut": options["debut"],
                "date_fin": options["fin"] or "",
            }
        }
        if options["coordination_courriel"]:
            description["coordination"] = {
                "prenom": options["coordination_prenom"],
                "nom": options["coordination_nom"],
                "email": options["coordination_courriel"],
                "organisation": options["coordination_organisation"] or _("Coordination du conseil"),
                "nature": "collectivite",
            }
        return description


def _erreurs(formulaire) -> str:
    if hasattr(formulaire, "management_form"):
        lignes = [
            _("ligne %(n)s, %(champ)s : %(message)s")
            % {"n": i, "champ": champ, "message": " ".join(messages)}
            for i, erreurs in enumerate(formulaire.errors, start=1)
            for champ, messages in erreurs.items()
        ]
        return " ; ".join([*lignes, *formulaire.non_form_errors()])
    return " ; ".join(f"{champ} : {' '.join(messages)}" for champ, messages in formulaire.errors.items())


def _valide(formulaire, titre):
    if not formulaire.is_valid():
        raise ValidationError(
            _("%(etape)s — %(erreurs)s") % {"etape": titre, "erreurs": _erreurs(formulaire)}
        )
    return formulaire


def executer(description: dict):
    """Runs the journey's steps on `description` (the file's schema); raises ValidationError."""
    if "conseil" not in description:
        raise ValidationError(_("Le fichier doit décrire le conseil (clé « conseil »)."))
    conseil = etapes.CONSEIL
    essai = _valide(forms.ConseilForm(forms.Donnees(description["conseil"])), conseil.titre)
    contrat = services.contrat_identique(essai.cleaned_data)
    contrat = conseil.enregistrer(
        contrat, _valide(conseil.formulaire(contrat, forms.Donnees(description["conseil"])), conseil.titre)
    )
    if "coordination" in description:
        coordination = dict(description["coordination"])
        organisation = services.enregistrer_partenaire(
            {"nom": coordination.pop("organisation"), "nature": coordination.pop("nature", "collectivite")}
        )
        services.enregistrer_compte({**coordination, "partenaire": organisation, "role": COORDINATION})
    for etape in etapes.etapes():
        if etape is conseil or etape.cle not in description:
            continue
        lignes = [
            {"retenu": True, **ligne} if etape.cle == "partenaires" else ligne
            for ligne in description[etape.cle]
        ]
        donnees = forms.Donnees(forms.donnees_de_lignes(etape.cle, lignes))
        etape.enregistrer(contrat, _valide(etape.formulaire(contrat, donnees), etape.titre))
    return contrat
