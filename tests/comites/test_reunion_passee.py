"""A meeting held without a convocation through the platform is recorded afterwards by its
secretary: held at once, then its attendance, minutes and decisions; it counts in the rhythm and
its history says how it was recorded."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comites import rythme, services
from comites.models import Presence, Reunion
from tests.comites.factories import ReunionFactory

pytestmark = pytest.mark.django_db


def _champ(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_secretary_records_a_past_meeting_with_attendance_minutes_and_decisions(
    client_de, comite, secretariat, mailoutbox
):
    debut = timezone.now() - datetime.timedelta(days=10)
    client = client_de(secretariat)
    response = client.post(
        reverse("comites:reunion_passee", args=[comite.code]),
        {"titre": "", "debut": _champ(debut), "fin": _champ(debut + datetime.timedelta(hours=2))},
    )
    reunion = Reunion.objects.get()
    assert response.status_code == 302 and response.url == reunion.get_absolute_url()
    assert reunion.statut == Reunion.Statut.TENUE
    assert reunion.convoquee_le is None
    assert [h.history_change_reason for h in reunion.history.order_by("history_date")] == [
        "Réunion planifiée",
        "Réunion tenue sans convocation par la plateforme",
    ]
    assert mailoutbox == []  # nobody is convened afterwards
    page = client.get(reunion.get_absolute_url()).content.decode()
    assert "2 membres, réunion tenue sans convocation par la plateforme." in page
    assert "membres convoqués" not in page
    presences = list(reunion.presences.select_related("membre__partenaire"))
    assert len(presences) == comite.membres.count()
    donnees = {}
    for rang, presence in enumerate(presences):
        donnees[f"p{presence.pk}-statut"] = "present" if rang == 0 else "excuse"
        donnees[f"p{presence.pk}-represente_par"] = ""
    client.post(reverse("comites:presences", args=[reunion.pk]), donnees)
    client.post(reverse("comites:compte_rendu", args=[reunion.pk]), {"texte": "Tour de table."})
    client.post(reverse("comites:decision_ajouter", args=[reunion.pk]), {"texte": "Renfort de l'îlotage."})
    reunion.refresh_from_db()
    assert sorted(reunion.presences.values_list("statut", flat=True)) == ["excuse", "present"]
    assert reunion.compte_rendu.texte == "Tour de table."
    assert list(reunion.decisions.values_list("numero", "texte")) == [(1, "Renfort de l'îlotage.")]


def test_a_past_meeting_counts_in_the_semester_rhythm(comite, secretariat):
    aujourd_hui = timezone.localdate()
    avant = next(
        li for li in rythme.rythme_pilotage(contrat=comite.contrat, today=aujourd_hui) if li.courante
    )
    assert avant.statut == rythme.A_PLANIFIER
    debut = timezone.now() - datetime.timedelta(hours=3)
    reunion = services.enregistrer_reunion_passee(
        comite=comite, par=secretariat, debut=debut, fin=debut + datetime.timedelta(hours=2)
    )
    apres = next(
        li for li in rythme.rythme_pilotage(contrat=comite.contrat, today=aujourd_hui) if li.courante
    )
    assert apres.statut == rythme.TENUE
    assert apres.reunions == [reunion]


def test_a_meeting_still_to_come_cannot_be_recorded_as_held(client_de, comite, secretariat):
    demain = timezone.now() + datetime.timedelta(days=1)
    response = client_de(secretariat).post(
        reverse("comites:reunion_passee", args=[comite.code]),
        {"debut": _champ(demain), "fin": _champ(demain + datetime.timedelta(hours=2))},
    )
    assert response.status_code == 200
    assert "Cette réunion n&#x27;a pas encore eu lieu" in response.content.decode()
    assert not Reunion.objects.exists()
    with pytest.raises(services.ActionImpossible, match="pas encore eu lieu"):
        services.enregistrer_reunion_passee(
            comite=comite, par=secretariat, debut=demain, fin=demain + datetime.timedelta(hours=2)
        )
    assert not Reunion.objects.exists()


def test_a_past_draft_is_declared_held_instead_of_convened_too_late(client_de, comite, secretariat):
    debut = timezone.now() - datetime.timedelta(days=3)
    brouillon = ReunionFactory(comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2))
    page = client_de(secretariat).get(brouillon.get_absolute_url()).content.decode()
    assert "Déclarer tenue sans convocation" in page and "Convoquer les membres" not in page
    with pytest.raises(services.ActionImpossible, match="déclarez-la tenue"):
        services.convoquer(reunion=brouillon, par=secretariat)
    client_de(secretariat).post(reverse("comites:reunion_tenue", args=[brouillon.pk]))
    brouillon.refresh_from_db()
    assert brouillon.statut == Reunion.Statut.TENUE
    assert (
        brouillon.history.latest().history_change_reason == "Réunion tenue sans convocation par la plateforme"
    )
    assert Presence.objects.filter(reunion=brouillon).count() == comite.membres.count()


@pytest.mark.parametrize("persona", ["partenaire", "autre_partenaire", "analyste"])
def test_only_those_who_manage_the_committee_record_a_past_meeting(client_de, comite, persona, request):
    debut = timezone.now() - datetime.timedelta(days=3)
    url = reverse("comites:reunion_passee", args=[comite.code])
    donnees = {"debut": _champ(debut), "fin": _champ(debut + datetime.timedelta(hours=2))}
    response = client_de(request.getfixturevalue(persona)).post(url, donnees)
    assert response.status_code in (403, 404)
    assert not Reunion.objects.exists()


def test_a_secretary_of_another_committee_cannot_record_one_here(client_de, comite):
    from tests.comites.factories import ComiteFactory
    from tests.conftest import _persona

    autre_secretaire = _persona("p-secretariat-2", "Secrétariat")
    ComiteFactory(secretaires=[autre_secretaire])
    debut = timezone.now() - datetime.timedelta(days=3)
    response = client_de(autre_secretaire).post(
        reverse("comites:reunion_passee", args=[comite.code]),
        {"debut": _champ(debut), "fin": _champ(debut + datetime.timedelta(hours=2))},
    )
    assert response.status_code == 403
    assert not Reunion.objects.exists()
