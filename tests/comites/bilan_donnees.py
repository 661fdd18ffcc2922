"""A small contract whose annual review of 1999 can be checked by hand.

Territories and populations (1990 census, used for 1998 and 1999):
    District test = Poitiers (1000 inhabitants, of which Les Couronneries 400) + Buxerolles (2000).
Total des faits constatés (source "police-bilan"):
    1998: Poitiers non localisé 30, Couronneries 20, Buxerolles 40 → district 90 / 3000 = 30,0 ‰
    1999: Poitiers non localisé 40, Couronneries 26, Buxerolles 3  → district 69 / 3000 = 23,0 ‰
          Poitiers 66 / 1000 = 66,0 ‰, Couronneries 26 / 400 = 65,0 ‰, Buxerolles 3 (< 5: masked)
    change of the district: (69 − 90) / 90 = −23,3 %
Commitments at 31/12/1999:
    "eng-retard" (partner A): 0 → 10 agents by 30/06/1999, reached 4 on 01/05/1999 → late, 40 %;
        a report of 10 on 01/03/2000 must not count;
    "eng-atteint" (partner B): 0 → 5 by 31/12/2000, reached 6 on 01/11/1999 → achieved, 100 %.
Governance in 1999: comité de pilotage on 11/06/1999 (A present, B excused) and 09/12/1999 (A
present, B represented) → both semesters held; attendance A 2/2 = 100 %, B 1/2 = 50 %. The comité
d'évaluation (members A and the `secretariat` persona as secretary) met on 18/03/2000.
"""

import datetime
from decimal import Decimal

from cls_poitiers.models import Priorite, Territoire
from comites.models import Presence, Reunion
from engagements.models import PointEtape
from observatoire.models import Indicateur
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory, a_paris
from tests.engagements.factories import ActionFactory, EngagementFactory
from tests.factories import ContratFactory, PopulationFactory, TerritoireFactory
from tests.observatoire.factories import DonneeFactory, LotImportFactory, SourceFactory


def creer(*, partenaire_a, partenaire_b, secretariat, auteur) -> dict:
    district = TerritoireFactory(
        code="district-bilan", nom="District test", niveau=Territoire.Niveau.DISTRICT
    )
    contrat = ContratFactory(
        territoire=district, date_signature=datetime.date(1998, 7, 8), annee_diagnostic=1997
    )
    poitiers = TerritoireFactory(code="86194", nom="Poitiers", parent=district)
    buxerolles = TerritoireFactory(code="86041", nom="Buxerolles", parent=district)
    couronneries = TerritoireFactory(
        code="QP086005", nom="Les Couronneries", niveau="quartier", parent=poitiers, prioritaire=True
    )
    PopulationFactory(territoire=poitiers, annee=1990, habitants=1000)
    PopulationFactory(territoire=buxerolles, annee=1990, habitants=2000)
    PopulationFactory(territoire=couronneries, annee=1990, habitants=400)
    source = SourceFactory(code="police-bilan", libelle="Police (bilan de test)")
    lot = LotImportFactory(source=source)
    total = Indicateur.objects.get(code="total-faits-constates")
    for annee, chiffres in {1998: (30, 20, 40), 1999: (40, 26, 3)}.items():
        for territoire, nombre in zip((poitiers, couronneries, buxerolles), chiffres, strict=True):
            DonneeFactory(
                territoire=territoire, indicateur=total, source=source, lot=lot, annee=annee, nombre=nombre
            )

    priorite = Priorite.objects.create(
        contrat=contrat, numero=3, titre="Renforcer la présence des services publics"
    )
    action = ActionFactory(priorite=priorite, reference="action-bilan")
    retard = EngagementFactory(
        action=action,
        reference="eng-retard",
        partenaire=partenaire_a,
        valeur_cible=Decimal(10),
        echeance=datetime.date(1999, 6, 30),
    )
    atteint = EngagementFactory(
        action=action,
        reference="eng-atteint",
        partenaire=partenaire_b,
        valeur_cible=Decimal(5),
        echeance=datetime.date(2000, 12, 31),
    )
    PointEtape.objects.create(engagement=retard, date=datetime.date(1999, 5, 1), valeur=4, auteur=auteur)
    PointEtape.objects.create(engagement=retard, date=datetime.date(2000, 3, 1), valeur=10, auteur=auteur)
    PointEtape.objects.create(engagement=atteint, date=datetime.date(1999, 11, 1), valeur=6, auteur=auteur)

    pilotage = ComiteFactory(code="pilotage-bilan", contrat=contrat, nom="Comité de pilotage")
    membre_a = MembreFactory(comite=pilotage, partenaire=partenaire_a)
    membre_b = MembreFactory(comite=pilotage, partenaire=partenaire_b)
    for jour, statut_b in ((a_paris(1999, 6, 11), "excuse"), (a_paris(1999, 12, 9), "represente")):
        reunion = ReunionFactory(comite=pilotage, debut=jour, statut=Reunion.Statut.TENUE)
        Presence.objects.create(reunion=reunion, membre=membre_a, statut="present")
        Presence.objects.create(
            reunion=reunion,
            membre=membre_b,
            statut=statut_b,
            represente_par="son adjoint" if statut_b == "represente" else "",
        )
    evaluation = ComiteFactory(
        code="evaluation-bilan",
        contrat=contrat,
        evaluation=True,
        nom="Comité d'évaluation",
        secretaires=[secretariat],
    )
    MembreFactory(comite=evaluation, partenaire=partenaire_a)
    reunion_evaluation = ReunionFactory(
        comite=evaluation,
        debut=a_paris(2000, 3, 18, 9, 30),
        statut=Reunion.Statut.TENUE,
        titre="Comité d'évaluation du 18/03/2000",
    )
    return {
        "contrat": contrat,
        "source": source,
        "lot": lot,
        "total": total,
        "buxerolles": buxerolles,
        "pilotage": pilotage,
        "reunion_evaluation": reunion_evaluation,
        "retard": retard,
    }
