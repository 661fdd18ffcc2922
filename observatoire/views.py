"""Pages of the observatory: dashboards (overview, by territory with its map, over time, one
territory), exports of what they show, the JSON endpoint, imports and partners' declarations.
Short views: parse the filters, build the page (`tableaux_de_bord.pages`), render or export."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cls_poitiers import fichiers
from cls_poitiers.formats import nombre
from cls_poitiers.models import Contrat, Territoire
from cls_poitiers.perimetre import NIVEAUX_NATIONAUX, territoire_de_l_adresse
from cls_poitiers.permissions import (
    COORDINATION,
    OBSERVATOIRE,
    PARTENAIRE,
    has_role,
    role_required,
    sees_detailed_figures,
)

from . import nomenclatures, services
from .filters import FiltreChiffres
from .forms import (
    AnnexeForm,
    CorrespondanceForm,
    DeclarationForm,
    DiagnosticForm,
    TeleversementForm,
    formulaires_enquete,
)
from .models import (
    AnnexeDiagnostic,
    Declaration,
    Diagnostic,
    Donnee,
    Enquete,
    Indicateur,
    LotImport,
    ResultatEnquete,
)
from .querysets import (
    ROLES_CONSULTATION,
    ROLES_CORRESPONDANCE,
    ROLES_DECLARATION,
    ROLES_DIAGNOSTIC_EDITION,
    ROLES_DIAGNOSTIC_LECTURE,
    ROLES_ENQUETE,
    ROLES_IMPORT,
    ROLES_LECTURE_IMPORT,
    peut_consulter,
    peut_importer,
    portee_des_sources,
    territoires_hors_contrat,
    territoires_trouves,
    voit_tous_les_territoires,
)
from .tableaux_de_bord import cache, exports, national, pages

FORMATS_EXPORT = ("csv", "xlsx")
DECLARATIONS_PAR_PAGE = 25
ENQUETES_PAR_PAGE = 25


def _filtre_de(request) -> FiltreChiffres:
    return FiltreChiffres(request.GET, queryset=Donnee.objects.visibles_par(request.user), request=request)


def _filtre(request):
    filtre = _filtre_de(request)
    return filtre, filtre.valeurs()


def _source_refusee(request, filtre):
    """Another partner's declarations (or an unknown source) asked in the query: refused, never
    replaced by the default source, on the pages and their exports (the JSON endpoint answers
    the form's errors)."""
    return render(request, "observatoire/vide.html", {"filtre": filtre, "source_refusee": True}, status=400)


def _exporter(request, tableaux: dict, page: str, *, ctx=None, annees=None, territoire=None, sans_source=()):
    """?export=<table>&format=csv|xlsx: exactly the table the page shows, under a name that says
    its source, year(s) and territory (`exports.nom_de_fichier`). By default the page's source, its
    year and the contract's territory; `annees` (a list, or a list per table) and `territoire`
    say otherwise; the tables in `sans_source` do not come from the page's source (surveys)."""
    cle, format_ = request.GET.get("export"), request.GET.get("format", "csv")
    if not cle:
        return None
    if cle not in tableaux or tableaux[cle] is None or format_ not in FORMATS_EXPORT:
        raise Http404(_("Export inconnu."))
    if isinstance(annees, dict):
        annees = annees.get(cle)
    if annees is None:
        annees = [ctx.annee] if ctx else []
    territoire = territoire or (ctx.perimetre.racine if ctx else None)
    nom = exports.nom_de_fichier(
        page,
        cle,
        source=ctx.source.code if ctx and cle not in sans_source else "",
        annees=annees,
        territoire=territoire.nom if territoire else "",
    )
    return exports.reponse(tableaux[cle], format_, nom)


def _vide(request, filtre):
    contexte = {"filtre": filtre, "source_refusee": False, "sans_contrat": not Contrat.objects.exists()}
    return render(request, "observatoire/vide.html", contexte)


def _calculee(request, page: str, valeurs: dict, construire, *, lire=None, **parametres):
    """(context, view) of a dashboard: `construire(ctx)` over the page context (`pages.contexte`,
    or `lire(user, valeurs)`), computed once per data version, filters and detail level
    (`tableaux_de_bord.cache`), or None when there is nothing to show. The filters were validated
    for this user before; a territory's reach is checked by `lire` each time the page is computed,
    and the detail level (which is also who reaches the territories outside the contract) is part
    of the key.
    The view gets `cle_cache` and `duree_cache`, which name and keep its rendered HTML."""

    def calculer():
        ctx = (lire or pages.contexte)(request.user, valeurs)
        if ctx is None:
            return None
        vue = construire(ctx)
        return cache.contexte_leger(ctx), vue

    calcule, cle = cache.memoriser_avec_cle(
        page,
        calculer,
        detail=sees_detailed_figures(request.user),
        parametres={**valeurs, **parametres, "portee": portee_des_sources(request.user)},
    )
    if calcule is None:
        return None
    ctx, vue = calcule
    # The template caches its computed part under the same key (0: rendered every time).
    return ctx, {**vue, "cle_cache": cle, "duree_cache": settings.CLS_CACHE_TABLEAUX_DUREE if cle else 0}


@role_required(*ROLES_CONSULTATION)
def tableau_de_bord(request):
    filtre, valeurs = _filtre(request)
    if filtre.source_refusee():
        return _source_refusee(request, filtre)

    def construire(ctx):
        vue = pages.vue_ensemble(ctx, valeurs.get("famille"))
        indicateurs = vue.pop("indicateurs")
        racine = ctx.perimetre.racine
        contexte = national.tableau_contexte(ctx, racine, indicateurs, ctx.annee)
        return {
            **vue,
            "contexte": contexte,
            "notes_contexte": national.notes_du_contexte(ctx, racine, indicateurs, ctx.annee),
            "references_chiffres": national.tableau_references(ctx, racine, indicateurs, ctx.annee),
        }

    calcule = _calculee(request, "ensemble", valeurs, construire)
    if calcule is None:
        return _vide(request, filtre)
    ctx, vue = calcule
    export = _exporter(
        request,
        {
            "indicateurs": vue["tableau"],
            "prioritaires": vue["prioritaires"],
            "contexte": vue["contexte"],
            "references": vue["references_chiffres"],
        },
        "observatoire",
        ctx=ctx,
    )
    return export or render(
        request, "observatoire/tableau_de_bord.html", {"filtre": filtre, "ctx": ctx, **vue}
    )


def _indicateur_choisi(valeurs, ctx):
    indicateur = valeurs.get("indicateur")
    if indicateur is None or indicateur.pk not in ctx.comptes.indicateur_ids():
        indicateurs = pages.tableaux.indicateurs_de(ctx.comptes)
        indicateur = pages._indicateur_principal(indicateurs)
    return indicateur


@role_required(*ROLES_CONSULTATION)
def par_territoire(request):
    filtre, valeurs = _filtre(request)
    if filtre.source_refusee():
        return _source_refusee(request, filtre)

    def construire(ctx):
        indicateur = _indicateur_choisi(valeurs, ctx)
        vue = pages.vue_territoires(ctx, indicateur, valeurs.get("niveau"))
        racine = ctx.perimetre.racine
        territoires = [racine, *(t for t in ctx.perimetre.du_niveau(vue["niveau"]) if t.pk != racine.pk)]
        contexte = national.tableau_contexte_territoires(ctx, indicateur, territoires)
        return {
            "indicateur": indicateur,
            **vue,
            "contexte": contexte,
            "notes_contexte": national.notes_du_contexte(ctx, ctx.perimetre.racine, [indicateur], ctx.annee),
            "note_rang": national.note_rang(),
        }

    calcule = _calculee(request, "territoires", valeurs, construire)
    if calcule is None:
        return _vide(request, filtre)
    ctx, vue = calcule
    export = _exporter(
        request,
        {"classement": vue["tableau"], "contexte": vue["contexte"]},
        "observatoire-territoires",
        ctx=ctx,
    )
    return export or render(
        request,
        "observatoire/par_territoire.html",
        {"filtre": filtre, "ctx": ctx, **vue, **_recherche(request, ctx)},
    )


def _recherche(request, ctx) -> dict:
    """The search box of the territories page (`?q=`, a name or a code): the territories this
    reader may open, each with its page's link."""
    texte = request.GET.get("q", "").strip()
    trouves = territoires_trouves(request.user, ctx.perimetre.racine, texte, ctx.perimetre.territoires)
    source = request.GET.get("source", "")
    return {
        "recherche": texte,
        # Each result's page on the source the reader was looking at.
        "trouves": [
            {"territoire": t, "lien": _avec_la_source(pages._lien_territoire(t), source)} for t in trouves
        ],
        # The page's filters, kept by the search form: the map and tables around the results
        # stay those the reader was looking at.
        "filtres_gardes": [(cle, request.GET[cle]) for cle in FILTRES_GARDES if request.GET.get(cle)],
    }


FILTRES_GARDES = ("annee", "indicateur", "niveau", "source")


def _avec_la_source(lien: str, source: str) -> str:
    if not source:
        return lien
    return f"{lien}{'&' if '?' in lien else '?'}{urlencode({'source': source})}"


@role_required(*ROLES_CONSULTATION)
def evolution(request):
    filtre, valeurs = _filtre(request)
    if filtre.source_refusee():
        return _source_refusee(request, filtre)

    def construire(ctx):
        indicateur = _indicateur_choisi(valeurs, ctx)
        vue = pages.vue_evolution(
            ctx, indicateur, list(valeurs.get("territoires") or []), valeurs.get("periodicite") == "mois"
        )
        return {"indicateur": indicateur, **vue}

    calcule = _calculee(request, "evolution", valeurs, construire)
    if calcule is None:
        return _vide(request, filtre)
    ctx, vue = calcule
    choisis = [t for t in valeurs.get("territoires") or [] if t.pk in ctx.perimetre.territoires]
    export = _exporter(
        request,
        {"evolution": vue["tableau"]},
        "observatoire-evolution",
        ctx=ctx,
        annees=ctx.annees,
        territoire=choisis[0] if len(choisis) == 1 else None,
    )
    return export or render(request, "observatoire/evolution.html", {"filtre": filtre, "ctx": ctx, **vue})


class SansChiffres(Exception):
    """A territory the reader may open that no source has a figure for (yet)."""

    def __init__(self, territoire):
        super().__init__(territoire.nom)
        self.territoire = territoire


def _contexte_du_territoire(user, valeurs, territoire, hors_contrat: list):
    """The page context of `territoire`: the contract's perimeter when it is in it, else the
    territory on its own when `user` may read it (`territoires_hors_contrat`; `hors_contrat`
    receives the contract's territory then), else 404. None without a contract."""
    perimetre = pages.tableaux.perimetre()
    if perimetre is None:
        return None
    if territoire.pk in perimetre.territoires:
        return pages.contexte(user, valeurs, perimetre=perimetre)
    # Outside the contract: the contract's own figures are not read, only its root (who may
    # reach what is counted from it).
    if not territoires_hors_contrat(user, perimetre.racine).filter(pk=territoire.pk).exists():
        if voit_tous_les_territoires(user):
            # Every territory is theirs to read: this one has no figure yet, and is said so.
            raise SansChiffres(territoire)
        raise Http404(_("Ce territoire n'est pas dans le périmètre du contrat."))
    hors_contrat.append(perimetre.racine)
    return pages.contexte(user, valeurs, territoire=territoire)


NIVEAUX_DES_REFERENCES = [Territoire.Niveau.DEPARTEMENT, Territoire.Niveau.REGION, Territoire.Niveau.PAYS]


def _references_du_territoire(user, racine_du_contrat, territoire) -> list[dict]:
    """Links to the département, région and France pages of a territory outside the contract,
    those of them with figures that `user` may read (one query)."""
    references = territoires_hors_contrat(user, racine_du_contrat).filter(
        Q(pk__in=[territoire.departement_id, territoire.region_id, territoire.parent_id])
        | Q(niveau=Territoire.Niveau.PAYS)
    )
    references = [t for t in references if t.pk != territoire.pk and t.niveau in NIVEAUX_DES_REFERENCES]
    return [
        {"nom": t.nom, "niveau": t.get_niveau_display(), "lien": pages._lien_territoire(t)}
        for t in sorted(references, key=lambda t: NIVEAUX_DES_REFERENCES.index(t.niveau))
    ]


@role_required(*ROLES_CONSULTATION)
def territoire(request, code):
    territoire = territoire_de_l_adresse(request, code, Territoire.objects.select_related("parent"))
    filtre, valeurs = _filtre(request)
    if filtre.source_refusee():
        return _source_refusee(request, filtre)
    hors_contrat = []

    def construire(ctx):
        vue = pages.vue_territoire(ctx, territoire)
        indicateurs = pages.tableaux.indicateurs_de(ctx.comptes)
        contexte = national.tableau_contexte(ctx, territoire, indicateurs, ctx.annee)
        vue = {
            **vue,
            "contexte": contexte,
            "notes_contexte": national.notes_du_contexte(ctx, territoire, indicateurs, ctx.annee),
            "references_chiffres": national.tableau_references(ctx, territoire, indicateurs, ctx.annee),
            "rang": national.tableau_rang(ctx, territoire, vue["principal"], ctx.annee)
            if vue["principal"]
            else None,
            "note_rang": national.note_rang(),
        }
        if not hors_contrat:
            return {**vue, "references": [], "fiche": territoire.get_absolute_url()}
        return {
            **vue,
            "references": _references_du_territoire(request.user, hors_contrat[0], territoire),
            # The platform's territory pages show the contract and the national levels only.
            "fiche": territoire.get_absolute_url() if territoire.niveau in NIVEAUX_NATIONAUX else "",
        }

    try:
        calcule = _calculee(
            request,
            "territoire",
            valeurs,
            construire,
            lire=lambda user, valeurs: _contexte_du_territoire(user, valeurs, territoire, hors_contrat),
            territoire=territoire.pk,
        )
    except SansChiffres:
        contexte = {
            "filtre": filtre,
            "source_refusee": False,
            "sans_contrat": False,
            "sans_chiffres": territoire,
        }
        return render(request, "observatoire/vide.html", contexte, status=404)
    if calcule is None:
        # No figure of the chosen source for the territory: said so, with the source to change.
        contexte = {"filtre": filtre, "sans_chiffres_de_la_source": territoire}
        return render(request, "observatoire/vide.html", contexte)
    ctx, vue = calcule
    export = _exporter(
        request,
        {
            "territoire": vue["tableau"],
            "contexte": vue["contexte"],
            "references": vue["references_chiffres"],
            "rang": vue["rang"],
            "declarations": vue["declarations"],
            "enquetes": vue["enquetes"],
        },
        "observatoire",
        ctx=ctx,
        annees={"territoire": ctx.annees, "declarations": [], "enquetes": []},
        territoire=territoire,
        sans_source=("declarations", "enquetes"),
    )
    return export or render(
        request,
        "observatoire/territoire.html",
        {"filtre": filtre, "ctx": ctx, "territoire": territoire, **vue},
    )


def _territoire_de_l_api(user, perimetre, code: str, niveau: str | None):
    """`?territoire=CODE` (and `niveau_territoire` for the ambiguous codes) of the JSON endpoint: a territory
    of the contract's perimeter, else one outside it that `user` may read; None otherwise."""
    dans_le_contrat = [
        t for t in perimetre.territoires.values() if t.code == code and niveau in (None, "", t.niveau)
    ]
    if dans_le_contrat:
        return dans_le_contrat[0]
    return territoires_hors_contrat(user, perimetre.racine).par_code(code, niveau=niveau or None)


@role_required(*ROLES_CONSULTATION)
def api_chiffres(request):
    """Read-only JSON of the aggregated figures, with the same permissions and masking as the pages."""
    filtre = _filtre_de(request)
    if not filtre.form.is_valid():
        # Another partner's declarations as `source` are refused here too, with the form's error.
        return JsonResponse({"erreurs": filtre.form.errors.get_json_data()}, status=400)
    valeurs = filtre.valeurs()
    perimetre = pages.tableaux.perimetre()
    if perimetre is None:
        return JsonResponse({"resultats": []})
    territoire_code = request.GET.get("territoire")
    territoire = None
    if territoire_code:
        territoire = _territoire_de_l_api(
            request.user, perimetre, territoire_code, request.GET.get("niveau_territoire")
        )
        if territoire is None:
            return JsonResponse({"erreurs": {"territoire": _("Territoire inconnu.")}}, status=404)
    # A territory outside the contract on its own: the contract's figures are not read then.
    hors_contrat = territoire is not None and territoire.pk not in perimetre.territoires
    ctx = pages.contexte(
        request.user, valeurs, territoire=territoire if hors_contrat else None, perimetre=perimetre
    )
    if ctx is None:
        return JsonResponse({"resultats": []})
    indicateurs = [valeurs["indicateur"]] if valeurs.get("indicateur") else None
    if valeurs.get("famille"):
        indicateurs = [
            i for i in pages.tableaux.indicateurs_de(ctx.comptes) if i.famille == valeurs["famille"]
        ]
    annees = [valeurs["annee"]] if valeurs.get("annee") else None
    lignes = pages.lignes_chiffres(
        ctx, indicateurs=indicateurs, annees=annees, niveau=valeurs.get("niveau"), territoire=territoire
    )
    if territoire is not None:
        # The territory asked, beside its département, région and France; its rank when one
        # indicator and one year are asked (a ranking reads a whole level of territories).
        national.completer_json(
            ctx, territoire, lignes, avec_rang=bool(valeurs.get("indicateur") and valeurs.get("annee"))
        )
    return JsonResponse(
        {
            "source": {
                "code": ctx.source.code,
                "libelle": ctx.source.libelle,
                "illustratif": ctx.source.illustratif,
            },
            "seuil_secret": pages.secret.seuil(),
            "detail": ctx.detail,
            "resultats": lignes,
        },
        json_dumps_params={"ensure_ascii": False},
    )


# Imports -----------------------------------------------------------------------------------------


@role_required(*ROLES_LECTURE_IMPORT)
def imports(request):
    if not peut_importer(request.user):
        # The Coordination reads the batches (to map a file's unknown labels), imports none.
        if request.method == "POST":
            raise PermissionDenied
        form = None
    else:
        form = TeleversementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        type_lot = form.cleaned_data["type"]
        source = form.cleaned_data.get("source") if type_lot == LotImport.Type.FIGURES else None
        lot = services.deposer(
            type_lot=type_lot,
            fichier=form.cleaned_data["fichier"],
            par=request.user,
            # None: the type's default source, created only if the file is applied.
            source=source,
            options=form.options_du_lot(),
        )
        messages.info(request, _("Fichier reçu : sa vérification est en file d’attente."))
        return redirect(lot)
    services.constater_interruptions()
    lots = LotImport.objects.visibles_par(request.user).select_related("cree_par", "source")[:50]
    return render(request, "observatoire/imports.html", {"form": form, "lots": lots})


def _lot_importe(request, pk, *related) -> LotImport:
    """The batch, for someone who may import; its lease checked (a dead worker's batch is shown
    interrupted)."""
    lots = LotImport.objects.visibles_par(request.user)
    lot = get_object_or_404(lots.select_related(*related) if related else lots, pk=pk)
    services.constater_interruption(lot)
    return lot


def _suivi(lot: LotImport) -> dict:
    """Where a batch stands, in one French sentence (the page and its JSON say the same)."""
    if lot.en_file:
        texte = _("%(statut)s : elle commencera dès qu’un processus de traitement sera libre.") % {
            "statut": lot.get_statut_display()
        }
    elif lot.en_cours:
        texte = _("%(statut)s : %(lignes)s, %(problemes)s, %(p)s %%.") % {
            "statut": lot.get_statut_display(),
            "lignes": ngettext("%(n)s ligne lue", "%(n)s lignes lues", lot.lignes_lues)
            % {"n": nombre(lot.lignes_lues)},
            "problemes": ngettext("%(n)s problème", "%(n)s problèmes", lot.problemes)
            % {"n": nombre(lot.problemes)}
            if lot.problemes
            else _("aucun problème"),
            "p": lot.progression,
        }
    else:
        texte = lot.get_statut_display()
    return {
        "statut": lot.statut,
        "libelle": lot.get_statut_display(),
        "a_suivre": lot.a_suivre,
        "progression": lot.progression,
        "lignes_lues": lot.lignes_lues,
        "problemes": lot.problemes,
        "texte": texte,
    }


@role_required(*ROLES_LECTURE_IMPORT)
def import_detail(request, pk):
    lot = _lot_importe(request, pk, "cree_par", "valide_par", "source")
    return render(
        request,
        "observatoire/import_detail.html",
        {
            "lot": lot,
            "suivi": _suivi(lot),
            "rapport": lot.rapport or {},
            # Counts per indicator and year (batches checked before they were kept have none).
            "paires": (lot.rapport or {}).get("par_indicateur") or {},
            "correspondance_form": _correspondance_form(request, lot),
            "peut_importer": peut_importer(request.user),
        },
    )


def _correspondance_form(request, lot, data=None) -> CorrespondanceForm | None:
    """The form that maps the file's unknown labels, for those who may add a correspondence."""
    libelles = (lot.rapport or {}).get("libelles_inconnus") or []
    if not libelles or lot.type != LotImport.Type.SSMSI or not has_role(request.user, *ROLES_CORRESPONDANCE):
        return None
    return CorrespondanceForm(data, libelles=libelles)


@require_POST
@role_required(*ROLES_CORRESPONDANCE)
def import_correspondance(request, pk):
    """Map an unknown label of an import's file to an indicator, then check the file again."""
    lot = get_object_or_404(LotImport, pk=pk, type=LotImport.Type.SSMSI)
    form = _correspondance_form(request, lot, request.POST)
    if form is None or not form.is_valid():
        messages.error(request, _("Choisissez un libellé du fichier et un indicateur."))
        return redirect(lot)
    nomenclatures.associer_libelle(
        libelle=form.cleaned_data["libelle"],
        indicateur=form.cleaned_data["indicateur"],
        par=request.user,
        editions=lot.edition,
    )
    message = _("« %(l)s » compte désormais « %(i)s ».") % {
        "l": form.cleaned_data["libelle"],
        "i": form.cleaned_data["indicateur"],
    }
    if services.verifier_a_nouveau(lot=lot, par=request.user):
        messages.success(request, message + " " + _("Le fichier est vérifié à nouveau."))
    else:
        messages.success(request, message + " " + _("Déposez le fichier à nouveau pour le vérifier."))
    return redirect(lot)


@role_required(*ROLES_LECTURE_IMPORT)
def import_etat(request, pk):
    return JsonResponse(_suivi(_lot_importe(request, pk)), json_dumps_params={"ensure_ascii": False})


@require_POST
@role_required(*ROLES_IMPORT)
def import_appliquer(request, pk):
    lot = _lot_importe(request, pk)
    if services.appliquer(lot=lot, par=request.user):
        messages.info(request, _("Écriture en file d’attente : suivez sa progression ci-dessous."))
    else:
        messages.error(request, _("Ce lot n’est pas un aperçu en attente de validation : rien n’a été fait."))
    return redirect(lot)


@require_POST
@role_required(*ROLES_IMPORT)
def import_relancer(request, pk):
    lot = _lot_importe(request, pk)
    if services.relancer(lot=lot, par=request.user):
        messages.info(
            request,
            _("%(etape)s relancée : suivez sa progression ci-dessous.")
            % {"etape": capfirst(lot.get_etape_display())},
        )
    else:
        messages.error(
            request, _("Ce lot n’est pas interrompu, ou son fichier n’est plus conservé : rien n’a été fait.")
        )
    return redirect(lot)


# Partners' declarations --------------------------------------------------------------------------


def _territoires_declarables(user):
    """A partner's own territory and its quartiers when it has one inside the contract, else the
    contract's territories: never the rest of the referential."""
    qs = Territoire.objects.du_contrat_courant().exclude(niveau=Territoire.Niveau.DEPARTEMENT)
    partenaire = user.partenaire
    if partenaire and partenaire.territoire_id:
        t = partenaire.territoire_id
        return qs.filter(Q(pk=t) | Q(parent_id=t)).order_by("niveau", "nom")
    return qs.order_by("niveau", "nom")


@role_required(*ROLES_DECLARATION, *ROLES_IMPORT, COORDINATION)
def declarations(request):
    """The declarations this user may read, a page at a time, each with its declared values."""
    liste = (
        Declaration.objects.visibles_par(request.user)
        .select_related("partenaire", "territoire", "declare_par")
        .prefetch_related(
            Prefetch(
                "donnees",
                queryset=Donnee.objects.select_related("indicateur").order_by("indicateur__libelle"),
            )
        )
    )
    page = Paginator(liste, DECLARATIONS_PAR_PAGE).get_page(request.GET.get("page"))
    peut_declarer = (
        has_role(request.user, PARTENAIRE)
        and request.user.partenaire is not None
        and Indicateur.objects.declarables_par(request.user.partenaire).exists()
    )
    return render(request, "observatoire/declarations.html", {"page": page, "peut_declarer": peut_declarer})


def _formulaire_declaration(request, declaration=None):
    partenaire = request.user.partenaire
    if partenaire is None:
        raise PermissionDenied
    indicateurs = Indicateur.objects.declarables_par(partenaire)
    initial = {}
    if declaration:
        initial = {
            "territoire": declaration.territoire,
            "annee": declaration.annee,
            "mois": declaration.mois,
            "commentaire": declaration.commentaire,
        }
        for d in declaration.donnees.select_related("indicateur"):
            initial[f"nombre_{d.indicateur.code}"] = d.nombre
    form = DeclarationForm(
        request.POST or None,
        initial=initial,
        partenaire=partenaire,
        territoires=_territoires_declarables(request.user),
        indicateurs=indicateurs,
    )
    if request.method == "POST" and form.is_valid():
        services.declarer(
            partenaire=partenaire,
            territoire=form.cleaned_data["territoire"],
            annee=form.cleaned_data["annee"],
            mois=form.cleaned_data["mois"],
            comptes=form.comptes(),
            par=request.user,
            commentaire=form.cleaned_data["commentaire"],
        )
        messages.success(request, _("Déclaration enregistrée."))
        return redirect("observatoire:declarations")
    return render(
        request,
        "observatoire/declaration_form.html",
        {"form": form, "declaration": declaration, "indicateurs": indicateurs},
    )


@role_required(*ROLES_DECLARATION)
def declaration_nouvelle(request):
    return _formulaire_declaration(request)


@role_required(*ROLES_DECLARATION)
def declaration_modifier(request, pk):
    declaration = get_object_or_404(Declaration.objects.modifiables_par(request.user), pk=pk)
    return _formulaire_declaration(request, declaration)


# --- perceived-insecurity surveys -----------------------------------------------------------------


def _territoires_enquetables():
    """The contract's territories, from the contract's own to its quartiers: where a survey is led."""
    return Territoire.objects.du_contrat_courant().exclude(niveau=Territoire.Niveau.DEPARTEMENT).hierarchie()


@role_required(*ROLES_ENQUETE)
def enquete_list(request):
    enquetes = (
        Enquete.objects.modifiables_par(request.user)
        .annotate(nb_resultats=Count("resultats"))
        .prefetch_related(
            Prefetch(
                "resultats",
                queryset=ResultatEnquete.objects.select_related("territoire").order_by("territoire__nom"),
            )
        )
        .order_by("-date_fin", "-pk")
    )
    page = Paginator(enquetes, ENQUETES_PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "observatoire/enquete_list.html", {"page": page})


def _formulaire_enquete(request, enquete=None):
    form, resultats = formulaires_enquete(
        request.POST or None, enquete=enquete, territoires=_territoires_enquetables()
    )
    if request.method == "POST" and form.is_valid() and resultats.is_valid():
        a_enregistrer, supprimes = resultats.a_enregistrer()
        enquete = services.enregistrer_enquete(
            enquete=form.save(commit=False),
            resultats=a_enregistrer,
            supprimes=supprimes,
            par=request.user,
            motif=_("Modification de l'enquête") if enquete else _("Saisie de l'enquête"),
        )
        messages.success(request, _("Enquête « %(t)s » enregistrée.") % {"t": enquete.titre})
        return redirect("observatoire:enquete_list")
    return render(
        request,
        "observatoire/enquete_form.html",
        {"form": form, "resultats": resultats, "enquete": enquete},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*ROLES_ENQUETE)
def enquete_nouvelle(request):
    return _formulaire_enquete(request)


@role_required(*ROLES_ENQUETE)
def enquete_modifier(request, pk):
    return _formulaire_enquete(
        request, get_object_or_404(Enquete.objects.modifiables_par(request.user), pk=pk)
    )


# --- diagnostic -----------------------------------------------------------------------------------


def _diagnostic(request, pk) -> Diagnostic:
    return get_object_or_404(
        Diagnostic.objects.visibles_par(request.user).select_related("contrat", "mise_a_jour_de"), pk=pk
    )


def _diagnostic_editable(request, pk) -> Diagnostic:
    diagnostic = _diagnostic(request, pk)
    if not Diagnostic.objects.modifiables_par(request.user).filter(pk=diagnostic.pk).exists():
        raise PermissionDenied
    return diagnostic


def _telechargement(fichier, nom: str, type_fichier: str) -> FileResponse:
    """A stored document, served through a permission-checked view (never from MEDIA_URL), under
    the name the user gave it, as an attachment that the browser does not sniff."""
    if not fichier:
        raise Http404(_("Aucun fichier."))
    try:
        flux = fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Fichier introuvable.")) from exc
    type_connu = fichiers.TYPES.get(type_fichier)
    response = FileResponse(
        flux,
        as_attachment=True,
        filename=nom or "document",
        content_type=type_connu.mime if type_connu else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*ROLES_DIAGNOSTIC_LECTURE)
def diagnostic_list(request):
    diagnostics = (
        Diagnostic.objects.visibles_par(request.user)
        .select_related("mise_a_jour_de")
        .annotate(nb_annexes=Count("annexes"))
        .order_by("-date", "-pk")
    )
    return render(
        request,
        "observatoire/diagnostic_list.html",
        {
            "diagnostics": diagnostics,
            "peut_editer": Diagnostic.objects.modifiables_par(request.user).exists()
            or has_role(request.user, COORDINATION, OBSERVATOIRE),
        },
    )


def _annee_demandee(request, defaut: int) -> int:
    try:
        annee = int(request.GET.get("annee", defaut))
    except (TypeError, ValueError):
        messages.error(request, _("Année invalide : voici l'année du diagnostic."))
        return defaut
    if not 1900 <= annee <= 2100:
        messages.error(request, _("Année invalide : voici l'année du diagnostic."))
        return defaut
    return annee


@role_required(*ROLES_DIAGNOSTIC_LECTURE)
def diagnostic_detail(request, pk):
    """The diagnostic and, for the chosen year, what it stands on: the observatory's figures (real
    insecurity), the surveys (perceived insecurity), the priority territories and the documents."""
    diagnostic = _diagnostic(request, pk)
    annee = _annee_demandee(request, diagnostic.annee)
    vue, ctx = {}, None
    if peut_consulter(request.user):
        ctx = pages.contexte(request.user, {"annee": annee})
        if ctx is not None and ctx.annee == annee:
            vue = pages.vue_ensemble(ctx, None)
        else:
            ctx = None
    enquetes = pages.tableau_enquetes_annee(annee)
    tableaux = {"enquetes": enquetes}
    if vue:
        tableaux.update(indicateurs=vue["tableau"], prioritaires=vue["prioritaires"])
    export = _exporter(request, tableaux, "diagnostic", ctx=ctx, annees=[annee], sans_source=("enquetes",))
    if export:
        return export
    return render(
        request,
        "observatoire/diagnostic_detail.html",
        {
            "diagnostic": diagnostic,
            "annee": annee,
            "ctx": ctx,
            "enquetes": enquetes,
            "territoires": diagnostic.territoires_prioritaires.select_related("parent").order_by(
                "niveau", "nom"
            ),
            "annexes": diagnostic.annexes.all(),
            "mises_a_jour": diagnostic.mises_a_jour.order_by("date"),
            "peut_editer": Diagnostic.objects.modifiables_par(request.user).filter(pk=diagnostic.pk).exists(),
            **vue,
        },
    )


def _contrat():
    contrat = Contrat.objects.courant()
    if contrat is None:
        raise Http404(_("Aucun contrat enregistré."))
    return contrat


def _formulaire_diagnostic(request, *, contrat, diagnostic=None, initial=None, succes):
    """Enter a new diagnostic of `contrat` (`diagnostic` None) or change one, with its main document."""
    form = DiagnosticForm(request.POST or None, request.FILES or None, instance=diagnostic, initial=initial)
    if request.method == "POST" and form.is_valid():
        diagnostic = services.enregistrer_diagnostic(
            form=form,
            contrat=contrat,
            fichier=form.cleaned_data.get("fichier"),
            type_fichier=form.type_fichier,
            par=request.user,
        )
        messages.success(request, succes)
        return redirect(diagnostic)
    return render(request, "observatoire/diagnostic_form.html", {"form": form, "diagnostic": diagnostic})


@role_required(*ROLES_DIAGNOSTIC_EDITION)
def diagnostic_nouveau(request):
    contrat = _contrat()
    return _formulaire_diagnostic(
        request,
        contrat=contrat,
        initial={"annee": contrat.annee_diagnostic},
        succes=_("Diagnostic enregistré."),
    )


@role_required(*ROLES_DIAGNOSTIC_EDITION)
def diagnostic_modifier(request, pk):
    diagnostic = _diagnostic_editable(request, pk)
    return _formulaire_diagnostic(
        request, contrat=diagnostic.contrat, diagnostic=diagnostic, succes=_("Diagnostic modifié.")
    )


@role_required(*ROLES_DIAGNOSTIC_EDITION)
def annexe_ajouter(request, pk):
    diagnostic = _diagnostic_editable(request, pk)
    form = AnnexeForm(request.POST or None, request.FILES or None, diagnostic=diagnostic)
    if request.method == "POST" and form.is_valid():
        services.ajouter_annexe(
            diagnostic=diagnostic,
            type=form.cleaned_data["type"],
            titre=form.cleaned_data["titre"],
            fichier=form.cleaned_data["fichier"],
            type_fichier=form.type_fichier,
            par=request.user,
        )
        messages.success(request, _("Annexe déposée."))
        return redirect(diagnostic)
    return render(request, "observatoire/annexe_form.html", {"form": form, "diagnostic": diagnostic})


@role_required(*ROLES_DIAGNOSTIC_LECTURE)
def diagnostic_texte(request, pk):
    diagnostic = _diagnostic(request, pk)
    return _telechargement(
        diagnostic.texte_principal, diagnostic.texte_principal_nom, diagnostic.texte_principal_type
    )


@role_required(*ROLES_DIAGNOSTIC_LECTURE)
def annexe_fichier(request, pk):
    annexe = get_object_or_404(AnnexeDiagnostic.objects.visibles_par(request.user), pk=pk)
    return _telechargement(annexe.fichier, annexe.fichier_nom, annexe.fichier_type)
