"""Which contract is current: one queryset method, asked by every page, panel and reminder."""

import datetime

import pytest
from django.urls import reverse

from cls_poitiers.models import Contrat
from tests.factories import ContratFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def successifs(db):
    """The CLS of 1998, then a territorial strategy signed in 2008 on the same territory."""
    cls = ContratFactory(titre="CLS de 1998", date_signature=datetime.date(1998, 10, 16))
    strategie = ContratFactory(
        titre="Stratégie territoriale 2008",
        territoire=cls.territoire,
        date_signature=datetime.date(2008, 3, 1),
    )
    return cls, strategie


def test_the_current_contract_is_the_last_signed_by_the_given_day(successifs):
    cls, strategie = successifs
    assert Contrat.objects.courant(datetime.date(1999, 1, 1)) == cls
    assert Contrat.objects.courant(datetime.date(2008, 2, 29)) == cls
    assert Contrat.objects.courant(datetime.date(2008, 3, 1)) == strategie
    assert Contrat.objects.courant() == strategie


def test_a_contract_signed_later_than_today_is_not_yet_current(successifs):
    cls, strategie = successifs
    futur = ContratFactory(titre="Stratégie à venir", date_signature=datetime.date.today().replace(year=2999))
    assert Contrat.objects.courant() == strategie
    assert Contrat.objects.courant(datetime.date(2999, 12, 31)) == futur


def test_before_any_signature_the_latest_contract_is_current(successifs):
    cls, strategie = successifs
    assert Contrat.objects.courant(datetime.date(1990, 1, 1)) == strategie


def test_no_contract_gives_none(db):
    assert Contrat.objects.courant() is None


def test_pages_show_the_current_contract_not_the_first(successifs, coordination, secretariat, client_de):
    cls, strategie = successifs
    accueil = client_de(coordination).get("/").content.decode()
    assert "Stratégie territoriale 2008" in accueil
    assert "CLS de 1998" not in accueil
    rythme = client_de(secretariat).get(reverse("comites:rythme")).content.decode()
    assert "01/03/2008" in rythme
    assert "16/10/1998" not in rythme
