"""Bounds on the committees' inputs (cls_poitiers.limites), tried from outside: a meeting's start
and length, its minutes, decisions and cancellation reason, and the calendar's month. Each bad
value is refused with its French message, nothing written; the calendar never answers 500."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from cls_poitiers.limites import COMPTE_RENDU_MAX, TEXTE_COURT_MAX, TEXTE_LONG_MAX
from comites import services
from comites.models import CompteRendu, Decision, Reunion
from tests.comites.factories import a_paris

AVANT_SIGNATURE = "Une réunion ne peut pas précéder la signature du contrat (08/07/1998)."
AU_PLUS_TARD = "(dix ans à partir d'aujourd'hui)"
TROP_LONGUE = "Une réunion dure au plus 3 jours."

# (début, fin) → field → expected French message. The committee's contract was signed 08/07/1998.
CAS_PLAGE = [
    ("0001-01-01T10:00", "0001-01-01T12:00", "debut", AVANT_SIGNATURE),
    ("1900-01-01T10:00", "1900-01-01T12:00", "debut", AVANT_SIGNATURE),
    ("1990-05-10T10:00", "1990-05-10T12:00", "debut", AVANT_SIGNATURE),
    ("1998-07-07T10:00", "1998-07-07T12:00", "debut", AVANT_SIGNATURE),
    ("9999-12-31T10:00", "9999-12-31T12:00", "debut", AU_PLUS_TARD),
    ("2027-03-01T10:00", "2032-03-01T10:00", "fin", TROP_LONGUE),
    ("2027-03-01T10:00", "2027-03-04T10:01", "fin", TROP_LONGUE),
]


def _erreurs(response, champ):
    assert response.status_code == 200
    return response.context["form"].errors[champ]


def _refus(response, champ, message) -> bool:
    """The form came back with exactly one error on `champ`, the one expected."""
    erreurs = _erreurs(response, champ)
    return len(erreurs) == 1 and message in erreurs[0]


@pytest.mark.parametrize(("debut", "fin", "champ", "message"), CAS_PLAGE)
def test_planning_a_meeting_out_of_bounds_is_refused(
    client_de, secretariat, comite, debut, fin, champ, message
):
    response = client_de(secretariat).post(
        f"/comites/{comite.code}/planifier/", {"titre": "Comité", "debut": debut, "fin": fin}
    )
    assert _refus(response, champ, message)
    assert not Reunion.objects.exists()


@pytest.mark.parametrize(("debut", "fin", "champ", "message"), CAS_PLAGE)
def test_urgent_meeting_out_of_bounds_is_refused(client_de, secretariat, comite, debut, fin, champ, message):
    response = client_de(secretariat).post(
        f"/comites/{comite.code}/urgence/", {"objet": "Crise", "debut": debut, "fin": fin}
    )
    assert _refus(response, champ, message)
    assert not Reunion.objects.exists()


@pytest.mark.parametrize(("debut", "fin", "champ", "message"), CAS_PLAGE)
def test_moving_a_meeting_out_of_bounds_is_refused(
    client_de, secretariat, reunion, debut, fin, champ, message
):
    avant = (reunion.debut, reunion.fin, reunion.sequence)
    response = client_de(secretariat).post(
        f"/comites/reunions/{reunion.pk}/modifier/", {"titre": reunion.titre, "debut": debut, "fin": fin}
    )
    assert _refus(response, champ, message)
    reunion.refresh_from_db()
    assert (reunion.debut, reunion.fin, reunion.sequence) == avant


@pytest.mark.parametrize(
    ("debut", "fin", "message"),
    [
        (a_paris(1, 1, 1), a_paris(1, 1, 1, 16), AVANT_SIGNATURE),
        (a_paris(1990, 5, 10), a_paris(1990, 5, 10, 16), AVANT_SIGNATURE),
        (a_paris(9999, 12, 1), a_paris(9999, 12, 1, 16), AU_PLUS_TARD),
        (a_paris(2027, 3, 1), a_paris(2032, 3, 1), TROP_LONGUE),
    ],
)
def test_meeting_services_refuse_out_of_bounds_times(secretariat, comite, debut, fin, message):
    with pytest.raises(ValidationError) as refus:
        services.planifier_reunion(comite=comite, par=secretariat, debut=debut, fin=fin)
    assert any(message in m for m in refus.value.messages)
    with pytest.raises(ValidationError):
        services.convoquer_en_urgence(comite=comite, par=secretariat, debut=debut, fin=fin, objet="Crise")
    assert not Reunion.objects.exists()


@pytest.fixture
def reunion_tenue(secretariat, reunion_passee):
    return services.marquer_tenue(reunion=reunion_passee, par=secretariat)


CAS_TEXTES = [
    ("compte-rendu/", "texte", COMPTE_RENDU_MAX, 1_000_000),
    ("decisions/ajouter/", "texte", TEXTE_LONG_MAX, TEXTE_LONG_MAX + 1),
]


@pytest.mark.parametrize(("chemin", "champ", "limite", "longueur"), CAS_TEXTES)
def test_meeting_text_longer_than_allowed_is_refused(
    client_de, secretariat, reunion_tenue, chemin, champ, limite, longueur
):
    response = client_de(secretariat).post(
        f"/comites/reunions/{reunion_tenue.pk}/{chemin}", {champ: "x" * longueur}
    )
    assert f"au plus {limite} caractères" in _erreurs(response, champ)[0]
    assert not CompteRendu.objects.exists()
    assert not Decision.objects.exists()


def test_cancellation_reason_longer_than_allowed_is_refused(client_de, secretariat, reunion):
    response = client_de(secretariat).post(
        f"/comites/reunions/{reunion.pk}/annuler/", {"motif": "x" * (TEXTE_COURT_MAX + 1)}
    )
    assert f"au plus {TEXTE_COURT_MAX} caractères" in _erreurs(response, "motif")[0]
    reunion.refresh_from_db()
    assert reunion.statut == Reunion.Statut.BROUILLON


def test_minutes_service_refuses_a_megabyte_of_text(secretariat, reunion_tenue):
    with pytest.raises(ValidationError) as refus:
        services.rediger_compte_rendu(reunion=reunion_tenue, par=secretariat, texte="x" * 1_000_000)
    assert f"au plus {COMPTE_RENDU_MAX} caractères" in refus.value.messages[0]
    assert not CompteRendu.objects.exists()


@pytest.mark.parametrize(
    "mois",
    ["0001-01", "9999-12", "1989-12", "2999-01", "0000-01", "10000-01", "-5-01", "2026-13", "abc", "2026"],
)
def test_calendar_month_out_of_range_answers_in_french_never_500(client_de, secretariat, mois):
    response = client_de(secretariat).get("/comites/calendrier/", {"mois": mois})
    assert response.status_code == 200
    textes = [str(m) for m in get_messages(response.wsgi_request)]
    assert textes and "voici le mois en cours" in textes[0]


@pytest.mark.parametrize(
    "mois", ["1990-01", "1998-07", (datetime.date.today().replace(day=1)).strftime("%Y-%m")]
)
def test_calendar_shows_months_within_range(client_de, secretariat, mois):
    response = client_de(secretariat).get("/comites/calendrier/", {"mois": mois})
    assert response.status_code == 200
    assert response.context["premier"].strftime("%Y-%m") == mois
    assert not list(get_messages(response.wsgi_request))
