"""The plan of action of the Poitiers 1998 contract as demo data: one fiche-action per measure
the contract names, each partner's commitment with the contract's real figures, and progress
reports from 1998 to 2000.

What comes from the contract (seed) is stored as such: 36 ADS in the circonscription; the day
brigade raised from 9 to 17 officers; 18 additional ADS over the Sud, Ouest and Est offices and
the central station; 15 ALMS recruited by Poitiers, Buxerolles, Chasseneuil-du-Poitou,
Migné-Auxances, the STP and OPARC; a pôle justice with at least 8 emplois jeunes; GLTD and veille
sociale in the hardest quartiers; prevention alongside the contrat de ville and the PJJ's
departmental scheme; the Parquet's alternatives to prosecution. Everything else is illustrative
and marked `illustratif=True`: the split of the 15 ALMS between the six employers (it adds up to
15 within the action), the choice of the "hardest" quartiers, the yearly targets of the Parquet's
measures and every progress report except those that restate the contract's own figures.

Deadlines and the reading date. Statuses are computed at a reference date (`?au=` on the pages,
today by default). Read in 2026, every deadline of 1998–2000 has long passed, so a commitment is
either achieved or late: nothing would read "en cours". The contract distinguishes two kinds of
commitments, and the demo's deadlines follow them:
- one-off measures (recruitments, creating the GLTD, the pôle justice) have deadlines in
  1998–2000, as the contract's two-year horizon implies; read today they are achieved or late, and
  read at 31/12/1999 (`?au=1999-12-31`) several are still in progress;
- standing commitments — the observatory's networking, îlotage as a doctrine, the prevention
  policy, the Parquet's commitment "à continuer sa politique" — have no end in the contract. The
  demo gives them ECHEANCE_DURABLE, a far horizon, so that they read "en cours" today and the mix
  of on track, late and achieved is visible on the day the demo is opened.

Idempotent: objects are keyed by their reference (reports by commitment and date) and saved only
when a value differs, so a second run writes nothing, not even a history entry.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cls_poitiers import demo
from cls_poitiers.enregistrement import update_or_create_si_change
from cls_poitiers.models import Partenaire, Priorite, Territoire, Utilisateur

from .models import Action, Engagement, PointEtape

ECHEANCE_DURABLE = datetime.date(2030, 12, 31)
SIGNATURE = datetime.date(1998, 7, 8)
MOTIF = "Démonstration : contrat du 8 juillet 1998"
CHIFFRE_DU_CONTRAT = "Chiffre du contrat signé le 8 juillet 1998."
ILLUSTRATIF = "Point d'étape illustratif (démonstration)."

PRIORITAIRES = "prioritaires"  # the 11 territories the diagnostic singled out
QUARTIERS_DIFFICILES = ["QP086005", "QP086004", "QP086003"]  # illustrative choice

# reference, priority, title, lead partner, territory codes, illustrative, description
ACTIONS = [
    (
        "p1-observatoire",
        1,
        "Mise en réseau de l'information et Observatoire de la délinquance",
        "district",
        ["district-poitiers"],
        False,
        "Les partenaires s'engagent dans une mise en réseau de l'information pilotée par un "
        "Observatoire de la délinquance.",
    ),
    (
        "p2-police-proximite",
        2,
        "Créer une véritable police de proximité : adjoints de sécurité et îlotage",
        "police",
        ["86194"],
        False,
        "36 adjoints de sécurité dans la circonscription ; brigade de jour portée de 9 à 17 ; 18 ADS "
        "supplémentaires dans les bureaux de police Sud, Ouest, Est et au commissariat central ; priorité "
        "à l'îlotage.",
    ),
    (
        "p3-alms",
        3,
        "Agents locaux de médiation sociale (ALMS)",
        "district",
        ["86194", "86041", "86062", "86158"],
        False,
        "Quinze ALMS recrutés par les mairies de Poitiers, Buxerolles, Chasseneuil-du-Poitou et "
        "Migné-Auxances, la Société des transports poitevins et l'OPARC. La répartition des quinze postes "
        "entre ces employeurs est illustrative.",
    ),
    (
        "p3-pole-justice",
        3,
        "Créer un pôle justice en emplois jeunes",
        "parquet",
        ["86194"],
        False,
        "Le CLS prévoit la création d'un pôle justice qui devrait comprendre au moins 8 emplois jeunes.",
    ),
    (
        "p4-gltd-veille-sociale",
        4,
        "Groupes locaux de traitement de la délinquance et veille sociale "
        "dans les quartiers les plus difficiles",
        "parquet",
        QUARTIERS_DIFFICILES,
        False,
        "Des groupes locaux de traitement de la délinquance et de veille sociale sont constitués dans les "
        "quartiers repérés comme les plus difficiles (le choix des trois quartiers est illustratif).",
    ),
    (
        "p5-prevention-jeunes",
        5,
        "Prévention de la délinquance des jeunes, en complément du contrat de ville et du schéma de la PJJ",
        "conseil-general",
        ["district-poitiers"],
        False,
        "Le CLS complète les dispositions du contrat de ville et du schéma départemental de la protection "
        "judiciaire de la jeunesse ; le comité de pilotage se réunit chaque semestre sur le terrain.",
    ),
    (
        "p6-alternatives-poursuites",
        6,
        "Réponse judiciaire diversifiée : mesures alternatives aux poursuites",
        "parquet",
        ["district-poitiers"],
        False,
        "Le Parquet s'engage à continuer sa politique de mesures alternatives aux poursuites : rappels à la "
        "loi, mesures d'aide et de réparation, injonction thérapeutique.",
    ),
]

# reference, action, partner, description, unit, baseline, target, deadline, territories, weight,
# illustrative, progress reports [(date, value, from the contract?)]. A description never states
# the baseline or the target: the fields hold them, and an amendment changes the field only (the
# contract's figures are in the actions' descriptions, which quote the contract).
D = datetime.date
ENGAGEMENTS = [
    (
        "p1-observatoire-reseau",
        "p1-observatoire",
        "district",
        "Mettre en réseau l'information des signataires au sein de l'Observatoire de la délinquance",
        "partenaires transmettant leurs données",
        0,
        9,
        ECHEANCE_DURABLE,
        ["district-poitiers"],
        2,
        False,
        [(D(1998, 12, 31), 3, False), (D(1999, 12, 31), 6, False), (D(2000, 12, 31), 7, False)],
    ),
    (
        "p2-ads-circonscription",
        "p2-police-proximite",
        "police",
        "Adjoints de sécurité (ADS) dans la circonscription de sécurité publique de Poitiers",
        "ADS",
        0,
        36,
        D(1998, 12, 31),
        ["86194"],
        2,
        False,
        [(SIGNATURE, 36, True)],
    ),
    (
        "p2-brigade-de-jour",
        "p2-police-proximite",
        "police",
        "Renforcer l'effectif de la brigade de jour",
        "fonctionnaires",
        9,
        17,
        D(1998, 12, 31),
        ["86194"],
        1,
        False,
        [(D(1998, 9, 30), 13, False), (D(1998, 12, 31), 17, False)],
    ),
    (
        "p2-ads-bureaux",
        "p2-police-proximite",
        "police",
        "ADS supplémentaires répartis entre les bureaux de police Sud, Ouest, Est et le commissariat central",
        "ADS supplémentaires",
        0,
        18,
        D(1998, 12, 31),
        ["86194"],
        1,
        False,
        [(SIGNATURE, 18, True)],
    ),
    (
        "p2-ilotage",
        "p2-police-proximite",
        "police",
        "Donner la priorité à l'îlotage : un secteur d'îlotage dans chacun des territoires en traitement "
        "prioritaire",
        "secteurs d'îlotage",
        0,
        11,
        D(2000, 12, 31),
        PRIORITAIRES,
        1,
        False,
        [(D(1998, 12, 31), 4, False), (D(1999, 12, 31), 7, False), (D(2000, 12, 31), 9, False)],
    ),
    # The 15 ALMS: the split between employers is illustrative and adds up to 15.
    (
        "p3-alms-poitiers",
        "p3-alms",
        "ville-poitiers",
        "Recruter des agents locaux de médiation sociale (répartition illustrative des ALMS du contrat)",
        "ALMS",
        0,
        5,
        D(1999, 12, 31),
        ["86194"],
        1,
        True,
        [(D(1998, 12, 31), 2, False), (D(1999, 6, 30), 4, False), (D(1999, 12, 31), 5, False)],
    ),
    (
        "p3-alms-buxerolles",
        "p3-alms",
        "ville-buxerolles",
        "Recruter des agents locaux de médiation sociale (répartition illustrative des ALMS du contrat)",
        "ALMS",
        0,
        2,
        D(1999, 12, 31),
        ["86041"],
        1,
        True,
        [(D(1999, 3, 31), 1, False), (D(1999, 11, 30), 2, False)],
    ),
    (
        "p3-alms-chasseneuil",
        "p3-alms",
        "ville-chasseneuil",
        "Recruter des agents locaux de médiation sociale (répartition illustrative des ALMS du contrat)",
        "ALMS",
        0,
        2,
        D(1999, 12, 31),
        ["86062"],
        1,
        True,
        [(D(1999, 6, 30), 1, False)],
    ),
    (
        "p3-alms-migne-auxances",
        "p3-alms",
        "ville-migne-auxances",
        "Recruter des agents locaux de médiation sociale (répartition illustrative des ALMS du contrat)",
        "ALMS",
        0,
        2,
        D(1999, 12, 31),
        ["86158"],
        1,
        True,
        [],
    ),
    (
        "p3-alms-stp",
        "p3-alms",
        "stp",
        "Recruter des agents locaux de médiation sociale sur le réseau de bus (répartition illustrative des "
        "ALMS du contrat)",
        "ALMS",
        0,
        2,
        D(1999, 12, 31),
        ["86194"],
        1,
        True,
        [(D(1999, 1, 31), 1, False)],
    ),
    (
        "p3-alms-oparc",
        "p3-alms",
        "oparc",
        "Recruter des agents locaux de médiation sociale dans le patrimoine de l'OPARC "
        "(répartition illustrative des ALMS du contrat)",
        "ALMS",
        0,
        2,
        D(1999, 12, 31),
        ["QP086005", "QP086004"],
        1,
        True,
        [(D(1998, 10, 31), 1, False), (D(1999, 4, 30), 2, False)],
    ),
    (
        "p3-pole-justice",
        "p3-pole-justice",
        "parquet",
        "Pôle justice : emplois jeunes créés",
        "emplois jeunes",
        0,
        8,
        D(1999, 12, 31),
        ["86194"],
        1,
        False,
        [(D(1999, 1, 31), 3, False), (D(1999, 9, 30), 6, False), (D(2000, 3, 31), 8, False)],
    ),
    (
        "p4-gltd",
        "p4-gltd-veille-sociale",
        "parquet",
        "Constituer un groupe local de traitement de la délinquance dans chacun des quartiers les plus "
        "difficiles (choix illustratif des quartiers)",
        "GLTD constitués",
        0,
        3,
        D(2000, 12, 31),
        QUARTIERS_DIFFICILES,
        1,
        True,
        [(D(1999, 3, 31), 1, False), (D(2000, 1, 31), 2, False)],
    ),
    (
        "p4-veille-sociale",
        "p4-gltd-veille-sociale",
        "ville-poitiers",
        "Réunir une cellule de veille sociale dans chacun des quartiers les plus difficiles "
        "(choix illustratif des quartiers)",
        "cellules de veille sociale",
        0,
        3,
        D(1999, 12, 31),
        QUARTIERS_DIFFICILES,
        1,
        True,
        [(D(1998, 11, 30), 1, False), (D(1999, 6, 30), 3, False)],
    ),
    (
        "p5-prevention-jeunes",
        "p5-prevention-jeunes",
        "conseil-general",
        "Actions de prévention pour les jeunes des territoires prioritaires, articulées avec le contrat de "
        "ville et le schéma départemental de la protection judiciaire de la jeunesse",
        "actions de prévention conduites",
        0,
        12,
        ECHEANCE_DURABLE,
        PRIORITAIRES,
        1,
        True,
        [(D(1998, 12, 31), 2, False), (D(1999, 12, 31), 5, False), (D(2000, 12, 31), 8, False)],
    ),
    (
        "p6-rappels-a-la-loi",
        "p6-alternatives-poursuites",
        "parquet",
        "Développer les rappels à la loi (objectif annuel illustratif)",
        "rappels à la loi dans l'année",
        350,
        600,
        ECHEANCE_DURABLE,
        ["district-poitiers"],
        1,
        True,
        [(D(1998, 12, 31), 420, False), (D(1999, 12, 31), 510, False), (D(2000, 12, 31), 560, False)],
    ),
    (
        "p6-aide-reparation",
        "p6-alternatives-poursuites",
        "parquet",
        "Développer les mesures d'aide et de réparation (objectif annuel illustratif)",
        "mesures dans l'année",
        40,
        80,
        D(2000, 12, 31),
        ["district-poitiers"],
        1,
        True,
        [(D(1998, 12, 31), 52, False), (D(1999, 12, 31), 70, False), (D(2000, 12, 31), 85, False)],
    ),
    (
        "p6-injonction-therapeutique",
        "p6-alternatives-poursuites",
        "parquet",
        "Recourir à l'injonction thérapeutique (objectif annuel illustratif)",
        "injonctions dans l'année",
        20,
        40,
        ECHEANCE_DURABLE,
        ["district-poitiers"],
        1,
        True,
        [(D(1998, 12, 31), 24, False), (D(1999, 12, 31), 27, False)],
    ),
]


def _set_territoires(obj, territoires):
    if set(obj.territoires.values_list("pk", flat=True)) != {t.pk for t in territoires}:
        obj.territoires.set(territoires)


def _territoires(codes):
    if codes == PRIORITAIRES:
        return list(Territoire.objects.prioritaires())
    territoires = demo.territoires()
    return [territoires[code] for code in codes]


def _moment(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(12, 0)))


@transaction.atomic
def load(*, stdout=None):
    coordination = Utilisateur.objects.get(username="coordination")
    priorites = {p.numero: p for p in Priorite.objects.filter(contrat__date_signature=SIGNATURE)}
    partenaires = {p.code: p for p in Partenaire.objects.all()}
    auteurs = {u.partenaire.code: u for u in Utilisateur.objects.filter(username__in=partenaires)}

    actions = {}
    for ordre, (reference, numero, titre, pilote, codes, illustratif, description) in enumerate(ACTIONS, 1):
        action, _ = update_or_create_si_change(
            Action,
            {
                "priorite": priorites[numero],
                "titre": titre,
                "description": description,
                "pilote": partenaires[pilote],
                "ordre": ordre,
                "illustratif": illustratif,
            },
            par=coordination,
            motif=MOTIF,
            reference=reference,
        )
        _set_territoires(action, _territoires(codes))
        actions[reference] = action

    nb_points = 0
    for (
        reference,
        action,
        partenaire,
        description,
        unite,
        initiale,
        cible,
        echeance,
        codes,
        poids,
        illustratif,
        points,
    ) in ENGAGEMENTS:
        # An existing commitment is left as its history made it: an amendment adopted by the
        # comites demo raised a target, and reloading the demo must not undo it.
        engagement = Engagement.objects.filter(reference=reference).first()
        if engagement is None:
            engagement, _ = update_or_create_si_change(
                Engagement,
                {
                    "action": actions[action],
                    "partenaire": partenaires[partenaire],
                    "description": description,
                    "unite": unite,
                    "valeur_initiale": Decimal(initiale),
                    "valeur_cible": Decimal(cible),
                    "echeance": echeance,
                    "poids": poids,
                    "illustratif": illustratif,
                    "cree_le": _moment(SIGNATURE),
                },
                par=coordination,
                motif=MOTIF,
                reference=reference,
            )
        _set_territoires(engagement, _territoires(codes))
        for date, valeur, du_contrat in points:
            update_or_create_si_change(
                PointEtape,
                {
                    "valeur": Decimal(valeur),
                    "commentaire": CHIFFRE_DU_CONTRAT if du_contrat else ILLUSTRATIF,
                    "illustratif": not du_contrat,
                    "auteur": auteurs[partenaire],
                    "valide_le": _moment(date),
                    "valide_par": coordination,
                },
                par=auteurs[partenaire],
                motif=MOTIF,
                engagement=engagement,
                date=date,
                corrige=None,
            )
            nb_points += 1
    if stdout is not None:
        stdout.write(
            f"Engagements : {len(ACTIONS)} fiches-actions, {len(ENGAGEMENTS)} engagements, "
            f"{nb_points} points d'étape (1998–2000, illustratifs sauf les chiffres du contrat)."
        )
