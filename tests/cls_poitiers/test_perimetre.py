"""Every territory choice and list offers the current contract's perimeter only: with the national
referential loaded, a commune that is not the council's is neither offered nor accepted."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cls_poitiers.models import Territoire
from cls_poitiers.tableurs import FichierInvalide
from comites.forms import PointForm, ReunionForm
from engagements import exchange
from engagements.filters import EngagementFilter
from engagements.forms import ActionForm, EngagementForm
from engagements.models import Engagement
from observatoire import views as vues_observatoire
from observatoire.filters import FiltreChiffres
from observatoire.forms import DiagnosticForm
from observatoire.tableaux_de_bord.tableaux import racine_du_contrat
from tests.comites.factories import ComiteFactory
from tests.engagements.factories import ActionFactory
from tests.factories import ContratFactory, PartenaireFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


def _referentiel(niveau, code, nom, **kwargs):
    return Territoire.objects.create(niveau=niveau, code=code, nom=nom, referentiel=True, **kwargs)


@pytest.fixture
def vienne(db):
    return _referentiel("departement", "86", "Vienne")


@pytest.fixture
def perimetre(vienne):
    """A contract on a district of one commune and its quartier, and a commune of the
    referential outside it (same département)."""
    district = TerritoireFactory(district=True, nom="Territoire du contrat", parent=vienne)
    contrat = ContratFactory(territoire=district)
    poitiers = _referentiel("commune", "86194", "Poitiers", parent=district, departement=vienne)
    quartier = TerritoireFactory(quartier=True, code="QP086005", nom="Les Couronneries", parent=poitiers)
    ailleurs = _referentiel("commune", "86066", "Châtellerault", parent=vienne, departement=vienne)
    return {
        "contrat": contrat,
        "district": district,
        "poitiers": poitiers,
        "quartier": quartier,
        "ailleurs": ailleurs,
    }


def _choix(champ) -> set:
    return set(champ.queryset)


# The perimeter ---------------------------------------------------------------------------------


def test_the_perimeter_is_the_contract_territory_its_communes_and_their_quartiers(perimetre, vienne):
    attendu = {perimetre["district"], perimetre["poitiers"], perimetre["quartier"]}
    assert set(Territoire.objects.du_contrat(perimetre["contrat"])) == attendu
    assert set(Territoire.objects.du_contrat_courant()) == attendu
    assert Territoire.objects.ids_du_contrat_courant() == {t.pk for t in attendu}


def test_without_a_contract_there_is_no_perimeter(vienne):
    _referentiel("commune", "86194", "Poitiers", parent=vienne)
    assert not Territoire.objects.du_contrat_courant().exists()
    assert not Territoire.objects.du_contrat(None).exists()
    assert Territoire.objects.ids_du_contrat_courant() == set()
    assert racine_du_contrat() is None


def test_an_epci_contract_takes_its_member_communes_and_their_quartiers(vienne):
    epci = _referentiel("epci", "248600413", "Communauté de test")
    membre = _referentiel("commune", "86100", "Membre", parent=vienne, epci=epci)
    quartier = TerritoireFactory(quartier=True, code="QP086099", nom="Quartier du membre", parent=membre)
    _referentiel("commune", "86066", "Châtellerault", parent=vienne)
    contrat = ContratFactory(territoire=epci)
    assert set(Territoire.objects.du_contrat(contrat)) == {epci, membre, quartier}
    assert Territoire.objects.ids_sous(epci.pk) == {epci.pk, membre.pk, quartier.pk}
    assert Territoire.objects.ids_du_contrat_courant() == {epci.pk, membre.pk, quartier.pk}


def test_a_commune_contract_takes_its_quartiers(vienne):
    commune = _referentiel("commune", "86066", "Châtellerault", parent=vienne)
    quartier = TerritoireFactory(quartier=True, code="QP086001", nom="Ozon", parent=commune)
    _referentiel("commune", "86194", "Poitiers", parent=vienne)
    contrat = ContratFactory(territoire=commune)
    assert set(Territoire.objects.du_contrat_courant()) == {commune, quartier}
    assert racine_du_contrat() == contrat.territoire


# Forms and filters -----------------------------------------------------------------------------


def test_action_and_commitment_forms_offer_and_accept_only_the_perimeter(perimetre):
    ailleurs, poitiers = perimetre["ailleurs"], perimetre["poitiers"]
    action = ActionFactory()
    for form in (ActionForm(), EngagementForm()):
        assert poitiers in _choix(form.fields["territoires"])
        assert ailleurs not in _choix(form.fields["territoires"])
    form = ActionForm(
        {
            "priorite": action.priorite.pk,
            "reference": "p9-test",
            "titre": "Test",
            "territoires": [ailleurs.pk],
        }
    )
    assert not form.is_valid() and "territoires" in form.errors


def test_commitment_filter_offers_only_the_perimeter(perimetre, analyste):
    requete = RequestFactory().get("/")
    requete.user = analyste
    filtre = EngagementFilter(None, queryset=Engagement.objects.all(), request=requete)
    assert perimetre["ailleurs"] not in _choix(filtre.form.fields["territoire"])
    assert perimetre["poitiers"] in _choix(filtre.form.fields["territoire"])
    filtre = EngagementFilter({"territoire": "86066"}, queryset=filtre.queryset, request=requete)
    assert "territoire" in filtre.form.errors


def test_import_refuses_a_commune_outside_the_perimeter_naming_the_line(perimetre):
    action = ActionFactory(reference="p3-alms")
    PartenaireFactory(code="stp")
    contenu = (
        "reference;action;partenaire;description;unite;valeur_initiale;valeur_cible;echeance;territoires\n"
        f"e-1;{action.reference};stp;Recruter;agents;0;2;31/12/1999;86194\n"
        f"e-2;{action.reference};stp;Recruter;agents;0;2;31/12/1999;86194,86066\n"
        f"e-3;{action.reference};stp;Recruter;agents;0;2;31/12/1999;99999\n"
    ).encode()
    with pytest.raises(FichierInvalide) as erreur:
        exchange.importer(contenu=contenu, nom="import.csv", par=None, apercu=False)
    assert erreur.value.erreurs == [
        "Ligne 3, colonne « territoires » : territoire(s) hors du périmètre du contrat : 86066.",
        "Ligne 4, colonne « territoires » : territoire(s) inconnu(s) : 99999.",
    ]
    assert not action.engagements.exists()


def test_meeting_forms_offer_and_accept_only_the_perimeter(perimetre):
    comite = ComiteFactory(contrat=perimetre["contrat"])
    form = ReunionForm(comite=comite)
    assert perimetre["ailleurs"] not in _choix(form.fields["territoire"])
    assert perimetre["quartier"] in _choix(form.fields["territoire"])
    form = PointForm({"titre": "Point", "territoires": [perimetre["ailleurs"].pk]})
    assert perimetre["ailleurs"] not in _choix(form.fields["territoires"])
    assert not form.is_valid() and "territoires" in form.errors


def test_observatory_filter_and_forms_offer_only_the_perimeter(perimetre, analyste):
    requete = RequestFactory().get("/")
    requete.user = analyste
    filtre = FiltreChiffres({"territoires": ["86066"]}, request=requete)
    assert perimetre["ailleurs"] not in _choix(filtre.form.fields["territoires"])
    assert perimetre["poitiers"] in _choix(filtre.form.fields["territoires"])
    assert "territoires" in filtre.form.errors
    assert perimetre["ailleurs"] not in _choix(DiagnosticForm().fields["territoires_prioritaires"])
    assert perimetre["ailleurs"] not in set(vues_observatoire._territoires_enquetables())
    assert perimetre["ailleurs"] not in set(vues_observatoire._territoires_declarables(analyste))
    assert perimetre["quartier"] in set(vues_observatoire._territoires_enquetables())


def test_a_partner_declares_on_its_own_commune_inside_the_perimeter(perimetre, partenaire):
    partenaire.partenaire.territoire = perimetre["poitiers"]
    partenaire.partenaire.save()
    assert set(vues_observatoire._territoires_declarables(partenaire)) == {
        perimetre["poitiers"],
        perimetre["quartier"],
    }


# Pages -----------------------------------------------------------------------------------------


def test_territory_list_shows_only_the_perimeter(perimetre, client, partenaire):
    client.force_login(partenaire)
    page = client.get(reverse("territoire_list")).content.decode()
    assert "Poitiers" in page and "Les Couronneries" in page
    assert "Châtellerault" not in page and "Vienne" not in page


def test_territory_page_of_a_commune_outside_the_perimeter_is_404(perimetre, vienne, client, partenaire):
    client.force_login(partenaire)
    assert client.get(perimetre["ailleurs"].get_absolute_url()).status_code == 404
    assert client.get(perimetre["poitiers"].get_absolute_url()).status_code == 200
    # The département is the contract's national context: its page lists the contract's only.
    page = client.get(vienne.get_absolute_url()).content.decode()
    assert "Territoire du contrat" in page and "Châtellerault" not in page


def test_a_code_shared_by_two_levels_is_told_apart_by_the_address(perimetre, client, partenaire):
    region = _referentiel("region", "86", "Région homonyme")
    client.force_login(partenaire)
    assert client.get(region.get_absolute_url()).context["territoire"] == region
    assert client.get(reverse("territoire_detail", kwargs={"code": "86"})).status_code == 200


def test_without_a_contract_the_observatory_says_the_platform_is_not_set_up(client, analyste):
    client.force_login(analyste)
    page = client.get(reverse("observatoire:tableau_de_bord")).content.decode()
    assert "la plateforme n'est pas encore mise en place" in page


def test_a_meeting_naming_a_commune_outside_the_perimeter_is_refused(perimetre, client, secretariat):
    comite = ComiteFactory(contrat=perimetre["contrat"], secretaires=[secretariat])
    client.force_login(secretariat)
    url = reverse("comites:reunion_planifier", kwargs={"code": comite.code})

    def planifier(territoire):
        return client.post(
            url,
            {
                "titre": "Réunion",
                "debut": "2030-03-12T14:00",
                "fin": "2030-03-12T16:00",
                "territoire": territoire.pk,
            },
        )

    reponse = planifier(perimetre["ailleurs"])
    assert reponse.status_code == 200 and "territoire" in reponse.context["form"].errors
    assert not comite.reunions.exists()
    planifier(perimetre["quartier"])
    assert comite.reunions.get().territoire == perimetre["quartier"]
