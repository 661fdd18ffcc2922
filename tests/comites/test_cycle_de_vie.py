"""A meeting moves draft → convened → held → minutes approved, or is cancelled with a reason;
every other move is refused with a French message and changes nothing."""

import datetime

import pytest
from django.utils import timezone

from comites import services
from comites.models import Presence, Reunion
from tests.comites.factories import ReunionFactory

pytestmark = pytest.mark.django_db


def test_full_life_of_a_meeting(reunion, secretariat):
    services.ajouter_point(reunion=reunion, par=secretariat, titre="Suivi des engagements", duree_minutes=45)
    services.convoquer(reunion=reunion, par=secretariat)
    reunion.refresh_from_db()
    assert reunion.statut == Reunion.Statut.CONVOQUEE
    assert reunion.presences.count() == 2

    apres = reunion.fin + datetime.timedelta(hours=1)
    services.marquer_tenue(reunion=reunion, par=secretariat, now=apres)
    services.rediger_compte_rendu(reunion=reunion, par=secretariat, texte="Le comité a fait le point.")
    services.approuver_compte_rendu(reunion=reunion, par=secretariat)
    reunion.refresh_from_db()
    assert reunion.statut == Reunion.Statut.CR_APPROUVE
    assert reunion.compte_rendu.approuve_le is not None
    assert [h.statut for h in reunion.history.order_by("history_date")] == [
        "brouillon",
        "convoquee",
        "tenue",
        "cr_approuve",
    ]
    assert reunion.history.latest().history_user == secretariat


def test_no_minutes_on_a_cancelled_meeting(reunion, secretariat):
    services.annuler(reunion=reunion, par=secretariat, motif="Crise sanitaire")
    with pytest.raises(services.ActionImpossible, match="réunion tenue"):
        services.rediger_compte_rendu(reunion=reunion, par=secretariat, texte="Texte")
    assert Reunion.objects.get(pk=reunion.pk).compte_rendu_ou_none is None


def test_no_minutes_before_the_meeting_is_held(reunion, secretariat):
    with pytest.raises(services.ActionImpossible):
        services.rediger_compte_rendu(reunion=reunion, par=secretariat, texte="Texte")


def test_cancelling_needs_a_reason(reunion, secretariat):
    with pytest.raises(services.ActionImpossible, match="motif"):
        services.annuler(reunion=reunion, par=secretariat, motif="  ")
    reunion.refresh_from_db()
    assert reunion.statut == Reunion.Statut.BROUILLON


@pytest.mark.parametrize(
    ("statut", "action"),
    [
        ("annulee", "convoquer"),
        ("annulee", "tenue"),
        ("tenue", "convoquer"),
        ("tenue", "annuler"),
        ("cr_approuve", "annuler"),
        ("cr_approuve", "convoquer"),
        ("convoquee", "approuver"),
        ("brouillon", "approuver"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(comite, secretariat, statut, action):
    debut = timezone.now() - datetime.timedelta(days=2)
    reunion = ReunionFactory(
        comite=comite,
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        statut=statut,
        motif_annulation="Motif" if statut == "annulee" else "",
    )
    appels = {
        "tenue": lambda: services.marquer_tenue(reunion=reunion, par=secretariat),
        "convoquer": lambda: services.convoquer(reunion=reunion, par=secretariat),
        "annuler": lambda: services.annuler(reunion=reunion, par=secretariat, motif="Motif"),
        "approuver": lambda: services.approuver_compte_rendu(reunion=reunion, par=secretariat),
    }
    with pytest.raises(services.ActionImpossible):
        appels[action]()
    reunion.refresh_from_db()
    assert reunion.statut == statut


def test_a_meeting_cannot_be_declared_held_before_it_starts(reunion, secretariat):
    services.convoquer(reunion=reunion, par=secretariat)
    with pytest.raises(services.ActionImpossible, match="pas encore commencé"):
        services.marquer_tenue(
            reunion=reunion, par=secretariat, now=reunion.debut - datetime.timedelta(minutes=5)
        )


def test_too_late_to_convene_a_meeting_that_started(comite, secretariat):
    debut = timezone.now() - datetime.timedelta(hours=1)
    reunion = ReunionFactory(comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2))
    with pytest.raises(services.ActionImpossible, match="trop tard"):
        services.convoquer(reunion=reunion, par=secretariat)


def test_agenda_is_frozen_once_convened(reunion, secretariat):
    point = services.ajouter_point(reunion=reunion, par=secretariat, titre="Point 1")
    services.ajouter_point(reunion=reunion, par=secretariat, titre="Point 2")
    services.convoquer(reunion=reunion, par=secretariat)
    with pytest.raises(services.ActionImpossible):
        services.ajouter_point(reunion=reunion, par=secretariat, titre="Point 3")
    with pytest.raises(services.ActionImpossible):
        services.retirer_point(point=point, par=secretariat)
    assert reunion.points.count() == 2


def test_removing_an_item_renumbers_the_agenda(reunion, secretariat):
    p1 = services.ajouter_point(reunion=reunion, par=secretariat, titre="Un")
    services.ajouter_point(reunion=reunion, par=secretariat, titre="Deux")
    services.ajouter_point(reunion=reunion, par=secretariat, titre="Trois")
    services.retirer_point(point=p1, par=secretariat)
    assert list(reunion.points.values_list("ordre", "titre")) == [(1, "Deux"), (2, "Trois")]


def test_attendance_is_recorded_once_held_and_represented_needs_a_name(reunion_passee, secretariat):
    services.marquer_tenue(reunion=reunion_passee, par=secretariat)
    p1, p2 = reunion_passee.presences.all()
    with pytest.raises(services.ActionImpossible, match="représentait"):
        services.enregistrer_presences(
            reunion=reunion_passee, par=secretariat, lignes=[(p1, Presence.Statut.REPRESENTE, "")]
        )
    services.enregistrer_presences(
        reunion=reunion_passee,
        par=secretariat,
        lignes=[
            (p1, Presence.Statut.PRESENT, ""),
            (p2, Presence.Statut.REPRESENTE, "Substitut du procureur"),
        ],
    )
    p2.refresh_from_db()
    assert (p2.statut, p2.represente_par) == ("represente", "Substitut du procureur")


def test_decisions_are_numbered_per_meeting(reunion_passee, comite, secretariat):
    services.marquer_tenue(reunion=reunion_passee, par=secretariat)
    autre = ReunionFactory(
        comite=comite,
        debut=reunion_passee.debut - datetime.timedelta(days=200),
        fin=reunion_passee.fin - datetime.timedelta(days=200),
        statut="tenue",
    )
    d1 = services.ajouter_decision(reunion=reunion_passee, par=secretariat, texte="Première")
    d2 = services.ajouter_decision(reunion=reunion_passee, par=secretariat, texte="Seconde")
    d_autre = services.ajouter_decision(reunion=autre, par=secretariat, texte="Ailleurs")
    assert (d1.numero, d2.numero, d_autre.numero) == (1, 2, 1)


def test_minutes_are_frozen_once_approved(reunion_passee, secretariat):
    services.marquer_tenue(reunion=reunion_passee, par=secretariat)
    services.rediger_compte_rendu(reunion=reunion_passee, par=secretariat, texte="Version 1")
    services.rediger_compte_rendu(reunion=reunion_passee, par=secretariat, texte="Version 2")
    services.approuver_compte_rendu(reunion=reunion_passee, par=secretariat)
    with pytest.raises(services.ActionImpossible, match="approuvé"):
        services.rediger_compte_rendu(reunion=reunion_passee, par=secretariat, texte="Version 3")
    compte_rendu = reunion_passee.compte_rendu
    compte_rendu.refresh_from_db()
    assert compte_rendu.texte == "Version 2"
    assert [h.texte for h in compte_rendu.history.order_by("history_date")] == [
        "Version 1",
        "Version 2",
        "Version 2",
    ]
