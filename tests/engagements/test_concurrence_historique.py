"""Two editors on one commitment: the second save is refused with what changed in between;
every change is kept in the history with who, when and why."""

import datetime

import pytest
from django.test import Client

from engagements.models import Engagement
from tests.engagements.factories import EngagementFactory
from tests.factories import UtilisateurFactory, commune_du_contrat

pytestmark = pytest.mark.django_db


def _formulaire(engagement, **changes):
    data = {
        "action": engagement.action.pk,
        "partenaire": engagement.partenaire.pk,
        "description": engagement.description,
        "unite": engagement.unite,
        "valeur_initiale": str(engagement.valeur_initiale),
        "valeur_cible": str(engagement.valeur_cible),
        "echeance": engagement.echeance.isoformat(),
        "territoires": [t.pk for t in engagement.territoires.all()],
        "poids": engagement.poids,
        "version": engagement.version,
        "motif": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def deux_coordinateurs(coordination):
    from django.contrib.auth.models import Group

    from cls_poitiers.permissions import COORDINATION

    autre = UtilisateurFactory(username="claire", first_name="Claire", last_name="Coordinatrice")
    autre.groups.add(Group.objects.get_or_create(name=COORDINATION)[0])
    premier, second = Client(), Client()
    premier.force_login(autre)
    second.force_login(coordination)
    return premier, second


def test_second_save_is_refused_with_what_changed_in_between(deux_coordinateurs):
    premier, second = deux_coordinateurs
    e = EngagementFactory(valeur_cible=15, echeance=datetime.date(1999, 12, 31))
    url = f"/engagements/engagement/{e.reference}/modifier/"
    formulaire_ouvert = _formulaire(e)  # both opened the form at version 1

    assert (
        premier.post(url, {**formulaire_ouvert, "valeur_cible": "18", "motif": "Avenant n°1"}).status_code
        == 302
    )
    response = second.post(url, {**formulaire_ouvert, "echeance": "2000-06-30"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "modifié entre-temps" in page
    assert "Claire Coordinatrice" in page
    conflit = response.context["conflit"]["changements"]
    assert [(str(c["champ"]), c["avant"], c["apres"]) for c in conflit] == [("valeur cible", 15, 18)]
    e.refresh_from_db()
    assert (e.valeur_cible, e.echeance, e.version) == (18, datetime.date(1999, 12, 31), 2)
    # The form now carries the current version: saving again applies this editor's values knowingly.
    assert response.context["form"]["version"].value() == 2
    assert second.post(
        url, {**formulaire_ouvert, "valeur_cible": "18", "echeance": "2000-06-30", "version": 2}
    )
    e.refresh_from_db()
    assert (e.valeur_cible, e.echeance, e.version) == (18, datetime.date(2000, 6, 30), 3)


def test_conflict_lists_territories_changed_in_between(deux_coordinateurs):
    premier, second = deux_coordinateurs
    e = EngagementFactory()
    bel_air = commune_du_contrat(nom="Bel-Air")
    url = f"/engagements/engagement/{e.reference}/modifier/"
    ouvert = _formulaire(e)
    premier.post(url, {**ouvert, "territoires": [bel_air.pk]})
    response = second.post(url, {**ouvert, "poids": 2})
    assert response.status_code == 409
    assert "Bel-Air" in response.content.decode()


def test_history_records_who_when_and_old_and_new_values(coordination):
    e = EngagementFactory(valeur_cible=15)
    client = Client()
    client.force_login(coordination)
    client.post(
        f"/engagements/engagement/{e.reference}/modifier/",
        _formulaire(e, valeur_cible="18", motif="Avenant n°1"),
    )
    dernier = Engagement.objects.get(pk=e.pk).history.latest()
    assert dernier.history_user == coordination
    assert dernier.history_change_reason == "Avenant n°1"
    page = client.get(e.get_absolute_url())
    [entree] = [h for h in page.context["historique"] if h["changements"]]
    assert entree["auteur"] == coordination
    assert entree["motif"] == "Avenant n°1"
    assert [(str(c["champ"]), c["avant"], c["apres"]) for c in entree["changements"]] == [
        ("valeur cible", "15", "18")
    ]
    assert "Avenant n°1" in page.content.decode()


def test_action_changes_are_in_its_history_for_coordination(coordination):
    from tests.engagements.factories import ActionFactory

    action = ActionFactory(titre="Ancien intitulé")
    client = Client()
    client.force_login(coordination)
    response = client.post(
        f"/engagements/actions/{action.reference}/modifier/",
        {
            "priorite": action.priorite.pk,
            "reference": action.reference,
            "titre": "Nouvel intitulé",
            "ordre": 0,
        },
    )
    assert response.status_code == 302
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Ancien intitulé" in page and "Nouvel intitulé" in page
    assert action.history.latest().history_user == coordination
