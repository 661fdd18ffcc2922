"""Nobody raises their own rights in the admin: superuser status and individual permissions are a
superuser's alone, and a role is granted only by someone who holds all its permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cls_poitiers.models import Utilisateur
from cls_poitiers.permissions import PARTENAIRE

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinateur(coordination):
    coordination.is_staff = True
    coordination.save()
    return coordination


def _formulaire(user, **champs):
    """What the user change form posts for `user`, with `champs` on top."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(g.pk) for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "partenaire": str(user.partenaire_id or ""),
        "fonction": user.fonction,
    }
    data.update(champs)
    return {k: v for k, v in data.items() if v != ""}


def _modifier(client, user, **champs):
    return client.post(
        reverse("admin:cls_poitiers_utilisateur_change", args=[user.pk]), _formulaire(user, **champs)
    )


def test_a_staff_coordination_gets_the_admins_login_page_not_the_user_form(client_de, coordinateur):
    page = client_de(coordinateur).get(
        reverse("admin:cls_poitiers_utilisateur_change", args=[coordinateur.pk])
    )
    assert page.status_code == 302 and reverse("admin:login") in page["Location"]


def test_coordination_cannot_make_itself_superuser_with_a_forged_post(client_de, coordinateur):
    permission = Permission.objects.get(codename="delete_utilisateur")
    response = _modifier(
        client_de(coordinateur), coordinateur, is_superuser="on", user_permissions=[str(permission.pk)]
    )
    assert response.status_code == 302  # to the admin's login page: nothing is saved
    coordinateur.refresh_from_db()
    assert not coordinateur.is_superuser
    assert not coordinateur.user_permissions.exists()


def test_coordination_cannot_grant_a_role_in_the_admin(client_de, coordinateur, partenaire):
    """The rule on roles (cls_poitiers.gestion.roles) is the accounts pages' now:
    tests/cls_poitiers/test_gestion.py; the admin is a superuser's alone."""
    puissant = Group.objects.create(name="Administrateurs")
    puissant.permissions.add(Permission.objects.get(codename="delete_utilisateur"))
    for groupes in ([str(puissant.pk)], [str(Group.objects.get(name=PARTENAIRE).pk)]):
        response = _modifier(client_de(coordinateur), partenaire, groups=groupes)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert set(partenaire.groups.values_list("name", flat=True)) == {PARTENAIRE}


def test_coordination_cannot_change_a_superusers_account_nor_its_password(client_de, coordinateur):
    admin = Utilisateur.objects.create_superuser("racine", "racine@example.fr", "mot-de-passe-racine-2026")
    client = client_de(coordinateur)
    for url in (
        reverse("admin:cls_poitiers_utilisateur_change", args=[admin.pk]),
        reverse("admin:auth_user_password_change", args=[admin.pk]),
    ):
        response = client.post(url, {"password1": "x" * 20, "password2": "x" * 20, "is_superuser": "on"})
        assert response.status_code in (302, 403, 404), url
    admin.refresh_from_db()
    assert admin.check_password("mot-de-passe-racine-2026")


def test_superuser_still_edits_superuser_status(client_de):
    admin = Utilisateur.objects.create_superuser("racine", "racine@example.fr", "mot-de-passe-racine-2026")
    page = client_de(admin).get(reverse("admin:cls_poitiers_utilisateur_change", args=[admin.pk]))
    assert 'name="is_superuser"' in page.content.decode()
