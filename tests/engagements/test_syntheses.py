"""Weighted roll-ups by priority and by partner."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from engagements.models import Engagement, Statut
from engagements.querysets import synthese
from tests.engagements.factories import ActionFactory, EngagementFactory, PointEtapeFactory
from tests.factories import PartenaireFactory

pytestmark = pytest.mark.django_db
AU = datetime.date(1999, 6, 30)


def test_weighted_progress_weighs_each_commitment_and_ignores_abandoned():
    action = ActionFactory()
    lourd = EngagementFactory(action=action, poids=3, valeur_cible=10)  # 100 %
    leger = EngagementFactory(action=action, poids=1, valeur_cible=10)  # 20 %
    abandonne = EngagementFactory(
        action=action,
        poids=5,
        valeur_cible=10,
        abandonne_le=datetime.date(1999, 1, 1),
        motif_abandon="Retiré",
    )
    PointEtapeFactory(engagement=lourd, date=AU, valeur=12)  # over-achieved: counted as 100 %
    PointEtapeFactory(engagement=leger, date=AU, valeur=2)
    PointEtapeFactory(engagement=abandonne, date=AU, valeur=0)
    [groupe] = synthese(Engagement.objects.avec_avancement(AU), lambda e: e.action.priorite)
    # (3 × 1 + 1 × 0,2) / (3 + 1) = 0,8
    assert groupe["avancement"] == Decimal("0.8")
    assert groupe["total"] == 3
    assert dict(groupe["statuts"])[Statut.ABANDONNE] == 1
    assert dict(groupe["statuts"])[Statut.ATTEINT] == 1
    assert dict(groupe["statuts"])[Statut.EN_COURS] == 1


def test_roll_up_by_partner_groups_each_partners_commitments():
    police, stp = PartenaireFactory(nom="Police"), PartenaireFactory(nom="STP")
    EngagementFactory(partenaire=police, valeur_cible=4)
    e = EngagementFactory(partenaire=stp, valeur_cible=4)
    PointEtapeFactory(engagement=e, date=AU, valeur=1)
    groupes = {
        g["objet"]: g for g in synthese(Engagement.objects.avec_avancement(AU), lambda e: e.partenaire)
    }
    assert groupes[police]["avancement"] == 0
    assert groupes[stp]["avancement"] == Decimal("0.25")


def test_only_abandoned_commitments_have_no_weighted_progress():
    EngagementFactory(abandonne_le=datetime.date(1999, 1, 1), motif_abandon="Retiré")
    [groupe] = synthese(Engagement.objects.avec_avancement(AU), lambda e: "tous")
    assert groupe["avancement"] is None


def test_syntheses_page_shows_six_priorities_their_actions_and_counts(demo, client: Client):
    from cls_poitiers.models import Utilisateur

    client.force_login(Utilisateur.objects.get(username="analyste"))
    response = client.get("/engagements/syntheses/")
    assert response.status_code == 200
    arbre = response.context["arbre"]
    assert [n["priorite"].numero for n in arbre] == [1, 2, 3, 4, 5, 6]
    assert all(n["actions"] for n in arbre)
    alms = next(a for n in arbre for a in n["actions"] if a["action"].reference == "p3-alms")
    assert alms["synthese"]["total"] == 6
