"""The dashboards' computed tables, cached.

A dashboard reads its perimeter's figures, rolls them up from quartiers to the district, applies
secrecy and builds its tables and charts: tens of milliseconds of Python, the same for every
reader until the figures change. That result (the page's context, less the filter form and the
user) is cached, keyed by:

- the page and its cleaned filters (validated for the user before the cache is looked at: the
  permission checks never depend on it);
- what makes two readers see different things: the detail level (secrecy,
  `permissions.sees_detailed_figures`), the language, the secrecy threshold;
- the version of the observatory's data (`cls_poitiers.versions`), incremented after every
  committed change to anything a dashboard shows: figures, populations, territories, the contract,
  sources, indicators, declarations, surveys. A change makes every earlier entry unreachable.

Changes through the ORM are seen by signals (see `surveiller`); bulk writes that send no signal
(imports, generated figures, the demo, a restore) call `changer()` themselves. The cache's
timeout bounds the staleness of a change that would escape both.
"""

import hashlib
import pickle
from dataclasses import replace

from django.conf import settings
from django.core.cache import caches
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from cls_poitiers import versions

CLE_VERSION = "observatoire"
# What a dashboard shows depends on these models (and on nothing else stored).
MODELES_SURVEILLES = (
    "observatoire.Donnee",
    "observatoire.Indicateur",
    "observatoire.Source",
    "observatoire.Declaration",
    "observatoire.Enquete",
    "observatoire.ResultatEnquete",
    "observatoire.LotImport",
    "cls_poitiers.Territoire",
    "cls_poitiers.Population",
    "cls_poitiers.Contrat",
)


ALIAS = "tableaux"


def _cache():
    return caches[ALIAS]


def changer() -> None:
    """The observatory's data changed (or will, when the current transaction commits)."""
    versions.changer(CLE_VERSION)


def _normaliser(valeur):
    if isinstance(valeur, models.Model):
        return (valeur._meta.label, valeur.pk)
    if isinstance(valeur, dict):
        return tuple(sorted((str(k), _normaliser(v)) for k, v in valeur.items()))
    if isinstance(valeur, (list, tuple, set, frozenset, models.QuerySet)):
        elements = [_normaliser(v) for v in valeur]
        return tuple(sorted(elements, key=repr) if isinstance(valeur, (set, frozenset)) else elements)
    if valeur is None or isinstance(valeur, (bool, int, str)):
        return valeur
    return str(valeur)


def cle(page: str, *, detail: bool, parametres=None) -> str:
    """The cache key of one page's computation, for the current data version."""
    contenu = (
        page,
        versions.lire(CLE_VERSION),
        bool(detail),
        get_language(),
        settings.CLS_SEUIL_SECRET,
        _normaliser(parametres),
    )
    empreinte = hashlib.sha256(pickle.dumps(contenu, protocol=5)).hexdigest()[:40]
    return f"cls:observatoire:{page}:{empreinte}"


def memoriser(page: str, calculer, *, detail: bool, parametres=None):
    """`calculer()`'s result for this page, these parameters and this detail level, computed once
    per data version. The key (and so the version) is taken BEFORE computing. `calculer` may
    raise (Http404…): nothing is cached then. A None result is cached like any other."""
    return memoriser_avec_cle(page, calculer, detail=detail, parametres=parametres)[0]


def memoriser_avec_cle(page: str, calculer, *, detail: bool, parametres=None) -> tuple:
    """(result, key): the key also names the page's rendered HTML (the `{% cache %}` fragment of
    each dashboard's template), "" when the cache is off."""
    if not settings.CLS_CACHE_TABLEAUX:
        return calculer(), ""
    cache, cle_page = _cache(), cle(page, detail=detail, parametres=parametres)
    trouve = cache.get(cle_page, _ABSENT)
    if trouve is not _ABSENT:
        return trouve, cle_page
    resultat = calculer()
    cache.set(cle_page, resultat, settings.CLS_CACHE_TABLEAUX_DUREE)
    return resultat, cle_page


_ABSENT = object()


def contexte_leger(ctx):
    """The page context kept in the cache: what templates read of it (perimeter, sources, source,
    years, year, detail), without the raw counts and the roll-ups it was computed from."""
    from .tableaux import Comptes

    return replace(ctx, comptes=Comptes({}), _cache={}) if ctx is not None else None


def _signal(sender, **kwargs):
    changer()


def surveiller() -> None:
    """Connect the signals: any save or deletion of a watched model through the ORM (forms, the
    admin, services) changes the version once its transaction commits."""
    from django.apps import apps

    for label in MODELES_SURVEILLES:
        modele = apps.get_model(label)
        uid = f"observatoire.tableaux_de_bord.cache.{label}"
        post_save.connect(_signal, sender=modele, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(_signal, sender=modele, dispatch_uid=f"{uid}.delete", weak=False)
        for champ in modele._meta.local_many_to_many:
            m2m_changed.connect(
                _signal, sender=champ.remote_field.through, dispatch_uid=f"{uid}.{champ.name}", weak=False
            )
