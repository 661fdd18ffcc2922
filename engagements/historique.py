"""Readable change history of actions and commitments (django-simple-history records): who,
when, why, and each field's old and new value."""

import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.models import Territoire

# Machinery, not contract terms: left out of the readable history.
CHAMPS_TECHNIQUES = {"version", "cree_le"}


def lisible(valeur) -> str:
    """A value as a French reader expects it (exports, history, conflicts)."""
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, bool):
        return _("oui") if valeur else _("non")
    if isinstance(valeur, Decimal):
        return formats.nombre(valeur, 0 if valeur == valeur.to_integral_value() else 2)
    if isinstance(valeur, datetime.date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, set | frozenset | list | tuple):
        territoires = {t.pk: t.nom for t in Territoire.objects.filter(pk__in=_pks(valeur))}
        noms = [territoires.get(v, str(v)) if isinstance(v, int) else str(v) for v in valeur]
        return ", ".join(sorted(noms)) or "—"
    return str(valeur)


def _pks(valeurs):
    return [v for v in valeurs if isinstance(v, int)]


def entrees(objet) -> list[dict]:
    """The object's history, newest first: one entry per saved version with its changes."""
    modele = type(objet)
    records = list(objet.history.select_related("history_user").order_by("history_date", "history_id"))
    resultat = []
    precedent = None
    for record in records:
        changements = []
        if precedent is not None:
            delta = record.diff_against(
                precedent, excluded_fields=CHAMPS_TECHNIQUES, foreign_keys_are_objs=True
            )
            for change in delta.changes:
                champ = modele._meta.get_field(change.field)
                avant, apres = change.old, change.new
                if champ.many_to_many:
                    cle = champ.m2m_reverse_field_name()
                    avant = {ligne[cle] for ligne in avant}
                    apres = {ligne[cle] for ligne in apres}
                    if avant == apres:
                        continue
                changements.append(
                    {"champ": champ.verbose_name, "avant": lisible(avant), "apres": lisible(apres)}
                )
            if not changements:
                precedent = record
                continue
        resultat.append(
            {
                "date": record.history_date,
                "auteur": record.history_user,
                "motif": record.history_change_reason,
                "creation": record.history_type == "+",
                "changements": changements,
            }
        )
        precedent = record
    resultat.reverse()
    return resultat


def libelle_champ(modele: type[models.Model], nom: str) -> str:
    return str(modele._meta.get_field(nom).verbose_name)
