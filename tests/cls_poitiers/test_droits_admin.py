"""The coordination manages the contract's referential in the admin; other roles cannot."""

import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Utilisateur

pytestmark = pytest.mark.django_db


def test_demo_coordination_manages_committees_partners_and_users_in_the_admin(demo):
    from comites.models import Comite

    comite = Comite.objects.get(code="pilotage")
    client = Client()
    client.force_login(Utilisateur.objects.get(username="coordination"))
    for url in (
        reverse("admin:comites_comite_changelist"),
        reverse("admin:comites_comite_change", args=[comite.pk]),  # members are edited inline
        reverse("admin:cls_poitiers_partenaire_changelist"),
        reverse("admin:cls_poitiers_territoire_changelist"),
        reverse("admin:cls_poitiers_utilisateur_changelist"),
        reverse("admin:observatoire_indicateur_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    # Deleting stays with superusers: nothing disappears silently.
    assert client.get(reverse("admin:comites_comite_delete", args=[comite.pk])).status_code == 403


def test_partner_accounts_have_no_admin(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="stp"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
