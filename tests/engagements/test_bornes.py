"""Bounds on the engagements' inputs (cls_poitiers.limites), tried from outside: each bad value of
a progress report or a commitment is refused with its French message, and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cls_poitiers.limites import COMMENTAIRE_POINT_ETAPE_MAX, TEXTE_COURT_MAX, TEXTE_LONG_MAX
from engagements import services
from engagements.models import Engagement, PointEtape
from tests.engagements.factories import ActionFactory, EngagementFactory
from tests.factories import ContratFactory

HIER = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
HORS_BORNES = "La valeur doit être comprise entre −1 000 000 000 et 1 000 000 000."
NEGATIF = "La valeur ne peut pas être négative"
AVANT_SIGNATURE = "La date ne peut pas précéder la signature du contrat (08/07/1998)."
AVANT_1990 = "La date ne peut pas précéder le 01/01/1990."


def _engagement(partenaire, **champs):
    """A commitment of the partner's organisation, of the reference contract (signed 08/07/1998)."""
    return EngagementFactory(partenaire=partenaire.partenaire, **champs)


# field → bad value → expected French message; on a commitment counting agents (0 → 10), except
# where `solde` says it counts a balance that may go below 0 (−50 → 50).
CAS_POINT_ETAPE = [
    ("valeur", "-1", False, NEGATIF),
    ("valeur", "-0.01", False, NEGATIF),
    ("valeur", "-9999999999.99", False, HORS_BORNES),
    ("valeur", "-9999999999.99", True, HORS_BORNES),
    ("valeur", "9999999999.99", True, HORS_BORNES),
    ("valeur", "1000000000.01", True, HORS_BORNES),
    ("date", "0001-01-01", False, AVANT_SIGNATURE),
    ("date", "1900-01-01", False, AVANT_SIGNATURE),
    ("date", "1998-07-07", False, AVANT_SIGNATURE),
    ("commentaire", "x" * 1_000_000, False, f"au plus {COMMENTAIRE_POINT_ETAPE_MAX} caractères"),
]


@pytest.mark.parametrize(("champ", "valeur", "solde", "message"), CAS_POINT_ETAPE)
def test_progress_report_out_of_bounds_is_refused_in_french(
    client_de, partenaire, champ, valeur, solde, message
):
    bornes = {"valeur_initiale": Decimal(-50), "valeur_cible": Decimal(50)} if solde else {}
    e = _engagement(partenaire, **bornes)
    donnees = {"date": HIER, "valeur": "3", "commentaire": "Deux recrutements", champ: valeur}
    response = client_de(partenaire).post(
        f"/engagements/engagement/{e.reference}/point/",
        {f"point-{e.reference}-{k}": v for k, v in donnees.items()},
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors[champ][0]
    assert not PointEtape.objects.exists()


def test_negative_progress_is_accepted_where_the_commitment_counts_a_balance(client_de, partenaire):
    e = _engagement(partenaire, valeur_initiale=Decimal(-50), valeur_cible=Decimal(50))
    response = client_de(partenaire).post(
        f"/engagements/engagement/{e.reference}/point/",
        {f"point-{e.reference}-date": HIER, f"point-{e.reference}-valeur": "-20"},
    )
    assert response.status_code == 302
    assert PointEtape.objects.get().valeur == Decimal(-20)


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"valeur": Decimal(-5)}, NEGATIF),
        ({"valeur": Decimal("-9999999999.99")}, NEGATIF),
        ({"date": datetime.date(1, 1, 1)}, AVANT_SIGNATURE),
        ({"date": datetime.date(1998, 1, 1)}, AVANT_SIGNATURE),
        ({"date": timezone.localdate() + datetime.timedelta(days=1)}, "dans le futur"),
        ({"commentaire": "x" * 1_000_000}, f"au plus {COMMENTAIRE_POINT_ETAPE_MAX} caractères"),
    ],
)
def test_progress_report_service_refuses_out_of_bounds_values(partenaire, champs, message):
    e = _engagement(partenaire)
    arguments = {"valeur": Decimal(3), "date": timezone.localdate(), "commentaire": "", **champs}
    with pytest.raises(ValidationError) as refus:
        services.enregistrer_point_etape(engagement=e, par=partenaire, **arguments)
    assert any(message in m for m in refus.value.messages)
    assert not PointEtape.objects.exists()


def test_progress_report_before_1990_is_refused_when_the_contract_is_older(client_de, partenaire):
    e = _engagement(
        partenaire,
        action=ActionFactory(priorite__contrat=ContratFactory(date_signature=datetime.date(1985, 1, 1))),
    )
    response = client_de(partenaire).post(
        f"/engagements/engagement/{e.reference}/point/",
        {f"point-{e.reference}-date": "1989-12-31", f"point-{e.reference}-valeur": "3"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [AVANT_1990]
    assert not PointEtape.objects.exists()


def _formulaire_engagement(action, partenaire, **champs):
    return {
        "action": action.pk,
        "reference": "nouvel-engagement",
        "partenaire": partenaire.pk,
        "description": "Recruter des agents de médiation",
        "unite": "agents",
        "valeur_initiale": "0",
        "valeur_cible": "15",
        "echeance": "2001-12-31",
        "poids": "1",
        **champs,
    }


DANS_DIX_ANS = "(dix ans à partir d'aujourd'hui)"

CAS_ENGAGEMENT = [
    ("valeur_cible", "9999999999.99", HORS_BORNES),
    ("valeur_cible", "-9999999999.99", HORS_BORNES),
    ("valeur_initiale", "-1000000000.01", HORS_BORNES),
    ("echeance", "0001-01-01", AVANT_SIGNATURE),
    ("echeance", "1998-01-01", AVANT_SIGNATURE),
    ("echeance", "9999-12-31", DANS_DIX_ANS),
    ("abandonne_le", "0001-01-01", AVANT_SIGNATURE),
    ("description", "x" * (TEXTE_COURT_MAX + 1), f"au plus {TEXTE_COURT_MAX} caractères"),
    ("motif_abandon", "x" * (TEXTE_LONG_MAX + 1), f"au plus {TEXTE_LONG_MAX} caractères"),
]


@pytest.mark.parametrize(("champ", "valeur", "message"), CAS_ENGAGEMENT)
def test_commitment_out_of_bounds_is_refused_in_french(client_de, coordination, champ, valeur, message):
    action = ActionFactory()
    # A date of abandonment comes with its reason.
    motif = {"motif_abandon": "Remplacé"} if champ == "abandonne_le" else {}
    donnees = _formulaire_engagement(action, coordination.partenaire, **{**motif, champ: valeur})
    response = client_de(coordination).post("/engagements/nouveau/", donnees)
    assert response.status_code == 200
    assert any(message in m for m in response.context["form"].errors[champ])
    assert not Engagement.objects.exists()


def test_commitment_action_description_longer_than_allowed_is_refused(client_de, coordination):
    response = client_de(coordination).post(
        "/engagements/actions/nouvelle/",
        {
            "priorite": ActionFactory().priorite_id,
            "reference": "action-longue",
            "titre": "Action",
            "description": "x" * (TEXTE_LONG_MAX + 1),
            "ordre": "0",
        },
    )
    assert response.status_code == 200
    assert f"au plus {TEXTE_LONG_MAX} caractères" in response.context["form"].errors["description"][0]
