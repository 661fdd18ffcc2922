"""The coordination manages the council in the application: partners, accounts and roles,
territories and priorities, the contract and the platform's name. Other roles reach none of it."""

import datetime
import html

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cls_poitiers.models import Contrat, Courriel, Partenaire, Priorite, Territoire, Utilisateur
from cls_poitiers.permissions import COORDINATION, PARTENAIRE, SECRETARIAT
from tests.factories import (
    ContratFactory,
    PartenaireFactory,
    PrioriteFactory,
    TerritoireFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contrat(db):
    contrat = ContratFactory(nom_conseil="CLSPD de Montrésor")
    TerritoireFactory(code="99001", nom="Montrésor", parent=contrat.territoire)
    return contrat


def _pages(contrat):
    commune = Territoire.objects.get(code="99001")
    quartier = TerritoireFactory(quartier=True, parent=commune)
    partenaire = PartenaireFactory()
    compte = UtilisateurFactory()
    priorite = PrioriteFactory(contrat=contrat)
    return [
        reverse("gestion:accueil"),
        reverse("gestion:partenaires"),
        reverse("gestion:partenaire_ajouter"),
        reverse("gestion:partenaire_modifier", args=[partenaire.pk]),
        reverse("gestion:partenaire_activer", args=[partenaire.pk]),
        reverse("gestion:comptes"),
        reverse("gestion:compte_inviter"),
        reverse("gestion:compte_modifier", args=[compte.pk]),
        reverse("gestion:compte_reinviter", args=[compte.pk]),
        reverse("gestion:compte_activer", args=[compte.pk]),
        reverse("gestion:territoires"),
        reverse("gestion:quartier_ajouter"),
        reverse("gestion:quartier_modifier", args=[quartier.pk]),
        reverse("gestion:commune_ajouter"),
        reverse("gestion:priorites"),
        reverse("gestion:priorite_ajouter"),
        reverse("gestion:priorite_modifier", args=[priorite.pk]),
        reverse("gestion:priorites_renumeroter"),
        reverse("gestion:contrat"),
    ]


@pytest.mark.parametrize("persona", ["partenaire", "secretariat", "analyste", "sans_role"])
def test_no_other_role_reaches_the_management_pages_nor_changes_anything(
    request, persona, contrat, client_de
):
    client = client_de(request.getfixturevalue(persona))
    pages = _pages(contrat)

    def etat():
        contrat.refresh_from_db()
        actifs = sorted(Utilisateur.objects.filter(is_active=True).values_list("pk", flat=True))
        return Partenaire.objects.count(), actifs, Priorite.objects.count(), contrat.nom_conseil

    avant = etat()
    for url in pages:
        assert client.get(url).status_code == 403, url
        forge = {"nom": "Intrus", "nom_conseil": "Piraté", "recherche": "99001", "numero": 9, "titre": "x"}
        assert client.post(url, forge).status_code == 403, url
    assert etat() == avant


def test_anonymous_visitors_are_sent_to_the_login_page(contrat, client_de):
    client = client_de(None)
    for url in _pages(contrat):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_the_hub_is_in_the_coordinations_navigation_only(contrat, client_de, coordination, partenaire):
    page = client_de(coordination).get(reverse("accueil")).content.decode()
    assert reverse("gestion:accueil") in page
    hub = client_de(coordination).get(reverse("gestion:accueil")).content.decode()
    for nom in ("partenaires", "comptes", "territoires", "priorites", "contrat"):
        assert reverse(f"gestion:{nom}") in hub
    assert reverse("comites:gestion_instances") in hub
    assert reverse("gestion:accueil") not in client_de(partenaire).get(reverse("accueil")).content.decode()


# Partners ---------------------------------------------------------------------------------------


def test_coordination_creates_edits_and_deactivates_a_partner(contrat, client_de, coordination):
    client = client_de(coordination)
    commune = Territoire.objects.get(code="99001")
    ailleurs = TerritoireFactory(code="99999", nom="Hors contrat")
    page = client.get(reverse("gestion:partenaire_ajouter")).content.decode()
    assert "Montrésor" in page and "Hors contrat" not in page

    donnees = {"nom": "Bailleur du Val", "sigle": "BDV", "nature": "logement", "territoire": commune.pk}
    response = client.post(reverse("gestion:partenaire_ajouter"), donnees, follow=True)
    assert "Partenaire « BDV » enregistré." in response.content.decode()
    bailleur = Partenaire.objects.get(nom="Bailleur du Val")
    assert bailleur.code == "bdv" and bailleur.territoire == commune

    refuse = client.post(
        reverse("gestion:partenaire_modifier", args=[bailleur.pk]), {**donnees, "territoire": ailleurs.pk}
    )
    assert refuse.status_code == 200
    client.post(reverse("gestion:partenaire_modifier", args=[bailleur.pk]), {**donnees, "sigle": "BV"})
    bailleur.refresh_from_db()
    assert bailleur.sigle == "BV" and bailleur.territoire == commune

    UtilisateurFactory(partenaire=bailleur)
    response = client.post(reverse("gestion:partenaire_activer", args=[bailleur.pk]), follow=True)
    assert "Partenaire « Bailleur du Val » désactivé." in response.content.decode()
    bailleur.refresh_from_db()
    assert not bailleur.actif and bailleur.utilisateurs.count() == 1
    assert bailleur.history.count() == 3


# Accounts and roles -----------------------------------------------------------------------------


def _invitation(organisation, **champs):
    return {
        "first_name": "Jeanne",
        "last_name": "Martin",
        "email": "Jeanne.Martin@example.fr",
        "partenaire": organisation.pk,
        "fonction": "Chargée de mission",
        "groups": [Group.objects.get_or_create(name=PARTENAIRE)[0].pk],
        **champs,
    }


def test_coordination_invites_an_account_that_chooses_its_own_password(contrat, client_de, coordination):
    client = client_de(coordination)
    organisation = PartenaireFactory()
    response = client.post(reverse("gestion:compte_inviter"), _invitation(organisation), follow=True)
    page = response.content.decode()
    assert "Invitation envoyée à jeanne.martin@example.fr." in page
    compte = Utilisateur.objects.get(email="jeanne.martin@example.fr")
    assert compte.username == "jeanne.martin@example.fr" and not compte.has_usable_password()
    assert compte.partenaire == organisation and compte.roles == {PARTENAIRE}
    assert not compte.is_staff and not compte.is_superuser
    assert Courriel.objects.get(destinataires=["jeanne.martin@example.fr"]).confidentiel
    assert "invitation en attente" in page

    # A new address: the login, made from the old one, follows it.
    client.post(
        reverse("gestion:compte_modifier", args=[compte.pk]), _compte(compte, email="j.martin@example.fr")
    )
    compte.refresh_from_db()
    assert compte.username == compte.email == "j.martin@example.fr"

    # Lost: sent again, to the same address.
    client.post(reverse("gestion:compte_reinviter", args=[compte.pk]))
    assert Courriel.objects.filter(destinataires=["j.martin@example.fr"]).count() == 1
    # Once the password is chosen, there is nothing to resend.
    compte.set_password("mot-de-passe-choisi-2026")
    compte.save()
    response = client.post(reverse("gestion:compte_reinviter", args=[compte.pk]), follow=True)
    assert "déjà choisi son mot de passe" in response.content.decode()
    assert Courriel.objects.filter(destinataires=["j.martin@example.fr"]).count() == 1


def test_an_account_without_an_organisation_is_refused_in_french(contrat, client_de, coordination):
    response = client_de(coordination).post(
        reverse("gestion:compte_inviter"), _invitation(PartenaireFactory(), partenaire="")
    )
    assert response.status_code == 200
    assert "Un compte doit appartenir à une organisation partenaire." in response.content.decode()
    assert not Utilisateur.objects.filter(email="jeanne.martin@example.fr").exists()
    assert not Courriel.objects.exists()


def test_an_address_already_used_is_refused(contrat, client_de, coordination):
    UtilisateurFactory(email="jeanne.martin@example.fr")
    response = client_de(coordination).post(
        reverse("gestion:compte_inviter"), _invitation(PartenaireFactory())
    )
    assert "Un compte utilise déjà cette adresse électronique." in response.content.decode()
    assert Utilisateur.objects.filter(email="jeanne.martin@example.fr").count() == 1


def _compte(compte, **champs):
    return {
        "first_name": compte.first_name or "Prénom",
        "last_name": compte.last_name or "Nom",
        "email": compte.email,
        "partenaire": compte.partenaire_id or "",
        "fonction": compte.fonction,
        "groups": [g.pk for g in compte.groups.all()],
        **champs,
    }


def test_roles_change_and_the_change_is_in_the_history(contrat, client_de, coordination, partenaire):
    secretariat = Group.objects.get_or_create(name=SECRETARIAT)[0]
    roles = [partenaire.groups.get().pk, secretariat.pk]
    response = client_de(coordination).post(
        reverse("gestion:compte_modifier", args=[partenaire.pk]),
        _compte(partenaire, groups=roles),
        follow=True,
    )
    assert "enregistré" in response.content.decode()
    partenaire._cls_roles = None
    assert partenaire.roles == {PARTENAIRE, SECRETARIAT}
    derniere = partenaire.history.first()
    assert {g.group.name for g in derniere.groups.all()} == {PARTENAIRE, SECRETARIAT}
    assert derniere.history_user == coordination


def test_nobody_grants_a_role_carrying_permissions_they_lack(contrat, client_de, coordination, partenaire):
    puissant = Group.objects.create(name="Administrateurs")
    puissant.permissions.add(Permission.objects.get(codename="delete_utilisateur"))
    response = client_de(coordination).post(
        reverse("gestion:compte_modifier", args=[partenaire.pk]), _compte(partenaire, groups=[puissant.pk])
    )
    # The page offers only the platform's roles; a forged one is refused all the same.
    assert response.status_code == 200
    assert not partenaire.groups.filter(pk=puissant.pk).exists()
    from cls_poitiers.gestion.roles import roles_non_accordables

    assert roles_non_accordables(coordination, [puissant]) == ["Administrateurs"]
    assert roles_non_accordables(coordination, [Group.objects.get(name=COORDINATION)]) == []


def test_the_coordination_grants_no_role_beyond_its_own_permissions(
    contrat, client_de, coordination, partenaire
):
    """A platform role that a coordination's group does not cover (here, given a deletion right)
    cannot be granted by it, to anyone, itself included."""
    secretariat = Group.objects.get_or_create(name=SECRETARIAT)[0]
    secretariat.permissions.add(Permission.objects.get(codename="delete_utilisateur"))
    client = client_de(coordination)
    for compte in (partenaire, coordination):
        response = client.post(
            reverse("gestion:compte_modifier", args=[compte.pk]),
            _compte(compte, groups=[*compte.groups.values_list("pk", flat=True), secretariat.pk]),
        )
        assert "dont vous n’avez pas vous-même tous les droits : Secrétariat" in response.content.decode()
        assert not compte.groups.filter(pk=secretariat.pk).exists()


def test_staff_and_superuser_status_are_never_in_the_forms(contrat, client_de, coordination):
    client = client_de(coordination)
    page = client.get(reverse("gestion:compte_modifier", args=[coordination.pk])).content.decode()
    for champ in ("is_staff", "is_superuser", "user_permissions", "password"):
        assert f'name="{champ}"' not in page
    forge = _compte(coordination, is_staff="on", is_superuser="on", user_permissions=[1], password="x")
    client.post(reverse("gestion:compte_modifier", args=[coordination.pk]), forge)
    coordination.refresh_from_db()
    assert not coordination.is_staff and not coordination.is_superuser
    assert not coordination.user_permissions.exists() and coordination.check_password(
        "motdepasse-de-test-2026"
    )


def test_the_last_coordination_keeps_its_role(contrat, client_de, coordination):
    client = client_de(coordination)
    partenaire_role = Group.objects.get_or_create(name=PARTENAIRE)[0]
    response = client.post(
        reverse("gestion:compte_modifier", args=[coordination.pk]),
        _compte(coordination, groups=[partenaire_role.pk]),
    )
    assert "Ce compte est le dernier de la coordination" in response.content.decode()
    assert coordination.roles == {COORDINATION}

    seconde = UtilisateurFactory()
    seconde.groups.add(Group.objects.get(name=COORDINATION))
    client.post(
        reverse("gestion:compte_modifier", args=[coordination.pk]),
        _compte(coordination, groups=[partenaire_role.pk]),
    )
    assert set(coordination.groups.values_list("name", flat=True)) == {PARTENAIRE}


def test_superusers_accounts_are_out_of_reach(contrat, client_de, coordination):
    racine = Utilisateur.objects.create_superuser("racine", "racine@example.fr", "mot-de-passe-racine-2026")
    client = client_de(coordination)
    assert "racine@example.fr" not in client.get(reverse("gestion:comptes")).content.decode()
    for nom in ("compte_modifier", "compte_activer", "compte_reinviter"):
        assert client.post(reverse(f"gestion:{nom}", args=[racine.pk]), _compte(racine)).status_code == 404
    racine.refresh_from_db()
    assert racine.is_active and racine.email == "racine@example.fr"


def test_an_account_is_deactivated_and_reactivated_but_not_ones_own(
    contrat, client_de, coordination, partenaire
):
    client = client_de(coordination)
    response = client.post(reverse("gestion:compte_activer", args=[partenaire.pk]), follow=True)
    assert "désactivé" in response.content.decode()
    partenaire.refresh_from_db()
    assert not partenaire.is_active
    client.post(reverse("gestion:compte_activer", args=[partenaire.pk]))
    partenaire.refresh_from_db()
    assert partenaire.is_active

    response = client.post(reverse("gestion:compte_activer", args=[coordination.pk]), follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    coordination.refresh_from_db()
    assert coordination.is_active


# Territories and priorities ---------------------------------------------------------------------


def test_coordination_adds_and_edits_a_quartier_under_a_commune_of_the_contract(
    contrat, client_de, coordination
):
    client = client_de(coordination)
    commune = Territoire.objects.get(code="99001")
    donnees = {"parent": commune.pk, "code": "QN99001", "nom": "Les Grands Prés", "prioritaire": "on"}
    response = client.post(reverse("gestion:quartier_ajouter"), donnees, follow=True)
    assert "Quartier « Les Grands Prés » enregistré." in response.content.decode()
    quartier = Territoire.objects.get(niveau="quartier", code="QN99001")
    assert quartier.parent == commune and quartier.prioritaire
    assert "Les Grands Prés" in client.get(reverse("gestion:territoires")).content.decode()

    assert quartier.article is None and quartier.de_nom == "des Grands Prés"  # read off its name

    # The council sets the article a name does not tell: « du Bourg », not « de Bourg ».
    bourg = {**donnees, "nom": "Bourg", "article": "2"}
    client.post(reverse("gestion:quartier_modifier", args=[quartier.pk]), {**bourg, "prioritaire": ""})
    quartier.refresh_from_db()
    assert not quartier.prioritaire
    assert (quartier.article, quartier.de_nom, quartier.a_nom) == (2, "du Bourg", "au Bourg")

    ailleurs = TerritoireFactory(code="99998")
    response = client.post(
        reverse("gestion:quartier_ajouter"), {**donnees, "code": "Q2", "parent": ailleurs.pk}
    )
    assert response.status_code == 200 and not Territoire.objects.filter(code="Q2").exists()


def test_a_referential_commune_joins_a_districts_perimeter_by_code_or_name(contrat, client_de, coordination):
    client = client_de(coordination)
    departement = TerritoireFactory(niveau="departement", code="99", nom="Département d'essai")
    commune = TerritoireFactory(
        code="99002", nom="Saint-Éloi-sur-Vienne", referentiel=True, parent=departement
    )
    response = client.post(
        reverse("gestion:commune_ajouter"), {"recherche": "saint eloi sur vienne"}, follow=True
    )
    assert "Saint-Éloi-sur-Vienne (99002) rejoint le périmètre du contrat." in response.content.decode()
    commune.refresh_from_db()
    assert commune.parent == contrat.territoire
    assert commune in Territoire.objects.du_contrat(contrat)

    response = client.post(reverse("gestion:commune_ajouter"), {"recherche": "00000"}, follow=True)
    page = response.content.decode()
    assert "Aucune commune du référentiel national ne porte ce nom ou ce code : « 00000 »." in page


def test_a_single_communes_perimeter_is_fixed(client_de, coordination):
    contrat = ContratFactory(territoire=TerritoireFactory(code="99003", nom="Seule"))
    TerritoireFactory(code="99004", referentiel=True)
    response = client_de(coordination).post(
        reverse("gestion:commune_ajouter"), {"recherche": "99004"}, follow=True
    )
    assert "son périmètre est fixé" in response.content.decode()
    assert Territoire.objects.du_contrat(contrat).count() == 1


def test_priorities_are_added_edited_and_renumbered(contrat, client_de, coordination):
    client = client_de(coordination)
    client.post(reverse("gestion:priorite_ajouter"), {"numero": 1, "titre": "Prévenir", "texte": ""})
    client.post(reverse("gestion:priorite_ajouter"), {"numero": 2, "titre": "Protéger", "texte": ""})
    response = client.post(
        reverse("gestion:priorite_ajouter"), {"numero": 2, "titre": "Doublon", "texte": ""}
    )
    assert "Ce numéro de priorité existe déjà dans le contrat." in response.content.decode()
    prevenir, proteger = contrat.priorites.order_by("numero")

    client.post(
        reverse("gestion:priorite_modifier", args=[prevenir.pk]), {"numero": 1, "titre": "Prévenir tôt"}
    )
    response = client.post(
        reverse("gestion:priorites_renumeroter"), {f"p{prevenir.pk}": 2, f"p{proteger.pk}": 1}, follow=True
    )
    assert "Priorités renumérotées." in response.content.decode()
    assert list(contrat.priorites.order_by("numero").values_list("titre", flat=True)) == [
        "Protéger",
        "Prévenir tôt",
    ]

    response = client.post(
        reverse("gestion:priorites_renumeroter"), {f"p{prevenir.pk}": 1, f"p{proteger.pk}": 1}, follow=True
    )
    assert "Deux priorités ne peuvent porter le même numéro." in response.content.decode()
    assert Priorite.objects.get(pk=prevenir.pk).numero == 2


def _contrat(contrat, **champs):
    return {
        "nom_conseil": contrat.nom_conseil,
        "titre": contrat.titre,
        "nature": contrat.nature,
        "date_signature": contrat.date_signature.isoformat(),
        "date_debut": "",
        "date_fin": "",
        "annee_diagnostic": contrat.annee_diagnostic,
        **champs,
    }


def test_the_platforms_name_is_the_contracts_and_the_coordination_edits_it(contrat, client_de, coordination):
    client = client_de(coordination)
    response = client.post(
        reverse("gestion:contrat"), _contrat(contrat, nom_conseil="CLSPD du Val"), follow=True
    )
    assert "enregistré" in response.content.decode()
    contrat.refresh_from_db()
    assert contrat.nom_conseil == "CLSPD du Val" and contrat.history.count() == 2


def test_overlapping_contracts_are_refused_in_french(contrat, client_de, coordination):
    suivant = ContratFactory(
        territoire=contrat.territoire, titre="Stratégie 2030", date_signature=datetime.date(2030, 1, 1)
    )
    assert Contrat.objects.courant() == contrat  # in force today; the next one begins later
    response = client_de(coordination).post(
        reverse("gestion:contrat"), _contrat(contrat, date_fin="2031-12-31")
    )
    page = html.unescape(response.content.decode())
    assert "Ces dates chevauchent celles d'un autre contrat du même conseil : « Stratégie 2030 »" in page
    contrat.refresh_from_db()
    assert contrat.date_fin is None and suivant.pk


def test_a_partner_outside_the_perimeter_keeps_its_territory_when_edited(contrat, client_de, coordination):
    departement = TerritoireFactory(niveau="departement", code="98", nom="Département voisin")
    conseil = PartenaireFactory(nom="Conseil départemental", nature="collectivite", territoire=departement)
    donnees = {"nom": conseil.nom, "sigle": "CD", "nature": "collectivite", "territoire": departement.pk}
    response = client_de(coordination).post(
        reverse("gestion:partenaire_modifier", args=[conseil.pk]), donnees
    )
    assert response.status_code == 302
    conseil.refresh_from_db()
    assert (conseil.sigle, conseil.territoire) == ("CD", departement)
