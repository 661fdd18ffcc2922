"""Who reaches what: every role × every engagements URL, and what each must NOT reach."""

import datetime

import pytest
from django.test import Client

from engagements.models import Engagement, PointEtape
from tests.engagements.factories import ActionFactory, EngagementFactory, PointEtapeFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["coordination", "partenaire", "autre_partenaire", "secretariat", "analyste", "sans_role"]
LECTEURS = {
    "coordination": 200,
    "partenaire": 200,
    "autre_partenaire": 200,
    "secretariat": 200,
    "analyste": 200,
}
COORDINATION_SEULE = {"coordination": 200}
SAISIE = {"coordination": 200, "partenaire": 200, "autre_partenaire": 200}


@pytest.fixture
def engagement(partenaire):
    """A commitment of `partenaire`'s organisation (not `autre_partenaire`'s)."""
    e = EngagementFactory(
        reference="e-stp", partenaire=partenaire.partenaire, echeance=datetime.date(2030, 1, 1)
    )
    PointEtapeFactory(engagement=e, auteur=partenaire, date=datetime.date(1999, 6, 1))
    return e


@pytest.mark.parametrize(
    ("url", "attendus"),
    [
        ("/engagements/", LECTEURS),
        ("/engagements/syntheses/", LECTEURS),
        ("/engagements/export/?format=csv", LECTEURS),
        ("/engagements/engagement/e-stp/", LECTEURS),
        ("/engagements/actions/{action}/", LECTEURS),
        ("/engagements/mes-engagements/", SAISIE),
        ("/engagements/nouveau/", SAISIE),
        ("/engagements/engagement/e-stp/modifier/", COORDINATION_SEULE),
        ("/engagements/actions/nouvelle/", COORDINATION_SEULE),
        ("/engagements/actions/{action}/modifier/", COORDINATION_SEULE),
        ("/engagements/import/", COORDINATION_SEULE),
        ("/engagements/points-a-valider/", COORDINATION_SEULE),
    ],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_get_answers_per_role(request, engagement, url, attendus, persona, client_de):
    url = url.format(action=engagement.action.reference)
    response = client_de(request.getfixturevalue(persona)).get(url)
    assert response.status_code == attendus.get(persona, 403), (persona, url)


@pytest.mark.parametrize(
    "url", ["/engagements/", "/engagements/engagement/e-stp/", "/engagements/export/", "/engagements/import/"]
)
def test_anonymous_is_sent_to_login(engagement, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_unknown_reference_answers_404(coordination):
    client = Client()
    client.force_login(coordination)
    assert client.get("/engagements/engagement/inconnu/").status_code == 404
    assert client.get("/engagements/actions/inconnue/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "attendu"),
    [
        ("coordination", 302),
        ("partenaire", 302),
        ("autre_partenaire", 403),
        ("secretariat", 403),
        ("analyste", 403),
        ("sans_role", 403),
    ],
)
def test_adding_a_progress_report_per_role(request, engagement, persona, attendu, client_de):
    avant = PointEtape.objects.count()
    response = client_de(request.getfixturevalue(persona)).post(
        "/engagements/engagement/e-stp/point/",
        {"point-e-stp-date": "2000-01-15", "point-e-stp-valeur": "7", "point-e-stp-commentaire": ""},
    )
    assert response.status_code == attendu
    assert PointEtape.objects.count() == avant + (1 if attendu == 302 else 0)


def test_partner_cannot_edit_another_organisations_commitment(engagement, autre_partenaire):
    client = Client()
    client.force_login(autre_partenaire)
    page = client.get("/engagements/engagement/e-stp/").content.decode()
    assert "/engagements/engagement/e-stp/point/" not in page
    assert "/engagements/engagement/e-stp/modifier/" not in page
    liste = client.get("/engagements/").content.decode()
    assert "/engagements/engagement/e-stp/modifier/" not in liste
    assert "#engagement-e-stp" not in liste
    assert client.get("/engagements/engagement/e-stp/modifier/").status_code == 403
    assert client.post("/engagements/engagement/e-stp/modifier/", {}).status_code == 403
    assert "e-stp" not in client.get("/engagements/mes-engagements/").content.decode()


def test_partner_sees_the_add_report_form_on_its_own_commitment_only(engagement, partenaire):
    client = Client()
    client.force_login(partenaire)
    assert (
        "/engagements/engagement/e-stp/point/"
        in client.get("/engagements/engagement/e-stp/").content.decode()
    )
    assert "#engagement-e-stp" in client.get("/engagements/").content.decode()


@pytest.mark.parametrize(
    ("persona", "voit"),
    [("coordination", True), ("partenaire", True), ("autre_partenaire", False), ("analyste", False)],
)
def test_history_is_read_by_coordination_and_the_owner_only(request, engagement, persona, voit, client_de):
    response = client_de(request.getfixturevalue(persona)).get("/engagements/engagement/e-stp/")
    assert ("Historique des modifications" in response.content.decode()) is voit
    assert (response.context["historique"] is not None) is voit


@pytest.mark.parametrize("persona", ["partenaire", "autre_partenaire", "secretariat", "analyste"])
def test_only_coordination_validates_reports(request, engagement, persona, client_de):
    point = engagement.points.get()
    response = client_de(request.getfixturevalue(persona)).post(f"/engagements/points/{point.pk}/valider/")
    assert response.status_code == 403
    point.refresh_from_db()
    assert point.valide_le is None


def test_coordination_validates_a_report(engagement, coordination):
    point = engagement.points.get()
    client = Client()
    client.force_login(coordination)
    assert client.post(f"/engagements/points/{point.pk}/valider/").status_code == 302
    point.refresh_from_db()
    assert point.valide_par == coordination


def test_no_role_reads_no_commitment_anywhere(engagement, sans_role):
    from engagements.models import Engagement

    assert not Engagement.objects.visibles_par(sans_role).exists()
    assert not Engagement.objects.avancement_renseignable_par(sans_role).exists()


def test_partner_reports_progress_on_its_own_commitments_but_never_changes_their_terms(
    engagement, partenaire, autre_partenaire, coordination
):
    from engagements.models import Engagement

    assert list(Engagement.objects.avancement_renseignable_par(partenaire)) == [engagement]
    assert not Engagement.objects.avancement_renseignable_par(autre_partenaire).exists()
    assert not Engagement.objects.termes_modifiables_par(partenaire).exists()
    assert list(Engagement.objects.termes_modifiables_par(coordination)) == [engagement]


def test_a_partner_enters_a_commitment_for_its_own_organisation_only(partenaire, autre_partenaire, client_de):
    action = ActionFactory()
    reponse = client_de(partenaire).post(
        "/engagements/nouveau/",
        {
            "action": action.pk,
            "reference": "e-propose",
            # Naming another organisation changes nothing: the field is not the partner's to choose.
            "partenaire": autre_partenaire.partenaire.pk,
            "description": "Médiateurs dans les bus du soir",
            "unite": "médiateurs",
            "valeur_initiale": "0",
            "valeur_cible": "4",
            "echeance": "31/12/2030",
            "poids": "9",
            "illustratif": "on",
        },
    )
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    engagement = Engagement.objects.get(reference="e-propose")
    assert engagement.partenaire == partenaire.partenaire
    assert not engagement.illustratif
    assert engagement.poids == Engagement._meta.get_field("poids").default
    assert engagement.history.get().history_user == partenaire
    # Its terms stay the coordination's to change.
    assert client_de(partenaire).get(
        f"/engagements/engagement/{engagement.reference}/modifier/"
    ).status_code in (403, 404)


def test_a_partner_account_without_organisation_cannot_enter_a_commitment(partenaire, client_de):
    partenaire.partenaire = None
    partenaire.save()
    assert client_de(partenaire).get("/engagements/nouveau/").status_code == 403
