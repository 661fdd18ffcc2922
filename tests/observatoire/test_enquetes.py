"""The Observatoire enters perceived-insecurity surveys (dates, method, sample, territories,
answers as shares); every other role is refused; bad input is refused in French and nothing is
saved; every change is kept in the history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from observatoire.models import Enquete, Indicateur, ResultatEnquete
from tests.conftest import REQUETES_CONNEXION, lire_page

from .factories import DonneeFactory, LotImportFactory, SourceFactory

pytestmark = pytest.mark.django_db

NOUVELLE = reverse("observatoire:enquete_nouvelle")
LISTE = reverse("observatoire:enquete_list")


def _donnees(perimetre, lignes, **enquete):
    """POST data: the survey's fields, then one row per (territory key, question, share, respondents)."""
    donnees = {
        "titre": "Enquête de victimation 1999",
        "date_debut": "1999-03-01",
        "date_fin": "1999-04-15",
        "methode": "Questionnaire téléphonique, échantillon par quotas",
        "realisee_par": "Observatoire",
        "repondants": "600",
        "territoires": [perimetre["q"].pk, perimetre["c1"].pk],
        "resultats-TOTAL_FORMS": str(max(len(lignes), 8)),
        "resultats-INITIAL_FORMS": "0",
        "resultats-MIN_NUM_FORMS": "0",
        "resultats-MAX_NUM_FORMS": "1000",
        **enquete,
    }
    for i, (cle, question, part, repondants) in enumerate(lignes):
        donnees.update(
            {
                f"resultats-{i}-territoire": perimetre[cle].pk,
                f"resultats-{i}-question": question,
                f"resultats-{i}-pourcentage": part,
                f"resultats-{i}-repondants": repondants,
            }
        )
    return donnees


LIGNES = [
    ("q", "Se sent en insécurité le soir", "42,5", "200"),
    ("q", "A renoncé à sortir le soir", "18", ""),
    ("c1", "Se sent en insécurité le soir", "27,3", "400"),
]


@pytest.fixture
def chiffres(perimetre):
    """One recorded figure, so that the territories' observatory pages have a source to show."""
    source = SourceFactory(code="police-test")
    DonneeFactory(
        territoire=perimetre["c1"],
        annee=1999,
        nombre=40,
        source=source,
        lot=LotImportFactory(source=source),
        indicateur=Indicateur.objects.get(code="total-faits-constates"),
    )
    return perimetre


def test_analyst_enters_a_survey_with_its_territories_and_shares(chiffres, analyste, client_de):
    perimetre = chiffres
    client = client_de(analyste)
    lire_page(client, NOUVELLE, "Territoires enquêtés", "Part des répondants (%)")
    response = client.post(NOUVELLE, _donnees(perimetre, LIGNES))
    assert response.status_code == 302, response.content.decode()[:3000]
    enquete = Enquete.objects.get()
    assert (enquete.repondants, enquete.date_fin) == (600, datetime.date(1999, 4, 15))
    parts = {(r.territoire.code, r.question, r.ordre): r.pourcentage for r in enquete.resultats.all()}
    assert parts == {
        ("QP086005", "Se sent en insécurité le soir", 0): Decimal("42.5"),
        ("QP086005", "A renoncé à sortir le soir", 1): 18,
        ("86194", "Se sent en insécurité le soir", 0): Decimal("27.3"),
    }
    entree = enquete.history.get()
    assert (entree.history_user, entree.history_change_reason) == (analyste, "Saisie de l'enquête")
    assert all(r.history.get().history_user == analyste for r in enquete.resultats.all())
    liste = lire_page(client, LISTE, "Enquête de victimation 1999", "600 répondants")
    assert "Les Couronneries, Poitiers" in liste
    page = lire_page(client, reverse("observatoire:territoire", kwargs={"code": "86194"}))
    assert "Se sent en insécurité le soir" in page and "27,3" in page


def test_analyst_corrects_a_share_and_removes_an_answer_history_kept(perimetre, analyste, client_de):
    client = client_de(analyste)
    client.post(NOUVELLE, _donnees(perimetre, LIGNES))
    enquete = Enquete.objects.get()
    resultats = list(enquete.resultats.order_by("territoire__nom", "ordre"))  # Couronneries first
    url = reverse("observatoire:enquete_modifier", kwargs={"pk": enquete.pk})
    donnees = _donnees(perimetre, [], **{"resultats-TOTAL_FORMS": "3", "resultats-INITIAL_FORMS": "3"})
    for i, r in enumerate(resultats):
        donnees.update(
            {
                f"resultats-{i}-id": r.pk,
                f"resultats-{i}-enquete": enquete.pk,
                f"resultats-{i}-territoire": r.territoire_id,
                f"resultats-{i}-question": r.question,
                f"resultats-{i}-pourcentage": str(r.pourcentage).replace(".", ","),
                f"resultats-{i}-repondants": r.repondants or "",
            }
        )
    corrige, retire = resultats[0], resultats[1]
    donnees[f"resultats-{resultats.index(corrige)}-pourcentage"] = "45"
    donnees[f"resultats-{resultats.index(retire)}-DELETE"] = "on"
    assert client.post(url, donnees).status_code == 302
    corrige.refresh_from_db()
    assert corrige.pourcentage == 45
    assert not ResultatEnquete.objects.filter(pk=retire.pk).exists()
    assert [h.history_type for h in corrige.history.order_by("history_date")] == ["+", "~"]
    suppression = ResultatEnquete.history.filter(id=retire.pk, history_type="-").get()
    assert (suppression.history_user, suppression.history_change_reason) == (
        analyste,
        "Modification de l'enquête",
    )
    inchange = resultats[2]
    assert inchange.history.count() == 1  # an unchanged answer gets no new version


@pytest.mark.parametrize(
    ("changement", "lignes", "message"),
    [
        (
            {},
            [("q", "Se sent en insécurité", "120", "")],
            "Une part de répondants est comprise entre 0 et 100 %.",
        ),
        (
            {},
            [("q", "Se sent en insécurité", "-3", "")],
            "Une part de répondants est comprise entre 0 et 100 %.",
        ),
        (
            {},
            [("q", "Se sent en insécurité", "beaucoup", "")],
            "Écrivez une part en pourcentage, par exemple 42,5.",
        ),
        ({"repondants": "0"}, LIGNES, "L&#x27;échantillon compte au moins un répondant."),
        ({"repondants": ""}, LIGNES, "Indiquez la taille de l&#x27;échantillon."),
        ({"date_fin": "1999-02-01"}, LIGNES, "La fin de l&#x27;enquête ne peut précéder son début."),
        ({"date_debut": "2999-01-01", "date_fin": "2999-02-01"}, LIGNES, "la date ne peut pas être à venir"),
        ({"territoires": []}, LIGNES, "Choisissez au moins un territoire enquêté."),
        ({}, [], "Saisissez au moins une réponse (territoire, question, part)."),
        (
            {},
            [*LIGNES, ("c2", "Se sent en insécurité le soir", "30", "")],
            "Buxerolles n&#x27;est pas parmi les territoires enquêtés",
        ),
        ({}, LIGNES[:2], "Territoire enquêté sans réponse : Poitiers."),
        (
            {},
            [*LIGNES, ("q", "se sent en insécurité le soir", "40", "")],
            "Cette question a déjà une réponse pour ce territoire.",
        ),
        (
            {},
            [("q", "Se sent en insécurité le soir", "40", "900"), LIGNES[2]],
            "Plus de répondants sur ce territoire (900)",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(
    perimetre, analyste, client_de, changement, lignes, message
):
    response = client_de(analyste).post(NOUVELLE, _donnees(perimetre, lignes, **changement))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enquete.objects.exists() and not ResultatEnquete.objects.exists()


@pytest.mark.parametrize("persona", ["coordination", "partenaire", "secretariat", "sans_role"])
def test_other_roles_cannot_enter_list_or_change_surveys(perimetre, analyste, client_de, request, persona):
    client_de(analyste).post(NOUVELLE, _donnees(perimetre, LIGNES))
    enquete = Enquete.objects.get()
    client = client_de(request.getfixturevalue(persona))
    modifier = reverse("observatoire:enquete_modifier", kwargs={"pk": enquete.pk})
    for url in (LISTE, NOUVELLE, modifier):
        assert client.get(url).status_code == 403, url
    assert client.post(NOUVELLE, _donnees(perimetre, LIGNES, titre="Autre")).status_code == 403
    assert client.post(modifier, _donnees(perimetre, LIGNES, titre="Changé")).status_code == 403
    assert list(Enquete.objects.values_list("titre", flat=True)) == ["Enquête de victimation 1999"]


def test_anonymous_is_sent_to_login(perimetre, client_de):
    response = client_de(None).get(NOUVELLE)
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


@pytest.mark.parametrize("n", [1, 5])
def test_survey_list_query_count_whatever_the_number(
    perimetre, analyste, client_de, django_assert_num_queries, n
):
    client = client_de(analyste)
    for i in range(n):
        assert client.post(NOUVELLE, _donnees(perimetre, LIGNES, titre=f"Enquête {i}")).status_code == 302
    # Login, then the number of surveys, the page of surveys with their number of answers, their
    # answers with their territory, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 4):
        page = lire_page(client, LISTE, "Enquête 0")
    assert page.count("Les Couronneries, Poitiers") == n


def _page_territoire(client, territoire):
    return lire_page(client, reverse("observatoire:territoire", kwargs={"code": territoire.code}))


def test_a_survey_shows_where_it_was_led_and_never_rolls_up_from_its_quartiers(chiffres, analyste, client_de):
    client = client_de(analyste)
    lignes = [
        ("q", "Se sent en insécurité le soir", "42,5", ""),
        ("c2", "Se sent en insécurité le soir", "20", ""),
    ]
    territoires = [chiffres["q"].pk, chiffres["c2"].pk]
    assert client.post(NOUVELLE, _donnees(chiffres, lignes, territoires=territoires)).status_code == 302
    quartier = _page_territoire(client, chiffres["q"])
    assert "42,5" in quartier and 'id="note-enquetes"' not in quartier
    commune = _page_territoire(client, chiffres["c1"])
    assert "Aucune enquête d&#x27;insécurité ressentie ne couvre Poitiers en entier" in commune
    assert "portent sur Les Couronneries." in commune and "ne se moyennent pas" in commune
    district = _page_territoire(client, chiffres["district"])
    assert (
        "ne couvre District test en entier : celles qui ont été menées portent sur "
        "Buxerolles, Les Couronneries." in district
    )
    for page in (commune, district):
        enquetes = page[page.index('id="tableau-enquetes"') :]
        enquetes = enquetes[: enquetes.index("</table>")]
        assert "Aucun chiffre pour ces critères." in enquetes
        assert "%" not in enquetes  # neither 42,5 %, nor a sum, nor a mean (31,3 %)


def test_a_survey_led_on_the_district_shows_there(chiffres, analyste, client_de):
    client = client_de(analyste)
    lignes = [("district", "Se sent en insécurité le soir", "31", "")]
    assert (
        client.post(NOUVELLE, _donnees(chiffres, lignes, territoires=[chiffres["district"].pk])).status_code
        == 302
    )
    district = _page_territoire(client, chiffres["district"])
    assert "31,0\xa0%" in district
    assert 'id="note-enquetes"' not in district
    commune = _page_territoire(client, chiffres["c1"])
    assert "Aucune enquête d&#x27;insécurité ressentie n&#x27;a été menée sur Poitiers." in commune


def test_in_the_demo_poitiers_and_the_district_say_why_they_have_no_survey_share(demo, analyste, client_de):
    client = client_de(analyste)
    for code, nom in (("86194", "Poitiers"), ("district-poitiers", "District de Poitiers")):
        page = lire_page(client, reverse("observatoire:territoire", kwargs={"code": code}))
        assert f"ne couvre {nom} en entier" in page
    quartier = lire_page(client, reverse("observatoire:territoire", kwargs={"code": "QP086005"}))
    assert 'id="note-enquetes"' not in quartier
