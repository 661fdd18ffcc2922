"""A priority's page lists its fiches-actions and their commitments; a commitment's label never
writes a figure that one of its fields holds, and the lists show the current target."""

import re
from decimal import Decimal

import pytest

from cls_poitiers.models import Priorite
from engagements.forms import EngagementForm
from engagements.models import Engagement
from tests.conftest import REQUETES_CONNEXION, lire_page
from tests.engagements.factories import ActionFactory, EngagementFactory, PointEtapeFactory

pytestmark = pytest.mark.django_db


def _priorite_avec_actions(n):
    premiere = ActionFactory(titre="Médiation dans les bus")
    priorite = premiere.priorite
    actions = [premiere, *(ActionFactory(priorite=priorite) for _ in range(n - 1))]
    for action in actions:
        for _ in range(2):
            e = EngagementFactory(action=action, valeur_cible=Decimal(4))
            PointEtapeFactory(engagement=e, valeur=Decimal(1))
    return priorite


def test_priority_page_lists_its_actions_and_their_commitments_with_progress_and_state(analyste, client_de):
    priorite = _priorite_avec_actions(1)
    engagement = Engagement.objects.first()
    ailleurs = EngagementFactory(description="Engagement d'une autre priorité")
    page = lire_page(
        client_de(analyste),
        priorite.get_absolute_url(),
        "Fiches-actions et engagements",
        "Médiation dans les bus",
        engagement.description,
        f'value="25" id="barre-{engagement.reference}"',
        "En retard",  # deadline 31/12/1999, a quarter of the way
        '<td class="cible">4 agents</td>',
    )
    assert ailleurs.description not in page
    assert "Avancement pondéré" in page


@pytest.mark.parametrize("n", [1, 6])
def test_priority_page_query_count_whatever_the_number_of_actions(
    analyste, client_de, django_assert_num_queries, n
):
    priorite = _priorite_avec_actions(n)
    client = client_de(analyste)
    # Login, then the priority and its contract, the header's organisation, the actions and their
    # leads, their commitments with progress, partner and priority.
    with django_assert_num_queries(REQUETES_CONNEXION + 4):
        page = lire_page(client, priorite.get_absolute_url(), "Fiches-actions et engagements")
    assert page.count('id="barre-') == 2 * n


def test_a_user_without_a_role_sees_no_action_on_a_priority_page(sans_role, client_de):
    priorite = _priorite_avec_actions(1)
    page = lire_page(client_de(sans_role), priorite.get_absolute_url(), priorite.titre)
    assert "Fiches-actions et engagements" not in page
    assert Engagement.objects.first().description not in page


def _chiffres(texte):
    return {Decimal(n.replace(",", ".")) for n in re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)?(?!\w)", texte)}


def test_no_demo_label_writes_its_target_or_starting_value(demo):
    for e in Engagement.objects.all():
        valeurs = {e.valeur_cible, e.valeur_initiale} - {Decimal(0)}
        premieres = {h.valeur_cible for h in e.history.all()}
        assert not _chiffres(e.description) & (valeurs | premieres), e.reference


def test_the_lists_show_the_target_as_amended(demo, analyste, client_de):
    amende = Engagement.objects.get(reference="p3-alms-poitiers")
    assert amende.valeur_cible == Decimal(6) and amende.history.earliest().valeur_cible == Decimal(5)
    client = client_de(analyste)
    liste = lire_page(client, "/engagements/?partenaire=" + str(amende.partenaire_id))
    ligne = liste[liste.index(f">{amende.reference}</a>") :]
    assert ligne[: ligne.index("</tr>")].count('<td class="cible">6 ALMS</td>') == 1
    action = lire_page(client, amende.action.get_absolute_url())
    assert '<td class="cible">6 ALMS</td>' in action
    priorite = lire_page(client, Priorite.objects.get(actions=amende.action).get_absolute_url())
    assert '<td class="cible">6 ALMS</td>' in priorite


@pytest.mark.parametrize(
    ("description", "refuse"),
    [
        ("Recruter 5 agents locaux de médiation sociale", True),
        ("Porter l'effectif de 9 à 17 fonctionnaires", True),
        ("Recruter des agents locaux de médiation sociale (2 communes)", False),
        ("Recruter des agents locaux de médiation sociale", False),
    ],
)
def test_a_label_that_writes_the_target_or_the_start_is_refused_in_french(description, refuse):
    action = ActionFactory()
    form = EngagementForm(
        {
            "action": action.pk,
            "reference": "alms-test",
            "partenaire": EngagementFactory().partenaire_id,
            "description": description,
            "unite": "agents",
            "valeur_initiale": "9" if "9" in description else "0",
            "valeur_cible": "17" if "17" in description else "5",
            "echeance": "1999-12-31",
            "poids": "1",
        }
    )
    assert form.is_valid() is not refuse, form.errors
    if refuse:
        assert "Décrivez l'engagement sans ce chiffre" in form.errors["description"][0]
