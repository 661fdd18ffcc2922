"""The Poitiers 1998 contract as demo data: the core part (territories, partners, signatories,
priorities, users). Apps add theirs in `<app>/demo.py` (see `charger_demo`).

Real facts come from the 1998 contract and from public sources: INSEE codes, the 1990 and 1999
censuses, INSEE's recent municipal populations, the centres of five communes. Every other figure
is stored with `illustratif=True` or says "illustratif" in its source.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from cls_poitiers.enregistrement import update_or_create_si_change

from .grammaire import Article
from .models import Contrat, Partenaire, Population, Priorite, Signataire, Territoire, Utilisateur
from .permissions import COORDINATION, OBSERVATOIRE, PARTENAIRE, ROLES, SECRETARIAT

MOT_DE_PASSE_DEMO = "poitiers1998"
DISTRICT_CODE = "district-poitiers"
SOURCE_RECENSEMENT = "INSEE, recensement de la population"
SOURCE_RECENTE = "INSEE, population municipale (vers 2021)"
SOURCE_QPV = "INSEE/ANCT, population des quartiers prioritaires"
SOURCE_ILLUSTRATIVE = "Chiffre illustratif (démonstration)"
COORDONNEES_INSEE = "Centre de la commune (référentiel IGN / INSEE)"
COORDONNEES_APPROX = "Coordonnées approximatives (démonstration)"

# INSEE code, name, traitement prioritaire, centre (lat, lon), whether the centre is a published one
# (the others are approximate, for the demo's map).
COMMUNES = [
    ("86027", "Biard", False, ("46.579000", "0.310000"), False),
    ("86041", "Buxerolles", True, ("46.605700", "0.367000"), True),
    ("86062", "Chasseneuil-du-Poitou", True, ("46.647600", "0.356000"), True),
    ("86100", "Fontaine-le-Comte", False, ("46.533000", "0.262000"), False),
    ("86157", "Mignaloux-Beauvoir", False, ("46.544000", "0.418000"), False),
    ("86158", "Migné-Auxances", True, ("46.630700", "0.300800"), True),
    ("86163", "Montamisé", False, ("46.622000", "0.425000"), False),
    ("86194", "Poitiers", False, ("46.584600", "0.371500"), True),
    ("86214", "Saint-Benoît", False, ("46.553000", "0.343000"), False),
    ("86297", "Vouneuil-sous-Biard", True, ("46.584300", "0.269400"), True),
]

# Census populations known from INSEE's 1990 and 1999 censuses. (code, year) → inhabitants.
POPULATIONS_REELLES = {
    ("86194", 1990): 78894,
    ("86194", 1999): 83448,
    ("86041", 1990): 6337,
    ("86041", 1999): 8787,
    ("86214", 1990): 5843,
    ("86214", 1999): 7008,
    ("86027", 1990): 1264,
    ("86027", 1999): 1501,
}
POPULATIONS_RECENTES = {
    "86194": 89916,
    "86041": 10289,
    "86214": 7375,
    "86297": 6290,
    "86158": 6285,
    "86157": 5229,
    "86062": 4743,
    "86100": 3972,
    "86163": 3723,
    "86027": 1910,
}
# Where no 1990/1999 census figure is known: illustrative, and stored as such.
POPULATIONS_ILLUSTRATIVES = {
    ("86062", 1990): 3200,
    ("86062", 1999): 4000,
    ("86100", 1990): 2900,
    ("86100", 1999): 3300,
    ("86157", 1990): 3000,
    ("86157", 1999): 3600,
    ("86158", 1990): 5100,
    ("86158", 1999): 5700,
    ("86163", 1990): 2700,
    ("86163", 1999): 3000,
    ("86297", 1990): 4700,
    ("86297", 1999): 5200,
}

# The seven quartiers of Poitiers that the contract names for traitement prioritaire.
# Code: the QPV code where today's geography has one, otherwise the INSEE IRIS / grand-quartier code.
QUARTIERS = [
    ("QP086005", "Les Couronneries", ("46.593000", "0.363000"), 10500, (9120, 9497)),
    ("QP086003", "Bel-Air", ("46.578000", "0.317000"), 3800, (1157, 1302)),
    ("QP086004", "Les Trois Cités", ("46.565000", "0.356000"), 6500, (4149, 3686)),
    ("861940202", "Bellejouanne", ("46.586000", "0.317000"), 4200, None),
    ("8619406", "Saint-Éloi", ("46.598000", "0.379000"), 4600, None),
    ("QP086006", "Beaulieu", ("46.588000", "0.377000"), 5200, (1934, 1790)),
    ("8619401", "Centre-ville", ("46.580200", "0.340400"), 12500, None),
]

# Partner organisations: code, name, acronym, nature, commune (INSEE) when a commune.
PARTENAIRES = [
    ("prefecture", "Préfecture de la Vienne", "Préfecture", "etat", None),
    (
        "police",
        "Circonscription de sécurité publique de Poitiers (Police nationale)",
        "CSP Poitiers",
        "etat",
        None,
    ),
    ("district", "District de Poitiers", "District", "collectivite", None),
    ("parquet", "Parquet du tribunal de grande instance de Poitiers", "Parquet", "justice", None),
    ("conseil-general", "Conseil général de la Vienne", "Conseil général", "collectivite", None),
    (
        "inspection-academique",
        "Inspection académique de la Vienne",
        "Inspection académique",
        "education",
        None,
    ),
    ("cci", "Chambre de commerce et d'industrie de la Vienne", "CCI", "consulaire", None),
    ("oparc", "OPARC, office public d'HLM", "OPARC", "logement", None),
    ("office-hlm-vienne", "Office public départemental d'HLM de la Vienne", "OPDHLM 86", "logement", None),
    ("stp", "Société des Transports Poitevins", "STP", "transport", None),
    ("ville-poitiers", "Ville de Poitiers", "", "collectivite", "86194"),
    ("ville-buxerolles", "Commune de Buxerolles", "", "collectivite", "86041"),
    ("ville-chasseneuil", "Commune de Chasseneuil-du-Poitou", "", "collectivite", "86062"),
    ("ville-migne-auxances", "Commune de Migné-Auxances", "", "collectivite", "86158"),
]

# Signatories of 8 July 1998, in the seed's order.
SIGNATAIRES = [
    ("prefecture", "Préfet de la Vienne"),
    ("district", "Président du District de Poitiers"),
    ("parquet", "Procureur de la République"),
    ("conseil-general", "Président du Conseil général de la Vienne"),
    ("inspection-academique", "Inspecteur d'académie"),
    ("cci", "Président de la Chambre de commerce et d'industrie"),
    ("oparc", "Président de l'OPARC (office d'HLM)"),
    ("office-hlm-vienne", "Président de l'office public départemental d'HLM"),
    ("stp", "Président de la Société des Transports Poitevins"),
]

PRIORITES = [
    (
        1,
        "Mieux connaître la délinquance",
        "Les partenaires s'engagent dans une mise en réseau de l'information pilotée par un "
        "Observatoire de la délinquance.",
    ),
    (
        2,
        "Créer une véritable police de proximité",
        "La circonscription de sécurité publique de Poitiers dispose actuellement de 36 adjoints de "
        "sécurité (ADS). Cet apport a permis de renforcer considérablement la brigade de jour qui voit "
        "son effectif passer de 9 à 17 (+8). Les 3 bureaux de police (Sud, Ouest, Est) ainsi que le "
        "commissariat central ont reçu au total 18 ADS supplémentaires. Le CLS a donc permis "
        "d'augmenter la présence visible des policiers sur la voie publique en donnant la priorité à "
        "l'îlotage.",
    ),
    (
        3,
        "Renforcer la présence des services publics",
        "Quinze agents locaux de médiation sociale (ALMS) sont recrutés par plusieurs mairies (Poitiers, "
        "Buxerolles, Chasseneuil-du-Poitou, Migné-Auxances), la Société des transports poitevins, "
        "l'OPARC. Le CLS prévoit la création d'un pôle justice qui devrait comprendre au moins 8 "
        "emplois jeunes.",
    ),
    (
        4,
        "Améliorer la coopération entre les différents intervenants sur le terrain",
        "Les liens seront développés entre tous les acteurs de terrain. Des groupes locaux de "
        "traitement de la délinquance et de veille sociale seront constitués dans les quartiers "
        "repérés comme les plus difficiles.",
    ),
    (
        5,
        "Renforcer la prévention de la délinquance, notamment chez les jeunes",
        "Le CLS vient compléter les dispositions du contrat de ville et du schéma départemental de la "
        "protection judiciaire de la jeunesse. Le comité de pilotage du CLS se réunira tous les "
        "semestres sur le terrain pour garder le contact avec la population.",
    ),
    (
        6,
        "Maintenir une réponse judiciaire diversifiée et adaptée à la petite délinquance",
        "Partant du principe que le sentiment d'impunité ne doit pas alimenter le sentiment "
        "d'insécurité, le Parquet s'engage à continuer sa politique visant à développer les mesures "
        "alternatives aux poursuites : rappels à la loi, mesures d'aide et de réparation, injonction "
        "thérapeutique.",
    ),
]

RESUME_DIAGNOSTIC = (
    "Un plan d'action précis et volontariste fondé en amont sur un diagnostic de sécurité très élaboré "
    "(une vingtaine de pages et un volume d'annexes statistiques, cartographiques et qualitatives, "
    "appuyé sur plus d'une quinzaine de réunions thématiques et de rencontres avec les habitants) et en "
    "aval sur une procédure de suivi et d'évaluation. Avec un taux de délinquance de 85,4 pour 1000, "
    "Poitiers se situe dans la moyenne des agglomérations de sa catégorie ; le diagnostic cible les "
    "quartiers et communes qui doivent faire l'objet d'un traitement prioritaire."
)
SUIVI_EVALUATION = (
    "Le Comité de pilotage se réunit tous les semestres pour assurer le suivi du CLS et arrêter les "
    "avenants nécessaires ; en cas de crise, il se réunit en urgence. Le Comité d'évaluation se réunit "
    "une fois par an pour dresser le bilan de l'année écoulée : bilan statistique, qualitatif et "
    "évaluation des engagements des différents partenaires."
)

# Demo accounts: username, first name, last name, organisation, roles.
UTILISATEURS = [
    ("coordination", "Claire", "Coordinatrice", "district", [COORDINATION]),
    ("secretariat", "Samuel", "Secrétaire", "district", [SECRETARIAT]),
    ("analyste", "Anne", "Analyste", "district", [OBSERVATOIRE]),
]
# One partner account per organisation, named after its code (prefecture, parquet, stp, oparc…).
COMPTES_PARTENAIRES = {code: code for code, *_ in PARTENAIRES}


def _territoire(niveau, code, nom, **champs):
    """The demo's territory of this level and code, created or updated with the contract's own
    fields. A territory of the national referential keeps the referential's name and links: the
    demo only places it in the contract's tree and gives it its centre."""
    existant = Territoire.objects.filter(niveau=niveau, code=code).first()
    if existant is None or not existant.referentiel:
        champs["nom"] = nom
    territoire, _ = update_or_create_si_change(Territoire, niveau=niveau, code=code, defaults=champs)
    return territoire


def _departement():
    """The Vienne: the referential's département 86 when it is loaded (left as it is, under its
    région), otherwise the demo's own, at the top of the tree."""
    if Territoire.objects.filter(niveau=Territoire.Niveau.DEPARTEMENT, code="86", referentiel=True).exists():
        return _territoire(Territoire.Niveau.DEPARTEMENT, "86", "Vienne")
    return _territoire(Territoire.Niveau.DEPARTEMENT, "86", "Vienne", parent=None, article=Article.LA)


def _territoires():
    district = _territoire(
        Territoire.Niveau.DISTRICT,
        DISTRICT_CODE,
        "District de Poitiers",
        parent=_departement(),
        latitude=Decimal("46.584600"),
        longitude=Decimal("0.340000"),
        coordonnees_source=COORDONNEES_APPROX,
    )
    communes = {}
    for code, nom, prioritaire, (lat, lon), coord_reelles in COMMUNES:
        communes[code] = _territoire(
            Territoire.Niveau.COMMUNE,
            code,
            nom,
            parent=district,
            prioritaire=prioritaire,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            coordonnees_source=COORDONNEES_INSEE if coord_reelles else COORDONNEES_APPROX,
        )
    for (code, annee), habitants in POPULATIONS_REELLES.items():
        _population(communes[code], annee, habitants, SOURCE_RECENSEMENT + f" {annee}", False)
    for (code, annee), habitants in POPULATIONS_ILLUSTRATIVES.items():
        _population(communes[code], annee, habitants, SOURCE_ILLUSTRATIVE, True)
    for code, habitants in POPULATIONS_RECENTES.items():
        _population(communes[code], 2021, habitants, SOURCE_RECENTE, False)

    for code, nom, (lat, lon), habitants_1990, qpv in QUARTIERS:
        quartier = _territoire(
            Territoire.Niveau.QUARTIER,
            code,
            nom,
            parent=communes["86194"],
            prioritaire=True,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            coordonnees_source=COORDONNEES_APPROX,
        )
        _population(quartier, 1990, habitants_1990, SOURCE_ILLUSTRATIVE, True)
        if qpv:
            _population(quartier, 2017, qpv[0], SOURCE_QPV + " 2017 (périmètre QPV)", False)
            _population(quartier, 2022, qpv[1], SOURCE_QPV + " 2022 (périmètre QPV)", False)
    return district, communes


def territoires() -> dict[str, Territoire]:
    """The demo's own territories (the district, its ten communes, the seven quartiers) by code.
    The apps' demos look territories up here: a code alone is not an identity (département 86 and
    a commune, a région and a département may share one), its level and code are."""
    niveau = Territoire.Niveau
    filtre = (
        Q(niveau=niveau.DISTRICT, code=DISTRICT_CODE)
        | Q(niveau=niveau.COMMUNE, code__in=[c[0] for c in COMMUNES])
        | Q(niveau=niveau.QUARTIER, code__in=[q[0] for q in QUARTIERS])
    )
    return {t.code: t for t in Territoire.objects.filter(filtre)}


def _population(territoire, annee, habitants, source, illustratif):
    update_or_create_si_change(
        Population,
        territoire=territoire,
        annee=annee,
        defaults={"habitants": habitants, "source": source, "illustratif": illustratif},
    )


def _partenaires(communes):
    partenaires = {}
    for code, nom, sigle, nature, commune in PARTENAIRES:
        partenaires[code], _ = update_or_create_si_change(
            Partenaire,
            code=code,
            defaults={
                "nom": nom,
                "sigle": sigle,
                "nature": nature,
                "territoire": communes.get(commune) if commune else None,
            },
        )
    return partenaires


def _contrat(district, partenaires):
    contrat, _ = update_or_create_si_change(
        Contrat,
        territoire=district,
        date_signature=datetime.date(1998, 7, 8),
        defaults={
            "titre": "Contrat local de sécurité du District de Poitiers",
            "nom_conseil": "CLS du District de Poitiers",
            "annee_diagnostic": 1997,
            "resume_diagnostic": RESUME_DIAGNOSTIC,
            "suivi_evaluation": SUIVI_EVALUATION,
        },
    )
    for ordre, (code, qualite) in enumerate(SIGNATAIRES, start=1):
        update_or_create_si_change(
            Signataire,
            contrat=contrat,
            qualite=qualite,
            defaults={"partenaire": partenaires[code], "ordre": ordre},
        )
    for numero, titre, texte in PRIORITES:
        update_or_create_si_change(
            Priorite, contrat=contrat, numero=numero, defaults={"titre": titre, "texte": texte}
        )
    return contrat


def _utilisateurs(partenaires):
    groupes = {nom: Group.objects.get_or_create(name=nom)[0] for nom in ROLES}
    comptes = [(u, p, n, org, roles) for u, p, n, org, roles in UTILISATEURS]
    for code, username in COMPTES_PARTENAIRES.items():
        comptes.append((username, "", partenaires[code].sigle or partenaires[code].nom, code, [PARTENAIRE]))
    for username, prenom, nom, org, roles in comptes:
        user, created = Utilisateur.objects.get_or_create(
            username=username,
            defaults={
                "first_name": prenom,
                "last_name": nom,
                "email": f"{username}@cls-poitiers.example",
                "partenaire": partenaires[org],
            },
        )
        if created:
            user.set_password(MOT_DE_PASSE_DEMO)
            # The coordination manages the referential (committees, partners, users) in the admin.
            user.is_staff = COORDINATION in roles
            user.save()
        manquants = [groupes[r] for r in roles if not user.groups.filter(pk=groupes[r].pk).exists()]
        if manquants:
            user.groups.add(*manquants)


@transaction.atomic
def load(*, stdout=None):
    district, communes = _territoires()
    partenaires = _partenaires(communes)
    contrat = _contrat(district, partenaires)
    _utilisateurs(partenaires)
    return contrat
