"""The annual review's computed parts, from the platform's data, as plain JSON (so that they can be
frozen at adoption): statistics, the year's key events, commitments, governance.

Nothing is recomputed here with a formula of its own: rates, roll-ups and changes come from the
observatory (`tableaux`, `calculs`), statuses and weighted progress from the engagements
(`avec_avancement`, `synthese`), the expected rhythm from `rythme`. What is stored are the raw
figures (counts and denominators, never masked); secrecy is applied when the review is shown, for
the reader at hand (`affichage`).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from engagements.models import Engagement
from engagements.querysets import Statut, synthese
from observatoire.tableaux_de_bord import calculs, completude, pages, tableaux

from .. import rythme
from ..models import Avenant, Comite, Decision, Presence, Reunion

FORMAT = 1
# The bodies whose attendance the review reports: the contract's open bodies (the local groups'
# meetings are confidential and stay out of a document every role reads).
INSTANCES_PRESENCE = (Comite.Type.PILOTAGE, Comite.Type.EVALUATION)
PRESENTS = (Presence.Statut.PRESENT, Presence.Statut.REPRESENTE)


def fin_de_l_annee(annee: int) -> datetime.date:
    return datetime.date(annee, 12, 31)


def _bornes(annee: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.datetime(annee, 1, 1, tzinfo=tz),
        datetime.datetime(annee + 1, 1, 1, tzinfo=tz),
    )


def chiffre_en_json(chiffre: calculs.Chiffre) -> dict:
    return {
        "nombre": chiffre.nombre,
        "denominateur": chiffre.denominateur,
        "publies": chiffre.publies,
        "secrets": chiffre.secrets,
        "annees_denominateur": sorted(chiffre.annees_denominateur),
        "annees": sorted(chiffre.annees),
    }


def chiffre_depuis_json(donnees: dict) -> calculs.Chiffre:
    return calculs.Chiffre(
        nombre=donnees["nombre"],
        denominateur=donnees["denominateur"],
        publies=donnees["publies"],
        secrets=donnees["secrets"],
        annees_denominateur=frozenset(donnees["annees_denominateur"]),
        annees=frozenset(donnees["annees"]),
    )


# --- 1. statistics --------------------------------------------------------------------------------


def _couvertures(perimetre, consolides, annee: int) -> dict:
    def population(territoire_id):
        denominateur = calculs.denominateur_pour(perimetre.populations.get(territoire_id, {}), annee)
        return denominateur.valeur if denominateur else None

    niveaux = {pk: t.niveau for pk, t in perimetre.territoires.items()}
    return completude.couvertures(consolides, perimetre.enfants, niveaux, population)


def _partiel(couverture) -> str | None:
    return couverture.texte() if couverture is not None and not couverture.complete else None


def _non_localise(consolide: calculs.Consolide | None) -> dict | None:
    return chiffre_en_json(consolide.non_localise) if consolide and consolide.non_localise else None


def statistiques(annee: int) -> dict:
    """The district's and every territory's figures per indicator (grouped by family) for N and
    N-1, from the dashboards' default source; the perceived insecurity of the survey of the year
    (or of the latest earlier one)."""
    perimetre = tableaux.perimetre()
    source = tableaux.source_par_defaut(tableaux.sources_avec_donnees())
    resultat = {"disponible": False, "lignes": [], "ressenti": _ressenti(annee)}
    if perimetre is None or source is None:
        return resultat
    comptes = tableaux.Comptes.lire(perimetre, source=source, annees=[annee - 1, annee])
    indicateurs = tableaux.indicateurs_de(comptes)
    racine = perimetre.racine
    territoires = [racine, *perimetre.du_niveau("commune"), *perimetre.du_niveau("quartier")]
    lignes = []
    for indicateur in indicateurs:
        courant = tableaux.consolider(perimetre, comptes, indicateur, annee)
        precedent = tableaux.consolider(perimetre, comptes, indicateur, annee - 1)
        couvertures = _couvertures(perimetre, courant, annee)
        couvertures1 = _couvertures(perimetre, precedent, annee - 1)
        for territoire in territoires:
            n = courant[territoire.pk].total if territoire.pk in courant else calculs.Chiffre()
            n1 = precedent[territoire.pk].total if territoire.pk in precedent else calculs.Chiffre()
            if n.statut == calculs.VIDE and n1.statut == calculs.VIDE:
                continue
            parent = perimetre.territoires.get(territoire.parent_id) if territoire.pk != racine.pk else None
            lignes.append(
                {
                    "territoire_code": territoire.code,
                    # The tree and the "non localisé" parts: secondary suppression is computed on them
                    # when the review is shown (`affichage`), as on the dashboards.
                    "parent_code": parent.code if parent else None,
                    "nl": _non_localise(courant.get(territoire.pk)),
                    "nl1": _non_localise(precedent.get(territoire.pk)),
                    # "partiel : 1 commune sur 10, …" when the aggregate lacks parts (`completude`).
                    "couverture": _partiel(couvertures.get(territoire.pk)),
                    "couverture1": _partiel(couvertures1.get(territoire.pk)),
                    "territoire": territoire.nom,
                    "niveau": territoire.niveau,
                    "niveau_libelle": str(territoire.get_niveau_display()),
                    "district": territoire.pk == racine.pk,
                    "prioritaire": territoire.prioritaire,
                    "indicateur_code": indicateur.code,
                    "indicateur": indicateur.libelle,
                    "principal": indicateur.est_total,
                    "famille": indicateur.famille,
                    "famille_libelle": str(indicateur.get_famille_display()),
                    "unite": f"{indicateur.get_unite_display()} ({indicateur.get_denominateur_display()})",
                    "n": chiffre_en_json(n),
                    "n1": chiffre_en_json(n1),
                }
            )
    resultat.update(
        disponible=bool(lignes),
        lignes=lignes,
        source={"code": source.code, "libelle": source.libelle, "illustratif": source.illustratif},
        district=racine.nom,
        district_article=racine.article,
        multiple_prioritaire=settings.CLS_MULTIPLE_PRIORITAIRE,
    )
    return resultat


def _ressenti(annee: int) -> dict:
    resultats, annee_enquete = pages.enquetes_de_l_annee(annee)
    return {
        "annee_enquete": annee_enquete,
        "lignes": [
            {
                "enquete": r.enquete.titre,
                "illustratif": r.enquete.illustratif,
                "debut": r.enquete.date_debut.isoformat(),
                "fin": r.enquete.date_fin.isoformat(),
                "territoire": r.territoire.nom,
                "question": r.question,
                "pourcentage": float(r.pourcentage),
            }
            for r in resultats
        ],
    }


# --- 2. key events ----------------------------------------------------------------------------------


def faits_marquants(contrat, annee: int) -> list[dict]:
    """What happened in the contract's open bodies during the year: urgent meetings, decisions of
    the comité de pilotage and of the comité d'évaluation, amendments."""
    debut, fin = _bornes(annee)
    decisions = (
        Decision.objects.filter(
            reunion__comite__contrat=contrat,
            reunion__comite__type__in=INSTANCES_PRESENCE,
            reunion__debut__gte=debut,
            reunion__debut__lt=fin,
        )
        .select_related("reunion__comite")
        .order_by("reunion__debut", "numero")
    )
    evenements = [
        {
            "date": timezone.localtime(d.reunion.debut).date().isoformat(),
            "instance": d.reunion.comite.nom,
            "reunion": d.reunion.titre,
            "urgente": d.reunion.nature == Reunion.Nature.URGENTE,
            "texte": d.texte,
        }
        for d in decisions
    ]
    return evenements


# --- 3. commitments ---------------------------------------------------------------------------------


def engagements(contrat, annee: int) -> dict:
    """Every commitment as it stood at 31/12/N (value reached, status, lateness), the weighted
    progress per partner, and the amendments adopted during the year."""
    au = fin_de_l_annee(annee)
    liste = list(
        Engagement.objects.filter(action__priorite__contrat=contrat)
        .avec_avancement(au)
        .select_related("action__priorite", "partenaire")
        .order_by("partenaire__nom", "action__priorite__numero", "reference")
    )
    lignes = [
        {
            "reference": e.reference,
            "partenaire": str(e.partenaire),
            "partenaire_code": e.partenaire.code,
            "priorite": e.action.priorite.numero,
            "action": e.action.titre,
            "description": e.description,
            "unite": e.unite,
            "valeur_initiale": str(e.valeur_initiale),
            "valeur_cible": str(e.valeur_cible),
            "valeur_atteinte": str(e.valeur_courante),
            "date_dernier_point": e.date_dernier_point.isoformat() if e.date_dernier_point else None,
            "echeance": e.echeance.isoformat(),
            "statut": e.statut,
            "progression": float(e.progression),
            "illustratif": e.illustratif,
        }
        for e in liste
    ]
    partenaires = [
        {
            "partenaire": str(groupe["objet"]),
            "total": groupe["total"],
            "avancement": float(groupe["avancement"]) if groupe["avancement"] is not None else None,
            "par_statut": {str(s.value): n for s, n in groupe["statuts"]},
        }
        for groupe in synthese(liste, lambda e: e.partenaire)
    ]
    debut, fin = _bornes(annee)
    avenants = (
        Avenant.objects.filter(
            contrat=contrat, decision__reunion__debut__gte=debut, decision__reunion__debut__lt=fin
        )
        .select_related("decision__reunion", "engagement")
        .prefetch_related("modifications")
        .order_by("numero")
    )
    return {
        "au": au.isoformat(),
        "lignes": lignes,
        "partenaires": partenaires,
        "avenants": [
            {
                "numero": a.numero,
                "date": timezone.localtime(a.decision.reunion.debut).date().isoformat(),
                "reunion": a.decision.reunion.titre,
                "objet": str(a.get_objet_display()),
                "engagement": a.engagement.reference,
                "modifications": [
                    {"libelle": m.libelle, "avant": m.ancienne_valeur, "apres": m.nouvelle_valeur}
                    for m in a.modifications.all()
                ],
            }
            for a in avenants
        ],
    }


# --- 4. governance ----------------------------------------------------------------------------------


def _periodes(lignes, instance: str, annee: int) -> list[dict]:
    return [
        {
            "instance": instance,
            "periode": ligne.periode.libelle,
            "statut": ligne.statut,
            "statut_libelle": ligne.libelle_statut,
            "reunions": [
                {
                    "titre": r.titre,
                    "date": timezone.localtime(r.debut).date().isoformat(),
                    "urgente": r.nature == Reunion.Nature.URGENTE,
                    "tenue": r.terminee,
                }
                for r in ligne.reunions
            ],
        }
        for ligne in sorted(lignes, key=lambda ligne: ligne.periode)
        if ligne.periode.annee == annee
    ]


def gouvernance(contrat, annee: int, today: datetime.date | None = None) -> dict:
    """Meetings held against the expected rhythm (each semester for the comité de pilotage, each
    year for the comité d'évaluation) and each partner's attendance at those bodies' meetings held
    during the year."""
    today = today or timezone.localdate()
    periodes = _periodes(
        rythme.rythme_pilotage(contrat=contrat, today=today), str(Comite.Type.PILOTAGE.label), annee
    ) + _periodes(
        rythme.rythme_evaluation(contrat=contrat, today=today), str(Comite.Type.EVALUATION.label), annee
    )
    debut, fin = _bornes(annee)
    presences = (
        Presence.objects.filter(
            reunion__comite__contrat=contrat,
            reunion__comite__type__in=INSTANCES_PRESENCE,
            reunion__statut__in=(Reunion.Statut.TENUE, Reunion.Statut.CR_APPROUVE),
            reunion__debut__gte=debut,
            reunion__debut__lt=fin,
        )
        .values("membre__partenaire__nom", "membre__partenaire__sigle")
        .annotate(
            convocations=Count("pk"),
            presents=Count("pk", filter=Q(statut__in=PRESENTS)),
            representes=Count("pk", filter=Q(statut=Presence.Statut.REPRESENTE)),
            excuses=Count("pk", filter=Q(statut=Presence.Statut.EXCUSE)),
            absents=Count("pk", filter=Q(statut=Presence.Statut.ABSENT)),
        )
        .order_by("membre__partenaire__nom")
    )
    return {
        "periodes": periodes,
        "presences": [
            {
                "partenaire": p["membre__partenaire__sigle"] or p["membre__partenaire__nom"],
                "convocations": p["convocations"],
                "presents": p["presents"],
                "representes": p["representes"],
                "excuses": p["excuses"],
                "absents": p["absents"],
            }
            for p in presences
        ],
    }


def calculer(*, contrat, annee: int, today: datetime.date | None = None) -> dict:
    """Every computed part of the review of `annee` (JSON-ready: it is what adoption freezes)."""
    return {
        "format": FORMAT,
        "annee": annee,
        "calcule_le": timezone.now().isoformat(),
        "statistiques": statistiques(annee),
        "faits_marquants": faits_marquants(contrat, annee),
        "engagements": engagements(contrat, annee),
        "gouvernance": gouvernance(contrat, annee, today),
    }


def priorites(contrat) -> list[dict]:
    return [{"numero": p.numero, "titre": p.titre} for p in contrat.priorites.order_by("numero")]


def instantane(bilan, *, today: datetime.date | None = None) -> dict:
    """Everything the review shows, as of now: its computed parts, the contract's priorities and
    the coordination's texts. Adoption freezes this; a draft is shown from it, computed afresh."""
    return {
        **calculer(contrat=bilan.contrat, annee=bilan.annee, today=today),
        "priorites": priorites(bilan.contrat),
        "textes": bilan.textes,
        "evenements": bilan.evenements,
    }


STATUTS = {str(s.value): str(s.label) for s in Statut}
