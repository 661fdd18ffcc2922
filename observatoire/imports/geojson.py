"""Territory boundaries from a GeoJSON FeatureCollection, matched by code (a property of each
feature, at the level of its `niveau` property if it has one, else the narrowest territory bearing
it). Features whose code the platform does not know are reported with their number, not fatal."""

import json

from django.utils.translation import gettext as _

from cls_poitiers.models import Territoire

from .base import Rapport
from .territoires import IndexTerritoires, lire_niveau, message_niveau_illisible, noter_inconnu

TYPES = {"Polygon", "MultiPolygon"}


def importer(chemin, *, rapport: Rapport, lot, source=None, propriete="code", progression=None, **_options):
    try:
        with open(chemin, encoding="utf-8-sig") as f:
            donnees = json.load(f)
    except UnicodeDecodeError:
        rapport.refuser(_("Le fichier GeoJSON doit être en UTF-8."))
    except json.JSONDecodeError as exc:
        rapport.refuser(
            _("JSON invalide : %(e)s.") % {"e": exc.msg}, ligne=exc.lineno, colonne=str(exc.colno)
        )
    if not isinstance(donnees, dict) or donnees.get("type") != "FeatureCollection":
        rapport.refuser(_("Une FeatureCollection GeoJSON est attendue."))
    rapport.edition = _("GeoJSON (propriété « %(p)s »)") % {"p": propriete}
    territoires = IndexTerritoires()
    contours = {}
    for n, feature in enumerate(donnees.get("features") or [], start=1):
        rapport.lignes_lues += 1
        proprietes = feature.get("properties") or {}
        code = str(proprietes.get(propriete, "")).strip()
        geometrie = feature.get("geometry") or {}
        if not code:
            rapport.erreur(
                n, propriete, _("Entité n° %(n)s sans propriété « %(p)s ».") % {"n": n, "p": propriete}
            )
            continue
        if geometrie.get("type") not in TYPES or not isinstance(geometrie.get("coordinates"), list):
            rapport.erreur(n, "geometry", _("Entité %(c)s : un polygone est attendu.") % {"c": code})
            continue
        try:
            niveau = lire_niveau(proprietes.get("niveau"))
        except ValueError:
            rapport.erreur(n, "niveau", message_niveau_illisible(proprietes.get("niveau")))
            continue
        territoire_id = territoires.get(code, niveau)
        if territoire_id is None:
            noter_inconnu(rapport, code, n)
            continue
        if territoire_id in contours:
            rapport.erreur(n, propriete, _("Entité en double pour le territoire %(c)s.") % {"c": code})
            continue
        contours[territoire_id] = geometrie
    if not rapport.lignes_lues:
        rapport.refuser(_("La FeatureCollection ne contient aucune entité."))
    if rapport.a_des_erreurs:
        return
    for territoire in Territoire.objects.filter(pk__in=contours).only("pk", "contour"):
        geometrie = contours[territoire.pk]
        if territoire.contour == geometrie:
            rapport.inchangees += 1
            continue
        rapport.creees += territoire.contour is None
        rapport.modifiees += territoire.contour is not None
        territoire.contour = geometrie
        territoire.save(update_fields=["contour"])
    for code in sorted(rapport.territoires_inconnus):
        rapport.avertissement(
            rapport.lignes_inconnues.get(code),
            propriete,
            _("Territoire inconnu : %(c)s (contour ignoré).") % {"c": code},
        )
