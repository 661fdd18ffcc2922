"""Demo committees of the Poitiers 1998 contract. ILLUSTRATIVE: the contract names the bodies
(comité de pilotage every semester on the ground, comité d'évaluation every year, local groups of
treatment of delinquency and social-watch cells in the hardest quartiers); their meetings, places,
minutes and attendance here are invented for the demonstration and stored with `illustratif=True`.

- the comité de pilotage met every semester since July 1998, except in the first semester of 2000
  (deliberately missing, so that the rhythm page shows a gap), plus one urgent meeting in 1999;
  its meeting of this semester is convened and nothing is scheduled yet for the next one (so the
  secretariat sees the warning);
- the comité d'évaluation met every year since 1999;
- a GLTD in Les Couronneries, Les Trois Cités and Bel-Air, and a veille sociale cell in Les
  Couronneries, with confidential minutes;
- one amendment (Avenant n°1, December 1999) raises the target of a commitment of the engagements
  demo, found by its stable reference; if that commitment is absent the amendment is skipped;
- minutes are approved by the committee's next held meeting, on that meeting's date; the minutes of
  a committee's latest held meeting await the next one (held, minutes not yet approved).

Idempotent: committees are updated on their code, meetings created once on (committee, start).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cls_poitiers import demo
from cls_poitiers.enregistrement import update_or_create_si_change
from cls_poitiers.models import Contrat, Partenaire, Utilisateur

from . import services
from .models import Avenant, Bilan, Comite, CompteRendu, Decision, Membre, PointOrdreDuJour, Presence, Reunion
from .rythme import Semestre

PARIS = ZoneInfo("Europe/Paris")
SEMESTRE_MANQUANT = Semestre(2000, 1)
# The commitment that Avenant n°1 amends, created by engagements/demo.py.
REFERENCE_ENGAGEMENT_AVENANT = "p3-alms-poitiers"
DATE_AVENANT = datetime.date(1999, 12, 9)

MEMBRES_PILOTAGE = [
    ("prefecture", "Le Préfet de la Vienne", "president"),
    ("district", "Le Président du District de Poitiers", "secretaire"),
    ("parquet", "Le Procureur de la République", "membre"),
    ("police", "Le Directeur départemental de la sécurité publique", "membre"),
    ("conseil-general", "Le Président du Conseil général", "membre"),
    ("inspection-academique", "L'Inspecteur d'académie", "membre"),
    ("cci", "Le Président de la CCI", "membre"),
    ("oparc", "Le Directeur de l'OPARC", "membre"),
    ("office-hlm-vienne", "Le Directeur de l'OPDHLM", "membre"),
    ("stp", "Le Directeur de la STP", "membre"),
    ("ville-poitiers", "Le Maire de Poitiers", "membre"),
    ("ville-buxerolles", "Le Maire de Buxerolles", "membre"),
    ("ville-chasseneuil", "Le Maire de Chasseneuil-du-Poitou", "membre"),
    ("ville-migne-auxances", "Le Maire de Migné-Auxances", "membre"),
]
MEMBRES_EVALUATION = [
    ("district", "Le Président du District de Poitiers", "president"),
    ("prefecture", "Le Sous-préfet chargé de la politique de la ville", "membre"),
    ("parquet", "Le Procureur de la République", "membre"),
    ("police", "Le Directeur départemental de la sécurité publique", "membre"),
    ("conseil-general", "Le Président du Conseil général", "membre"),
    ("inspection-academique", "L'Inspecteur d'académie", "membre"),
]
MEMBRES_GLTD = [
    ("parquet", "Le Substitut chargé de la politique de la ville", "president"),
    ("police", "Le Chef du bureau de police du secteur", "membre"),
    ("ville-poitiers", "L'Adjoint au maire chargé de la sécurité", "membre"),
    ("oparc", "Le Responsable de l'agence OPARC du quartier", "membre"),
    ("inspection-academique", "Le Principal du collège du secteur", "membre"),
    ("conseil-general", "La Responsable de la circonscription d'action sociale", "membre"),
]
MEMBRES_VEILLE = [
    ("ville-poitiers", "L'Adjoint au maire chargé de la solidarité", "president"),
    ("conseil-general", "La Responsable de la circonscription d'action sociale", "membre"),
    ("oparc", "Le Responsable de l'agence OPARC du quartier", "membre"),
    ("police", "Le Chef du bureau de police du secteur", "membre"),
    ("inspection-academique", "Le Principal du collège du secteur", "membre"),
]

DESCRIPTION_COMITE = "Comité illustratif (démonstration), prévu par le contrat du 8 juillet 1998."
# code, name, type, territory code, rhythm, members.
COMITES = [
    ("pilotage", "Comité de pilotage du CLS", "pilotage", None, "semestriel", MEMBRES_PILOTAGE),
    ("evaluation", "Comité d'évaluation du CLS", "evaluation", None, "annuel", MEMBRES_EVALUATION),
    ("gltd-couronneries", "GLTD des Couronneries", "gltd", "QP086005", "besoin", MEMBRES_GLTD),
    ("gltd-trois-cites", "GLTD des Trois Cités", "gltd", "QP086004", "besoin", MEMBRES_GLTD),
    ("gltd-bel-air", "GLTD de Bel-Air", "gltd", "QP086003", "besoin", MEMBRES_GLTD),
    (
        "veille-couronneries",
        "Cellule de veille sociale des Couronneries",
        "veille",
        "QP086005",
        "besoin",
        MEMBRES_VEILLE,
    ),
]

# "Sur le terrain": the comité de pilotage meets in turn in the priority quartiers (illustrative places).
LIEUX_PILOTAGE = [
    ("Maison de quartier des Couronneries", "QP086005"),
    ("Centre socioculturel des Trois Cités", "QP086004"),
    ("Maison de quartier de Bel-Air", "QP086003"),
    ("Centre d'animation de Beaulieu", "QP086006"),
    ("Maison de quartier de Saint-Éloi", "8619406"),
    ("Salle municipale de Bellejouanne", "861940202"),
    ("Mairie de Buxerolles", "86041"),
    ("Mairie de Migné-Auxances", "86158"),
]

TEXTE_CR = (
    "Compte rendu illustratif (démonstration). Le comité a examiné l'avancement des engagements des "
    "partenaires, les chiffres de l'observatoire de la délinquance du semestre et les remontées des "
    "groupes locaux. Aucune donnée nominative."
)
TEXTE_CR_LOCAL = (
    "Compte rendu illustratif et confidentiel (démonstration). Le groupe a fait le point sur les "
    "incivilités du quartier et sur la coordination des interventions. Aucune donnée nominative."
)


def _dt(jour: datetime.date, heure: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(jour.year, jour.month, jour.day, heure, minute, tzinfo=PARIS)


def _comite(contrat, ligne, *, description: str, partenaires, territoires) -> Comite:
    """The illustrative committee of a row of COMITES or COMITES_DIAGNOSTIC, and its members in
    the order given."""
    code, nom, type_, territoire, rythme, membres = ligne
    comite, _ = update_or_create_si_change(
        Comite,
        code=code,
        defaults={
            "contrat": contrat,
            "nom": nom,
            "type": type_,
            "territoire": territoires.get(territoire) if territoire else None,
            "rythme": rythme,
            "confidentiel": type_ in Comite.TYPES_CONFIDENTIELS,
            "description": description,
            "illustratif": True,
        },
    )
    for ordre, (partenaire, representant, qualite) in enumerate(membres, start=1):
        update_or_create_si_change(
            Membre,
            comite=comite,
            partenaire=partenaires[partenaire],
            defaults={"representant": representant, "qualite": qualite, "ordre": ordre},
        )
    return comite


def _comites(contrat, secretariat, partenaires, territoires):
    comites = {}
    for ligne in COMITES:
        comite = _comite(
            contrat, ligne, description=DESCRIPTION_COMITE, partenaires=partenaires, territoires=territoires
        )
        if not comite.secretaires.filter(pk=secretariat.pk).exists():
            comite.secretaires.add(secretariat)
        comites[comite.code] = comite
    return comites


def _presences(reunion, indice: int, *, tenue: bool):
    lignes = []
    for rang, membre in enumerate(reunion.comite.membres.all()):
        cle = rang + indice
        if cle % 7 == 3:
            reponse, statut, par = "excuse", "excuse", ""
        elif cle % 11 == 5:
            reponse, statut, par = "represente", "represente", "son adjoint(e)"
        else:
            reponse, statut, par = "participera", "present", ""
        lignes.append(
            Presence(
                reunion=reunion,
                membre=membre,
                reponse=reponse,
                reponse_represente_par=par,
                statut=statut if tenue else "non_renseigne",
                represente_par=par if tenue else "",
            )
        )
    Presence.objects.bulk_create(lignes)


def _reunion(
    comite,
    *,
    debut,
    fin,
    titre,
    adresse,
    territoire,
    secretariat,
    indice,
    points,
    nature="ordinaire",
    texte_cr=TEXTE_CR,
    decisions=(),
    garder_tenue=False,
):
    """Create the meeting once (on committee and start); a past one is held, with attendance,
    approved minutes and decisions; a future one is convened."""
    if Reunion.objects.filter(comite=comite, debut=debut).exists():
        return None
    passee = fin < timezone.now()
    reunion = Reunion.objects.create(
        comite=comite,
        debut=debut,
        fin=fin,
        titre=titre,
        adresse=adresse,
        territoire=territoire,
        nature=nature,
        statut="cr_approuve" if passee and not garder_tenue else ("tenue" if passee else "convoquee"),
        convoquee_le=debut - datetime.timedelta(days=21 if nature == "ordinaire" else 1),
        illustratif=True,
    )
    for ordre, (titre_point, duree) in enumerate(points, start=1):
        PointOrdreDuJour.objects.create(reunion=reunion, ordre=ordre, titre=titre_point, duree_minutes=duree)
    _presences(reunion, indice, tenue=passee)
    if passee:
        CompteRendu.objects.create(
            reunion=reunion,
            texte=texte_cr,
            redige_par=secretariat,
            # Dated by _dater_les_approbations, once every meeting of the committee exists.
            approuve_le=None if garder_tenue else fin,
            illustratif=True,
        )
        for numero, texte in enumerate(decisions, start=1):
            Decision.objects.create(
                reunion=reunion, numero=numero, texte=texte, cree_par=secretariat, illustratif=True
            )
    return reunion


POINTS_PILOTAGE = [
    ("Approbation du compte rendu de la réunion précédente", 10),
    ("Avancement des engagements des partenaires", 60),
    ("Chiffres de l'observatoire de la délinquance", 30),
    ("Remontées des groupes locaux de traitement de la délinquance", 30),
    ("Questions diverses", 15),
]


def _pilotage(comite, secretariat, territoires, stdout):
    aujourd_hui = timezone.localdate()
    semestre = Semestre.contenant(comite.contrat.date_signature)
    fin_demo = Semestre.contenant(aujourd_hui)
    indice = 0
    reunion_avenant = None
    while semestre <= fin_demo:
        if semestre != SEMESTRE_MANQUANT:
            jour = (
                datetime.date(semestre.annee, 6, 11)
                if semestre.numero == 1
                else datetime.date(semestre.annee, 12, 9)
            )
            adresse, code = LIEUX_PILOTAGE[indice % len(LIEUX_PILOTAGE)]
            avenant_ici = jour == DATE_AVENANT
            reunion = _reunion(
                comite,
                debut=_dt(jour, 14, 30),
                fin=_dt(jour, 17, 30),
                titre=f"Comité de pilotage du {jour:%d/%m/%Y}",
                adresse=adresse,
                territoire=territoires.get(code),
                secretariat=secretariat,
                indice=indice,
                points=POINTS_PILOTAGE,
                decisions=["Le compte rendu de la réunion précédente est approuvé."],
                garder_tenue=avenant_ici,
            )
            if avenant_ici:
                reunion_avenant = (
                    reunion or Reunion.objects.filter(comite=comite, debut=_dt(jour, 14, 30)).first()
                )
            indice += 1
        semestre = semestre.suivant()
    # A crisis: the comité de pilotage met urgently in November 1999 (illustrative).
    _reunion(
        comite,
        debut=_dt(datetime.date(1999, 11, 8), 18),
        fin=_dt(datetime.date(1999, 11, 8), 19, 30),
        titre="Comité de pilotage — réunion urgente du 08/11/1999",
        adresse="Préfecture de la Vienne",
        territoire=territoires.get("86194"),
        secretariat=secretariat,
        indice=99,
        points=[("Dégradations répétées des bus de la STP aux Couronneries", 90)],
        nature="urgente",
        decisions=["Renfort de l'îlotage en soirée sur la ligne desservant les Couronneries."],
    )
    if reunion_avenant is not None:
        _avenant(reunion_avenant, secretariat, stdout)


def _avenant(reunion, secretariat, stdout):
    from engagements.models import Engagement

    if Avenant.objects.filter(decision__reunion=reunion).exists():
        return
    engagement = Engagement.objects.filter(reference=REFERENCE_ENGAGEMENT_AVENANT).first()
    if engagement is not None and reunion.statut == "tenue":
        hausse = max(Decimal(1), (engagement.valeur_cible * Decimal("0.25")).quantize(Decimal(1)))
        services.adopter_avenant(
            reunion=reunion,
            par=secretariat,
            texte=(
                "Avenant illustratif (démonstration) : au vu du bilan de l'année, la cible de l'engagement "
                f"{engagement.reference} est relevée de {engagement.valeur_cible.normalize():f} à "
                f"{(engagement.valeur_cible + hausse).normalize():f} {engagement.unite}."
            ),
            objet=Avenant.Objet.CIBLE,
            engagement=engagement,
            nouvelle_valeur=engagement.valeur_cible + hausse,
            illustratif=True,
        )
    elif stdout is not None:
        stdout.write(
            f"Comités : engagement « {REFERENCE_ENGAGEMENT_AVENANT} » absent, l'avenant de démonstration "
            "n'est pas créé (la démonstration des engagements n'est pas chargée)."
        )
    if reunion.statut == "tenue":
        services.approuver_compte_rendu(reunion=reunion, par=secretariat)


def _dater_les_approbations(contrat):
    """The minutes of a meeting are approved by the next held meeting of its committee: their
    approval date is that meeting's start. Without such a meeting yet, the minutes wait (the meeting
    stays held, its minutes not approved). Only what differs is written (idempotent)."""
    S = Reunion.Statut
    for comite in Comite.objects.filter(contrat=contrat):
        tenues = list(
            Reunion.objects.filter(comite=comite, statut__in=(S.TENUE, S.CR_APPROUVE))
            .select_related("compte_rendu")
            .order_by("debut")
        )
        for reunion, suivante in zip(tenues, [*tenues[1:], None], strict=True):
            compte_rendu = reunion.compte_rendu_ou_none
            if compte_rendu is None or compte_rendu.approuve_le is None:
                continue
            if suivante is None:
                CompteRendu.objects.filter(pk=compte_rendu.pk).update(approuve_le=None)
                Reunion.objects.filter(pk=reunion.pk).update(statut=S.TENUE)
            elif compte_rendu.approuve_le != suivante.debut:
                CompteRendu.objects.filter(pk=compte_rendu.pk).update(approuve_le=suivante.debut)


def _evaluation(comite, secretariat, territoires):
    aujourd_hui = timezone.localdate()
    for indice, annee in enumerate(range(comite.contrat.date_signature.year + 1, aujourd_hui.year + 1)):
        jour = datetime.date(annee, 3, 18)
        _reunion(
            comite,
            debut=_dt(jour, 9, 30),
            fin=_dt(jour, 12, 30),
            titre=f"Comité d'évaluation {annee} : bilan de l'année {annee - 1}",
            adresse="Hôtel du District, Poitiers",
            territoire=territoires.get("86194"),
            secretariat=secretariat,
            indice=indice,
            points=[
                ("Bilan statistique de l'observatoire", 45),
                ("Bilan qualitatif par priorité", 60),
                ("Évaluation des engagements des partenaires", 60),
            ],
            decisions=[f"Le bilan de l'année {annee - 1} est adopté."],
        )


def _groupes_locaux(comites, secretariat):
    for rang, code in enumerate(
        ("gltd-couronneries", "gltd-trois-cites", "gltd-bel-air", "veille-couronneries")
    ):
        comite = comites[code]
        for indice, (annee, mois) in enumerate([(1998, 10), (1999, 1), (1999, 4), (1999, 10), (2000, 3)]):
            jour = datetime.date(annee, mois, 5 + rang * 2)
            _reunion(
                comite,
                debut=_dt(jour, 10),
                fin=_dt(jour, 12),
                titre=f"{comite.nom} du {jour:%d/%m/%Y}",
                adresse=f"Bureau de police du secteur — {comite.territoire.nom}",
                territoire=comite.territoire,
                secretariat=secretariat,
                indice=indice + rang,
                points=[
                    ("Tour de table des partenaires", 45),
                    ("Situations du quartier et suites données", 60),
                ],
                texte_cr=TEXTE_CR_LOCAL,
            )


# The diagnostic (observatoire demo) was built on "plus d'une quinzaine de réunions thématiques et de
# rencontres avec les habitants dans les quartiers" (seed): sixteen illustrative meetings, early 1998.
TITRE_DIAGNOSTIC = "Diagnostic local de sécurité du District de Poitiers"
DESCRIPTION_DIAGNOSTIC = "Groupe illustratif (démonstration) : réunions préparatoires du diagnostic de 1998."
# As COMITES: the diagnostic's groups had no territory of their own and met as needed.
COMITES_DIAGNOSTIC = [
    (
        "groupes-thematiques-diagnostic",
        "Groupes thématiques du diagnostic de sécurité",
        "thematique",
        None,
        Comite.Rythme.BESOIN,
        [
            ("district", "Le Chargé de mission sécurité du District", "president"),
            ("police", "Le Directeur départemental de la sécurité publique", "membre"),
            ("parquet", "Le Substitut chargé de la politique de la ville", "membre"),
            ("inspection-academique", "L'Inspecteur d'académie", "membre"),
            ("stp", "Le Directeur de la STP", "membre"),
            ("oparc", "Le Directeur de l'OPARC", "membre"),
        ],
    ),
    (
        "rencontres-habitants-diagnostic",
        "Rencontres avec les habitants (diagnostic de sécurité)",
        "habitants",
        None,
        Comite.Rythme.BESOIN,
        [
            ("district", "Le Chargé de mission sécurité du District", "president"),
            ("ville-poitiers", "L'Adjoint au maire chargé de la sécurité", "membre"),
            ("police", "Le Chef du bureau de police du secteur", "membre"),
        ],
    ),
]
THEMES = [
    "Transports publics et sécurité des lignes de bus",
    "Habitat social et parties communes",
    "Établissements scolaires et abords",
    "Commerces et centre-ville",
    "Jeunes et prévention",
    "Réponse judiciaire à la petite délinquance",
    "Toxicomanies",
    "Police de proximité et îlotage",
]
QUARTIERS_RENCONTRES = [
    "QP086005",
    "QP086003",
    "QP086004",
    "861940202",
    "8619406",
    "QP086006",
    "8619401",
    "86041",
]


def _reunions_du_diagnostic(secretariat, partenaires, territoires, contrat):
    """Thematic meetings and meetings with residents (January–April 1998), linked to the 1998
    diagnostic when the observatory's demo created it. Their committees have no secretary: they
    were working groups of the diagnostic, not standing bodies."""
    from observatoire.models import Diagnostic

    diagnostic = Diagnostic.objects.filter(contrat=contrat, titre=TITRE_DIAGNOSTIC).first()
    for ligne in COMITES_DIAGNOSTIC:
        comite = _comite(
            contrat,
            ligne,
            description=DESCRIPTION_DIAGNOSTIC,
            partenaires=partenaires,
            territoires=territoires,
        )
        type_ = comite.type
        for indice in range(8):
            jour = datetime.date(1998, 1 + indice // 2, 8 + (indice % 2) * 14)
            if type_ == "thematique":
                titre, adresse, territoire = (
                    f"Groupe thématique « {THEMES[indice]} » du {jour:%d/%m/%Y}",
                    "Hôtel du District, Poitiers",
                    territoires.get("86194"),
                )
            else:
                territoire = territoires.get(QUARTIERS_RENCONTRES[indice])
                titre = f"Rencontre avec les habitants — {territoire.nom} — {jour:%d/%m/%Y}"
                adresse = f"Maison de quartier — {territoire.nom}"
            _reunion(
                comite,
                debut=_dt(jour, 18 if type_ == "habitants" else 14),
                fin=_dt(jour, 20 if type_ == "habitants" else 16),
                titre=titre,
                adresse=adresse,
                territoire=territoire,
                secretariat=secretariat,
                indice=indice,
                points=[("Constats des participants", 60), ("Propositions pour le diagnostic", 45)],
                texte_cr=(
                    "Compte rendu illustratif (démonstration) d'une réunion préparatoire du diagnostic de "
                    "sécurité. Aucune donnée nominative."
                ),
            )
        if diagnostic is not None:
            deja = set(diagnostic.reunions.values_list("pk", flat=True))
            for reunion in Reunion.objects.filter(comite=comite).exclude(pk__in=deja):
                reunion.diagnostics.add(diagnostic)


TEXTES_BILAN_1999 = {
    "1": "Texte illustratif (démonstration). L'observatoire de la délinquance a publié ses premiers tableaux "
    "par quartier ; les partenaires transmettent leurs déclarations chaque mois.\n\n"
    "- **STP** et **OPARC** : déclarations mensuelles régulières\n- Éducation nationale : à organiser",
    "2": "Texte illustratif (démonstration). La brigade de jour est portée à 17 fonctionnaires ; l'îlotage "
    "est _prioritaire_ dans les quartiers du contrat.",
    "3": "Texte illustratif (démonstration). Les agents locaux de médiation sociale sont en poste dans la "
    "plupart des communes ; l'avenant n°1 relève l'objectif de Poitiers.",
    "4": "Texte illustratif (démonstration). Les groupes locaux de traitement de la délinquance se "
    "réunissent aux Couronneries, aux Trois Cités et à Bel-Air.",
    "5": "Texte illustratif (démonstration). Les actions de prévention complètent le contrat de ville.",
    "6": "Texte illustratif (démonstration). Le Parquet poursuit le développement des mesures alternatives "
    "aux poursuites.",
}
EVENEMENTS_1999 = (
    "Texte illustratif (démonstration).\n\n- Réunion urgente du comité de pilotage le 08/11/1999 après des "
    "dégradations de bus aux Couronneries\n- Avenant n°1 adopté le 09/12/1999"
)
TEXTES_BILAN_2000 = {
    "2": "Texte illustratif (démonstration), projet en cours de rédaction par la coordination.",
}


def _bilans(contrat, stdout):
    """The review of 1999, adopted by the comité d'évaluation of March 2000 (figures frozen at that
    adoption, once: a second load leaves it as it is), and the draft of 2000. Illustrative."""
    coordination = Utilisateur.objects.filter(username="coordination").first()
    if not Bilan.objects.filter(contrat=contrat, annee=1999, statut=Bilan.Statut.ADOPTE).exists():
        projet = Bilan.objects.filter(contrat=contrat, annee=1999, statut=Bilan.Statut.BROUILLON).first()
        projet = projet or services.rediger_bilan(
            contrat=contrat, annee=1999, par=coordination, illustratif=True
        )
        services.modifier_bilan(
            bilan=projet, par=coordination, textes=TEXTES_BILAN_1999, evenements=EVENEMENTS_1999
        )
        reunion = services.reunions_d_adoption(projet).filter(debut__year=2000).first()
        if reunion is None:
            if stdout is not None:
                stdout.write(
                    "Comités : pas de comité d'évaluation tenu en 2000, le bilan 1999 reste un projet."
                )
        else:
            services.adopter_bilan(bilan=projet, reunion=reunion, par=coordination)
    projet_2000 = Bilan.objects.filter(contrat=contrat, annee=2000).first()
    if projet_2000 is None:
        projet_2000 = services.rediger_bilan(contrat=contrat, annee=2000, par=coordination, illustratif=True)
        services.modifier_bilan(bilan=projet_2000, par=coordination, textes=TEXTES_BILAN_2000, evenements="")


@transaction.atomic
def load(*, stdout=None):
    contrat = Contrat.objects.courant()
    if contrat is None:
        return
    secretariat = Utilisateur.objects.get(username="secretariat")
    partenaires = {p.code: p for p in Partenaire.objects.all()}
    territoires = demo.territoires()
    comites = _comites(contrat, secretariat, partenaires, territoires)
    _pilotage(comites["pilotage"], secretariat, territoires, stdout)
    _evaluation(comites["evaluation"], secretariat, territoires)
    _groupes_locaux(comites, secretariat)
    _reunions_du_diagnostic(secretariat, partenaires, territoires, contrat)
    _dater_les_approbations(contrat)
    _bilans(contrat, stdout)
