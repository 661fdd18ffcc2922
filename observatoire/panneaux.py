"""The observatory's panels on core pages: the home page's slot, a territory's page."""

from cls_poitiers.permissions import sees_detailed_figures

from .querysets import portee_des_sources
from .tableaux_de_bord import cache, pages


def _accueil(user) -> dict:
    ctx = pages.contexte(user, {})
    if ctx is None:
        return {"vide": True}
    vue = pages.vue_ensemble(ctx, None)
    return {"vide": False, "ctx": cache.contexte_leger(ctx), "entete": vue["entete"]}


def accueil(request) -> dict:
    return cache.memoriser(
        "panneau-accueil",
        lambda: _accueil(request.user),
        detail=sees_detailed_figures(request.user),
        parametres={"portee": portee_des_sources(request.user)},
    )


def territoire(request, territoire) -> dict | None:
    if request.resolver_match and request.resolver_match.namespace == "observatoire":
        return None  # the observatory's own territory page already is this panel
    return cache.memoriser(
        "panneau-territoire",
        lambda: _territoire(request.user, territoire),
        detail=sees_detailed_figures(request.user),
        parametres={"territoire": territoire, "portee": portee_des_sources(request.user)},
    )


def _territoire(user, territoire) -> dict | None:
    ctx = pages.contexte(user, {})
    if ctx is None or territoire.pk not in ctx.perimetre.territoires:
        return None
    indicateurs = pages.tableaux.indicateurs_de(ctx.comptes)
    principal = pages._indicateur_principal(indicateurs)
    return {
        "territoire": territoire,
        "ctx": cache.contexte_leger(ctx),
        "principal": principal,
        "affiche": ctx.affiche(principal, ctx.annee, territoire.pk) if principal else None,
    }
