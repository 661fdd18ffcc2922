"""The coordination reads the audit trail: who changed what and when, logins and failures."""

import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Territoire
from tests.conftest import MOT_DE_PASSE, REQUETES_CONNEXION, lire_page
from tests.factories import TerritoireFactory

pytestmark = pytest.mark.django_db


def test_coordination_sees_who_changed_a_territory_and_what(coordination, client_de):
    territoire = TerritoireFactory(nom="Bel-Air", prioritaire=False)
    territoire._history_user = coordination
    territoire.prioritaire = True
    territoire.save()
    record = Territoire.history.filter(id=territoire.pk).latest()
    client = client_de(coordination)
    listing = client.get(reverse("journal_modele", args=["cls_poitiers.territoire"])).content.decode()
    assert "Bel-Air" in listing
    assert str(coordination) in listing
    detail = client.get(reverse("journal_entree", args=["cls_poitiers.territoire", record.history_id]))
    html = detail.content.decode()
    assert "Traitement prioritaire" in html
    assert "True" in html and "False" in html


def test_journal_list_query_count(coordination, django_assert_num_queries, client_de):
    for i in range(30):
        TerritoireFactory(nom=f"T{i}")
    client = client_de(coordination)
    # Login, then the count and the page of the territories' history, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        lire_page(client, reverse("journal_modele", args=["cls_poitiers.territoire"]), "T29")


def test_failed_and_successful_logins_are_listed(coordination, partenaire, client_de):
    Client().post(reverse("login"), {"username": partenaire.username, "password": "faux"})
    Client().post(reverse("login"), {"username": partenaire.username, "password": MOT_DE_PASSE})
    html = client_de(coordination).get(reverse("journal_connexions")).content.decode()
    assert html.count(partenaire.username) >= 2


@pytest.mark.parametrize("persona", ["partenaire", "secretariat", "analyste", "sans_role"])
def test_other_roles_cannot_read_the_journal(request, persona, client_de):
    client = client_de(request.getfixturevalue(persona))
    for url in (
        reverse("journal"),
        reverse("journal_connexions"),
        reverse("journal_modele", args=["cls_poitiers.territoire"]),
    ):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login_from_the_journal():
    response = Client().get(reverse("journal"))
    assert response.status_code == 302


def test_unknown_model_label_is_404(coordination, client_de):
    assert client_de(coordination).get(reverse("journal_modele", args=["auth.user"])).status_code == 404


def test_role_changes_of_a_user_are_kept_in_history(coordination, partenaire):
    from django.contrib.auth.models import Group

    from cls_poitiers.models import Utilisateur

    partenaire._history_user = coordination
    partenaire.groups.add(Group.objects.get_or_create(name="Coordination")[0])
    dernier = Utilisateur.history.filter(id=partenaire.pk).latest()
    assert {g.group.name for g in dernier.groups.all()} == {"Partenaire", "Coordination"}
    assert dernier.history_user == coordination
