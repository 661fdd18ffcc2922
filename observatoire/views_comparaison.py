"""The comparison page (« Comparer »): up to ten territories side by side for one indicator over
the years (`tableaux_de_bord.comparaison`), its search box and its CSV/XLSX exports.

`?t=<niveau>:<code>` (repeated) names the territories, `indicateur` and `source` as on the other
dashboards; without `t`, the contract's territory and its département, région and France when
they have figures. A territory this reader may not compare is refused with a message, never
computed, shown nor exported."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from cls_poitiers.permissions import role_required

from .querysets import ROLES_CONSULTATION
from .tableaux_de_bord import comparaison, exports, pages, tableaux
from .views import FORMATS_EXPORT, _calculee, _filtre, _source_refusee, _vide

EXPORTS = ("comparaison", "comparaison-detail")


def _construire(request, valeurs, demandes):
    def construire(ctx):
        refs = comparaison.references_du_contrat(ctx.perimetre.racine)
        if demandes:
            territoires, erreurs = comparaison.territoires_demandes(request.user, ctx, demandes, refs)
        else:
            territoires, erreurs = [ctx.perimetre.racine, *refs], []
        indicateur = valeurs.get("indicateur") or pages._indicateur_principal(
            tableaux.indicateurs_de(ctx.comptes)
        )
        if indicateur is None:
            return {"vue": None, "erreurs": erreurs, "indicateur": None}
        # By default, the contract's territory and those of its references that have figures.
        facultatifs = [] if demandes else [r.pk for r in refs]
        vue = comparaison.comparer(ctx, indicateur, territoires, facultatifs)
        return {"vue": vue, "erreurs": erreurs, "indicateur": indicateur}

    return construire


def _adresse(request, parametres: list[str], **autres) -> str:
    """The page's address with these territories, the same indicator and source."""
    elements = [("t", p) for p in parametres]
    for cle in ("indicateur", "source"):
        if request.GET.get(cle):
            elements.append((cle, request.GET[cle]))
    elements += [(k, v) for k, v in autres.items() if v]
    return "?" + urlencode(elements)


def _exporter(request, vue, ctx):
    cle, format_ = request.GET.get("export"), request.GET.get("format", "csv")
    if not cle:
        return None
    if cle not in EXPORTS or format_ not in FORMATS_EXPORT or vue is None:
        raise Http404(_("Export inconnu."))
    tableau = vue["tableau"] if cle == "comparaison" else vue["detail"]
    nom = exports.nom_de_fichier(
        "observatoire-comparaison", source=ctx.source.code, annees=vue["annees"], territoire=""
    )
    if cle != "comparaison":
        nom += "-detail"
    return exports.reponse(tableau, format_, nom)


@role_required(*ROLES_CONSULTATION)
def comparer(request):
    filtre, valeurs = _filtre(request)
    if filtre.source_refusee():
        return _source_refusee(request, filtre)
    demandes, erreurs = comparaison.lire_demandes(request.GET.getlist("t"))
    if "indicateur" in filtre.form.errors:
        erreurs.append(_("Indicateur inconnu : voici l'indicateur principal de la source."))
    calcule = _calculee(
        request,
        "comparaison",
        valeurs,
        _construire(request, valeurs, demandes),
        territoires=[d.parametre for d in demandes],
    )
    if calcule is None:
        return _vide(request, filtre)
    ctx, resultat = calcule
    vue = resultat["vue"]
    erreurs += resultat["erreurs"]
    export = _exporter(request, vue, ctx)
    if export:
        return export
    choisis = [dict(c) for c in vue["choisis"]] if vue else []
    parametres = [c["parametre"] for c in choisis]
    for choix in choisis:
        autres = [p for p in parametres if p != choix["parametre"]]
        choix["retirer"] = _adresse(request, autres) if autres else ""
    recherche = request.GET.get("q", "").strip()[:100]
    trouves, deja = [], []
    if recherche:
        refs = comparaison.references_du_contrat(ctx.perimetre.racine)
        for t in comparaison.chercher(request.user, ctx, recherche, refs):
            parametre = f"{t.niveau}:{t.code}"
            if parametre in parametres:
                deja.append(t)
                continue
            trouves.append({"territoire": t, "ajouter": _adresse(request, [*parametres, parametre])})
    return render(
        request,
        "observatoire/comparaison.html",
        {
            "filtre": filtre,
            "ctx": ctx,
            **(vue or {}),
            "indicateur": resultat["indicateur"],
            "erreurs": erreurs,
            "choisis": choisis,
            "parametres": parametres,
            "complet": len(parametres) >= comparaison.MAX_TERRITOIRES,
            "max_territoires": comparaison.MAX_TERRITOIRES,
            "recherche": recherche,
            "trouves": trouves,
            "deja_compares": deja,
        },
    )
