"""The analyst's home shows what changed since their previous login: imports, partners'
declarations entered or corrected, batches waiting to be checked."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from cls_poitiers.permissions import has_role
from cls_poitiers.signals import SESSION_VISITE_PRECEDENTE
from observatoire import panneaux
from observatoire.models import Declaration, LotImport
from tests.conftest import lire_page
from tests.factories import PartenaireFactory

from .factories import LotImportFactory

pytestmark = pytest.mark.django_db

VISITE = timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30))
AVANT = VISITE - datetime.timedelta(days=3)
APRES = VISITE + datetime.timedelta(days=2)


def _lot(nom, quand, statut=LotImport.Statut.APPLIQUE):
    lot = LotImportFactory(fichier_nom=nom, statut=statut)
    LotImport.objects.filter(pk=lot.pk).update(cree_le=quand)
    return lot


def _declaration(perimetre, mois, quand):
    declaration = Declaration.objects.create(
        partenaire=PartenaireFactory(nom=f"Bailleur {mois}"), territoire=perimetre["q"], annee=1999, mois=mois
    )
    Declaration.objects.filter(pk=declaration.pk).update(modifie_le=quand)
    return declaration


@pytest.fixture
def mouvements(perimetre):
    _lot("ancien.csv", AVANT)
    _lot("ssmsi-2016.csv", APRES)
    _lot("refuse.csv", APRES, LotImport.Statut.REFUSE)
    _lot("a-valider.csv", AVANT, LotImport.Statut.APERCU)
    _declaration(perimetre, 1, AVANT)
    _declaration(perimetre, 2, APRES)
    return perimetre


def test_the_analysts_home_shows_what_changed_since_the_previous_login(mouvements, analyste, client):
    analyste.last_login = VISITE
    analyste.save()
    client.force_login(analyste)  # Django's login(): the same signals as the login page
    analyste.refresh_from_db()
    assert analyste.last_login > VISITE  # Django moved it to this login; the panel reads the previous one
    page = lire_page(
        client,
        "/",
        "Depuis votre dernière visite, le 20/11/2026 à 09:30",
        "2 imports",
        "(dont 1 refusé)",
        "ssmsi-2016.csv",
        "1 déclaration de partenaire saisie ou corrigée",
        "Bailleur 2 — février 1999, Les Couronneries",
        "1 lot de chiffres à vérifier",
        "a-valider.csv",
    )
    assert "ancien.csv" not in page and "Bailleur 1" not in page


def test_a_first_login_shows_the_latest_movements(mouvements, analyste, client):
    assert analyste.last_login is None
    client.force_login(analyste)
    page = lire_page(client, "/", "Première visite : les derniers mouvements", "4 imports", "2 déclarations")
    assert "ancien.csv" in page


@pytest.mark.parametrize("persona", ["coordination", "partenaire", "secretariat"])
def test_other_roles_do_not_get_the_analysts_panel(mouvements, request, persona, client_de):
    page = lire_page(client_de(request.getfixturevalue(persona)), "/")
    assert "Depuis votre dernière visite" not in page and "Première visite" not in page
    assert "a-valider.csv" not in page


@pytest.mark.parametrize("n", [1, 8])
def test_the_panel_reads_a_fixed_number_of_queries(perimetre, analyste, django_assert_num_queries, n):
    for i in range(n):
        _lot(f"lot-{i}.csv", APRES)
        _lot(f"apercu-{i}.csv", APRES, LotImport.Statut.APERCU)
        _declaration(perimetre, i % 12 + 1, APRES)
    request = RequestFactory().get("/")
    request.user = analyste
    request.session = {SESSION_VISITE_PRECEDENTE: VISITE.isoformat()}
    assert has_role(analyste, "Observatoire")  # the roles are read once per request, before the panels
    # The counts of imports (new, refused, to check), the latest imports with their source and
    # author, the batches to check, the latest declarations with partner and territory, their count.
    with django_assert_num_queries(5):
        panel = panneaux.depuis_la_derniere_visite(request)
    assert panel["nb_imports"] == 2 * n and panel["nb_a_verifier"] == n and panel["nb_declarations"] == n
    assert len(panel["imports"]) == min(2 * n, panneaux.DERNIERS)
