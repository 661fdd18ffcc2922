"""An amendment is a decision of a held comité de pilotage meeting, numbered across the contract,
applied to the commitment through the engagements services (so the commitment's history says who
and why), with the structured record of what changed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from comites import services
from comites.models import Avenant
from engagements.models import Action, Engagement
from tests.comites.factories import ComiteFactory, ReunionFactory, a_paris
from tests.factories import PartenaireFactory, PrioriteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(comite):
    action = Action.objects.create(
        priorite=PrioriteFactory(contrat=comite.contrat), reference="p3-alms", titre="Médiateurs"
    )
    return Engagement.objects.create(
        action=action,
        reference="p3-alms-poitiers",
        partenaire=PartenaireFactory(nom="Ville de Poitiers"),
        description="Recruter des agents locaux de médiation sociale",
        unite="agents",
        valeur_cible=4,
        echeance=datetime.date(1999, 12, 31),
    )


def _tenue(comite, jour):
    return ReunionFactory(comite=comite, debut=a_paris(*jour, 14), fin=a_paris(*jour, 17), statut="tenue")


def test_raising_a_target_updates_the_commitment_with_its_history(comite, engagement, secretariat):
    reunion = _tenue(comite, (1999, 12, 15))
    services.ajouter_decision(reunion=reunion, par=secretariat, texte="Adoption du compte rendu précédent")
    services.ajouter_decision(reunion=reunion, par=secretariat, texte="Calendrier 2000")
    avenant = services.adopter_avenant(
        reunion=reunion,
        par=secretariat,
        texte="La cible des médiateurs passe de 4 à 6.",
        objet=Avenant.Objet.CIBLE,
        engagement=engagement,
        nouvelle_valeur=Decimal("6"),
    )
    engagement.refresh_from_db()
    assert engagement.valeur_cible == 6
    assert (avenant.numero, avenant.decision.numero) == (1, 3)
    dernier = engagement.history.latest()
    assert dernier.history_user == secretariat
    assert dernier.history_change_reason == "Avenant n°1 — comité de pilotage du 15/12/1999, décision n°3"
    assert dernier.version == 2
    (modification,) = avenant.modifications.all()
    assert (modification.champ, modification.ancienne_valeur, modification.nouvelle_valeur) == (
        "valeur_cible",
        "4",
        "6",
    )
    assert avenant.history.count() == 1


def test_amendments_are_numbered_across_the_contract(comite, engagement, secretariat):
    r1 = _tenue(comite, (1999, 6, 10))
    r2 = _tenue(comite, (1999, 12, 15))
    a1 = services.adopter_avenant(
        reunion=r1,
        par=secretariat,
        texte="Échéance",
        objet="echeance",
        engagement=engagement,
        nouvelle_valeur=datetime.date(2000, 6, 30),
    )
    a2 = services.adopter_avenant(
        reunion=r2,
        par=secretariat,
        texte="Cible",
        objet="cible",
        engagement=engagement,
        nouvelle_valeur=Decimal("8"),
    )
    a3 = services.adopter_avenant(
        reunion=r2,
        par=secretariat,
        texte="Partenaire",
        objet="partenaire",
        engagement=engagement,
        nouvelle_valeur=PartenaireFactory(nom="District"),
    )
    assert [a.numero for a in (a1, a2, a3)] == [1, 2, 3]
    assert [a.decision.numero for a in (a1, a2, a3)] == [1, 1, 2]
    engagement.refresh_from_db()
    assert engagement.echeance == datetime.date(2000, 6, 30)
    assert str(engagement.partenaire) == "District"
    raisons = list(
        engagement.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert raisons[1:] == [
        "Avenant n°1 — comité de pilotage du 10/06/1999, décision n°1",
        "Avenant n°2 — comité de pilotage du 15/12/1999, décision n°1",
        "Avenant n°3 — comité de pilotage du 15/12/1999, décision n°2",
    ]


def test_closing_and_adding_commitments(comite, engagement, secretariat):
    reunion = _tenue(comite, (2000, 6, 20))
    services.adopter_avenant(
        reunion=reunion,
        par=secretariat,
        texte="Engagement clos : objectif repris par la Ville.",
        objet="cloture",
        engagement=engagement,
    )
    engagement.refresh_from_db()
    assert engagement.abandonne_le == datetime.date(2000, 6, 20)
    ajout = services.adopter_avenant(
        reunion=reunion,
        par=secretariat,
        texte="Nouvel engagement de la STP",
        objet="ajout",
        nouvel_engagement={
            "action": engagement.action,
            "reference": "p3-alms-stp",
            "partenaire": PartenaireFactory(nom="STP"),
            "description": "Médiateurs dans les bus",
            "unite": "agents",
            "valeur_cible": Decimal("3"),
            "echeance": datetime.date(2001, 12, 31),
        },
    )
    nouveau = Engagement.objects.get(reference="p3-alms-stp")
    assert ajout.engagement == nouveau
    assert nouveau.history.latest().history_change_reason.startswith("Avenant n°2 — ")


def test_only_the_comite_de_pilotage_adopts_amendments(engagement, secretariat):
    gltd = ComiteFactory(gltd=True, contrat=ComiteFactory().contrat)
    reunion = _tenue(gltd, (1999, 12, 15))
    with pytest.raises(services.ActionImpossible, match="comité de pilotage"):
        services.adopter_avenant(
            reunion=reunion,
            par=secretariat,
            texte="x",
            objet="cible",
            engagement=engagement,
            nouvelle_valeur=Decimal("9"),
        )
    engagement.refresh_from_db()
    assert engagement.valeur_cible == 4


def test_a_refused_change_leaves_nothing_behind(comite, engagement, secretariat):
    """A target equal to the baseline is refused by the commitment's own rules: no decision, no
    amendment, no change."""
    from django.core.exceptions import ValidationError

    reunion = _tenue(comite, (1999, 12, 15))
    with pytest.raises(ValidationError):
        services.adopter_avenant(
            reunion=reunion,
            par=secretariat,
            texte="x",
            objet="cible",
            engagement=engagement,
            nouvelle_valeur=Decimal("0"),
        )
    assert not reunion.decisions.exists()
    assert not Avenant.objects.exists()
    engagement.refresh_from_db()
    assert engagement.valeur_cible == 4


def test_no_amendment_on_a_meeting_not_held(comite, engagement, secretariat):
    reunion = ReunionFactory(
        comite=comite,
        debut=timezone.now() + datetime.timedelta(days=3),
        fin=timezone.now() + datetime.timedelta(days=3, hours=2),
    )
    with pytest.raises(services.ActionImpossible):
        services.adopter_avenant(
            reunion=reunion,
            par=secretariat,
            texte="x",
            objet="cible",
            engagement=engagement,
            nouvelle_valeur=Decimal("9"),
        )


def test_numbering_collision_is_retried(comite, engagement, secretariat, monkeypatch):
    """If another transaction took the number in between (the unique constraint fires), the
    service retries and takes the next one."""
    from django.db import IntegrityError

    reunion = _tenue(comite, (1999, 12, 15))
    original = services.avenants._adopter
    appels = {"n": 0}

    def collision_une_fois(**kwargs):
        appels["n"] += 1
        if appels["n"] == 1:
            raise IntegrityError("avenant_numero_unique_par_contrat")
        return original(**kwargs)

    monkeypatch.setattr(services.avenants, "_adopter", collision_une_fois)
    avenant = services.adopter_avenant(
        reunion=reunion,
        par=secretariat,
        texte="x",
        objet="cible",
        engagement=engagement,
        nouvelle_valeur=Decimal("9"),
    )
    assert appels["n"] == 2
    assert avenant.numero == 1
