"""The observatory's panels on core pages: the home page's slot, a territory's page."""

from . import pages


def accueil(request) -> dict:
    ctx = pages.contexte(request.user, {})
    if ctx is None:
        return {"vide": True}
    vue = pages.vue_ensemble(ctx, None)
    return {"vide": False, "ctx": ctx, "entete": vue["entete"]}


def territoire(request, territoire) -> dict | None:
    if request.resolver_match and request.resolver_match.namespace == "observatoire":
        return None  # the observatory's own territory page already is this panel
    ctx = pages.contexte(request.user, {})
    if ctx is None or territoire.pk not in ctx.perimetre.territoires:
        return None
    indicateurs = pages.tableaux.indicateurs_de(ctx.comptes)
    principal = pages._indicateur_principal(indicateurs)
    return {
        "territoire": territoire,
        "ctx": ctx,
        "principal": principal,
        "affiche": ctx.affiche(principal, ctx.annee, territoire.pk) if principal else None,
    }
