"""The comparison page (« Comparer »): up to `MAX_TERRITOIRES` territories of any level side by
side for one indicator over the years, as a chart and two tables, exported as shown.

Each territory's figure for a year comes from one place, said on the page when it is not the
source's own figure of that territory:
- a territory of the contract's perimeter: the contract's consolidation (`pages.Contexte`), its
  secrecy pattern included (a quartier masked on the other pages is masked here);
- another territory with rows of its own in the source: its own figure over its own population;
  all of them in one read of the figures' unique index (source, territoire, …);
- a département, a région or France without a row of its own that year: its reference figure
  (`references.References`: the sum of the published départemental totals or of the published
  communes, with what it covers).
The cost does not grow with the national base: a fixed number of queries for the perimeter,
one for the other territories' figures and their populations, at most `References.lire`'s for
the references.

Who compares what (`comparables`): the Observatoire and the Coordination any territory; the
other readers the contract's perimeter and its references (its département, région and France,
as `querysets.territoires_hors_contrat` lets them read on the other pages). The figures'
existence is read from the source's own rows, never probed over the whole table (its index
starts with the source).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.modeles_communs import cle_de_recherche
from cls_poitiers.models import Territoire

from ..querysets import territoires_trouves, voit_tous_les_territoires
from . import calculs, national, pages, references, secret, tableaux
from .exports import Cellule, Tableau

MAX_TERRITOIRES = 10
NIVEAUX_DE_REFERENCE = tuple(Territoire.NIVEAUX_AMBIGUS)

# Where a figure comes from (`Valeur.sorte`).
CONTRAT = "contrat"
PROPRE = "propre"
REFERENCE = "reference"


@dataclass(frozen=True)
class Demande:
    """One `t=<niveau>:<code>` of the query string."""

    niveau: str
    code: str

    @property
    def parametre(self) -> str:
        return f"{self.niveau}:{self.code}"


def lire_demandes(parametres: list[str]) -> tuple[list[Demande], list[str]]:
    """The territories asked (`t=commune:86194`), in order and each once, at most
    MAX_TERRITOIRES; with the French messages for what was not understood or is beyond the limit."""
    niveaux = set(Territoire.Niveau.values)
    demandes: list[Demande] = []
    erreurs: list[str] = []
    for brut in parametres:
        texte = brut.strip()
        niveau, separateur, code = texte.partition(":")
        niveau, code = niveau.strip(), code.strip()
        if not separateur or niveau not in niveaux or not code or len(code) > 20:
            erreurs.append(
                _("« %(t)s » n'est pas un territoire : écrivez niveau:code, par exemple commune:86194.")
                % {"t": texte[:40]}
            )
            continue
        demande = Demande(niveau, code)
        if demande not in demandes:
            demandes.append(demande)
    if len(demandes) > MAX_TERRITOIRES:
        reste = demandes[MAX_TERRITOIRES:]
        erreurs.append(
            _("Au plus %(n)s territoires se comparent : %(reste)s ne sont pas comparés.")
            % {"n": MAX_TERRITOIRES, "reste": ", ".join(d.parametre for d in reste)}
        )
        demandes = demandes[:MAX_TERRITOIRES]
    return demandes, erreurs


def references_du_contrat(racine: Territoire) -> list[Territoire]:
    return references.territoires_de_reference(racine)


def comparables(user, perimetre: tableaux.Perimetre, territoires: list[Territoire], refs: list[Territoire]):
    """Those of `territoires` that `user` may compare: any for the Observatoire and the
    Coordination; else the contract's perimeter and its references (`refs`)."""
    if voit_tous_les_territoires(user):
        return list(territoires)
    permis = set(perimetre.territoires) | {r.pk for r in refs}
    return [t for t in territoires if t.pk in permis]


def territoires_demandes(user, ctx: pages.Contexte, demandes: list[Demande], refs) -> tuple[list, list]:
    """The territories of `demandes` (one query), in their order, that `user` may compare; with
    the French messages for the unknown and the refused ones (named by what was asked only)."""
    if not demandes:
        return [], []
    condition = Q(pk__in=[])
    for d in demandes:
        condition |= Q(niveau=d.niveau, code=d.code)
    trouves = {(t.niveau, t.code): t for t in Territoire.objects.filter(condition)}
    erreurs, existants = [], []
    for d in demandes:
        territoire = trouves.get((d.niveau, d.code))
        if territoire is None:
            erreurs.append(_("Territoire inconnu : « %(t)s ».") % {"t": d.parametre})
        else:
            existants.append(territoire)
    permis = comparables(user, ctx.perimetre, existants, refs)
    for territoire in existants:
        if territoire not in permis:
            erreurs.append(
                _(
                    "« %(t)s » n'est pas comparé : vous comparez les territoires du contrat, son "
                    "département, sa région et la France."
                )
                % {"t": f"{territoire.niveau}:{territoire.code}"}
            )
    return permis, erreurs


@dataclass(frozen=True)
class Valeur:
    """One territory's figure for one year, as this reader may see it, and where it comes from."""

    chiffre: calculs.Chiffre
    affiche: secret.Affiche
    sorte: str
    # Where it comes from when it is not the source's own figure ("" otherwise), and what it
    # lacks when it is partial ("" when complete).
    origine: str = ""
    partiel: str = ""


def _vide(detail: bool) -> Valeur:
    chiffre = calculs.Chiffre()
    return Valeur(chiffre, secret.Motif(detail=detail).afficher(chiffre), PROPRE)


def _valeurs_du_contrat(ctx: pages.Contexte, indicateur, territoire, annees) -> dict[int, Valeur]:
    """A territory of the contract's figures: a consolidation in the years where its parts have
    figures of their own (a commune and its quartiers), else the source's own figure."""
    resultat = {}
    for annee in annees:
        chiffre = ctx.chiffre(indicateur, annee, territoire.pk)
        partiel = ""
        montre = chiffre.statut not in (calculs.VIDE, calculs.SECRET)
        if montre and ctx.partiel(indicateur, annee, territoire.pk):
            partiel = ctx.statut(indicateur, annee, territoire.pk).texte
        somme = ctx.couverture(indicateur, annee, territoire.pk) is not None
        resultat[annee] = Valeur(
            chiffre,
            ctx.affiche(indicateur, annee, territoire.pk),
            CONTRAT,
            _("consolidation du contrat (le territoire et ses parties)") if somme else "",
            partiel,
        )
    return resultat


def _comptes_propres(source, indicateur, territoires: list[Territoire]):
    """The territories' own rows for the indicator, every year (one query), and their
    populations (one query)."""
    perimetre = tableaux.Perimetre(racine=None, territoires={t.pk: t for t in territoires}, enfants={})
    comptes = tableaux.Comptes.lire(perimetre, source=source, indicateurs=[indicateur])
    return comptes, tableaux.populations_par_millesime([t.pk for t in territoires])


def _chiffres_propres(comptes, populations, indicateur, territoires, annees) -> dict:
    """{(territory, year): Chiffre} of each territory on its own (no parts), where it has a row."""
    ids = [t.pk for t in territoires]
    resultat = {}
    for annee in annees:
        propres = comptes.propres(indicateur.pk, annee)
        if not propres:
            continue
        denominateurs = {
            pk: calculs.denominateur_pour(
                populations.get(pk, {}), annee, par_logements=indicateur.par_logements
            )
            for pk in ids
        }
        consolides = calculs.consolider({}, ids, propres, denominateurs, annee=annee)
        for pk in ids:
            if pk in propres:
                resultat[(pk, annee)] = consolides[pk].total
    return resultat


def comparer(ctx: pages.Contexte, indicateur, territoires: list[Territoire], facultatifs=()) -> dict:
    """The page's tables, chart and notes for `territoires` (in their order); those of
    `facultatifs` (pks) are left out when they have no figure in any year."""
    motif = secret.Motif(detail=ctx.detail)
    autres = [t for t in territoires if t.pk not in ctx.perimetre.territoires]
    comptes, populations = (
        _comptes_propres(ctx.source, indicateur, autres) if autres else (tableaux.Comptes({}), {})
    )
    annees = sorted(set(ctx.comptes.annees(indicateur)) | set(comptes.annees(indicateur)))
    propres = _chiffres_propres(comptes, populations, indicateur, autres, annees)
    a_completer = [
        t
        for t in autres
        if t.niveau in NIVEAUX_DE_REFERENCE and any((t.pk, a) not in propres for a in annees)
    ]
    lues = references.References.lire(ctx.source, a_completer, [indicateur], annees)

    valeurs: dict[int, dict[int, Valeur]] = {}
    for t in territoires:
        if t.pk in ctx.perimetre.territoires:
            valeurs[t.pk] = _valeurs_du_contrat(ctx, indicateur, t, annees)
            continue
        par_annee = {}
        for annee in annees:
            chiffre = propres.get((t.pk, annee))
            if chiffre is not None:
                par_annee[annee] = Valeur(chiffre, motif.afficher(chiffre), PROPRE)
            elif t in a_completer:
                reference = lues.de(t, indicateur, annee)
                if reference.chiffre.statut == calculs.VIDE:
                    par_annee[annee] = _vide(ctx.detail)
                    continue
                par_annee[annee] = Valeur(
                    reference.chiffre,
                    references.afficher(
                        reference, ctx.detail, connu=national.connu(ctx, reference, indicateur, annee)
                    ),
                    REFERENCE,
                    "" if reference.origine == references.PUBLIE else reference.origine_texte(),
                    "" if reference.complete else references.texte_couverture(reference.couverture),
                )
            else:
                par_annee[annee] = _vide(ctx.detail)
        valeurs[t.pk] = par_annee
    territoires = [
        t
        for t in territoires
        if t.pk not in facultatifs or any(v.chiffre.statut != calculs.VIDE for v in valeurs[t.pk].values())
    ]
    return _vue(ctx, indicateur, territoires, annees, valeurs)


def _origines(par_annee: dict[int, Valeur]) -> str:
    """Where a territory's figures come from, each origin once (its coverage is in the notes)."""
    textes = []
    for valeur in par_annee.values():
        if valeur.chiffre.statut == calculs.VIDE:
            continue
        texte = valeur.origine.split(" (")[0] if valeur.origine else _("chiffre publié par la source")
        if valeur.sorte == CONTRAT and not valeur.origine:
            texte = _("chiffre du contrat")
        if texte not in textes:
            textes.append(texte)
    return " ; ".join(textes) or _("aucun chiffre")


def _cellule_taux(valeur: Valeur, indicateur) -> Cellule:
    """A rate of the wide table: one decimal on the page, full precision in its export; the
    masked figure's text ("< 5", "secret statistique"), never a number, when masked."""
    affiche = valeur.affiche
    if affiche.statut == calculs.VIDE:
        return Cellule("—", "")
    if affiche.masque:
        return Cellule(affiche.nombre_texte)
    cellule = pages.cellule_taux_de(valeur.chiffre, affiche, indicateur, bool(valeur.partiel))
    # "10,4 ‰ *" kept on one line in a narrow column.
    cellule.texte = cellule.texte.replace(" *", "\u00a0*")
    return cellule


def _vue(ctx, indicateur, territoires, annees, valeurs) -> dict:
    unite = _("pour 1 000 logements") if indicateur.par_logements else _("pour 1 000 habitants")
    periode = f"{annees[0]}–{annees[-1]}" if len(annees) > 1 else (str(annees[0]) if annees else "")
    tableau = Tableau(
        "comparaison",
        # The title names the XLSX sheet (its first 31 characters, none of : / ? * [ ]).
        _("Taux par territoire et par année — %(i)s, %(u)s (%(s)s)")
        % {"i": indicateur.libelle, "u": unite, "s": ctx.source.libelle},
        [_("Territoire"), _("Niveau"), _("Origine du chiffre"), *[str(a) for a in annees]],
    )
    detail = Tableau(
        "comparaison-detail",
        _("Nombres et taux par territoire — %(i)s, nombre, dénominateur et taux par année (%(s)s)")
        % {"i": indicateur.libelle, "s": ctx.source.libelle},
        [
            _("Territoire"),
            _("Code"),
            _("Niveau"),
            _("Année"),
            _("Nombre"),
            _("Dénominateur"),
            _("Taux"),
            _("Origine du chiffre"),
            _("Statut"),
        ],
    )
    series, choisis, notes_origine, anterieur = [], [], [], False
    for t in territoires:
        par_annee = valeurs[t.pk]
        partiels: dict[str, list[int]] = {}  # what a partial figure covers → its years
        for annee in annees:
            if par_annee[annee].partiel and par_annee[annee].chiffre.statut != calculs.VIDE:
                partiels.setdefault(par_annee[annee].partiel, []).append(annee)
        origines = _origines(par_annee)
        # One note per territory and coverage, with its years, not one per year; the export,
        # whose rates are bare numbers without the page's « (partiel) », carries it in the row.
        couvertures = [
            _("%(a)s : partiel, %(p)s") % {"a": texte_des_annees(annees_partielles), "p": couverture}
            for couverture, annees_partielles in partiels.items()
        ]
        notes_origine += [_("%(t)s, %(c)s.") % {"t": t.nom, "c": texte} for texte in couvertures]
        tableau.lignes.append(
            [
                Cellule(t.nom),
                Cellule(t.get_niveau_display()),
                Cellule(origines, " ; ".join([origines, *couvertures])),
                *[_cellule_taux(par_annee[a], indicateur) for a in annees],
            ]
        )
        for annee in annees:
            valeur = par_annee[annee]
            if valeur.chiffre.statut == calculs.VIDE:
                continue
            affiche = valeur.affiche
            statut = valeur.partiel or (_("secret statistique") if affiche.masque else _("complet"))
            detail.lignes.append(
                [
                    Cellule(t.nom),
                    Cellule(t.code),
                    Cellule(t.get_niveau_display()),
                    Cellule(str(annee), annee),
                    pages.cellule_nombre(affiche),
                    Cellule(
                        formats.nombre(affiche.denominateur) if affiche.denominateur else "—",
                        affiche.denominateur or "",
                    ),
                    _cellule_taux(valeur, indicateur),
                    Cellule(valeur.origine or _origines({annee: valeur})),
                    Cellule(statut),
                ]
            )
            anterieur = anterieur or (not affiche.masque and affiche.anterieur)
        nom = t.nom
        if sum(1 for x in territoires if x.nom == t.nom) > 1:
            nom = f"{t.nom} ({t.get_niveau_display().lower()})"
        if origines not in (_("chiffre publié par la source"), _("chiffre du contrat"), _("aucun chiffre")):
            nom = f"{nom} — {origines}"
        if partiels:
            # The chart's legend says it too: a partial line is lower than the territory's.
            nom = f"{nom} " + _("(partiel)")
        series.append(
            {
                "nom": nom,
                "valeurs": [
                    round(par_annee[a].affiche.taux, 2) if par_annee[a].affiche.taux is not None else None
                    for a in annees
                ],
            }
        )
        choisis.append({"territoire": t, "parametre": f"{t.niveau}:{t.code}", "origine": origines})
    notes = pages.notes_sans_taux(tableau)
    if any(v.sorte == REFERENCE and v.origine for par_annee in valeurs.values() for v in par_annee.values()):
        notes.append(
            _(
                "Un département, une région ou la France sans total publié par la source a pour "
                "chiffre la somme des totaux départementaux publiés, sinon celle des communes "
                "publiées : la colonne « Origine du chiffre » le dit, le tableau détaillé donne "
                "ce que chaque somme couvre."
            )
        )
    notes += notes_origine
    if anterieur:
        notes.append(
            _(
                "* Taux calculé sur la population d'une année antérieure, l'année disponible la "
                "plus proche avant celle du chiffre."
            )
        )
    if not any(v is not None for s in series for v in s["valeurs"]):
        notes.append(
            _("Aucun taux n'est calculable pour ces territoires : voyez les nombres du tableau détaillé.")
        )
    graphique = {
        "libelles": [str(a) for a in annees],
        "series": series,
        "unite": "‰",
        "titre": _("Taux %(u)s, %(p)s") % {"u": unite, "p": periode},
    }
    return {
        "tableau": tableau,
        "detail": detail,
        "graphique": graphique,
        "annees": annees,
        "choisis": choisis,
        "notes": notes,
    }


def texte_des_annees(annees: list[int]) -> str:
    """Years in French, runs of consecutive years joined: "2016 à 2019, 2021 et 2023"."""
    plages: list[list[int]] = []
    for annee in sorted(annees):
        if plages and annee == plages[-1][1] + 1:
            plages[-1][1] = annee
        else:
            plages.append([annee, annee])
    textes = [
        str(debut) if debut == fin else _("%(d)s à %(f)s") % {"d": debut, "f": fin} for debut, fin in plages
    ]
    if len(textes) == 1:
        return textes[0]
    return _("%(liste)s et %(dernier)s") % {"liste": ", ".join(textes[:-1]), "dernier": textes[-1]}


def chercher(user, ctx: pages.Contexte, texte: str, refs: list[Territoire]) -> list[Territoire]:
    """What the search box finds for `user`: the territories of `territoires_trouves` and the
    départements, régions and France this reader may compare even without rows of their own
    (their figure is a reference then)."""
    trouves = territoires_trouves(user, ctx.perimetre.racine, texte, ctx.perimetre.territoires)
    cle = cle_de_recherche(texte or "")
    if not cle:
        return trouves
    nationaux = Territoire.objects.filter(niveau__in=NIVEAUX_DE_REFERENCE).filter(
        Q(code__iexact=texte.strip()) | Q(nom_recherche__contains=cle)
    )
    if not voit_tous_les_territoires(user):
        nationaux = [t for t in refs if t in set(nationaux)]
    connus = {t.pk for t in trouves}
    return trouves + [t for t in list(nationaux)[:20] if t.pk not in connus]
