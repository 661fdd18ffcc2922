"""Successive contracts of one council: the CLS of 1998 (ended 2003), then a strategy from 2024.
Every page that shows a contract shows the current one (the strategy today, the CLS for a day of
1999), every earlier contract stays readable on its own pages, and a review of year N belongs to
the contract in force in N."""

import datetime
import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from cls_poitiers.models import Contrat, Courriel
from comites import relances, rythme
from comites.models import Bilan
from tests.comites.factories import ComiteFactory
from tests.engagements.factories import EngagementFactory
from tests.factories import ContratFactory, PrioriteFactory, TerritoireFactory

pytestmark = pytest.mark.django_db

CLS, STRATEGIE = "Contrat local de sécurité de 1998", "Stratégie territoriale de 2024"


@pytest.fixture
def successifs(db):
    """Two contracts of the same council, each with its priority, commitment and instance."""
    district = TerritoireFactory(district=True, nom="Territoire du conseil")
    cls = ContratFactory(
        titre=CLS,
        nature=Contrat.Nature.CLS,
        territoire=district,
        date_signature=datetime.date(1998, 1, 1),
        date_fin=datetime.date(2003, 12, 31),
    )
    strategie = ContratFactory(
        titre=STRATEGIE,
        nature=Contrat.Nature.STRATEGIE,
        territoire=district,
        date_signature=datetime.date(2024, 1, 1),
    )
    for contrat, nom in ((cls, "du CLS"), (strategie, "de la stratégie")):
        priorite = PrioriteFactory(contrat=contrat, titre=f"Priorité {nom}")
        EngagementFactory(
            action__priorite=priorite,
            description=f"Engagement {nom}",
            echeance=datetime.date(contrat.date_signature.year + 1, 12, 31),
        )
        ComiteFactory(contrat=contrat, nom=f"Comité de pilotage {nom}")
    return cls, strategie


def _page(client, url) -> str:
    """The page's own content: the header and the title name the platform after the current
    contract on every page (cls_poitiers.identite)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    return page[page.index('<main id="contenu"') : page.index("</main>")]


def test_the_current_contract_is_the_strategy_today_and_the_cls_in_1999(successifs):
    cls, strategie = successifs
    assert Contrat.objects.courant() == strategie
    assert Contrat.objects.courant(au=datetime.date(1999, 6, 1)) == cls
    # Between the two, the last begun (the CLS, ended); before both, the latest.
    assert Contrat.objects.courant(au=datetime.date(2010, 6, 1)) == cls


def test_a_review_year_belongs_to_the_contract_in_force_that_year(successifs):
    cls, strategie = successifs
    assert Contrat.objects.de_l_annee(1999) == cls
    assert Contrat.objects.de_l_annee(2003) == cls
    assert Contrat.objects.de_l_annee(2010) is None  # between the two: none in force
    assert Contrat.objects.de_l_annee(1997) is None
    assert Contrat.objects.de_l_annee(2024) == strategie
    assert Contrat.objects.de_l_annee(datetime.date.today().year + 1) is None


def test_an_open_contract_runs_until_the_next_one(db):
    district = TerritoireFactory(district=True)
    cls = ContratFactory(territoire=district, date_signature=datetime.date(1998, 7, 8))
    strategie = ContratFactory(territoire=district, date_signature=datetime.date(2024, 1, 1))
    assert Contrat.objects.de_l_annee(2010) == cls
    assert Contrat.objects.de_l_annee(2024) == strategie
    etats = dict(Contrat.objects.avec_etat().values_list("pk", "etat"))
    assert etats == {cls.pk: "termine", strategie.pk: "en_vigueur"}


def test_home_shows_the_current_contract(successifs, client, coordination):
    client.force_login(coordination)
    page = _page(client, reverse("accueil"))
    assert STRATEGIE in page and CLS not in page


def test_contract_list_gives_each_period_nature_and_state(successifs, client, partenaire):
    cls, strategie = successifs
    client.force_login(partenaire)
    page = _page(client, reverse("contrat_list"))
    assert page.index(STRATEGIE) < page.index(CLS)  # latest first
    assert "du 01/01/1998 au 31/12/2003" in page
    assert "depuis le 01/01/2024, jusqu'au contrat suivant" in page
    assert str(Contrat.Nature.STRATEGIE.label) in page and str(Contrat.Nature.CLS.label) in page
    ligne_cls = page[page.index(CLS) : page.index("</tr>", page.index(CLS))]
    ligne_strategie = page[page.index(STRATEGIE) : page.index("</tr>", page.index(STRATEGIE))]
    assert "terminé" in ligne_cls and "en vigueur" not in ligne_cls
    assert "en vigueur" in ligne_strategie and "contrat courant" in ligne_strategie


def test_an_earlier_contract_page_shows_its_period_and_links_the_next(successifs, client, partenaire):
    cls, strategie = successifs
    client.force_login(partenaire)
    page = _page(client, cls.get_absolute_url())
    assert "du 01/01/1998 au 31/12/2003" in page and "terminé" in page
    assert "Priorité du CLS" in page and "Priorité de la stratégie" not in page
    assert f'href="{strategie.get_absolute_url()}"' in page and "Contrat précédent" not in page
    page = _page(client, strategie.get_absolute_url())
    assert f'href="{cls.get_absolute_url()}"' in page and "Contrat suivant" not in page


def test_a_priority_page_shows_its_own_contract(successifs, client, partenaire):
    cls, _strategie = successifs
    client.force_login(partenaire)
    page = _page(client, cls.priorites.get().get_absolute_url())
    assert CLS in page and STRATEGIE not in page


def _liste_par_contrat(client, url, ancien, *, du_courant: str, de_l_ancien: str) -> None:
    """`url` lists the current contract's rows; with `?contrat=` an earlier contract's."""
    page = _page(client, url)
    assert du_courant in page and de_l_ancien not in page
    page = _page(client, f"{url}?contrat={ancien.pk}")
    assert de_l_ancien in page and du_courant not in page


def test_commitments_list_shows_the_current_contracts_and_an_earlier_ones_on_demand(
    successifs, client, analyste
):
    cls, _strategie = successifs
    client.force_login(analyste)
    url = reverse("engagements:engagement_list")
    _liste_par_contrat(
        client, url, cls, du_courant="Engagement de la stratégie", de_l_ancien="Engagement du CLS"
    )
    page = _page(client, reverse("engagements:syntheses"))
    assert "Priorité de la stratégie" in page and "Priorité du CLS" not in page


def test_instances_list_shows_the_current_contracts_and_an_earlier_ones_on_demand(
    successifs, client, coordination
):
    cls, _strategie = successifs
    client.force_login(coordination)
    url = reverse("comites:comite_list")
    assert STRATEGIE in _page(client, url)
    _liste_par_contrat(
        client,
        url,
        cls,
        du_courant="Comité de pilotage de la stratégie",
        de_l_ancien="Comité de pilotage du CLS",
    )
    assert client.get(f"{url}?contrat=999999").status_code == 404
    assert client.get(f"{url}?contrat=abc").status_code == 404


def test_rhythm_page_reads_the_current_contract(successifs, client, secretariat):
    client.force_login(secretariat)
    page = _page(client, reverse("comites:rythme"))
    assert "01/01/2024" in page and "01/01/1998" not in page


def test_a_review_is_written_for_the_contract_in_force_that_year(successifs, client, coordination):
    cls, strategie = successifs
    client.force_login(coordination)
    client.post(reverse("comites:bilan_rediger"), {"annee": 1999})
    client.post(reverse("comites:bilan_rediger"), {"annee": 2024})
    assert dict(Bilan.objects.values_list("annee", "contrat")) == {1999: cls.pk, 2024: strategie.pk}
    response = client.post(reverse("comites:bilan_rediger"), {"annee": 2010}, follow=True)
    assert "Aucun contrat n&#x27;était en vigueur en 2010" in response.content.decode()
    assert not Bilan.objects.filter(annee=2010).exists()
    # The list shows the current contract's reviews; an earlier contract's on demand.
    _liste_par_contrat(
        client, reverse("comites:bilan_list"), cls, du_courant="Bilan 2024", de_l_ancien="Bilan 1999"
    )
    bilan_cls = Bilan.objects.get(annee=1999)
    page = _page(client, bilan_cls.get_absolute_url())
    assert "Priorité du CLS" in page and "Priorité de la stratégie" not in page


def test_observatory_home_works_on_the_current_contract(successifs, client, analyste):
    client.force_login(analyste)
    assert client.get(reverse("observatoire:tableau_de_bord")).status_code == 200


def test_the_rhythm_reminder_uses_the_current_contract(successifs, secretariat):
    cls, strategie = successifs
    for comite in (cls.comites.get(), strategie.comites.get()):
        comite.secretaires.add(secretariat)
    aujourd_hui = datetime.date.today()
    jour = aujourd_hui + datetime.timedelta(days=(relances.JOUR_ALERTE_RYTHME - aujourd_hui.weekday()) % 7)
    assert rythme.alertes_des_instances(contrat=strategie, today=jour)  # nothing planned for the strategy
    assert relances._alertes_rythme(jour, io.StringIO())
    envoi = Courriel.objects.get(cle__startswith="comites.alerte_rythme:")
    assert envoi.cle.startswith(f"comites.alerte_rythme:{strategie.pk}:")


def test_the_secretary_home_panel_warns_on_the_current_contracts_rhythm(successifs, secretariat, client):
    cls, strategie = successifs
    strategie.comites.get().secretaires.add(secretariat)
    client.force_login(secretariat)
    page = _page(client, reverse("accueil"))
    (attendues,) = rythme.alertes_des_instances(contrat=strategie, today=datetime.date.today())
    assert attendues.alertes[0].periode.libelle in page


def test_overlapping_contracts_are_refused_in_the_model_and_in_a_form(successifs):
    cls, _strategie = successifs
    chevauchant = Contrat(
        titre="Avenant mal daté",
        territoire=cls.territoire,
        date_signature=datetime.date(2002, 1, 1),
        annee_diagnostic=2001,
    )
    with pytest.raises(ValidationError, match="chevauchent celles d'un autre contrat du même conseil"):
        chevauchant.full_clean()
    Formulaire = forms.modelform_factory(
        Contrat, fields=["titre", "nature", "territoire", "date_signature", "date_debut", "annee_diagnostic"]
    )
    form = Formulaire(
        {
            "titre": "Stratégie qui commence trop tôt",
            "nature": Contrat.Nature.STRATEGIE,
            "territoire": cls.territoire.pk,
            "date_signature": "2003-06-01",
            "annee_diagnostic": 2002,
        }
    )
    assert not form.is_valid()
    assert f"« {CLS} »" in form.non_field_errors()[0]
    assert Contrat.objects.count() == 2
    # A contract that begins after the previous one ended is accepted.
    form = Formulaire(
        {
            "titre": "Stratégie de 2004",
            "nature": Contrat.Nature.STRATEGIE,
            "territoire": cls.territoire.pk,
            "date_signature": "2004-01-01",
            "annee_diagnostic": 2003,
        }
    )
    assert form.is_valid(), form.errors
