"""What each dashboard shows, built once for its page, its CSV/XLSX export and the JSON endpoint:
tables of `Cellule`s (display text and exported value), chart and map data, with secrecy applied
for the user at hand by one `secret.Motif` per indicator and period (`Contexte.affiche`)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.models import Territoire
from cls_poitiers.permissions import sees_detailed_figures
from cls_poitiers.referentiel import hors_collectivites_d_outre_mer

from ..models import Donnee, Indicateur, LotImport, ResultatEnquete, Source
from . import calculs, completude, secret, tableaux
from .exports import Cellule, Tableau

COLONNES_EXPORT = [
    "territoire_code",
    "territoire",
    "indicateur",
    "unite",
    "periode",
    "nombre",
    "denominateur",
    "taux_pour_mille",
    "statut",
]


@dataclass
class Contexte:
    """The perimeter, the source and the figures a page works on, read in a fixed number of queries."""

    perimetre: tableaux.Perimetre
    sources: list[Source]
    source: Source
    comptes: tableaux.Comptes
    annees: list[int]
    annee: int
    detail: bool
    # The year asked for (`?annee=`) when the source has no figure in it: the page says so and
    # shows `annee` instead.
    annee_absente: int | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def seuil(self) -> int:
        return secret.seuil()

    def consolide(self, indicateur: Indicateur, annee: int) -> dict[int, calculs.Consolide]:
        cle = (indicateur.pk, annee)
        if cle not in self._cache:
            self._cache[cle] = tableaux.consolider(self.perimetre, self.comptes, indicateur, annee)
        return self._cache[cle]

    def chiffre(self, indicateur: Indicateur, annee: int, territoire_id: int) -> calculs.Chiffre:
        consolide = self.consolide(indicateur, annee).get(territoire_id)
        return consolide.total if consolide else calculs.Chiffre()

    def motif(self, indicateur: Indicateur, annee: int) -> secret.Motif:
        """The cells masked for this reader in the indicator's year, on the whole tree: every
        table, chart, export and JSON row of that year reads this one pattern."""
        cle = ("motif", indicateur.pk, annee)
        if cle not in self._cache:
            self._cache[cle] = secret.Motif.calculer(
                self.consolide(indicateur, annee), self.perimetre.enfants, detail=self.detail
            )
        return self._cache[cle]

    def couverture(
        self, indicateur: Indicateur, annee: int, territoire_id: int
    ) -> completude.Couverture | None:
        """How much of the territory's total its parts cover (None: the source's own figure)."""
        cle = ("couverture", indicateur.pk, annee)
        if cle not in self._cache:
            perimetre = self.perimetre

            self._cache[cle] = completude.couvertures(
                self.consolide(indicateur, annee),
                perimetre.enfants,
                {pk: t.niveau for pk, t in perimetre.territoires.items()},
                lambda territoire_id: _population_de(perimetre, territoire_id, annee),
            )
        return self._cache[cle].get(territoire_id)

    def partiel(self, indicateur: Indicateur, annee: int, territoire_id: int) -> bool:
        couverture = self.couverture(indicateur, annee, territoire_id)
        if couverture is not None:
            return not couverture.complete
        return self.chiffre(indicateur, annee, territoire_id).statut == calculs.PARTIEL

    def statut(self, indicateur: Indicateur, annee: int, territoire_id: int) -> Cellule:
        """The "Statut" cell of a figure: complete, or partial with what it covers."""
        chiffre = self.chiffre(indicateur, annee, territoire_id)
        if chiffre.statut in (calculs.VIDE, calculs.SECRET):
            return Cellule("—", "")
        if not self.partiel(indicateur, annee, territoire_id):
            return Cellule(_("complet"))
        couverture = self.couverture(indicateur, annee, territoire_id)
        return Cellule(couverture.texte() if couverture else _("partiel : des parties sont secrètes"))

    def affiche(self, indicateur, annee, territoire_id, partie: str = secret.TOTAL) -> secret.Affiche:
        cellule = (territoire_id, partie)
        chiffre = secret.valeur(self.consolide(indicateur, annee), cellule) or calculs.Chiffre()
        return self.motif(indicateur, annee).afficher(chiffre, cellule)


def perimetre_du_territoire(territoire: Territoire, parties: list[Territoire] = ()) -> tableaux.Perimetre:
    """A territory outside the contract's perimeter (another commune, a département, a région,
    France): its own figures, over its own population (one query); with `parties`
    (`parties_du_territoire`), its total is the sum of theirs, consolidated as the contract's
    (secrecy, partial totals and what they cover)."""
    territoires = {territoire.pk: territoire, **{p.pk: p for p in parties}}
    return tableaux.Perimetre(
        racine=territoire,
        territoires=territoires,
        enfants={territoire.pk: [p.pk for p in parties]} if parties else {},
        populations=tableaux.populations_par_millesime(list(territoires)),
    )


def _chiffres_propres(source: Source | None, sources: list[Source]) -> bool:
    """Whether `source` has figures on the perimeter it was read for (`sources_avec_donnees`)."""
    lue = next((s for s in sources if source is not None and s.pk == source.pk), None)
    return bool(lue and lue.sur_le_perimetre)


def parties_du_territoire(territoire: Territoire, detail: bool = True) -> list[Territoire]:
    """What a national level adds up when the source publishes no figure of its own for it
    (France is never stored, a région only with the régional base, a département only with the
    départemental base): France's départements (with the facts attached to none, `NA`), a
    région's départements, a département's communes. None for the other levels.

    A département's communes only for the readers of detailed figures: a partner sees the
    contract's communes, and the département's sum less them could give another commune's count
    (`references.afficher` masks such a reference for them; this page would not know which
    communes the reader sees)."""
    niveau = Territoire.Niveau
    if territoire.niveau == niveau.PAYS:
        parties = hors_collectivites_d_outre_mer(Territoire.objects.filter(niveau=niveau.DEPARTEMENT))
    elif territoire.niveau == niveau.REGION:
        parties = Territoire.objects.filter(niveau=niveau.DEPARTEMENT, region_id=territoire.pk)
    elif territoire.niveau == niveau.DEPARTEMENT and detail:
        parties = Territoire.objects.filter(niveau=niveau.COMMUNE, departement_id=territoire.pk)
    else:
        return []
    return list(parties.exclude(pk=territoire.pk).defer("contour").order_by("code"))


def contexte(
    user, valeurs: dict, territoire: Territoire | None = None, perimetre: tableaux.Perimetre | None = None
) -> Contexte | None:
    """The page context for `user` (None: no reader, the command line), over the sources this
    user may read (`Source.objects.visibles_par`): `valeurs["source"]` comes from the filter,
    which offers and accepts only those. By default the contract's perimeter (`perimetre` when
    the caller has read it already); with `territoire` (outside it, its reach checked by the
    caller), that territory on its own."""
    if territoire is not None:
        perimetre = perimetre_du_territoire(territoire)
    elif perimetre is None:
        perimetre = tableaux.perimetre()
    if perimetre is None:
        return None
    lisibles = None if user is None else Source.objects.visibles_par(user)
    sources = tableaux.sources_avec_donnees(lisibles, perimetre=perimetre)
    source = valeurs.get("source") or tableaux.source_par_defaut(sources)
    if territoire is not None and not _chiffres_propres(source, sources):
        # No figure of its own in the source: a national level is the sum of its parts. When the
        # source publishes the territory's own total, it stands alone, never added to its parts'
        # (a départemental total already counts its masked communes).
        parties = parties_du_territoire(territoire, detail=user is None or sees_detailed_figures(user))
        if parties:
            perimetre = perimetre_du_territoire(territoire, parties)
            sources = tableaux.sources_avec_donnees(lisibles, perimetre=perimetre)
            source = valeurs.get("source") or tableaux.source_par_defaut(sources)
    if source is None or source not in sources:
        return None
    comptes = tableaux.Comptes.lire(perimetre, source=source)
    annees = comptes.annees() or []
    annee = valeurs.get("annee")
    if annee not in annees:
        # By default, the latest year in which the contract's own territories have figures (not
        # a later one that only the département has).
        annee = comptes.derniere_annee_de(perimetre.territoires) or (annees[-1] if annees else None)
    if annee is None:
        return None
    demandee = valeurs.get("annee")
    return Contexte(
        perimetre,
        sources,
        source,
        comptes,
        annees,
        int(annee),
        sees_detailed_figures(user),
        annee_absente=int(demandee) if demandee and demandee not in annees else None,
    )


def cellule_nombre(affiche: secret.Affiche) -> Cellule:
    return Cellule(affiche.nombre_texte, affiche.valeur_export if affiche.statut != calculs.SECRET else None)


def _population_de(perimetre, territoire_id, annee: int):
    """A territory's inhabitants for the year (the share of the population a partial total covers)."""
    denominateur = calculs.denominateur_pour(perimetre.populations.get(territoire_id, {}), annee)
    return denominateur.valeur if denominateur else None


def cellule_taux(affiche: secret.Affiche, motif: str = "") -> Cellule:
    """A rate: one decimal on the page (23,1 ‰), the computation's full precision in exports;
    "non calculable" with its reason (`motif`, see `motif_sans_taux`) when the figure is shown
    but has no denominator covering it."""
    if affiche.taux is None:
        if motif:
            return Cellule(_("non calculable"), None, note=motif)
        return Cellule(affiche.taux_texte or "—", "")
    return Cellule(affiche.taux_texte + (" *" if affiche.anterieur else ""), affiche.taux)


def cellule_taux_de(
    chiffre: calculs.Chiffre, affiche: secret.Affiche, indicateur: Indicateur, partiel: bool
) -> Cellule:
    """A figure's rate cell (`cellule_taux`, with why it has none); a partial total's rate says
    « (partiel) », as no ratio is computed on it, and so does its export: a bare number in a
    spreadsheet would pass for the whole territory's rate."""
    cellule = cellule_taux(affiche, motif_sans_taux(chiffre, affiche, indicateur))
    if partiel and affiche.taux is not None:
        cellule.texte += " " + _("(partiel)")
        cellule.valeur = cellule.texte
    return cellule


def motif_sans_taux(chiffre: calculs.Chiffre, affiche: secret.Affiche, indicateur: Indicateur) -> str:
    """Why a figure shown in full has no rate, in French ("" when it has one or is masked: the
    reason would say more than the reader may see)."""
    if affiche.masque or affiche.taux is not None or not chiffre.motif:
        return ""
    return calculs.motif_texte(chiffre.motif, par_logements=indicateur.par_logements)


def cellule_ratio(ratio: float | None) -> Cellule:
    return Cellule(formats.nombre(ratio, 2) if ratio else "—", ratio if ratio else "")


def cellule_evolution(evolution) -> Cellule:
    if evolution is None:
        return Cellule("—", "")
    signe = "+" if evolution.pourcentage > 0 else ""
    return Cellule(signe + formats.pourcentage(evolution.pourcentage, 1), evolution.pourcentage)


def notes_sans_taux(tableau: Tableau, colonne: int | None = 0) -> list[str]:
    """The page's notes for the rates of `tableau` that are "non calculable": what (the row's
    `colonne`, else the column's title) and why, each once."""
    notes: list[str] = []
    for ligne in tableau.lignes:
        for index, cellule in enumerate(ligne):
            if cellule.note and cellule.serie is None:
                quoi = ligne[colonne].texte if colonne is not None else tableau.colonnes[index]
                if colonne is not None and tableau.colonnes[index] != _("Taux"):
                    quoi = f"{quoi} ({tableau.colonnes[index].lower()})"
                note = f"{quoi} : {cellule.note}"
                if note not in notes:
                    notes.append(note)
    return notes


def _evolution(ctx: Contexte, indicateur, annee, territoire_id):
    if annee - 1 not in ctx.annees:
        return None
    courant = ctx.chiffre(indicateur, annee, territoire_id)
    precedent = ctx.chiffre(indicateur, annee - 1, territoire_id)
    return secret.afficher_evolution(
        calculs.evolution(courant, precedent),
        ctx.affiche(indicateur, annee, territoire_id),
        ctx.affiche(indicateur, annee - 1, territoire_id),
    )


def _indicateur_principal(indicateurs: list[Indicateur]) -> Indicateur | None:
    return next((i for i in indicateurs if i.est_total), indicateurs[0] if indicateurs else None)


def _note_denominateur(ctx: Contexte, indicateur: Indicateur, annee: int, territoire_id: int) -> str:
    chiffre = ctx.chiffre(indicateur, annee, territoire_id)
    if not chiffre.denominateur_anterieur:
        return ""
    annees = ", ".join(str(a) for a in sorted(chiffre.annees_denominateur))
    return _(
        "* Taux %(annee)s calculé sur la population de %(annees)s, "
        "l'année disponible la plus proche avant %(annee)s."
    ) % {"annee": annee, "annees": annees}


def vue_ensemble(ctx: Contexte, famille: str | None) -> dict:
    racine = ctx.perimetre.racine
    indicateurs = [i for i in tableaux.indicateurs_de(ctx.comptes) if not famille or i.famille == famille]
    tableau = Tableau(
        "indicateurs",
        _("Indicateurs %(de_t)s en %(a)s") % {"de_t": racine.de_nom, "a": ctx.annee},
        [
            _("Indicateur"),
            _("Unité de compte"),
            _("Nombre"),
            _("Taux"),
            _("Statut"),
            _("Évolution sur un an"),
            _("Tendance"),
        ],
    )
    for indicateur in indicateurs:
        affiche = ctx.affiche(indicateur, ctx.annee, racine.pk)
        motif = motif_sans_taux(ctx.chiffre(indicateur, ctx.annee, racine.pk), affiche, indicateur)
        tableau.lignes.append(
            [
                Cellule(indicateur.libelle, lien=_lien_evolution(indicateur, ctx.source)),
                Cellule(f"{indicateur.get_unite_display()} ({indicateur.get_denominateur_display()})"),
                cellule_nombre(affiche),
                cellule_taux(affiche, motif),
                ctx.statut(indicateur, ctx.annee, racine.pk),
                cellule_evolution(_evolution(ctx, indicateur, ctx.annee, racine.pk)),
                cellule_tendance([(a, ctx.affiche(indicateur, a, racine.pk)) for a in ctx.annees]),
            ]
        )
    principal = _indicateur_principal(indicateurs)
    entete, prioritaires, notes = None, None, []
    if principal:
        entete = {
            "indicateur": principal,
            "affiche": ctx.affiche(principal, ctx.annee, racine.pk),
            "evolution": _evolution(ctx, principal, ctx.annee, racine.pk),
            "partiel": ctx.statut(principal, ctx.annee, racine.pk).texte
            if ctx.partiel(principal, ctx.annee, racine.pk)
            else "",
        }
        prioritaires = tableau_prioritaires(ctx, principal)
        note = _note_denominateur(ctx, principal, ctx.annee, racine.pk)
        if note:
            notes.append(note)
    notes += notes_sans_taux(tableau)
    if prioritaires:
        notes += [n for n in notes_sans_taux(prioritaires) if n not in notes]
    if any(ctx.partiel(i, ctx.annee, racine.pk) for i in indicateurs):
        notes.append(_note_partiel())
    return {
        "tableau": tableau,
        "entete": entete,
        "prioritaires": prioritaires,
        "notes": notes,
        "indicateurs": indicateurs,
    }


def cellule_tendance(serie: list[tuple[int, secret.Affiche]]) -> Cellule:
    """The "Tendance" sparkline: of rates when every year shown in full has one, else of counts,
    never the two mixed on one line; the cell says which (a masked year is a gap)."""
    montres = [a for _annee, a in serie if not a.masque and a.nombre is not None]
    en_taux = bool(montres) and all(a.taux is not None for a in montres)
    points = [
        {"annee": annee, "valeur": (a.taux if en_taux else a.nombre) if not a.masque else None}
        for annee, a in serie
    ]
    valeurs = " ; ".join(
        f"{annee} : {(a.taux_texte if en_taux and a.taux is not None else a.nombre_texte)}"
        for annee, a in serie
    )
    if en_taux:
        return Cellule(_("Taux pour 1000 — %(v)s") % {"v": valeurs}, serie=points)
    legende = _("nombres (taux non disponible)") if montres else ""
    return Cellule(_("Nombres, taux non disponible — %(v)s") % {"v": valeurs}, serie=points, note=legende)


def libelle_rapport(a_nom: str) -> str:
    """The header of a ratio to a territory, `a_nom` its name after « à » (`Territoire.a_nom`:
    « au Mans », « à la Vienne »)."""
    return _("Rapport %(a_t)s") % {"a_t": a_nom}


def libelle_candidat(multiple, de_nom: str) -> str:
    """A candidate's cell: its rate exceeds the set multiple of the contract territory's, `de_nom`
    its name after « de » (`Territoire.de_nom`)."""
    return _("oui (taux > %(m)s fois celui %(de_t)s)") % {
        "m": formats.nombre(multiple, 1),
        "de_t": de_nom,
    }


def _reference(ctx: Contexte, indicateur: Indicateur, annee: int) -> calculs.Chiffre:
    """The district's figure as the reference of ratios and candidates: none when it is partial
    (a ratio to the part of the district that has figures would pass for one to the district)."""
    racine = ctx.perimetre.racine
    if ctx.partiel(indicateur, annee, racine.pk):
        return calculs.Chiffre()
    if len(ctx.perimetre.territoires) <= 1:
        # A territory on its own (outside the contract, or a contract of one commune without
        # quartiers): a ratio to itself would always read 1,00 and tell nothing.
        return calculs.Chiffre()
    return ctx.chiffre(indicateur, annee, racine.pk)


def _note_partiel() -> str:
    return _(
        "Partiel : le total ne compte que les parties qui ont un chiffre (territoires sans chiffre "
        "ou masqués par la source) ; la part de la population qu'elles couvrent est donnée. "
        "Aucun rapport n'est calculé sur un total partiel."
    )


def _couverture_export(couverture: completude.Couverture | None):
    """The `couverture` of an export row or a JSON result: '' (CSV) / None when complete."""
    if couverture is None or couverture.complete:
        return None
    return couverture.texte()


def _parties_export(couverture: completude.Couverture | None) -> dict | None:
    return couverture.en_dict() if couverture is not None else None


def _lien_evolution(indicateur: Indicateur, source: Source) -> str:
    from django.urls import reverse

    return reverse("observatoire:evolution") + f"?indicateur={indicateur.code}&source={source.code}"


def tableau_prioritaires(ctx: Contexte, indicateur: Indicateur) -> Tableau:
    """Territories the contract designated, and candidates whose rate exceeds the set multiple of
    the district's."""
    multiple = settings.CLS_MULTIPLE_PRIORITAIRE
    racine = ctx.perimetre.racine
    reference = _reference(ctx, indicateur, ctx.annee)
    territoires = [t for t in ctx.perimetre.territoires.values() if t.pk != racine.pk]
    visibles = []
    for t in territoires:
        chiffre = ctx.chiffre(indicateur, ctx.annee, t.pk)
        visibles.append(
            (t, chiffre if not ctx.affiche(indicateur, ctx.annee, t.pk).masque else calculs.Chiffre())
        )
    candidats = {
        t.pk: ratio for t, _c, ratio in calculs.candidats_prioritaires(visibles, reference, multiple)
    }
    tableau = Tableau(
        "prioritaires",
        _("Territoires en traitement prioritaire et candidats (%(i)s, %(a)s)")
        % {"i": indicateur.libelle, "a": ctx.annee},
        [
            _("Territoire"),
            _("Niveau"),
            _("Taux"),
            libelle_rapport(racine.a_nom),
            _("Désigné par le contrat"),
            _("Candidat"),
        ],
    )
    lignes = []
    for t, chiffre in visibles:
        if not t.prioritaire and t.pk not in candidats:
            continue
        affiche = ctx.affiche(indicateur, ctx.annee, t.pk)
        ratio = calculs.rapport(chiffre, reference)
        lignes.append(
            (
                -(ratio or 0),
                t.nom,
                [
                    Cellule(t.nom, lien=_lien_territoire(t)),
                    Cellule(t.get_niveau_display()),
                    cellule_taux(affiche, motif_sans_taux(chiffre, affiche, indicateur)),
                    cellule_ratio(ratio),
                    Cellule(_("oui") if t.prioritaire else _("non")),
                    Cellule(libelle_candidat(multiple, racine.de_nom) if t.pk in candidats else _("non")),
                ],
            )
        )
    tableau.lignes = [ligne for *_tri, ligne in sorted(lignes, key=lambda x: (x[0], x[1]))]
    return tableau


def _lien_territoire(territoire: Territoire) -> str:
    from django.urls import reverse

    url = reverse("observatoire:territoire", kwargs={"code": territoire.code})
    # Département 75 and région 75 are two pages (as `Territoire.get_absolute_url`).
    return f"{url}?niveau={territoire.niveau}" if territoire.niveau in Territoire.NIVEAUX_AMBIGUS else url


def _etat_carte(affiche: secret.Affiche) -> str:
    """What a territory's colour on the map stands for, each case with its own hatching: its
    rate, a figure masked for this reader (secrecy rule), or no rate at all."""
    if affiche.masque:
        return "secret"
    return "taux" if affiche.taux is not None else "sans_donnee"


def _departements_carte(perimetre: tableaux.Perimetre, territoires: list[Territoire]) -> list[dict]:
    """The département(s) the contract's territories are drawn in: name and outline (None when
    none was imported). The perimeter's reference is the usual one, already loaded."""
    ids = {t.departement_id for t in [perimetre.racine, *territoires] if t.departement_id}
    reference = perimetre.reference
    if reference and reference.niveau == Territoire.Niveau.DEPARTEMENT and ids <= {reference.pk}:
        departements = [reference]
    elif ids:
        departements = Territoire.objects.filter(pk__in=ids).only("code", "nom", "contour").order_by("code")
    else:
        departements = []
    return [{"code": d.code, "nom": d.nom, "contour": d.contour} for d in departements]


def vue_territoires(ctx: Contexte, indicateur: Indicateur, niveau: str | None) -> dict:
    niveau = niveau or Territoire.Niveau.COMMUNE
    racine = ctx.perimetre.racine
    reference = _reference(ctx, indicateur, ctx.annee)
    elements = []
    for t in ctx.perimetre.du_niveau(niveau):
        chiffre = ctx.chiffre(indicateur, ctx.annee, t.pk)
        affiche = ctx.affiche(indicateur, ctx.annee, t.pk)
        elements.append(
            (t, chiffre if not affiche.masque else calculs.Chiffre(secrets=chiffre.secrets, publies=0))
        )
    classement = calculs.classer(elements)
    tableau = Tableau(
        "classement",
        _("%(i)s par territoire en %(a)s") % {"i": indicateur.libelle, "a": ctx.annee},
        [
            _("Rang"),
            _("Territoire"),
            _("Nombre"),
            _("Dénominateur"),
            _("Taux"),
            libelle_rapport(racine.a_nom),
            _("Statut"),
        ],
    )
    carte, barres = [], []
    for rang, t, chiffre_visible in classement:
        chiffre = ctx.chiffre(indicateur, ctx.annee, t.pk)
        affiche = ctx.affiche(indicateur, ctx.annee, t.pk)
        ratio = calculs.rapport(chiffre_visible, reference) if not affiche.masque else None
        motif = motif_sans_taux(chiffre, affiche, indicateur)
        tableau.lignes.append(
            [
                Cellule(str(rang) if rang else "—", rang or ""),
                Cellule(t.nom, lien=_lien_territoire(t)),
                cellule_nombre(affiche),
                Cellule(
                    formats.nombre(affiche.denominateur) if affiche.denominateur else "—",
                    affiche.denominateur or "",
                ),
                cellule_taux(affiche, motif),
                cellule_ratio(ratio),
                ctx.statut(indicateur, ctx.annee, t.pk),
            ]
        )
        carte.append(
            {
                "code": t.code,
                "nom": t.nom,
                "lat": float(t.latitude) if t.latitude is not None else None,
                "lon": float(t.longitude) if t.longitude is not None else None,
                "contour": t.contour,
                "taux": round(affiche.taux, 2) if affiche.taux is not None else None,
                "etat": _etat_carte(affiche),
                "valeur": affiche.taux_texte or affiche.nombre_texte,
                "texte": f"{t.nom} : {affiche.taux_texte or affiche.nombre_texte}"
                + (f" ({_('taux non calculable')})" if motif else ""),
            }
        )
        if affiche.taux is not None:
            barres.append({"nom": t.nom, "taux": round(affiche.taux, 2)})
    affiche_district = ctx.affiche(indicateur, ctx.annee, racine.pk)
    district_complet = not ctx.partiel(indicateur, ctx.annee, racine.pk)
    tableau.lignes.append(
        [
            # The row's header (its first cell) says what it is; its export stays without a rank.
            Cellule(_("Total"), ""),
            Cellule(racine.nom),
            cellule_nombre(affiche_district),
            Cellule(
                formats.nombre(affiche_district.denominateur) if affiche_district.denominateur else "—",
                affiche_district.denominateur or "",
            ),
            cellule_taux(
                affiche_district,
                motif_sans_taux(ctx.chiffre(indicateur, ctx.annee, racine.pk), affiche_district, indicateur),
            ),
            cellule_ratio(1 if affiche_district.taux and district_complet else None),
            ctx.statut(indicateur, ctx.annee, racine.pk),
        ]
    )
    notes = [n for n in [_note_denominateur(ctx, indicateur, ctx.annee, racine.pk)] if n]
    notes += notes_sans_taux(tableau, colonne=1)
    if not district_complet or any(ctx.partiel(indicateur, ctx.annee, t.pk) for t, _c in elements):
        notes.append(_note_partiel())
    # The outlines' licences ask for their attribution on the map: the applied GeoJSON batches say it.
    attributions = []
    if any(e["contour"] for e in carte):
        attributions = sorted(
            {
                a
                for a in LotImport.objects.filter(
                    type=LotImport.Type.GEOJSON, statut=LotImport.Statut.APPLIQUE
                ).values_list("options__attribution", flat=True)
                if a
            }
        )
    return {
        "tableau": tableau,
        "carte": {
            "territoires": carte,
            "attributions": attributions,
            "departements": _departements_carte(ctx.perimetre, [t for t, _c in elements]),
        },
        "barres": barres,
        "notes": notes,
        "niveau": niveau,
    }


def vue_evolution(
    ctx: Contexte, indicateur: Indicateur, territoires: list[Territoire], mensuel: bool
) -> dict:
    perimetre = ctx.perimetre
    territoires = [t for t in territoires if t.pk in perimetre.territoires] or [perimetre.racine]
    if mensuel:
        comptes = tableaux.Comptes.lire(perimetre, source=ctx.source, indicateurs=[indicateur], mensuel=True)
        periodes = comptes.mois(indicateur)
        consolides = {(a, m): tableaux.consolider(perimetre, comptes, indicateur, a, m) for a, m in periodes}
        annees = sorted({a for a, _m in periodes} & set(ctx.annees))
        motif = secret.Motif.calculer_par_mois(
            consolides,
            perimetre.enfants,
            {a: (ctx.consolide(indicateur, a), ctx.motif(indicateur, a)) for a in annees},
            detail=ctx.detail,
        )

        def afficher(periode, t):
            chiffre = secret.valeur(consolides[periode], (t.pk, secret.TOTAL)) or calculs.Chiffre()
            return chiffre, motif.afficher(chiffre, (t.pk, secret.TOTAL, periode))

        niveaux = {pk: t.niveau for pk, t in perimetre.territoires.items()}
        couvertures = {
            (a, m): completude.couvertures(
                consolides[(a, m)],
                perimetre.enfants,
                niveaux,
                lambda pk, a=a: _population_de(perimetre, pk, a),
            )
            for a, m in periodes
        }

        def partiel(periode, t):
            couverture = couvertures[periode].get(t.pk)
            if couverture is not None:
                return not couverture.complete
            chiffre = secret.valeur(consolides[periode], (t.pk, secret.TOTAL)) or calculs.Chiffre()
            return chiffre.statut == calculs.PARTIEL

        libelles = [f"{m:02d}/{a}" for a, m in periodes]
    else:
        periodes = ctx.annees

        def afficher(periode, t):
            return ctx.chiffre(indicateur, periode, t.pk), ctx.affiche(indicateur, periode, t.pk)

        def partiel(periode, t):
            return ctx.partiel(indicateur, periode, t.pk)

        libelles = [str(a) for a in periodes]
    colonnes = [_("Période")]
    for t in territoires:
        colonnes += [_("%(t)s — nombre") % {"t": t.nom}, _("%(t)s — taux") % {"t": t.nom}]
    tableau = Tableau(
        "evolution",
        _("%(i)s, %(p)s") % {"i": indicateur.libelle, "p": _("par mois") if mensuel else _("par année")},
        colonnes,
    )
    affiches = {t.pk: [] for t in territoires}
    partiels = False
    for periode, libelle in zip(periodes, libelles, strict=True):
        ligne = [Cellule(libelle)]
        for t in territoires:
            c, affiche = afficher(periode, t)
            nombre = cellule_nombre(affiche)
            if partiel(periode, t):
                nombre.texte += " " + _("(partiel)")
                partiels = True
            ligne += [nombre, cellule_taux(affiche, motif_sans_taux(c, affiche, indicateur))]
            affiches[t.pk].append(affiche)
        tableau.lignes.append(ligne)
    # Like the sparklines: rates when every figure shown has one, else counts; never both.
    montres = [a for serie in affiches.values() for a in serie if not a.masque and a.nombre is not None]
    en_taux = all(a.taux is not None for a in montres)
    graphique = {
        "libelles": libelles,
        "series": [
            {"nom": t.nom, "valeurs": [(a.taux if en_taux else a.nombre) for a in affiches[t.pk]]}
            for t in territoires
        ],
        "unite": "‰" if en_taux else "",
        "titre": _("Taux pour mille") if en_taux else _("Nombres (taux non disponible)"),
    }
    notes = notes_sans_taux(tableau, colonne=None)
    if partiels:
        notes.append(_note_partiel())
    if mensuel:
        notes.append(
            _(
                "Série mensuelle : seuls les chiffres donnés par mois sont comptés ; "
                "taux sur la population de l'année."
            )
        )
    return {"tableau": tableau, "graphique": graphique, "territoires": territoires, "notes": notes}


def vue_territoire(ctx: Contexte, territoire: Territoire) -> dict:
    racine = ctx.perimetre.racine
    # The root's own page (the contract's territory, or a territory outside the contract) has no
    # rate of the root beside its own: it would repeat it, and its ratio would always be 1.
    avec_la_racine = territoire.pk != racine.pk
    indicateurs = tableaux.indicateurs_de(ctx.comptes)
    tableau = Tableau(
        "territoire",
        _("Chiffres %(de_t)s (%(s)s)") % {"de_t": territoire.de_nom, "s": ctx.source.libelle},
        [
            _("Indicateur"),
            _("Année"),
            _("Nombre"),
            _("dont non localisé"),
            _("Taux"),
            *(
                [_("Taux %(de_t)s") % {"de_t": racine.de_nom}, libelle_rapport(racine.a_nom)]
                if avec_la_racine
                else []
            ),
            _("Statut"),
        ],
    )
    graphique = {"libelles": [str(a) for a in ctx.annees], "series": [], "unite": "‰"}
    partiels = False
    for indicateur in indicateurs:
        for annee in ctx.annees:
            consolide = ctx.consolide(indicateur, annee).get(territoire.pk)
            if consolide is None or consolide.total.statut == calculs.VIDE:
                continue
            affiche = ctx.affiche(indicateur, annee, territoire.pk)
            non_localise = (
                cellule_nombre(ctx.affiche(indicateur, annee, territoire.pk, secret.NON_LOCALISE))
                if consolide.non_localise
                else Cellule("—", "")
            )
            partiels = partiels or ctx.partiel(indicateur, annee, territoire.pk)
            colonnes_racine = []
            if avec_la_racine:
                district = ctx.affiche(indicateur, annee, racine.pk)
                chiffre_district = _reference(ctx, indicateur, annee)
                ratio = calculs.rapport(consolide.total, chiffre_district)
                partiels = partiels or ctx.partiel(indicateur, annee, racine.pk)
                colonnes_racine = [
                    cellule_taux_de(
                        chiffre_district, district, indicateur, ctx.partiel(indicateur, annee, racine.pk)
                    ),
                    cellule_ratio(ratio if not affiche.masque else None),
                ]
            tableau.lignes.append(
                [
                    Cellule(indicateur.libelle),
                    Cellule(str(annee), annee),
                    cellule_nombre(affiche),
                    non_localise,
                    cellule_taux_de(
                        consolide.total, affiche, indicateur, ctx.partiel(indicateur, annee, territoire.pk)
                    ),
                    *colonnes_racine,
                    ctx.statut(indicateur, annee, territoire.pk),
                ]
            )
    principal = _indicateur_principal(indicateurs)
    if principal:
        for t in [territoire, racine] if territoire.pk != racine.pk else [racine]:
            graphique["series"].append(
                {"nom": t.nom, "valeurs": [_round(ctx.affiche(principal, a, t.pk).taux) for a in ctx.annees]}
            )
    notes = (
        [n for n in [_note_denominateur(ctx, principal, ctx.annee, territoire.pk)] if n] if principal else []
    )
    notes += notes_sans_taux(tableau)
    if partiels:
        notes.append(_note_partiel())
    return {
        "tableau": tableau,
        "graphique": graphique,
        "principal": principal,
        "notes": notes,
        "declarations": tableau_declarations(ctx, territoire),
        **_enquetes_du_territoire(ctx.perimetre, territoire),
    }


def _round(valeur):
    return round(valeur, 2) if valeur is not None else None


def tableau_declarations(ctx: Contexte, territoire: Territoire) -> Tableau:
    """Partners' declarations on the territory (and its quartiers), per year, of the sources the
    reader may read (`ctx.sources`): one query."""
    ids = [territoire.pk, *ctx.perimetre.enfants.get(territoire.pk, [])]
    declarations = [s.pk for s in ctx.sources if s.nature == Source.Nature.PARTENAIRE]
    lignes = (
        Donnee.objects.filter(territoire_id__in=ids, source_id__in=declarations)
        .values("source__libelle", "indicateur__libelle", "annee")
        .annotate(
            total=Sum("nombre"),
            publies=Count("pk", filter=Q(secret=False)),
            secrets=Count("pk", filter=Q(secret=True)),
        )
        .order_by("source__libelle", "indicateur__libelle", "annee")
    )
    # A partner's declarations are read with masks by that partner alone (`Source.visibles_par`),
    # who entered them: the threshold applies, no total of this table is shown beside its parts.
    motif = secret.Motif(detail=ctx.detail)
    tableau = Tableau(
        "declarations",
        _("Déclarations des partenaires sur %(t)s") % {"t": territoire.nom},
        [_("Source"), _("Catégorie"), _("Année"), _("Nombre")],
    )
    for ligne in lignes:
        chiffre = calculs.Chiffre(
            nombre=ligne["total"] if ligne["publies"] else None,
            publies=ligne["publies"],
            secrets=ligne["secrets"],
        )
        tableau.lignes.append(
            [
                Cellule(ligne["source__libelle"]),
                Cellule(ligne["indicateur__libelle"]),
                Cellule(str(ligne["annee"]), ligne["annee"]),
                cellule_nombre(motif.afficher(chiffre)),
            ]
        )
    return tableau


def tableau_enquetes(territoire: Territoire, resultats=None) -> Tableau:
    """The perceived-insecurity shares of the surveys led on the territory itself (`resultats`,
    when already read)."""
    if resultats is None:
        resultats = ResultatEnquete.objects.filter(territoire=territoire).select_related("enquete")
    tableau = Tableau(
        "enquetes",
        _("Insécurité ressentie %(a_t)s") % {"a_t": territoire.a_nom},
        [_("Enquête"), _("Période"), _("Question"), _("Part des répondants")],
    )
    for r in resultats:
        titre = r.enquete.titre + (
            " " + _("(illustratif)") if r.enquete.illustratif and "illustrati" not in r.enquete.titre else ""
        )
        tableau.lignes.append(
            [
                Cellule(titre),
                Cellule(f"{r.enquete.date_debut:%d/%m/%Y} – {r.enquete.date_fin:%d/%m/%Y}"),
                Cellule(r.question),
                Cellule(formats.pourcentage(r.pourcentage, 1), float(r.pourcentage)),
            ]
        )
    return tableau


def _enquetes_du_territoire(perimetre: tableaux.Perimetre, territoire: Territoire) -> dict:
    """The territory's survey table and, when no survey covers it, why (one query for both)."""
    dessous, suivants = [], list(perimetre.enfants.get(territoire.pk, []))
    while suivants:
        dessous += suivants
        suivants = [e for pk in suivants for e in perimetre.enfants.get(pk, [])]
    resultats = list(
        ResultatEnquete.objects.filter(territoire_id__in=[territoire.pk, *dessous]).select_related(
            "enquete", "territoire"
        )
    )
    propres = [r for r in resultats if r.territoire_id == territoire.pk]
    enquetes_dessous = {r.territoire.nom for r in resultats if r.territoire_id != territoire.pk}
    return {
        "enquetes": tableau_enquetes(territoire, propres),
        "note_enquetes": None if propres else absence_d_enquete(territoire, enquetes_dessous),
    }


def absence_d_enquete(territoire: Territoire, enquetes_dessous) -> str:
    """Why a territory shows no perceived-insecurity share. A survey rolls up to a commune or the
    district only when it was led there (its sample drawn from the whole territory): the shares
    of the quartiers it covered (`enquetes_dessous`, their names) are neither added up nor
    averaged, since those samples do not represent the territory above them."""
    if not enquetes_dessous:
        return _("Aucune enquête d'insécurité ressentie n'a été menée sur %(t)s.") % {"t": territoire.nom}
    return _(
        "Aucune enquête d'insécurité ressentie ne couvre %(t)s en entier : celles qui ont été menées "
        "portent sur %(q)s. Leurs parts de répondants ne s'additionnent pas et ne se moyennent pas : "
        "l'échantillon d'un quartier ne représente pas %(t)s. Elles figurent sur la page de chaque "
        "territoire enquêté ; %(t)s aura ses chiffres quand une enquête y sera menée."
    ) % {"t": territoire.nom, "q": ", ".join(sorted(enquetes_dessous))}


def lignes_chiffres(
    ctx: Contexte,
    *,
    indicateurs: list[Indicateur] | None = None,
    annees: list[int] | None = None,
    niveau: str | None = None,
    territoire: Territoire | None = None,
) -> list[dict]:
    """The figures and their aggregates, one row per territory × indicator × year, with the
    district's own row (and the département's when it has figures): exporter_chiffres and JSON."""
    perimetre = ctx.perimetre
    indicateurs = indicateurs or tableaux.indicateurs_de(ctx.comptes)
    annees = annees or ctx.annees
    territoires = perimetre.du_niveau(None)
    if perimetre.reference:
        territoires = [perimetre.reference, *territoires]
    lignes = []
    for indicateur in indicateurs:
        for annee in annees:
            for t in territoires:
                est_racine = t.pk in (perimetre.racine.pk, getattr(perimetre.reference, "pk", None))
                if not est_racine and niveau and t.niveau != niveau:
                    continue
                if not est_racine and territoire and t.pk != territoire.pk:
                    continue
                chiffre = ctx.chiffre(indicateur, annee, t.pk)
                if chiffre.statut == calculs.VIDE:
                    continue
                affiche = ctx.affiche(indicateur, annee, t.pk)
                lignes.append(
                    {
                        "territoire_code": t.code,
                        "territoire": t.nom,
                        "niveau": t.niveau,
                        "indicateur_code": indicateur.code,
                        "indicateur": indicateur.libelle,
                        "unite": indicateur.get_unite_display(),
                        "periode": str(annee),
                        "nombre": affiche.valeur_export if affiche.statut != calculs.SECRET else None,
                        "nombre_affiche": affiche.nombre_texte,
                        "denominateur": _nombre_json(affiche.denominateur),
                        "annees_denominateur": sorted(chiffre.annees_denominateur)
                        if not affiche.masque
                        else [],
                        "taux_pour_mille": affiche.taux,
                        "motif_sans_taux": motif_sans_taux(chiffre, affiche, indicateur),
                        "statut": secret.statut_export(affiche, partiel=ctx.partiel(indicateur, annee, t.pk)),
                        "couverture": _couverture_export(ctx.couverture(indicateur, annee, t.pk)),
                        "parties": _parties_export(ctx.couverture(indicateur, annee, t.pk)),
                    }
                )
    return lignes


def _nombre_json(valeur):
    """A denominator as a JSON number (fractional dwellings are Decimals, which the JSON encoder
    would write as strings)."""
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    return valeur


def valeur_export(ligne: dict, colonne: str):
    """A cell of the CSV/XLSX export of `lignes_chiffres`: the `statut` of a partial aggregate
    says what it covers ("partiel : 1 commune sur 10, 14,3 % de la population")."""
    if colonne == "statut" and ligne["couverture"]:
        return ligne["couverture"]
    return ligne[colonne]


def enquetes_de_l_annee(annee: int) -> tuple[list, int | None]:
    """The perceived-insecurity results of the surveys that ended in `annee` or, when none did,
    of the latest earlier year surveyed; with that year (None when nothing was ever surveyed)."""
    from ..models import Enquete

    annee_retenue = (
        Enquete.objects.filter(date_fin__year__lte=annee)
        .order_by("-date_fin")
        .values_list("date_fin__year", flat=True)
        .first()
    )
    if annee_retenue is None:
        return [], None
    resultats = list(
        ResultatEnquete.objects.filter(enquete__date_fin__year=annee_retenue)
        .select_related("enquete", "territoire")
        .order_by("enquete__date_fin", "enquete_id", "ordre", "question", "territoire__nom")
    )
    return resultats, annee_retenue


def tableau_enquetes_annee(annee: int) -> Tableau:
    """Perceived insecurity on every surveyed territory, for the diagnostic's page."""
    resultats, annee_retenue = enquetes_de_l_annee(annee)
    titre = (
        _("Insécurité ressentie (enquête de %(a)s)") % {"a": annee_retenue}
        if annee_retenue
        else _("Insécurité ressentie")
    )
    tableau = Tableau(
        "enquetes", titre, [_("Enquête"), _("Territoire"), _("Question"), _("Part des répondants")]
    )
    for r in resultats:
        titre_enquete = r.enquete.titre + (
            " " + _("(illustratif)") if r.enquete.illustratif and "illustrati" not in r.enquete.titre else ""
        )
        tableau.lignes.append(
            [
                Cellule(titre_enquete),
                Cellule(r.territoire.nom),
                Cellule(r.question),
                Cellule(formats.pourcentage(r.pourcentage, 1), float(r.pourcentage)),
            ]
        )
    return tableau
