"""A partner reads the declarations of its own organisation only: another partner's declaration
sources are neither offered nor readable, on the dashboards, their exports and the JSON endpoint
(issue 16). The Coordination and the Observatoire read them all."""

import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Utilisateur
from observatoire.models import Source

pytestmark = pytest.mark.django_db

# The tester's URL: OPARC's monthly counts as a CSV.
EXPORT_OPARC = (
    "/observatoire/evolution/?source=declarations-oparc&periodicite=mois&annee=1998"
    "&indicateur=oparc-degradations-parties-communes&export=evolution&format=csv"
)
API_OPARC = "/observatoire/api/chiffres/?source=declarations-oparc&annee=1998"
CATEGORIE_OPARC = "Dégradations des parties communes"


def _client(username):
    client = Client()
    client.force_login(Utilisateur.objects.get(username=username))
    return client


def test_partner_cannot_export_another_partners_declarations(demo):
    reponse = _client("stp").get(EXPORT_OPARC)
    assert reponse.status_code == 400
    texte = reponse.content.decode()
    assert "01/1998" not in texte
    assert "vous ne pouvez pas la consulter" in texte


def test_partner_cannot_read_another_partners_declarations_through_the_api(demo):
    reponse = _client("stp").get(API_OPARC)
    assert reponse.status_code == 400
    assert "resultats" not in reponse.json()
    assert CATEGORIE_OPARC not in reponse.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/observatoire/?source=declarations-oparc",
        "/observatoire/territoires/?source=declarations-oparc",
        "/observatoire/territoires/QP086005/?source=declarations-oparc",
    ],
)
def test_partner_is_refused_another_partners_source_on_every_dashboard(demo, url):
    reponse = _client("stp").get(url)
    assert reponse.status_code == 400
    assert CATEGORIE_OPARC not in reponse.content.decode()


def test_partner_is_offered_its_own_declarations_and_not_another_partners(demo):
    client = _client("stp")
    page = client.get("/observatoire/territoires/QP086005/").content.decode()
    assert 'value="declarations-stp"' in page
    assert 'value="declarations-oparc"' not in page
    # The territory's table of declarations: STP's own, none of OPARC's.
    assert "Dégradations de bus" in page
    assert CATEGORIE_OPARC not in page
    assert client.get(reverse("observatoire:evolution") + "?source=declarations-stp").status_code == 200


def test_source_scope_is_the_one_rule(demo):
    stp, oparc, analyste = (Utilisateur.objects.get(username=u) for u in ("stp", "oparc", "analyste"))
    declarations = Source.objects.filter(nature=Source.Nature.PARTENAIRE)
    assert set(declarations.visibles_par(stp).values_list("code", flat=True)) == {"declarations-stp"}
    assert set(declarations.visibles_par(oparc).values_list("code", flat=True)) == {"declarations-oparc"}
    assert set(declarations.visibles_par(analyste).values_list("code", flat=True)) == {
        "declarations-stp",
        "declarations-oparc",
    }


@pytest.mark.parametrize("username", ["oparc", "analyste", "coordination"])
def test_owner_and_analysts_still_read_oparcs_declarations(demo, username):
    client = _client(username)
    export = client.get(EXPORT_OPARC)
    assert export.status_code == 200
    # OPARC's monthly counts on the district (14 + 8 parties communes declared each month or so).
    assert "\r\n01/1998;22;" in export.content.decode("utf-8-sig")
    api = client.get(API_OPARC)
    assert api.status_code == 200
    assert api.json()["source"]["code"] == "declarations-oparc"
    assert api.json()["resultats"]
