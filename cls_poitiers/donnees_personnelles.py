"""Likely personal data in free text, flagged before it is saved.

The platform keeps aggregates and meeting records, never a nominative file on offenders or victims
(French data-protection law). Free-text fields say so where people type (`AIDE_DONNEES_PERSONNELLES`),
and `ControleDonneesPersonnelles`, mixed into a form, looks for what usually betrays a person:

- a civil title followed by a capitalised name: « M. Dupont », « Mme Martin », « Monsieur Durand ».
  A title followed by an office (« M. le Préfet », « Mme la Procureure ») names a function, not a
  person, and is not flagged;
- a date of birth: « né le 12/03/1985 », « née en 1990 », « date de naissance »;
- a street address: « 12 rue des Lilas », « 3 bis avenue de Nantes ». The number is what makes it
  an address: « la rue », « une ruelle » or « 2 places de stationnement » are not flagged.

These are hints, not proof: the form asks the person to rewrite or to confirm, never refuses. Each
warning is written in the journal (`AlerteDonneesPersonnelles`) without the text itself.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

AIDE_DONNEES_PERSONNELLES = _(
    "Aucune donnée nominative : ne citez ni auteur, ni victime, ni personne suivie."
)


def avec_aide_donnees_personnelles(aide):
    """A field's own help followed by the data-protection warning."""
    return format_lazy("{} {}", aide, AIDE_DONNEES_PERSONNELLES)


class Nature(models.TextChoices):
    """What kind of personal data a passage looks like."""

    CIVILITE = "civilite", _("une civilité suivie d'un nom")
    NAISSANCE = "naissance", _("une date de naissance")
    ADRESSE = "adresse", _("une adresse postale")


_MAJUSCULE = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LETTRE = "A-Za-zÀ-ÖØ-öø-ÿ"

# Civil titles, in any case (« MME », « monsieur »). « Me » is maître (lawyers, notaries).
_CIVILITE = re.compile(
    rf"(?<![{_LETTRE}])(?:(?i:monsieur|madame|mademoiselle|mme|mlle|mr|me|dr)\.?\s+|[Mm]\.\s*)"
    rf"(?P<nom>[{_MAJUSCULE}][{_LETTRE}'’-]*)"
)

# Capitalised words after a title that name an office or start one (« M. Le Maire »), not a person.
_MOTS_DE_FONCTION = (
    "le la les l de du des et ou adjoint adjointe avocat avocate chef commandant commandante "
    "commissaire conseiller conseillère colonel capitaine délégué déléguée député députée directeur "
    "directrice docteur inspecteur inspectrice juge lieutenant maire médiateur médiatrice préfet "
    "préfète président présidente procureur procureure recteur rectrice secrétaire sénateur "
    "sénatrice sous-préfet sous-préfète substitut vice-président vice-présidente"
)
_FONCTIONS = frozenset(_MOTS_DE_FONCTION.casefold().split())

# « né le 12/03/1985 », « née le 12 mars 1985 », « nés en 1990 », « date de naissance », « DDN : ».
_NAISSANCE = re.compile(
    r"(?<![A-Za-zÀ-ÿ])n[ée]e?s?(?:\(e\))?\s+(?:le|en)\s+\d+(?:[/.-]\d+)*(?:\s+[a-zéû]+\s+\d{4})?"
    r"|\bdates?\s+de\s+naissance\b"
    r"|\bd\.?d\.?n\.?(?=\s*:|\s+\d)",
    re.IGNORECASE,
)

# Street types that, after a number, are an address whatever follows.
_VOIES = r"rue|ruelle|avenue|av\.|boulevard|bd|faubourg"
# Words that are also common nouns (« 2 places de stationnement », « 3 cours de soutien »): an
# address only when a capitalised name follows (« 1 place du Marché », « 5 cours Lafayette »).
_VOIES_AMBIGUES = (
    r"place|cours|route|chemin|allée|impasse|quai|square|passage|promenade|esplanade|sentier|cité|"
    r"résidence|lotissement"
)
_PARTICULE = r"(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’])\s*)"
_ADRESSE = re.compile(
    rf"(?<![\d,.])\b\d{{1,3}}(?!\d)\s*(?:bis|ter|quater|[A-D])?\s*,?\s+"
    rf"(?:(?i:{_VOIES})\b(?:\s+{_PARTICULE}?[{_LETTRE}'’-]+)?"
    rf"|(?i:{_VOIES_AMBIGUES})\s+{_PARTICULE}?[{_MAJUSCULE}][{_LETTRE}'’-]*)"
)


@dataclass(frozen=True)
class Reperage:
    """A passage that looks like personal data: its kind and the words that matched."""

    nature: Nature
    extrait: str


def reperer(texte: str) -> list[Reperage]:
    """The passages of `texte` that look like personal data, in the order they appear."""
    if not texte:
        return []
    trouves = []
    for m in _CIVILITE.finditer(texte):
        # « M. L'adjoint » names an office, « M. L'Hermite » a person: the word after the elision counts.
        nom = re.split(r"^[LlDd]['’]", m.group("nom").rstrip("'’-"))[-1]
        if nom.casefold() not in _FONCTIONS:
            trouves.append((m.start(), Reperage(Nature.CIVILITE, m.group(0).strip())))
    for m in _NAISSANCE.finditer(texte):
        trouves.append((m.start(), Reperage(Nature.NAISSANCE, m.group(0).strip())))
    for m in _ADRESSE.finditer(texte):
        trouves.append((m.start(), Reperage(Nature.ADRESSE, m.group(0).strip())))
    return [r for _debut, r in sorted(trouves, key=lambda t: t[0])]
