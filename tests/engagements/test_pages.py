"""The engagements pages: mes engagements, the filtered list, the detail, home and territory panels,
with query counts bounded whatever the number of commitments."""

import datetime
import json

import pytest
from django.utils import timezone

from engagements.models import Engagement, Statut
from tests.conftest import IDENTITE, REQUETES_CONNEXION, lire_page
from tests.engagements.factories import ActionFactory, EngagementFactory, PointEtapeFactory
from tests.factories import PartenaireFactory, TerritoireFactory, commune_du_contrat

pytestmark = pytest.mark.django_db


def test_mes_engagements_lists_the_organisations_commitments_with_bar_and_form(
    partenaire, autre_partenaire, client_de
):
    mien = EngagementFactory(
        partenaire=partenaire.partenaire, valeur_cible=4, echeance=datetime.date(2030, 1, 1)
    )
    PointEtapeFactory(engagement=mien, valeur=1)
    EngagementFactory(partenaire=autre_partenaire.partenaire, reference="pas-le-mien")
    page = client_de(partenaire).get("/engagements/mes-engagements/").content.decode()
    assert f'<progress class="avancement" max="100" value="25" id="barre-{mien.reference}"' in page
    assert f"/engagements/engagement/{mien.reference}/point/" in page
    assert "31/12/1999" not in page
    assert "01/01/2030" in page
    assert "pas-le-mien" not in page


def test_adding_a_report_moves_the_bar(partenaire, client_de):
    e = EngagementFactory(
        partenaire=partenaire.partenaire, valeur_cible=4, echeance=datetime.date(2030, 1, 1)
    )
    client = client_de(partenaire)
    response = client.post(
        f"/engagements/engagement/{e.reference}/point/",
        {
            f"point-{e.reference}-date": timezone.localdate().isoformat(),
            f"point-{e.reference}-valeur": "3",
            f"point-{e.reference}-commentaire": "Deux recrutements",
            "next": "/engagements/mes-engagements/",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/engagements/mes-engagements/"
    assert 'value="75"' in response.content.decode()
    point = e.points.get()
    assert point.auteur == partenaire
    assert point.history.get().history_user == partenaire


def test_report_in_the_future_is_refused_in_french(partenaire, client_de):
    e = EngagementFactory(partenaire=partenaire.partenaire)
    demain = timezone.localdate() + datetime.timedelta(days=1)
    response = client_de(partenaire).post(
        f"/engagements/engagement/{e.reference}/point/",
        {f"point-{e.reference}-date": demain.isoformat(), f"point-{e.reference}-valeur": "3"},
    )
    assert response.status_code == 400
    assert "ne peut pas être daté dans le futur" in response.content.decode()
    assert not e.points.exists()


def test_open_redirect_after_a_report_is_refused(partenaire, client_de):
    e = EngagementFactory(partenaire=partenaire.partenaire)
    response = client_de(partenaire).post(
        f"/engagements/engagement/{e.reference}/point/",
        {
            f"point-{e.reference}-date": "1999-01-01",
            f"point-{e.reference}-valeur": "3",
            "next": "https://ailleurs.example/",
        },
    )
    assert response["Location"] == e.get_absolute_url()


def test_detail_passes_chart_data_as_json_and_shows_the_same_table(analyste, client_de):
    e = EngagementFactory(valeur_cible=8)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 1, 31), valeur=3)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 9, 30), valeur=6)
    response = client_de(analyste).get(e.get_absolute_url())
    page = response.content.decode()
    assert '<script id="donnees-graphique" type="application/json">' in page
    assert "js/engagements/graphique.js" in page
    assert "vendor/chart.js/chart.umd.min.js" in page
    assert response.context["graphique"]["valeurs"] == [3.0, 6.0]
    assert response.context["graphique"]["cible"] == 8.0
    assert "30/09/1999" in page
    assert 'style="' not in page
    assert "{% detail_panels" not in page
    assert "Avenants" in page


def test_detail_at_a_reference_date_reads_the_past(analyste, client_de):
    e = EngagementFactory(valeur_cible=8, echeance=datetime.date(1999, 12, 31))
    PointEtapeFactory(engagement=e, date=datetime.date(2000, 3, 1), valeur=8)
    client = client_de(analyste)
    assert (
        client.get(e.get_absolute_url() + "?au=31/12/1999").context["engagement"].statut
        == Statut.NON_COMMENCE
    )
    assert client.get(e.get_absolute_url()).context["engagement"].statut == Statut.ATTEINT


@pytest.fixture
def beaucoup(db):
    """Commitments over several partners, actions, territories and statuses."""

    def creer(n):
        territoire = TerritoireFactory(code="86194", nom="Poitiers")
        partenaires = [PartenaireFactory() for _ in range(3)]
        actions = [ActionFactory() for _ in range(3)]
        for i in range(n):
            e = EngagementFactory(
                partenaire=partenaires[i % 3],
                action=actions[i % 3],
                echeance=datetime.date(1999 + i % 40, 12, 31),
            )
            e.territoires.add(territoire)
            PointEtapeFactory(engagement=e, valeur=i % 12)

    return creer


@pytest.mark.parametrize("n", [5, 60])
def test_list_query_count_whatever_the_number(beaucoup, analyste, django_assert_num_queries, n, client_de):
    beaucoup(n)
    client = client_de(analyste)
    # Login, then the count, the header's organisation, the filter form's contracts, partners,
    # priorities and territories, the page of rows, their territories.
    with django_assert_num_queries(REQUETES_CONNEXION + 8):
        response = client.get("/engagements/?tri=-echeance")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [5, 60])
def test_other_lists_query_counts_whatever_the_number(
    beaucoup, coordination, django_assert_num_queries, n, client_de
):
    beaucoup(n)
    coordination.partenaire = Engagement.objects.first().partenaire
    coordination.save()
    les_siens = Engagement.objects.filter(partenaire=coordination.partenaire).count()
    client = client_de(coordination)
    # Login, then the commitments, the priorities, their actions, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 4):
        lire_page(client, "/engagements/syntheses/", "Synthèses des engagements")
    # Login, then the organisation's commitments, their progress reports, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        response = client.get("/engagements/mes-engagements/")
        assert response.status_code == 200
        assert response.content.decode().count('id="barre-') == les_siens
    # Login, then the commitments, their territories.
    with django_assert_num_queries(REQUETES_CONNEXION - IDENTITE + 2):
        response = client.get("/engagements/export/?format=csv")
        assert response.status_code == 200
        assert len(response.content.decode("utf-8-sig").splitlines()) == n + 1


def test_list_filters_by_priority_partner_territory_status_and_late(analyste, client_de):
    poitiers = commune_du_contrat(code="86194", nom="Poitiers")
    couronneries = TerritoireFactory(quartier=True, code="QP086005", nom="Les Couronneries", parent=poitiers)
    stp = PartenaireFactory(code="stp")
    en_retard = EngagementFactory(reference="en-retard", partenaire=stp, echeance=datetime.date(1999, 1, 1))
    en_retard.territoires.add(couronneries)
    a_venir = EngagementFactory(reference="a-venir", echeance=datetime.date(2099, 1, 1))
    client = client_de(analyste)

    def refs(query):
        return {e.reference for e in client.get("/engagements/?" + query).context["page"]}

    assert refs("") == {"en-retard", "a-venir"}
    assert refs("partenaire=stp") == {"en-retard"}
    assert refs(f"priorite={a_venir.action.priorite.pk}") == {"a-venir"}
    assert refs("territoire=86194") == {"en-retard"}  # the commune takes in its quartiers
    assert refs("statut=non_commence") == {"a-venir"}
    assert refs("en_retard=on") == {"en-retard"}
    assert refs("en_retard=on&au=1998-06-01") == set()


def test_list_sorts_and_paginates(analyste, client_de):
    for i in range(30):
        EngagementFactory(reference=f"e-{i:02d}", echeance=datetime.date(2000 + i, 1, 1))
    client = client_de(analyste)
    page1 = client.get("/engagements/?tri=-echeance").context["page"]
    assert page1.paginator.num_pages == 2
    assert [e.reference for e in page1][:2] == ["e-29", "e-28"]
    page2 = client.get("/engagements/?tri=-echeance&page=2")
    assert [e.reference for e in page2.context["page"]][-1] == "e-00"
    assert "tri=-echeance&amp;page=1" in page2.content.decode()


def test_home_panel_for_partner_lists_its_late_commitments(partenaire, client_de):
    EngagementFactory(partenaire=partenaire.partenaire, description="Recruter deux médiateurs")
    page = client_de(partenaire).get("/").content.decode()
    assert "Votre organisation a 1 engagement." in page
    assert "Recruter deux médiateurs" in page


def test_home_panel_for_coordination_counts_by_status(coordination, client_de):
    EngagementFactory(echeance=datetime.date(1999, 1, 1))
    EngagementFactory(echeance=datetime.date(2099, 1, 1))
    response = client_de(coordination).get("/")
    panneau = response.context["slots"][0]["panels"][0]["context"]
    assert dict(panneau["statuts"])[Statut.EN_RETARD] == 1
    assert dict(panneau["statuts"])[Statut.NON_COMMENCE] == 1
    assert "?statut=en_retard" in response.content.decode()


def test_territory_page_lists_commitments_on_it_and_its_quartiers(analyste, client_de):
    poitiers = commune_du_contrat(code="86194", nom="Poitiers")
    quartier = TerritoireFactory(quartier=True, code="QP086003", nom="Bel-Air", parent=poitiers)
    e = EngagementFactory(description="Cellule de veille à Bel-Air")
    e.territoires.add(quartier)
    EngagementFactory(description="Ailleurs")
    page = client_de(analyste).get("/territoires/86194/").content.decode()
    assert "Engagements sur ce territoire" in page
    assert "Cellule de veille à Bel-Air" in page
    assert "Ailleurs" not in page
    assert "<title>Poitiers —" in page


def test_nav_entries_follow_roles(partenaire, analyste, client_de):
    assert "Mes engagements" in client_de(partenaire).get("/").content.decode()
    page = client_de(analyste).get("/").content.decode()
    assert "Mes engagements" not in page
    assert 'href="/engagements/"' in page


def test_coordination_creates_an_action_and_a_commitment(coordination, client_de):
    from cls_poitiers.models import Priorite
    from tests.factories import PrioriteFactory

    # Signed as the reference contract: the deadline below may not precede it.
    priorite = PrioriteFactory(contrat__date_signature=datetime.date(1998, 7, 8))
    partenaire = PartenaireFactory(code="parquet")
    client = client_de(coordination)
    response = client.post(
        "/engagements/actions/nouvelle/",
        {"priorite": priorite.pk, "reference": "p6-rappels", "titre": "Rappels à la loi", "ordre": 1},
    )
    assert response.status_code == 302
    response = client.post(
        "/engagements/nouveau/",
        {
            "action": Priorite.objects.get().actions.get().pk,
            "reference": "p6-rappels-parquet",
            "partenaire": partenaire.pk,
            "description": "Développer les rappels à la loi",
            "unite": "rappels",
            "valeur_initiale": "0",
            "valeur_cible": "0",
            "echeance": "2000-12-31",
            "poids": "1",
        },
    )
    assert response.status_code == 200
    assert "La valeur cible doit différer de la valeur de départ." in response.content.decode()
    response = client.post(
        "/engagements/nouveau/",
        {
            "action": Priorite.objects.get().actions.get().pk,
            "reference": "p6-rappels-parquet",
            "partenaire": partenaire.pk,
            "description": "Développer les rappels à la loi",
            "unite": "rappels",
            "valeur_initiale": "0",
            "valeur_cible": "600",
            "echeance": "2000-12-31",
            "poids": "1",
            "motif": "Fiche adoptée en comité",
        },
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get(reference="p6-rappels-parquet")
    assert engagement.history.earliest().history_user == coordination


def test_pages_are_valid_json_script_for_chart(analyste, client_de):
    e = EngagementFactory(unite="agents </script>")
    PointEtapeFactory(engagement=e)
    page = client_de(analyste).get(e.get_absolute_url()).content.decode()
    debut = page.index('<script id="donnees-graphique" type="application/json">') + len(
        '<script id="donnees-graphique" type="application/json">'
    )
    donnees = json.loads(page[debut : page.index("</script>", debut)])
    assert donnees["unite"] == "agents </script>"


def test_abandoning_without_a_reason_is_refused_in_french(coordination, client_de):
    e = EngagementFactory()
    client = client_de(coordination)
    data = {
        "action": e.action.pk,
        "partenaire": e.partenaire.pk,
        "description": e.description,
        "unite": e.unite,
        "valeur_initiale": "0",
        "valeur_cible": "10",
        "echeance": "1999-12-31",
        "poids": "1",
        "version": "1",
        "abandonne_le": "1999-06-01",
    }
    response = client.post(f"/engagements/engagement/{e.reference}/modifier/", data)
    assert "Un engagement abandonné doit indiquer le motif de l&#x27;abandon." in response.content.decode()
    assert Engagement.objects.get(pk=e.pk).abandonne_le is None
    data["motif_abandon"] = "Financement retiré"
    assert client.post(f"/engagements/engagement/{e.reference}/modifier/", data).status_code == 302
    assert Engagement.objects.avec_avancement().get(pk=e.pk).statut == Statut.ABANDONNE


def test_admin_pages_of_the_app_open(admin_client):
    e = EngagementFactory()
    PointEtapeFactory(engagement=e)
    for url in [
        "/admin/engagements/action/",
        "/admin/engagements/engagement/",
        f"/admin/engagements/engagement/{e.pk}/change/",
        f"/admin/engagements/engagement/{e.pk}/history/",
        "/admin/engagements/pointetape/",
        "/admin/engagements/relanceengagement/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/engagements/pointetape/add/").status_code == 403


def test_with_validation_the_bar_moves_only_once_coordination_validates(
    settings, partenaire, coordination, client_de
):
    settings.CLS_VALIDATION_POINTS_ETAPE = True
    e = EngagementFactory(
        partenaire=partenaire.partenaire, valeur_cible=4, echeance=datetime.date(2030, 1, 1)
    )
    client = client_de(partenaire)
    response = client.post(
        f"/engagements/engagement/{e.reference}/point/",
        {
            f"point-{e.reference}-date": "1999-06-01",
            f"point-{e.reference}-valeur": "2",
            "next": "/engagements/mes-engagements/",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "il comptera une fois validé par la coordination" in page
    assert f'value="0" id="barre-{e.reference}"' in page
    coordination_client = client_de(coordination)
    liste = coordination_client.get("/engagements/points-a-valider/")
    [point] = liste.context["points"]
    coordination_client.post(f"/engagements/points/{point.pk}/valider/")
    assert (
        f'value="50" id="barre-{e.reference}"' in client.get("/engagements/mes-engagements/").content.decode()
    )
