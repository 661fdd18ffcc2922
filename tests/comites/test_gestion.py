"""The coordination manages the council's instances and their members in the application; no
other role reaches these pages."""

import datetime
import html

import pytest
from django.urls import reverse

from comites import rythme
from comites.models import Comite, Membre
from tests.comites.factories import ComiteFactory, MembreFactory
from tests.factories import ContratFactory, PartenaireFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contrat(db):
    contrat = ContratFactory(date_signature=datetime.date(2024, 3, 1))
    TerritoireFactory(code="99011", nom="Bourg-Neuf", parent=contrat.territoire)
    return contrat


def _instance(**champs):
    return {"nom": "Assemblée plénière", "type": "pleniere", "rythme": "annuel", "description": "", **champs}


def _pages(comite):
    membre = MembreFactory(comite=comite)
    return [
        reverse("comites:gestion_instances"),
        reverse("comites:gestion_instance_ajouter"),
        reverse("comites:gestion_instance_modifier", args=[comite.code]),
        reverse("comites:gestion_membres", args=[comite.code]),
        reverse("comites:gestion_membre_modifier", args=[comite.code, membre.pk]),
        reverse("comites:gestion_membre_retirer", args=[comite.code, membre.pk]),
    ]


@pytest.mark.parametrize("persona", ["partenaire", "secretariat", "analyste", "sans_role"])
def test_no_other_role_manages_the_instances(request, persona, contrat, client_de):
    comite = ComiteFactory(contrat=contrat, secretaires=[request.getfixturevalue("secretariat")])
    client = client_de(request.getfixturevalue(persona))
    pages = _pages(comite)
    for url in pages:
        assert client.get(url).status_code == 403, url
        assert client.post(url, _instance(partenaire=PartenaireFactory().pk)).status_code == 403, url
    assert Comite.objects.count() == 1 and Membre.objects.count() == 1
    anonyme = client_de(None).post(pages[1], _instance())
    assert anonyme.status_code == 302 and reverse("login") in anonyme["Location"]


def test_coordination_creates_a_plenary_whose_code_comes_from_its_name(
    contrat, client_de, coordination, secretariat
):
    client = client_de(coordination)
    donnees = _instance(secretaires=[secretariat.pk])
    response = client.post(reverse("comites:gestion_instance_ajouter"), donnees, follow=True)
    assert "Instance « Assemblée plénière » enregistrée." in response.content.decode()
    pleniere = Comite.objects.get(nom="Assemblée plénière")
    assert pleniere.code == "assemblee-pleniere" and pleniere.contrat == contrat
    assert pleniere.rythme == "annuel" and not pleniere.confidentiel
    assert list(pleniere.secretaires.all()) == [secretariat]

    # Same name again: another code; a reserved path segment is never taken.
    client.post(reverse("comites:gestion_instance_ajouter"), donnees)
    assert Comite.objects.filter(code="assemblee-pleniere-2").exists()
    client.post(reverse("comites:gestion_instance_ajouter"), _instance(nom="Gestion"))
    assert Comite.objects.get(nom="Gestion").code == "gestion-2"

    client.post(
        reverse("comites:gestion_instance_modifier", args=[pleniere.code]),
        {**donnees, "rythme": "semestriel"},
    )
    pleniere.refresh_from_db()
    assert pleniere.rythme == "semestriel" and pleniere.code == "assemblee-pleniere"
    assert pleniere.history.earliest().rythme == "annuel"


def test_an_instance_without_a_rhythm_is_refused_in_french(contrat, client_de, coordination):
    response = client_de(coordination).post(reverse("comites:gestion_instance_ajouter"), _instance(rythme=""))
    assert response.status_code == 200
    assert "Une instance doit avoir un rythme" in response.content.decode()
    assert not Comite.objects.exists()


def test_a_cellule_de_veille_needs_its_territory_and_is_confidential(contrat, client_de, coordination):
    client = client_de(coordination)
    veille = _instance(nom="Cellule de veille", type="veille", rythme="besoin")
    response = client.post(reverse("comites:gestion_instance_ajouter"), veille)
    assert "doit avoir un territoire" in response.content.decode()
    assert not Comite.objects.exists()
    quartier = TerritoireFactory(quartier=True, parent=contrat.territoire.enfants.get())
    client.post(reverse("comites:gestion_instance_ajouter"), {**veille, "territoire": quartier.pk})
    assert Comite.objects.get(nom="Cellule de veille").confidentiel


def test_members_are_added_edited_and_removed(contrat, client_de, coordination):
    comite = ComiteFactory(contrat=contrat)
    prefecture = PartenaireFactory(nom="Préfecture")
    inactif = PartenaireFactory(nom="Ancien partenaire", actif=False)
    client = client_de(coordination)
    url = reverse("comites:gestion_membres", args=[comite.code])
    assert "Ancien partenaire" not in client.get(url).content.decode()
    donnees = {
        "partenaire": prefecture.pk,
        "representant": "Mme la Préfète",
        "qualite": "president",
        "email": "p@example.fr",
    }
    response = client.post(url, donnees, follow=True)
    assert "rejoint l'instance" in html.unescape(response.content.decode())
    membre = comite.membres.get()
    assert (membre.partenaire, membre.qualite) == (prefecture, "president")

    again = client.post(url, donnees)
    assert "Cette organisation est déjà membre de l'instance." in html.unescape(again.content.decode())
    assert client.post(url, {**donnees, "partenaire": inactif.pk}).status_code == 200
    assert comite.membres.count() == 1

    client.post(
        reverse("comites:gestion_membre_modifier", args=[comite.code, membre.pk]),
        {**donnees, "qualite": "membre"},
    )
    membre.refresh_from_db()
    assert membre.qualite == "membre"

    response = client.post(
        reverse("comites:gestion_membre_retirer", args=[comite.code, membre.pk]), follow=True
    )
    assert "ne fait plus partie de l'instance" in html.unescape(response.content.decode())
    assert not comite.membres.exists()
    assert Membre.history.filter(id=membre.pk, history_type="-").exists()


def test_a_member_of_another_instance_is_not_reached_through_this_one(contrat, client_de, coordination):
    comite, autre = ComiteFactory(contrat=contrat), ComiteFactory(contrat=contrat)
    membre = MembreFactory(comite=autre)
    url = reverse("comites:gestion_membre_retirer", args=[comite.code, membre.pk])
    assert client_de(coordination).post(url).status_code == 404
    assert Membre.objects.filter(pk=membre.pk).exists()


def test_a_new_yearly_plenary_is_counted_per_year_since_the_year_after_signature(
    contrat, client_de, coordination
):
    client_de(coordination).post(reverse("comites:gestion_instance_ajouter"), _instance())
    lignes = rythme.rythme_des_comites(contrat=contrat, type="pleniere", today=datetime.date(2026, 12, 1))
    assert [str(ligne.periode) for ligne in reversed(lignes)][:3] == ["2025", "2026", "2027"]
    assert all(ligne.statut in (rythme.MANQUANTE, rythme.A_PLANIFIER) for ligne in lignes)
