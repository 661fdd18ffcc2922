"""What many models of the contract share, declared once as abstract models: the audit trail
and the "illustrative" flag of demonstration data. Every app's models inherit from them."""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Historise(models.Model):
    """A record whose every change is kept: who, when and what (the audit trail the coordination
    reads). Nothing is overwritten or deleted silently.

    A model that also keeps the history of a many-to-many field names it in `_history_m2m_fields`.
    A model whose history leaves out some columns declares its own `HistoricalRecords` instead."""

    # `inherit=True` gives each concrete subclass its own history model and table, named after it
    # (`HistoricalAction`, `engagements_historicalaction`), as a declaration on the subclass would.
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Illustratif(models.Model):
    """A record that may be demonstration data: illustrative data are labelled so wherever they
    are shown, and never replace real ones."""

    illustratif = models.BooleanField(
        _("donnée illustrative"),
        default=False,
        help_text=_("Donnée de démonstration, non issue d'une source officielle."),
    )

    class Meta:
        abstract = True


def cle_de_recherche(texte: str) -> str:
    """Lower case, without accents, hyphens and apostrophes as spaces: "Saint-Éloi" → "saint eloi".
    What a territory's name is searched by (`Territoire.nom_recherche`)."""
    decompose = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    for signe in "-'’":
        sans_accents = sans_accents.replace(signe, " ")
    return " ".join(sans_accents.lower().split())
