"""The pages every app adds to (home, territory page) keep the same exact number of queries
whatever the amount of commitments, meetings and figures."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cls_poitiers.models import Territoire, Utilisateur
from tests.comites.factories import ReunionFactory
from tests.conftest import REQUETES_CONNEXION
from tests.engagements.factories import EngagementFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/territoires/86194/", "/territoires/QP086005/", "/observatoire/territoires/QP086005/"]
ACCUEIL, COMMUNE, QUARTIER, OBSERVATOIRE = PAGES
# After the login, per page and role. The home and territory pages are named query by query in
# tests/comites/test_pages_demo.py (the analyst's home: the contract, the header's organisation,
# the observatory's panel, and its five queries of "since your last visit" named in
# tests/observatoire/test_panneau_analyste.py), the observatory's territory page in
# tests/observatoire/test_vues.py; its national context (the quartier's département and région
# up its parents, France, the references' totals, the départements, the communes' sums and their
# count in the referential) adds 7, whatever the data.
CONTEXTE_NATIONAL = 7
# The dashboards' filter reads the contract's perimeter level by level (`ids_du_contrat_courant`:
# three index lookups, where one query read the national set of territories): two more.
PERIMETRE_DU_FILTRE = 2
REQUETES = {
    "coordination": {
        ACCUEIL: 21,
        COMMUNE: 13,
        QUARTIER: 13,
        OBSERVATOIRE: 15 + PERIMETRE_DU_FILTRE + CONTEXTE_NATIONAL,
    },
    "stp": {
        ACCUEIL: 13,
        COMMUNE: 13,
        QUARTIER: 13,
        OBSERVATOIRE: 15 + PERIMETRE_DU_FILTRE + CONTEXTE_NATIONAL,
    },
    "secretariat": {ACCUEIL: 12, COMMUNE: 6, QUARTIER: 6},
    "analyste": {
        ACCUEIL: 9 + 5,
        COMMUNE: 13,
        QUARTIER: 13,
        OBSERVATOIRE: 15 + PERIMETRE_DU_FILTRE + CONTEXTE_NATIONAL,
    },
}


def _compter(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1" in response.content.decode(), url
    return len(ctx.captured_queries)


def _plus_de_donnees():
    from comites.models import Comite, Reunion
    from engagements.models import Action, Engagement

    poitiers = Territoire.objects.get(code="86194")
    couronneries = Territoire.objects.get(code="QP086005")
    stp = Utilisateur.objects.get(username="stp").partenaire
    pilotage = Comite.objects.get(code="pilotage")
    action = Action.objects.get(reference="p3-alms")
    for i in range(25):
        engagement = EngagementFactory(action=action, partenaire=stp)
        engagement.territoires.add(poitiers, couronneries)
        ReunionFactory(
            comite=pilotage,
            statut=Reunion.Statut.CONVOQUEE,
            territoire=couronneries,
            debut=timezone.now() + datetime.timedelta(days=i + 1),
            fin=timezone.now() + datetime.timedelta(days=i + 1, hours=2),
        )
    assert Engagement.objects.filter(territoires=couronneries).count() >= 25


@pytest.mark.parametrize("username", ["coordination", "stp", "secretariat", "analyste"])
def test_shared_pages_query_count_does_not_grow_with_data(demo, username):
    client = Client()
    client.force_login(Utilisateur.objects.get(username=username))
    pages = [p for p in PAGES if not (username == "secretariat" and p.startswith("/observatoire/"))]
    avant = {url: _compter(client, url) for url in pages}
    _plus_de_donnees()
    apres = {url: _compter(client, url) for url in pages}
    assert apres == avant
    assert apres == {url: REQUETES_CONNEXION + n for url, n in REQUETES[username].items()}


# Pages that offer or list territories: with the national referential loaded, they read the
# contract's perimeter only (index lookups under its territory), never the referential.
PAGES_TERRITOIRES = [
    "/territoires/",
    "/territoires/86194/",
    "/engagements/",
    "/engagements/nouveau/",
    "/engagements/actions/nouvelle/",
    "/comites/pilotage/planifier/",
    "/observatoire/evolution/",
]


def _communes_du_referentiel(n: int) -> None:
    """`n` communes of the referential outside the contract, under the demo's département."""
    vienne = Territoire.objects.get(niveau=Territoire.Niveau.DEPARTEMENT, code="86")
    Territoire.objects.bulk_create(
        Territoire(
            niveau=Territoire.Niveau.COMMUNE,
            code=f"R{i:05d}",
            nom=f"Commune du référentiel {i:05d}",
            parent=vienne,
            departement=vienne,
            referentiel=True,
        )
        for i in range(n)
    )


def test_territory_choices_query_count_stays_flat_with_the_referential(demo):
    client = Client()
    client.force_login(Utilisateur.objects.get(username="coordination"))
    avant = {url: _compter(client, url) for url in PAGES_TERRITOIRES}
    _communes_du_referentiel(5000)
    apres = {}
    for url in PAGES_TERRITOIRES:
        apres[url] = _compter(client, url)
        assert "Commune du référentiel" not in client.get(url).content.decode(), url
    assert apres == avant
