"""Who sees what: every role against every page of the committees. Outside one's scope a meeting
answers 404; a forbidden action 403; anonymous users go to the login page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comites.models import Comite, CompteRendu, Reunion
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory
from tests.factories import TerritoireFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gltd(coordination, secretariat, autre_partenaire):
    """A confidential local group: `autre_partenaire`'s organisation is a member, `partenaire`'s is not."""
    comite = ComiteFactory(gltd=True, secretaires=[secretariat])
    MembreFactory(comite=comite, partenaire=autre_partenaire.partenaire)
    return comite


def _tenue_avec_cr(comite, statut="cr_approuve"):
    debut = timezone.now() - datetime.timedelta(days=10)
    reunion = ReunionFactory(
        comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2), statut=statut
    )
    CompteRendu.objects.create(
        reunion=reunion, texte="Texte confidentiel du compte rendu", redige_par=UtilisateurFactory()
    )
    return reunion


@pytest.fixture
def acteurs(coordination, secretariat, partenaire, autre_partenaire, analyste, sans_role):
    return {
        "coordination": coordination,
        "secretariat": secretariat,
        "partenaire": partenaire,
        "autre_partenaire": autre_partenaire,
        "analyste": analyste,
        "sans_role": sans_role,
        "anonyme": None,
    }


@pytest.mark.parametrize(
    ("acteur", "attendu"),
    [
        ("coordination", 200),
        ("secretariat", 200),
        ("autre_partenaire", 200),  # member of the GLTD
        ("partenaire", 404),  # not a member: confidential
        ("analyste", 404),
        ("sans_role", 404),
        ("anonyme", 302),
    ],
)
def test_confidential_local_group_meeting_and_its_files(acteurs, gltd, acteur, attendu, client_de):
    reunion = _tenue_avec_cr(gltd)
    client = client_de(acteurs[acteur])
    for nom in ("reunion_detail", "reunion_ics", "reunion_pdf"):
        response = client.get(reverse(f"comites:{nom}", args=[reunion.pk]))
        assert response.status_code == attendu, nom
        if attendu == 302:
            assert "/compte/connexion/" in response["Location"]
    comite_page = client.get(gltd.get_absolute_url())
    assert comite_page.status_code == attendu
    if attendu == 200:
        assert "Texte confidentiel du compte rendu" in client.get(reunion.get_absolute_url()).content.decode()


def test_confidential_meetings_stay_out_of_lists_calendar_and_territory_page(acteurs, gltd, client_de):
    reunion = _tenue_avec_cr(gltd)
    client = client_de(acteurs["partenaire"])
    assert reunion.titre not in client.get(reverse("comites:reunion_list")).content.decode()
    mois = timezone.localtime(reunion.debut).strftime("%Y-%m")
    assert reunion.titre not in client.get(reverse("comites:calendrier") + f"?mois={mois}").content.decode()
    assert gltd.nom not in client.get(reverse("comites:comite_list")).content.decode()
    assert reunion.titre not in client.get(gltd.territoire.get_absolute_url()).content.decode()
    membre = client_de(acteurs["autre_partenaire"])
    assert reunion.titre in membre.get(gltd.territoire.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("acteur", "attendu"),
    [("coordination", 200), ("secretariat", 200), ("partenaire", 200), ("analyste", 404), ("sans_role", 404)],
)
def test_open_committee_meetings_are_read_by_partners(acteurs, comite, acteur, attendu, client_de):
    reunion = _tenue_avec_cr(comite)
    assert client_de(acteurs[acteur]).get(reunion.get_absolute_url()).status_code == attendu


def test_draft_meetings_are_seen_only_by_those_who_manage_them(acteurs, comite, reunion, client_de):
    assert client_de(acteurs["partenaire"]).get(reunion.get_absolute_url()).status_code == 404
    assert client_de(acteurs["secretariat"]).get(reunion.get_absolute_url()).status_code == 200
    assert client_de(acteurs["coordination"]).get(reunion.get_absolute_url()).status_code == 200


def test_minutes_in_progress_are_read_by_members_only_once_approved(acteurs, comite, client_de):
    reunion = _tenue_avec_cr(comite, statut="tenue")
    page = client_de(acteurs["partenaire"]).get(reunion.get_absolute_url()).content.decode()
    assert "Texte confidentiel du compte rendu" not in page
    assert "lisible une fois approuvé" in page
    assert (
        "Texte confidentiel du compte rendu"
        in client_de(acteurs["secretariat"]).get(reunion.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("acteur", ["partenaire", "autre_partenaire", "analyste"])
def test_non_secretaries_cannot_manage(acteurs, comite, acteur, client_de):
    debut = timezone.now() + datetime.timedelta(days=5)
    reunion = ReunionFactory(
        comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2), statut="convoquee"
    )
    client = client_de(acteurs[acteur])
    attendu = 404 if acteur == "analyste" else 403
    for nom in (
        "reunion_modifier",
        "reunion_annuler",
        "presences",
        "compte_rendu",
        "decision_ajouter",
        "avenant_ajouter",
    ):
        assert client.get(reverse(f"comites:{nom}", args=[reunion.pk])).status_code == attendu, nom
    for nom in ("reunion_convoquer", "reunion_tenue", "compte_rendu_approuver"):
        assert client.post(reverse(f"comites:{nom}", args=[reunion.pk])).status_code == attendu, nom
    assert client.get(reverse("comites:reunion_planifier", args=[comite.code])).status_code == attendu
    reunion.refresh_from_db()
    assert reunion.statut == "convoquee"


def test_a_secretary_does_not_manage_committees_of_others(acteurs, secretariat, client_de):
    autre = ComiteFactory(nom="Comité d'évaluation", secretaires=[UtilisateurFactory()])
    client = client_de(secretariat)
    assert client.get(reverse("comites:reunion_planifier", args=[autre.code])).status_code == 403
    debut = timezone.now() + datetime.timedelta(days=5)
    reunion = ReunionFactory(
        comite=autre, debut=debut, fin=debut + datetime.timedelta(hours=1), statut="convoquee"
    )
    assert client.post(reverse("comites:reunion_convoquer", args=[reunion.pk])).status_code == 403
    assert client.get(reverse("comites:reunion_annuler", args=[reunion.pk])).status_code == 403


def test_secretary_listed_but_without_the_role_cannot_manage(comite, partenaire, client_de):
    comite.secretaires.add(partenaire)
    assert (
        client_de(partenaire).get(reverse("comites:reunion_planifier", args=[comite.code])).status_code == 403
    )


def test_coordination_sees_every_meeting_including_confidential(acteurs, gltd, comite):
    r1, r2 = _tenue_avec_cr(gltd), _tenue_avec_cr(comite)
    assert set(Reunion.objects.visibles_par(acteurs["coordination"])) == {r1, r2}
    assert set(Reunion.objects.visibles_par(acteurs["partenaire"])) == {r2}


def test_rhythm_page_roles(acteurs, client_de):
    url = reverse("comites:rythme")
    assert client_de(acteurs["secretariat"]).get(url).status_code == 200
    assert client_de(acteurs["analyste"]).get(url).status_code == 403
    assert client_de(None).get(url).status_code == 302


def test_confidentiality_is_the_instances_own_data(partenaire):
    thematique = ComiteFactory(type=Comite.Type.THEMATIQUE, rythme=Comite.Rythme.BESOIN)
    assert thematique in Comite.objects.visibles_par(partenaire)
    thematique.confidentiel = True
    thematique.save()
    assert thematique not in Comite.objects.visibles_par(partenaire)


def test_a_cellule_de_veille_is_always_confidential():
    veille = ComiteFactory(
        type=Comite.Type.VEILLE, rythme=Comite.Rythme.BESOIN, confidentiel=False, territoire=TerritoireFactory()
    )
    veille.refresh_from_db()
    assert veille.confidentiel
