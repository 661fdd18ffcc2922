"""The observatory's panels on core pages: the home page's slot (for the analysts, what changed
since their last visit), a territory's page."""

from django.db.models import Count, Q

from cls_poitiers.permissions import sees_detailed_figures
from cls_poitiers.signals import visite_precedente

from .models import Declaration, LotImport
from .querysets import portee_des_sources
from .tableaux_de_bord import cache, pages

# How many imports, declarations and batches waiting to be checked the analyst's panel lists.
DERNIERS = 5


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
        "partiel": ctx.statut(principal, ctx.annee, territoire.pk).texte
        if principal and ctx.partiel(principal, ctx.annee, territoire.pk)
        else "",
    }


def depuis_la_derniere_visite(request) -> dict:
    """The analyst's home: since their previous login (all, for a first one), the imports made,
    the partners' declarations entered or corrected, and the batches waiting to be checked (a
    preview to validate, or a file still being processed). Five queries."""
    user = request.user
    visite = visite_precedente(request)
    depuis = Q(cree_le__gt=visite) if visite else Q()
    # A preview to validate, a file queued or being processed, or a batch interrupted (to retry).
    a_verifier = Q(
        statut__in=[
            LotImport.Statut.APERCU,
            LotImport.Statut.INTERROMPU,
            *LotImport.EN_FILE.values(),
            *LotImport.EN_COURS.values(),
        ]
    )
    lots = LotImport.objects.visibles_par(user)
    comptes = lots.aggregate(
        nouveaux=Count("pk", filter=depuis),
        refuses=Count("pk", filter=depuis & Q(statut=LotImport.Statut.REFUSE)),
        a_verifier=Count("pk", filter=a_verifier),
    )
    declarations = Declaration.objects.visibles_par(user)
    if visite:
        declarations = declarations.filter(modifie_le__gt=visite)
    return {
        "visite": visite,
        "imports": list(lots.filter(depuis).select_related("source", "cree_par")[:DERNIERS]),
        "nb_imports": comptes["nouveaux"],
        "nb_refuses": comptes["refuses"],
        "a_verifier": list(lots.filter(a_verifier).select_related("cree_par")[:DERNIERS]),
        "nb_a_verifier": comptes["a_verifier"],
        "declarations": list(
            declarations.select_related("partenaire", "territoire").order_by("-modifie_le", "-pk")[:DERNIERS]
        ),
        "nb_declarations": declarations.count(),
    }
