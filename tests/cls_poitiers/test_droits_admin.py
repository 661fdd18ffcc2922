"""Only a superuser reaches the Django admin: the coordination manages the council in the
application (cls_poitiers.gestion), so no admin form can serve to raise its own rights."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Utilisateur
from tests.securite.test_droits_admin import _formulaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinateur(coordination):
    """A coordination account ticked "staff", as the old set-up asked."""
    coordination.is_staff = True
    coordination.save()
    return coordination


def _vers_la_connexion_admin(response) -> bool:
    return response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_a_staff_coordination_does_not_reach_the_admin(demo):
    coordination = Utilisateur.objects.get(username="coordination")
    coordination.is_staff = True
    coordination.save()
    client = Client()
    client.force_login(coordination)
    for url in (
        reverse("admin:index"),
        reverse("admin:cls_poitiers_utilisateur_changelist"),
        reverse("admin:cls_poitiers_utilisateur_change", args=[coordination.pk]),
        reverse("admin:cls_poitiers_partenaire_changelist"),
        reverse("admin:comites_comite_changelist"),
        reverse("admin:auth_group_changelist"),
    ):
        assert _vers_la_connexion_admin(client.get(url)), url
    # The admin's login page tells an authenticated account it has no access, in French.
    page = client.get(reverse("admin:login")).content.decode()
    assert "n’êtes pas autorisé" in page or "n'êtes pas autorisé" in page


def test_the_admin_refuses_to_let_the_coordination_raise_its_own_permissions(client_de, coordinateur):
    client = client_de(coordinateur)
    tous_les_droits = Permission.objects.get(codename="change_group")
    puissant = Group.objects.create(name="Administrateurs")
    puissant.permissions.add(Permission.objects.get(codename="delete_utilisateur"))
    change = reverse("admin:cls_poitiers_utilisateur_change", args=[coordinateur.pk])
    forges = _formulaire(
        coordinateur,
        is_superuser="on",
        user_permissions=[str(tous_les_droits.pk)],
        groups=[str(puissant.pk), *[str(g.pk) for g in coordinateur.groups.all()]],
    )
    historique = coordinateur.history.first()
    for url in (
        change,
        reverse(
            "admin:cls_poitiers_utilisateur_simple_history", args=[coordinateur.pk, historique.history_id]
        ),
        reverse("admin:auth_group_change", args=[coordinateur.groups.get().pk]),
        reverse("admin:cls_poitiers_utilisateur_add"),
    ):
        assert _vers_la_connexion_admin(client.post(url, forges)), url
    coordinateur.refresh_from_db()
    assert not coordinateur.is_superuser
    assert not coordinateur.user_permissions.exists()
    assert not coordinateur.groups.filter(pk=puissant.pk).exists()
    assert not coordinateur.groups.get().permissions.filter(pk=tous_les_droits.pk).exists()


def test_partner_accounts_have_no_admin(client_de, partenaire):
    assert _vers_la_connexion_admin(client_de(partenaire).get(reverse("admin:index")))


def test_a_superuser_still_manages_accounts_in_the_admin(client_de, coordinateur):
    racine = Utilisateur.objects.create_superuser("racine", "racine@example.fr", "mot-de-passe-racine-2026")
    client = client_de(racine)
    page = client.get(reverse("admin:cls_poitiers_utilisateur_change", args=[coordinateur.pk]))
    assert page.status_code == 200 and 'name="is_superuser"' in page.content.decode()
    response = client.post(
        reverse("admin:cls_poitiers_utilisateur_change", args=[coordinateur.pk]),
        _formulaire(coordinateur, fonction="Coordinatrice"),
    )
    assert response.status_code == 302
    coordinateur.refresh_from_db()
    assert coordinateur.fonction == "Coordinatrice" and not coordinateur.is_superuser
