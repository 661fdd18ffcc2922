"""The annual review as one reader may see it: tables (display text and exported value, as the
observatory's dashboards) and server-side SVG charts, built once for the HTML page, the printable
page, the PDF and the XLSX workbook, so that all four show the same figures with the same secrecy.

The figures come from the frozen snapshot of an adopted review, or are computed live for a draft
(`calcul.calculer`). Secrecy (`observatoire.tableaux_de_bord.secret`) is applied here, for the reader at hand.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.grammaire import Article, AvecArticle
from observatoire.tableaux_de_bord import calculs, secret
from observatoire.tableaux_de_bord.exports import Cellule, Tableau
from observatoire.tableaux_de_bord.pages import (
    cellule_evolution,
    cellule_nombre,
    cellule_ratio,
    cellule_taux,
    libelle_candidat,
    libelle_rapport,
)

from . import calcul, graphiques


def donnees(bilan_obj, *, today: datetime.date | None = None) -> dict:
    """The adopted review's frozen snapshot, or a draft's parts computed now."""
    if bilan_obj.adopte and bilan_obj.instantane:
        return bilan_obj.instantane
    return calcul.instantane(bilan_obj, today=today)


def _date(iso: str | None) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def _valeur(texte: str) -> Decimal:
    return Decimal(texte)


def _lisible(valeur: Decimal) -> str:
    return formats.nombre(valeur, 0 if valeur == valeur.to_integral_value() else 2)


# --- 1. statistics --------------------------------------------------------------------------------


def _motifs(lignes: list[dict], detail: bool) -> dict[tuple[str, str], secret.Motif]:
    """The cells masked for this reader, per indicator and year ("n", "n1"), computed on the
    review's whole tree as the dashboards do (`secret.Motif`). A review frozen before the tree
    was stored knows its communes' parent (the district) only."""
    par_indicateur: dict[str, list[dict]] = defaultdict(list)
    for ligne in lignes:
        par_indicateur[ligne["indicateur_code"]].append(ligne)
    motifs = {}
    for code, siennes in par_indicateur.items():
        district = next((ligne["territoire_code"] for ligne in siennes if ligne["district"]), None)
        enfants: dict[str, list[str]] = defaultdict(list)
        for ligne in siennes:
            parent = ligne.get("parent_code", district if ligne["niveau"] == "commune" else None)
            if parent and not ligne["district"]:
                enfants[parent].append(ligne["territoire_code"])
        for annee, nl in (("n", "nl"), ("n1", "nl1")):
            consolides = {
                ligne["territoire_code"]: calculs.Consolide(
                    total=calcul.chiffre_depuis_json(ligne[annee]),
                    non_localise=calcul.chiffre_depuis_json(ligne[nl]) if ligne.get(nl) else None,
                )
                for ligne in siennes
            }
            motifs[(code, annee)] = secret.Motif.calculer(consolides, enfants, detail=detail)
    return motifs


def _affiches(ligne: dict, motifs: dict[tuple[str, str], secret.Motif]):
    n = calcul.chiffre_depuis_json(ligne["n"])
    n1 = calcul.chiffre_depuis_json(ligne["n1"])
    cellule = (ligne["territoire_code"], secret.TOTAL)
    an = motifs[(ligne["indicateur_code"], "n")].afficher(n, cellule)
    an1 = motifs[(ligne["indicateur_code"], "n1")].afficher(n1, cellule)
    evolution = secret.afficher_evolution(calculs.evolution(n, n1), an, an1)
    return n, n1, an, an1, evolution


@dataclass(frozen=True)
class _TerritoireDuContrat(AvecArticle):
    """The contract territory's name as the review stored it, with its article (a review
    predating them: a neutral name, the article read off the name)."""

    nom: str
    article: int | None = None

    @classmethod
    def du_bilan(cls, stats: dict) -> "_TerritoireDuContrat":
        if not stats.get("district"):
            return cls(_("territoire du contrat"), Article.LE)
        return cls(stats["district"], stats.get("district_article"))


def _tableau_district(annee: int, racine: _TerritoireDuContrat) -> Tableau:
    return Tableau(
        "district",
        _("Taux %(de_t)s par famille d'indicateurs, %(a1)s et %(a)s")
        % {"de_t": racine.de_nom, "a": annee, "a1": annee - 1},
        [
            _("Famille"),
            _("Indicateur"),
            _("Unité de compte"),
            _("Nombre %(a)s") % {"a": annee - 1},
            _("Taux %(a)s") % {"a": annee - 1},
            _("Nombre %(a)s") % {"a": annee},
            _("Taux %(a)s") % {"a": annee},
            _("Évolution sur un an"),
        ],
    )


def _tableau_territoires(annee: int, racine: _TerritoireDuContrat) -> Tableau:
    return Tableau(
        "territoires",
        _("Taux par territoire et par indicateur, %(a)s (évolution depuis %(a1)s)")
        % {"a": annee, "a1": annee - 1},
        [
            _("Territoire"),
            _("Niveau"),
            _("Traitement prioritaire"),
            _("Famille"),
            _("Indicateur"),
            _("Nombre %(a)s") % {"a": annee},
            _("Taux %(a)s") % {"a": annee},
            _("Taux %(a)s") % {"a": annee - 1},
            _("Évolution sur un an"),
            libelle_rapport(racine.a_nom),
        ],
    )


def _tableau_prioritaires(annee: int, racine: _TerritoireDuContrat) -> Tableau:
    return Tableau(
        "prioritaires",
        _("Territoires en traitement prioritaire et candidats, %(a)s") % {"a": annee},
        [
            _("Territoire"),
            _("Niveau"),
            _("Indicateur"),
            _("Taux"),
            libelle_rapport(racine.a_nom),
            _("Désigné"),
            _("Candidat"),
        ],
    )


def _nombre(affiche, couverture: str | None) -> Cellule:
    """A count, marked when its aggregate is partial (the export keeps the number)."""
    cellule = cellule_nombre(affiche)
    if couverture:
        cellule.texte += f" ({couverture})"
    return cellule


def _ligne_district(ligne: dict, an, an1, evolution) -> list[Cellule]:
    return [
        Cellule(ligne["famille_libelle"]),
        Cellule(ligne["indicateur"]),
        Cellule(ligne["unite"]),
        _nombre(an1, ligne.get("couverture1")),
        cellule_taux(an1),
        _nombre(an, ligne.get("couverture")),
        cellule_taux(an),
        cellule_evolution(evolution),
    ]


def _ligne_territoire(ligne: dict, an, an1, evolution, ratio) -> list[Cellule]:
    return [
        Cellule(ligne["territoire"]),
        Cellule(ligne["niveau_libelle"]),
        Cellule(_("oui") if ligne["prioritaire"] else _("non")),
        Cellule(ligne["famille_libelle"]),
        Cellule(ligne["indicateur"]),
        _nombre(an, ligne.get("couverture")),
        cellule_taux(an),
        cellule_taux(an1),
        cellule_evolution(evolution),
        cellule_ratio(ratio),
    ]


def _ligne_prioritaire(ligne: dict, an, ratio, candidat: str | None) -> list[Cellule]:
    return [
        Cellule(ligne["territoire"]),
        Cellule(ligne["niveau_libelle"]),
        Cellule(ligne["indicateur"]),
        cellule_taux(an),
        cellule_ratio(ratio),
        Cellule(_("oui") if ligne["prioritaire"] else _("non")),
        Cellule(candidat or _("non")),
    ]


def _tableau_ressenti(ressenti: dict) -> Tableau:
    tableau = Tableau(
        "ressenti",
        _("Insécurité ressentie (enquête de %(a)s)") % {"a": ressenti["annee_enquete"]}
        if ressenti["annee_enquete"]
        else _("Insécurité ressentie"),
        [_("Enquête"), _("Période"), _("Territoire"), _("Question"), _("Part des répondants")],
    )
    for r in ressenti["lignes"]:
        titre = r["enquete"] + (
            " " + _("(illustratif)") if r["illustratif"] and "illustrati" not in r["enquete"] else ""
        )
        tableau.lignes.append(
            [
                Cellule(titre),
                Cellule(f"{_date(r['debut'])} – {_date(r['fin'])}"),
                Cellule(r["territoire"]),
                Cellule(r["question"]),
                Cellule(formats.pourcentage(r["pourcentage"], 1), r["pourcentage"]),
            ]
        )
    return tableau


def _statistiques(stats: dict, annee: int, detail: bool) -> dict:
    """The district's rates over two years, every territory's against the district's, the
    territories in (or candidates for) priority treatment, and the perceived insecurity."""
    racine = _TerritoireDuContrat.du_bilan(stats)
    district, territoires = _tableau_district(annee, racine), _tableau_territoires(annee, racine)
    prioritaires = _tableau_prioritaires(annee, racine)
    graphique = []
    # No ratio to a partial district: it would pass for one to the whole district.
    references = {
        ligne["indicateur_code"]: calcul.chiffre_depuis_json(ligne["n"])
        for ligne in stats["lignes"]
        if ligne["district"] and not ligne.get("couverture")
    }
    multiple = stats.get("multiple_prioritaire", 1.5)
    lignes = sorted(stats["lignes"], key=lambda ligne: (ligne["famille_libelle"], ligne["indicateur"]))
    motifs = _motifs(lignes, detail)
    for ligne in lignes:
        n, _n1, an, an1, evolution = _affiches(ligne, motifs)
        if ligne["district"]:
            district.lignes.append(_ligne_district(ligne, an, an1, evolution))
            if an.taux is not None and an1.taux is not None:
                graphique.append((ligne["indicateur"], [an1.taux, an.taux]))
            continue
        reference = references.get(ligne["indicateur_code"], calculs.Chiffre())
        ratio = calculs.rapport(n, reference) if not an.masque else None
        territoires.lignes.append(_ligne_territoire(ligne, an, an1, evolution, ratio))
        if ligne["principal"]:
            visible = n if not an.masque else calculs.Chiffre()
            candidat = bool(calculs.candidats_prioritaires([(0, visible)], reference, multiple))
            if ligne["prioritaire"] or candidat:
                prioritaires.lignes.append(
                    _ligne_prioritaire(
                        ligne, an, ratio, libelle_candidat(multiple, racine.de_nom) if candidat else None
                    )
                )
    ressenti = _tableau_ressenti(stats["ressenti"])
    svg = graphiques.barres(
        ident="district",
        titre=_("Taux %(de_t)s, %(a1)s et %(a)s (pour 1000)")
        % {"de_t": racine.de_nom, "a": annee, "a1": annee - 1},
        series=[str(annee - 1), str(annee)],
        lignes=graphique,
        format_valeur=formats.taux,
    )
    return {
        "disponible": stats["disponible"],
        "source": stats.get("source"),
        "tableaux": [district, territoires, prioritaires, ressenti],
        "district": district,
        "territoires": territoires,
        "prioritaires": prioritaires,
        "ressenti": ressenti,
        "annee_enquete": stats["ressenti"]["annee_enquete"],
        "graphique": svg if graphique else "",
        "partiel": any(ligne.get("couverture") or ligne.get("couverture1") for ligne in lignes),
        "denominateur_anterieur": any(
            c.texte.endswith(" *") for t in (district, territoires) for ligne in t.lignes for c in ligne
        ),
    }


# --- 2. qualitative -------------------------------------------------------------------------------


def _qualitatif(d: dict) -> dict:
    textes = d.get("textes") or {}
    priorites = [{**p, "texte": textes.get(str(p["numero"]), "")} for p in d.get("priorites", [])]
    textes_tableau = Tableau("textes", _("Bilan qualitatif par priorité"), [_("Priorité"), _("Texte")])
    for p in priorites:
        textes_tableau.lignes.append(
            [
                Cellule(_("Priorité n°%(n)s : %(t)s") % {"n": p["numero"], "t": p["titre"]}),
                Cellule(p["texte"]),
            ]
        )
    textes_tableau.lignes.append([Cellule(_("Faits marquants de l'année")), Cellule(d.get("evenements", ""))])
    evenements = Tableau(
        "evenements",
        _("Décisions des comités de pilotage et d'évaluation"),
        [_("Date"), _("Instance"), _("Réunion"), _("Décision")],
    )
    for e in d.get("faits_marquants", []):
        evenements.lignes.append(
            [
                Cellule(_date(e["date"]), datetime.date.fromisoformat(e["date"])),
                Cellule(e["instance"]),
                Cellule(e["reunion"] + (" (" + _("urgente") + ")" if e["urgente"] else "")),
                Cellule(e["texte"]),
            ]
        )
    return {
        "priorites": priorites,
        "evenements_texte": d.get("evenements", ""),
        "textes": textes_tableau,
        "evenements": evenements,
    }


# --- 3. commitments -------------------------------------------------------------------------------


def _engagements(e: dict, annee: int) -> dict:
    au = _date(e["au"])
    colonnes = [
        _("Partenaire"),
        _("Priorité"),
        _("Référence"),
        _("Engagement"),
        _("Unité"),
        _("Départ"),
        _("Cible"),
        _("Valeur au %(d)s") % {"d": au},
        _("Avancement"),
        _("Statut"),
        _("Échéance"),
    ]
    tous = Tableau("engagements", _("Engagements des partenaires au %(d)s") % {"d": au}, colonnes)
    retard = Tableau("retard", _("Engagements en retard au %(d)s") % {"d": au}, colonnes)
    for ligne in e["lignes"]:
        initiale, cible, atteinte = (
            _valeur(ligne[k]) for k in ("valeur_initiale", "valeur_cible", "valeur_atteinte")
        )
        cellules = [
            Cellule(ligne["partenaire"]),
            Cellule(str(ligne["priorite"]), ligne["priorite"]),
            Cellule(ligne["reference"]),
            Cellule(ligne["description"]),
            Cellule(ligne["unite"]),
            Cellule(_lisible(initiale), float(initiale)),
            Cellule(_lisible(cible), float(cible)),
            Cellule(_lisible(atteinte), float(atteinte)),
            Cellule(formats.pourcentage(ligne["progression"] * 100), round(ligne["progression"] * 100)),
            Cellule(calcul.STATUTS.get(ligne["statut"], ligne["statut"])),
            Cellule(_date(ligne["echeance"]), datetime.date.fromisoformat(ligne["echeance"])),
        ]
        tous.lignes.append(cellules)
        if ligne["statut"] == "en_retard":
            retard.lignes.append(cellules)
    statuts = list(calcul.STATUTS)
    partenaires = Tableau(
        "partenaires",
        _("Avancement pondéré par partenaire au %(d)s") % {"d": au},
        [_("Partenaire"), _("Engagements"), _("Avancement pondéré"), *calcul.STATUTS.values()],
    )
    for p in e["partenaires"]:
        avancement = p["avancement"]
        partenaires.lignes.append(
            [
                Cellule(p["partenaire"]),
                Cellule(str(p["total"]), p["total"]),
                Cellule(
                    formats.pourcentage(avancement * 100) if avancement is not None else "—",
                    round(avancement * 100) if avancement is not None else "",
                ),
                *[Cellule(str(p["par_statut"].get(s, 0)), p["par_statut"].get(s, 0)) for s in statuts],
            ]
        )
    avenants = Tableau(
        "avenants",
        _("Avenants adoptés en %(a)s") % {"a": annee},
        [_("Avenant"), _("Date"), _("Réunion"), _("Objet"), _("Engagement"), _("Modification")],
    )
    for a in e["avenants"]:
        avenants.lignes.append(
            [
                Cellule(_("Avenant n°%(n)s") % {"n": a["numero"]}),
                Cellule(_date(a["date"]), datetime.date.fromisoformat(a["date"])),
                Cellule(a["reunion"]),
                Cellule(a["objet"]),
                Cellule(a["engagement"]),
                Cellule(
                    " ; ".join(
                        f"{m['libelle']} : {m['avant'] or '—'} → {m['apres']}" for m in a["modifications"]
                    )
                ),
            ]
        )
    par_statut = {}
    for ligne in e["lignes"]:
        par_statut[ligne["statut"]] = par_statut.get(ligne["statut"], 0) + 1
    svg = graphiques.barres(
        ident="statuts",
        titre=_("Engagements par statut au %(d)s") % {"d": au},
        series=[_("Engagements")],
        lignes=[(libelle, [par_statut.get(code, 0)]) for code, libelle in calcul.STATUTS.items()],
        format_valeur=formats.nombre,
    )
    return {
        "au": au,
        "engagements": tous,
        "retard": retard,
        "partenaires": partenaires,
        "avenants": avenants,
        "graphique": svg if e["lignes"] else "",
    }


# --- 4. governance --------------------------------------------------------------------------------


def _gouvernance(g: dict, annee: int) -> dict:
    rythme = Tableau(
        "rythme",
        _("Réunions tenues et rythme attendu en %(a)s") % {"a": annee},
        [_("Instance"), _("Période attendue"), _("Statut"), _("Réunions")],
    )
    for p in g["periodes"]:
        reunions = " ; ".join(
            f"{r['titre']} ({_date(r['date'])}{', ' + _('urgente') if r['urgente'] else ''})"
            for r in p["reunions"]
        )
        rythme.lignes.append(
            [
                Cellule(p["instance"]),
                Cellule(p["periode"]),
                Cellule(p["statut_libelle"]),
                Cellule(reunions or "—"),
            ]
        )
    presences = Tableau(
        "presences",
        _("Présence des partenaires aux comités de pilotage et d'évaluation en %(a)s") % {"a": annee},
        [
            _("Partenaire"),
            _("Convocations"),
            _("Présent ou représenté"),
            _("dont représenté"),
            _("Excusé"),
            _("Absent"),
            _("Taux de présence"),
        ],
    )
    barres = []
    for p in g["presences"]:
        taux = p["presents"] / p["convocations"] * 100 if p["convocations"] else None
        presences.lignes.append(
            [
                Cellule(p["partenaire"]),
                Cellule(str(p["convocations"]), p["convocations"]),
                Cellule(str(p["presents"]), p["presents"]),
                Cellule(str(p["representes"]), p["representes"]),
                Cellule(str(p["excuses"]), p["excuses"]),
                Cellule(str(p["absents"]), p["absents"]),
                Cellule(
                    formats.pourcentage(taux) if taux is not None else "—",
                    round(taux, 1) if taux is not None else "",
                ),
            ]
        )
        if taux is not None:
            barres.append((p["partenaire"], [taux]))
    svg = graphiques.barres(
        ident="presences",
        titre=_("Taux de présence par partenaire en %(a)s") % {"a": annee},
        series=[_("Taux de présence")],
        lignes=barres,
        format_valeur=formats.pourcentage,
        maximum=100,
    )
    return {"rythme": rythme, "presences": presences, "graphique": svg if barres else ""}


def presenter(bilan_obj, d: dict, *, detail: bool) -> dict:
    annee = bilan_obj.annee
    return {
        "statistiques": _statistiques(d["statistiques"], annee, detail),
        "qualitatif": _qualitatif(d),
        "engagements": _engagements(d["engagements"], annee),
        "gouvernance": _gouvernance(d["gouvernance"], annee),
        "calcule_le": datetime.datetime.fromisoformat(d["calcule_le"]),
        "detail": detail,
        "seuil": secret.seuil(),
    }


def feuilles(parties: dict) -> dict[str, tuple[list[str], list[list]]]:
    """The XLSX workbook: sheets named after the part they belong to."""
    s, q, e, g = (
        parties["statistiques"],
        parties["qualitatif"],
        parties["engagements"],
        parties["gouvernance"],
    )
    tableaux = {
        _("Statistiques"): s["district"],
        _("Statistiques territoires"): s["territoires"],
        _("Statistiques prioritaires"): s["prioritaires"],
        _("Statistiques ressenti"): s["ressenti"],
        _("Qualitatif"): q["textes"],
        _("Qualitatif décisions"): q["evenements"],
        _("Engagements"): e["engagements"],
        _("Engagements partenaires"): e["partenaires"],
        _("Engagements en retard"): e["retard"],
        _("Engagements avenants"): e["avenants"],
        _("Gouvernance rythme"): g["rythme"],
        _("Gouvernance présences"): g["presences"],
    }
    return {
        nom: (
            t.colonnes,
            [[c.valeur if c.valeur is not None else c.texte for c in ligne] for ligne in t.lignes],
        )
        for nom, t in tableaux.items()
    }
