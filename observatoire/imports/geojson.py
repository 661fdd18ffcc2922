"""Territory boundaries from a GeoJSON FeatureCollection, matched by code (a property of each
feature). Features whose code the platform does not know are reported, not fatal."""

import json

from django.utils.translation import gettext as _

from cls_poitiers.models import Territoire

from .base import Rapport

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
    territoires = {t.code: t for t in Territoire.objects.all().only("pk", "code", "contour")}
    contours = {}
    for n, feature in enumerate(donnees.get("features") or [], start=1):
        rapport.lignes_lues += 1
        code = str((feature.get("properties") or {}).get(propriete, "")).strip()
        geometrie = feature.get("geometry") or {}
        if not code:
            rapport.erreur(
                n, propriete, _("Entité n° %(n)s sans propriété « %(p)s ».") % {"n": n, "p": propriete}
            )
            continue
        if geometrie.get("type") not in TYPES or not isinstance(geometrie.get("coordinates"), list):
            rapport.erreur(n, "geometry", _("Entité %(c)s : un polygone est attendu.") % {"c": code})
            continue
        if code not in territoires:
            rapport.territoires_inconnus[code] = 1
            rapport.rejetees += 1
            continue
        if code in contours:
            rapport.erreur(n, propriete, _("Entité en double pour le territoire %(c)s.") % {"c": code})
            continue
        contours[code] = geometrie
    if not rapport.lignes_lues:
        rapport.refuser(_("La FeatureCollection ne contient aucune entité."))
    if rapport.a_des_erreurs:
        return
    for code, geometrie in contours.items():
        territoire = territoires[code]
        if territoire.contour == geometrie:
            rapport.inchangees += 1
            continue
        rapport.creees += territoire.contour is None
        rapport.modifiees += territoire.contour is not None
        territoire.contour = geometrie
        territoire.save(update_fields=["contour"])
    for code in sorted(rapport.territoires_inconnus):
        rapport.avertissement(
            None, propriete, _("Territoire inconnu : %(c)s (contour ignoré).") % {"c": code}
        )
