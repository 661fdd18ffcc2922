"""The dashboards' national context: each territory's rate beside its département's, its
région's and France's (`references`), the ratio to each (its column names the reference), its rank
among its peers (the communes of its population class, the départements, the régions) and its
percentile. Built once for the page, its CSV/XLSX export and the JSON endpoint."""

from dataclasses import replace

from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.models import Territoire

from ..models import Indicateur
from . import cache, calculs, references, secret, tableaux
from .exports import Cellule, Tableau
from .pages import (
    Contexte,
    _lien_territoire,
    _nombre_json,
    cellule_nombre,
    cellule_ratio,
    cellule_taux,
    cellule_taux_de,
    libelle_rapport,
    motif_sans_taux,
)


def references_de(ctx: Contexte, territoire: Territoire) -> list[Territoire]:
    """The département, région and France of `territoire` (looked up once per page)."""
    cle = ("territoires_de_reference", territoire.pk)
    if cle not in ctx._cache:
        ctx._cache[cle] = references.territoires_de_reference(territoire)
    return ctx._cache[cle]


def references_lues(
    ctx: Contexte, territoires: list[Territoire], indicateurs, annees
) -> references.References:
    """The reference figures of `territoires` (read once per page: kept in the context), and kept
    in the dashboards' cache for every page with the same references, indicators and years (the
    communes of one département share theirs): a sum over the communes of France, without a
    départemental base, reads the whole commune base. They are the source's figures, the same for
    every reader (each page masks them for its reader, `afficher`), until the data changes."""
    cle = ("references", tuple(t.pk for t in territoires), tuple(i.pk for i in indicateurs), tuple(annees))
    if cle not in ctx._cache:
        ctx._cache[cle] = cache.memoriser(
            "references",
            lambda: references.References.lire(ctx.source, territoires, indicateurs, annees),
            detail=False,
            parametres=(ctx.source.pk, *cle[1:]),
        )
    return ctx._cache[cle]


def _affiche(ctx: Contexte, reference: references.Reference, indicateur: Indicateur, annee: int):
    return references.afficher(reference, ctx.detail, connu=connu(ctx, reference, indicateur, annee))


def connu(
    ctx: Contexte, reference: references.Reference, indicateur: Indicateur, annee: int
) -> tuple[int, int]:
    """What a reader of the contract's pages knows of a sum over communes: the published counts
    of the contract's communes in it (their own rows), and how many they are."""
    if ctx.detail or reference.origine != references.COMMUNES:
        return (0, 0)
    lien = {
        Territoire.Niveau.DEPARTEMENT: "departement_id",
        Territoire.Niveau.REGION: "region_id",
    }.get(reference.territoire.niveau)
    propres = ctx.comptes.propres(indicateur.pk, annee)
    nombre, communes = 0, 0
    for t in ctx.perimetre.territoires.values():
        if t.niveau != Territoire.Niveau.COMMUNE or (lien and getattr(t, lien) != reference.territoire.pk):
            continue
        compte = propres.get(t.pk)
        if compte is not None and compte.publies and not compte.secrets:
            nombre, communes = nombre + compte.nombre, communes + 1
    return (nombre, communes)


def _rapport(
    ctx: Contexte, affiche, reference: references.Reference, indicateur, annee, partiel=False
) -> Cellule:
    """The ratio of a shown rate to a reference's. None for a partial total of the territory (the
    contract's pages compute no ratio on one: its rate is not the territory's) and to a sum over
    only the parts the source covers (it is not the reference's figure); a sum with masked parts
    says what it covers."""
    reference_affichee = _affiche(ctx, reference, indicateur, annee)
    if partiel or affiche.masque or reference_affichee.masque:
        return cellule_ratio(None)
    if not reference.comparable:
        return cellule_ratio(None)
    return cellule_ratio(calculs.rapport(_comme_chiffre(affiche), _comme_chiffre(reference_affichee)))


def _comme_chiffre(affiche) -> calculs.Chiffre:
    """A shown figure, for `calculs.rapport` (which reads its rate)."""
    if affiche.taux is None:
        return calculs.Chiffre()
    return calculs.Chiffre(nombre=affiche.nombre, publies=1, taux_publie=affiche.taux)


def _cellule_taux_reference(
    ctx: Contexte, reference: references.Reference, indicateur: Indicateur, annee: int
) -> Cellule:
    """A reference's rate: « (partiel) » when it is a sum that misses some of its parts (no ratio
    is computed to it)."""
    affiche = _affiche(ctx, reference, indicateur, annee)
    partiel = reference.chiffre.statut != calculs.VIDE and not reference.couvre_tout
    return cellule_taux_de(reference.chiffre, affiche, indicateur, partiel)


def notes_des_references(lues: references.References, refs: list[Territoire]) -> list[str]:
    """Where each reference's figures come from when they are not the source's own totals, and
    why a reference has none: one note per reference and kind, whatever the indicators."""
    notes: list[str] = []
    for r in refs:
        origines = {
            (reference.origine_texte(), reference.comparable)
            for (pk, _i, _a), reference in lues.valeurs.items()
            if pk == r.pk and reference.origine != references.PUBLIE
        }
        for origine, comparable in sorted(origines):
            if comparable:
                notes.append(_("%(t)s : %(o)s.") % {"t": r.nom, "o": origine})
            else:
                notes.append(
                    _("%(t)s : %(o)s ; une somme partielle, à laquelle aucun rapport n'est calculé.")
                    % {"t": r.nom, "o": origine}
                )
        couvertures = [
            reference.couverture
            for (pk, _i, _a), reference in lues.incompletes.items()
            if pk == r.pk and reference.couverture is not None
        ]
        if couvertures:
            notes.append(
                _(
                    "%(t)s : la source n'a de chiffres que pour une partie de ses communes (%(c)s) ; "
                    "aucun chiffre de %(t)s n'en est tiré, ni aucun rapport."
                )
                % {"t": r.nom, "c": _texte_des_couvertures(couvertures)}
            )
    return notes


def _texte_des_couvertures(couvertures: list) -> str:
    """What the communes a source covers make of a reference, said once whatever the indicators:
    the coverage when it is the same for all, else its range ("de 3 à 106 communes sur 34 969,
    de 0,2 % à 0,5 % de la population, selon l'indicateur")."""
    textes = {references.texte_couverture(c) for c in couvertures}
    if len(textes) == 1:
        return textes.pop()
    bas, haut = min(c.avec_chiffre for c in couvertures), max(c.avec_chiffre for c in couvertures)
    parties = max(c.parties for c in couvertures)
    if bas == haut:
        # The same count of communes: its usual wording, without the population said below.
        texte = references.texte_couverture(replace(couvertures[0], parties=parties, part_population=None))
    else:
        texte = _("de %(min)s à %(max)s communes sur %(total)s") % {
            "min": formats.nombre(bas),
            "max": formats.nombre(haut),
            "total": formats.nombre(parties),
        }
    parts = [c.part_population for c in couvertures if c.part_population is not None]
    if parts and min(parts) == max(parts):
        texte += _(", %(p)s de la population") % {"p": formats.pourcentage(parts[0], 1)}
    elif parts:
        texte += _(", de %(min)s à %(max)s de la population") % {
            "min": formats.pourcentage(min(parts), 1),
            "max": formats.pourcentage(max(parts), 1),
        }
    return texte + _(", selon l'indicateur")


def colonnes_des_references(refs: list[Territoire]) -> list[str]:
    colonnes = []
    for reference in refs:
        colonnes += [_("Taux %(de_t)s") % {"de_t": reference.de_nom}, libelle_rapport(reference.a_nom)]
    return colonnes


def tableau_contexte(
    ctx: Contexte, territoire: Territoire, indicateurs: list[Indicateur], annee: int
) -> Tableau:
    """One row per indicator: the territory's rate, then each reference's rate and the ratio to it."""
    refs = references_de(ctx, territoire)
    lues = references_lues(ctx, refs, indicateurs, [annee])
    tableau = Tableau(
        "contexte",
        _("%(t)s dans son contexte national en %(a)s (%(s)s)")
        % {"t": territoire.nom, "a": annee, "s": ctx.source.libelle},
        [_("Indicateur"), _("Taux %(de_t)s") % {"de_t": territoire.de_nom}, *colonnes_des_references(refs)],
    )
    for indicateur in indicateurs:
        chiffre = ctx.chiffre(indicateur, annee, territoire.pk)
        if chiffre.statut == calculs.VIDE and all(
            lues.de(r, indicateur, annee).chiffre.statut == calculs.VIDE for r in refs
        ):
            continue
        affiche = ctx.affiche(indicateur, annee, territoire.pk)
        partiel = ctx.partiel(indicateur, annee, territoire.pk)
        ligne = [
            Cellule(indicateur.libelle),
            cellule_taux_de(chiffre, affiche, indicateur, partiel),
        ]
        for r in refs:
            reference = lues.de(r, indicateur, annee)
            ligne += [
                _cellule_taux_reference(ctx, reference, indicateur, annee),
                _rapport(ctx, affiche, reference, indicateur, annee, partiel),
            ]
        tableau.lignes.append(ligne)
    return tableau


def tableau_references(
    ctx: Contexte, territoire: Territoire, indicateurs: list[Indicateur], annee: int
) -> Tableau:
    """The references' own figures: count, denominator, rate and where each comes from."""
    refs = references_de(ctx, territoire)
    lues = references_lues(ctx, refs, indicateurs, [annee])
    tableau = Tableau(
        "references",
        _("Chiffres des territoires de référence en %(a)s") % {"a": annee},
        [
            _("Territoire de référence"),
            _("Niveau"),
            _("Indicateur"),
            _("Nombre"),
            _("Dénominateur"),
            _("Taux"),
            _("Origine du chiffre"),
        ],
    )
    for r in refs:
        for indicateur in indicateurs:
            reference = lues.de(r, indicateur, annee)
            if reference.chiffre.statut == calculs.VIDE:
                continue
            affiche = _affiche(ctx, reference, indicateur, annee)
            tableau.lignes.append(
                [
                    Cellule(r.nom, lien=_lien_territoire(r)),
                    Cellule(r.get_niveau_display()),
                    Cellule(indicateur.libelle),
                    cellule_nombre(affiche),
                    Cellule(
                        formats.nombre(affiche.denominateur) if affiche.denominateur else "—",
                        affiche.denominateur if affiche.denominateur else "",
                    ),
                    cellule_taux(affiche, motif_sans_taux(reference.chiffre, affiche, indicateur)),
                    Cellule(reference.origine_texte()),
                ]
            )
    return tableau


def colonnes_du_rang() -> list[str]:
    """The rank's columns: the rank and how many territories are ranked each have their own, so
    that the CSV/XLSX export keeps both as numbers (the JSON gives them as "rang" and "sur")."""
    return [_("Rang (taux décroissant)"), _("Territoires classés"), _("Parmi les"), _("Centile")]


def _cellules_rang(rang: references.Rang | None, groupe: str = "") -> list[Cellule]:
    """The rank's cells; a territory not ranked keeps the name of its group (`groupe`)."""
    if rang is None:
        return [Cellule("—", ""), Cellule("—", ""), Cellule(groupe or "—", groupe), Cellule("—", "")]
    return [
        Cellule(formats.nombre(rang.rang), rang.rang),
        Cellule(formats.nombre(rang.classes), rang.classes),
        Cellule(rang.groupe),
        # A percentile to the unit, as the page shows it (the rank and the number ranked, exported
        # beside it, give the exact share).
        Cellule(rang.centile_texte(), rang.centile_entier),
    ]


def tableau_rang(ctx: Contexte, territoire: Territoire, indicateur: Indicateur, annee: int) -> Tableau | None:
    """The territory's rank for one indicator, None when it ranks among no peers."""
    chiffre = ctx.chiffre(indicateur, annee, territoire.pk)
    groupe = references.groupe_de(territoire, chiffre)
    if groupe is None:
        return None
    affiche = ctx.affiche(indicateur, annee, territoire.pk)
    partiel = ctx.partiel(indicateur, annee, territoire.pk)
    rang = None
    # A partial total has no rank, as it has no ratio: it is lower than the whole it stands for.
    if not affiche.masque and affiche.taux is not None and not partiel:
        rang = references.rang_du_territoire(
            ctx.source, indicateur, annee, territoire, _comme_chiffre_de(chiffre, affiche)
        )
    tableau = Tableau(
        "rang",
        _("Rang %(de_t)s en %(a)s : %(i)s")
        % {"de_t": territoire.de_nom, "a": annee, "i": indicateur.libelle},
        [_("Indicateur"), _("Taux"), *colonnes_du_rang()],
    )
    tableau.lignes.append(
        [
            Cellule(indicateur.libelle),
            cellule_taux_de(chiffre, affiche, indicateur, partiel),
            *_cellules_rang(rang, groupe[2]),
        ]
    )
    return tableau


def _comme_chiffre_de(chiffre: calculs.Chiffre, affiche) -> calculs.Chiffre:
    """The territory's figure with the rate the page shows (its class falls back on its inhabitants)."""
    return calculs.Chiffre(
        nombre=chiffre.nombre,
        denominateur=chiffre.denominateur,
        publies=chiffre.publies,
        denominateur_territoire=chiffre.denominateur_territoire,
        taux_publie=affiche.taux,
    )


def note_rang() -> str:
    return _(
        "Rang : 1 est le taux le plus élevé. Une commune est classée parmi les communes de sa "
        "classe de population (tranches de l'INSEE), un département parmi les départements, une "
        "région parmi les régions ; les territoires masqués par la source ne sont pas classés, "
        "ni un total partiel, ni un territoire seul de son groupe à avoir un taux. "
        "Centile : part du groupe dont le taux est inférieur ou égal au sien."
    )


def tableau_contexte_territoires(
    ctx: Contexte, indicateur: Indicateur, territoires: list[Territoire]
) -> Tableau:
    """The "par territoire" dashboard: each territory of the contract beside its département,
    région and France for one indicator and year, with its rank and percentile. The references
    are those of the contract's territory (its communes share them); one ranking per group."""
    annee = ctx.annee
    refs = references_de(ctx, ctx.perimetre.racine)
    lues = references_lues(ctx, refs, [indicateur], [annee])
    tableau = Tableau(
        "contexte",
        _("%(i)s en %(a)s : les territoires du contrat dans leur contexte national")
        % {"i": indicateur.libelle, "a": annee},
        [
            _("Territoire"),
            _("Taux"),
            *colonnes_des_references(refs),
            *colonnes_du_rang(),
        ],
    )
    lignes, demandes = [], {}
    for t in territoires:
        chiffre = ctx.chiffre(indicateur, annee, t.pk)
        affiche = ctx.affiche(indicateur, annee, t.pk)
        groupe = references.groupe_de(t, chiffre if not indicateur.par_logements else None)
        complet = not ctx.partiel(indicateur, annee, t.pk)
        if groupe is not None and not affiche.masque and affiche.taux is not None and complet:
            niveau, classe, nom = groupe
            demandes.setdefault(niveau, []).append((t.pk, classe, affiche.taux, nom))
        lignes.append((t, chiffre, affiche, groupe[2] if groupe else ""))
    # One query per level: every territory's rank among its group counted at once.
    rangs = {}
    for niveau, demandes_du_niveau in demandes.items():
        rangs |= references.Classement.lire(ctx.source, indicateur, annee, niveau).rangs(demandes_du_niveau)
    for t, chiffre, affiche, nom_du_groupe in lignes:
        partiel = ctx.partiel(indicateur, annee, t.pk)
        ligne = [Cellule(t.nom), cellule_taux_de(chiffre, affiche, indicateur, partiel)]
        for r in refs:
            ligne += [
                _cellule_taux_reference(ctx, lues.de(r, indicateur, annee), indicateur, annee),
                _rapport(ctx, affiche, lues.de(r, indicateur, annee), indicateur, annee, partiel),
            ]
        tableau.lignes.append(ligne + _cellules_rang(rangs.get(t.pk), nom_du_groupe))
    return tableau


def completer_json(ctx: Contexte, territoire: Territoire, lignes: list[dict], *, avec_rang: bool) -> None:
    """The JSON endpoint's rows of `territoire` get its references (count, denominator, rate,
    origin, ratio) and, with `avec_rang` (one indicator and one year asked), its rank."""
    siennes = [
        ligne
        for ligne in lignes
        if ligne["territoire_code"] == territoire.code and ligne["niveau"] == territoire.niveau
    ]
    if not siennes:
        return
    indicateurs = {
        i.code: i for i in pages_indicateurs(ctx) if i.code in {ligne["indicateur_code"] for ligne in siennes}
    }
    annees = sorted({int(ligne["periode"]) for ligne in siennes})
    refs = references_de(ctx, territoire)
    lues = references_lues(ctx, refs, list(indicateurs.values()), annees)
    for ligne in siennes:
        indicateur, annee = indicateurs.get(ligne["indicateur_code"]), int(ligne["periode"])
        if indicateur is None:
            continue
        affiche = ctx.affiche(indicateur, annee, territoire.pk)
        partiel = ctx.partiel(indicateur, annee, territoire.pk)
        ligne["references"] = []
        for r in refs:
            reference = lues.de(r, indicateur, annee)
            if reference.chiffre.statut == calculs.VIDE:
                continue
            vue = _affiche(ctx, reference, indicateur, annee)
            rapport = _rapport(ctx, affiche, reference, indicateur, annee, partiel)
            ligne["references"].append(
                {
                    "territoire_code": r.code,
                    "territoire": r.nom,
                    "niveau": r.niveau,
                    "nombre": vue.valeur_export if vue.statut != calculs.SECRET else None,
                    "denominateur": _nombre_json(vue.denominateur),
                    "taux_pour_mille": vue.taux,
                    # As the territory's own: « partiel » for a sum missing some of its parts
                    # (its rate is not the reference's, and no ratio is computed to it).
                    "statut": secret.statut_export(vue, partiel=not reference.couvre_tout),
                    "origine": reference.origine,
                    "origine_texte": reference.origine_texte(),
                    "couverture": reference.couverture.en_dict() if reference.couverture else None,
                    "rapport": rapport.valeur if rapport.valeur != "" else None,
                }
            )
        if avec_rang:
            rang = None
            if not affiche.masque and affiche.taux is not None and not partiel:
                chiffre = ctx.chiffre(indicateur, annee, territoire.pk)
                rang = references.rang_du_territoire(
                    ctx.source, indicateur, annee, territoire, _comme_chiffre_de(chiffre, affiche)
                )
            ligne["rang"] = (
                {"rang": rang.rang, "sur": rang.classes, "centile": rang.centile, "groupe": rang.groupe}
                if rang
                else None
            )


def pages_indicateurs(ctx: Contexte) -> list[Indicateur]:
    cle = ("indicateurs",)
    if cle not in ctx._cache:
        ctx._cache[cle] = tableaux.indicateurs_de(ctx.comptes)
    return ctx._cache[cle]


def notes_du_contexte(
    ctx: Contexte, territoire: Territoire, indicateurs: list[Indicateur], annee: int
) -> list[str]:
    """The notes of `tableau_contexte` (and of the "par territoire" table, for the contract's territory)."""
    refs = references_de(ctx, territoire)
    return notes_des_references(references_lues(ctx, refs, indicateurs, [annee]), refs)
