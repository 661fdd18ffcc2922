"""The secretariat's pages: scheduling with native pickers and the overlap warning, the meeting
page and its actions, the PDF, the .ics, and the members' answers from the convocation link."""

import datetime
from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from comites import courriels, services
from comites.models import Presence, Reunion
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory, a_paris
from tests.conftest import REQUETES_CONNEXION, lire_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_secretariat(secretariat):
    client = Client()
    client.force_login(secretariat)
    return client


def test_schedule_form_uses_native_date_time_pickers(client_secretariat, comite):
    page = client_secretariat.get(reverse("comites:reunion_planifier", args=[comite.code])).content.decode()
    assert page.count('type="datetime-local"') == 2


def test_scheduling_creates_a_draft_with_a_default_title(client_secretariat, comite):
    response = client_secretariat.post(
        reverse("comites:reunion_planifier", args=[comite.code]),
        {"debut": "2030-06-10T14:00", "fin": "2030-06-10T17:00", "adresse": "Salle des fêtes"},
    )
    reunion = Reunion.objects.get(comite=comite)
    assert response["Location"] == reunion.get_absolute_url()
    assert reunion.statut == "brouillon"
    assert reunion.titre == "Comité de pilotage du 10/06/2030"
    assert timezone.localtime(reunion.debut) == a_paris(2030, 6, 10, 14)


def test_overlap_with_the_same_members_warns_and_needs_confirmation(client_secretariat, comite, partenaire):
    autre = ComiteFactory(nom="Cellule de veille")
    MembreFactory(comite=autre, partenaire=partenaire.partenaire)
    ReunionFactory(
        comite=autre, titre="Veille de juin", debut=a_paris(2030, 6, 10, 16), fin=a_paris(2030, 6, 10, 18)
    )
    url = reverse("comites:reunion_planifier", args=[comite.code])
    donnees = {"debut": "2030-06-10T14:00", "fin": "2030-06-10T17:00"}
    response = client_secretariat.post(url, donnees)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chevauchement avec des réunions des mêmes membres" in page
    assert "Veille de juin" in page
    assert not Reunion.objects.filter(comite=comite).exists()
    response = client_secretariat.post(url, {**donnees, "confirmer_chevauchement": "on"})
    assert response.status_code == 302
    assert Reunion.objects.filter(comite=comite).count() == 1


def test_bad_dates_are_refused_in_french(client_secretariat, comite):
    response = client_secretariat.post(
        reverse("comites:reunion_planifier", args=[comite.code]),
        {"debut": "2030-06-10T14:00", "fin": "2030-06-10T13:00"},
    )
    assert "La fin de la réunion doit suivre son début." in response.content.decode()
    response = client_secretariat.post(
        reverse("comites:reunion_planifier", args=[comite.code]), {"debut": "10/06/2030", "fin": ""}
    )
    assert response.status_code == 200
    assert not Reunion.objects.exists()


def test_convene_from_the_meeting_page(client_secretariat, reunion, envoi):
    client_secretariat.post(
        reverse("comites:point_ajouter", args=[reunion.pk]), {"titre": "Tour de table", "duree_minutes": 20}
    )
    with envoi():
        response = client_secretariat.post(reverse("comites:reunion_convoquer", args=[reunion.pk]))
        # The answer comes before any e-mail leaves: they are queued, sent after the commit.
        assert mail.outbox == []
    assert len(mail.outbox) == 2
    page = unescape(client_secretariat.get(response["Location"]).content.decode())
    assert "Réunion convoquée : 2 convocation(s) en file d'envoi." in page
    assert "Courriels de convocation : 2 envoyé(s), 0 en file d'envoi, 0 en échec." in page


def test_urgent_meeting_form_convenes_at_once(client_secretariat, comite, envoi):
    with envoi():
        response = client_secretariat.post(
            reverse("comites:reunion_urgente", args=[comite.code]),
            {"objet": "Incendies de véhicules", "debut": "2030-01-02T18:00", "fin": "2030-01-02T19:00"},
        )
    reunion = Reunion.objects.get()
    assert response["Location"] == reunion.get_absolute_url()
    assert (reunion.statut, reunion.nature) == ("convoquee", "urgente")
    assert len(mail.outbox) == 2
    page = unescape(client_secretariat.get(response["Location"]).content.decode())
    assert "Réunion urgente convoquée : 2 convocation(s) en file d'envoi." in page


def test_meeting_ics_is_text_calendar(client_secretariat, reunion):
    response = client_secretariat.get(reverse("comites:reunion_ics", args=[reunion.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == reunion.ics_uid
    page = client_secretariat.get(reunion.get_absolute_url()).content.decode()
    assert reverse("comites:reunion_ics", args=[reunion.pk]) in page
    assert reverse("comites:reunion_pdf", args=[reunion.pk]) in page


def test_pdf_is_a_valid_pdf_with_the_meeting_title_and_its_record(
    client_secretariat, reunion_passee, secretariat
):
    services.marquer_tenue(reunion=reunion_passee, par=secretariat)
    p1 = reunion_passee.presences.first()
    services.enregistrer_presences(reunion=reunion_passee, par=secretariat, lignes=[(p1, "present", "")])
    services.rediger_compte_rendu(
        reunion=reunion_passee, par=secretariat, texte="Le comité salue les médiateurs."
    )
    services.ajouter_decision(reunion=reunion_passee, par=secretariat, texte="Renforcer l'îlotage")
    response = client_secretariat.get(reverse("comites:reunion_pdf", args=[reunion_passee.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    import io

    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    texte = " ".join(texte.split())
    for attendu in (
        reunion_passee.titre,
        "Convocation",
        "Ordre du jour",
        "Feuille de présence",
        "Présent",
        "Le comité salue les médiateurs.",
        "Décision n°1",
        "Renforcer l'îlotage",
    ):
        assert attendu in texte


def test_member_answers_from_the_link_without_login_and_secretary_sees_the_count(reunion, secretariat):
    services.convoquer(reunion=reunion, par=secretariat)
    p1, p2 = reunion.presences.order_by("pk")
    anonyme = Client()
    url = reverse("comites:repondre", args=[courriels.jeton_reponse(p1)])
    assert anonyme.get(url).status_code == 200
    p1.refresh_from_db()
    assert p1.reponse == "sans_reponse"  # GET never records (mail scanners open links)
    anonyme.post(url, {"reponse": "participera"})
    url2 = reverse("comites:repondre", args=[courriels.jeton_reponse(p2)])
    response = anonyme.post(url2, {"reponse": "represente", "represente_par": ""})
    assert "Indiquez qui représentera" in response.content.decode()
    anonyme.post(url2, {"reponse": "represente", "represente_par": "Substitut du procureur"})
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.reponse, p2.reponse, p2.reponse_represente_par) == (
        "participera",
        "represente",
        "Substitut du procureur",
    )
    client = Client()
    client.force_login(secretariat)
    page = client.get(reunion.get_absolute_url()).content.decode()
    assert "1 participeront, 0 excusés, 1 représentés, 0 sans réponse" in page


def test_a_forged_or_foreign_token_answers_404(reunion, secretariat):
    services.convoquer(reunion=reunion, par=secretariat)
    presence = reunion.presences.first()
    jeton = courriels.jeton_reponse(presence)
    assert Client().get(reverse("comites:repondre", args=[jeton[:-2] + "xx"])).status_code == 404
    autre = ReunionFactory(comite=reunion.comite)
    from django.core import signing

    etranger = signing.dumps({"p": presence.pk, "u": str(autre.uid)}, salt=courriels.SEL_REPONSE)
    assert Client().get(reverse("comites:repondre", args=[etranger])).status_code == 404


def test_answer_is_closed_once_the_meeting_is_cancelled(reunion, secretariat):
    services.convoquer(reunion=reunion, par=secretariat)
    presence = reunion.presences.first()
    services.annuler(reunion=reunion, par=secretariat, motif="Report")
    url = reverse("comites:repondre", args=[courriels.jeton_reponse(presence)])
    response = Client().post(url, {"reponse": "participera"})
    assert "Cette réunion est annulée." in response.content.decode()
    presence.refresh_from_db()
    assert presence.reponse == Presence.Reponse.SANS_REPONSE


def test_attendance_minutes_and_decision_pages(client_secretariat, reunion_passee, secretariat):
    services.marquer_tenue(reunion=reunion_passee, par=secretariat)
    p1, p2 = reunion_passee.presences.order_by("pk")
    url = reverse("comites:presences", args=[reunion_passee.pk])
    assert client_secretariat.get(url).status_code == 200
    response = client_secretariat.post(
        url,
        {
            f"p{p1.pk}-statut": "present",
            f"p{p1.pk}-represente_par": "",
            f"p{p2.pk}-statut": "represente",
            f"p{p2.pk}-represente_par": "",
        },
    )
    assert response.status_code == 200
    assert "Indiquez qui représentait le membre." in response.content.decode()
    client_secretariat.post(
        url,
        {
            f"p{p1.pk}-statut": "present",
            f"p{p1.pk}-represente_par": "",
            f"p{p2.pk}-statut": "excuse",
            f"p{p2.pk}-represente_par": "",
        },
    )
    assert list(reunion_passee.presences.order_by("pk").values_list("statut", flat=True)) == [
        "present",
        "excuse",
    ]
    client_secretariat.post(
        reverse("comites:compte_rendu", args=[reunion_passee.pk]), {"texte": "Compte rendu."}
    )
    client_secretariat.post(
        reverse("comites:decision_ajouter", args=[reunion_passee.pk]), {"texte": "Décision."}
    )
    client_secretariat.post(reverse("comites:compte_rendu_approuver", args=[reunion_passee.pk]))
    reunion_passee.refresh_from_db()
    assert reunion_passee.statut == "cr_approuve"
    assert reunion_passee.decisions.count() == 1


def test_cancel_page_requires_a_reason(client_secretariat, reunion):
    url = reverse("comites:reunion_annuler", args=[reunion.pk])
    response = client_secretariat.post(url, {"motif": ""})
    assert response.status_code == 200
    reunion.refresh_from_db()
    assert reunion.statut == "brouillon"
    client_secretariat.post(url, {"motif": "Report au mois suivant"})
    reunion.refresh_from_db()
    assert (reunion.statut, reunion.motif_annulation) == ("annulee", "Report au mois suivant")


def test_illegal_action_from_a_page_shows_a_french_message(client_secretariat, reunion):
    response = client_secretariat.post(reverse("comites:reunion_tenue", args=[reunion.pk]), follow=True)
    assert (
        "ne peut pas passer" in response.content.decode()
        or "pas encore commencé" in response.content.decode()
    )
    reunion.refresh_from_db()
    assert reunion.statut == "brouillon"


def test_comite_list_and_meeting_list_query_counts(client_secretariat, comite, django_assert_num_queries):
    for i in range(15):
        debut = a_paris(2029, 1 + i % 12, 3 + i, 10)
        ReunionFactory(
            comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=1), statut="convoquee"
        )
        ComiteFactory(nom=f"Groupe thématique {i}", type="thematique", rythme="besoin")
    # Login, then the current contract, the committees the user manages, the header's
    # organisation, the contract's committees with their number of coming meetings.
    with django_assert_num_queries(REQUETES_CONNEXION + 4):
        lire_page(client_secretariat, reverse("comites:comite_list"), "Groupe thématique 14")
    # Login, then the count, the header's organisation, the filter form's committees, the page of
    # meetings with their committee and territory.
    for filtres in ("", "?annee=2029&statut=convoquee"):
        with django_assert_num_queries(REQUETES_CONNEXION + 4):
            response = client_secretariat.get(reverse("comites:reunion_list") + filtres)
            assert response.status_code == 200
            assert response.context["page"].paginator.count == 15


def test_meeting_list_is_paginated_and_keeps_its_filters(
    client_secretariat, comite, django_assert_num_queries
):
    for i in range(55):
        debut = a_paris(2029, 1, 1, 9) + datetime.timedelta(days=i)
        ReunionFactory(
            comite=comite, titre=f"Réunion {i:02d}", debut=debut, fin=debut + datetime.timedelta(hours=1)
        )
    url = reverse("comites:reunion_list") + "?annee=2029"
    # Login, then the count, the header's organisation, the filter form's committees, the page.
    with django_assert_num_queries(REQUETES_CONNEXION + 4):
        response = client_secretariat.get(url)
        assert response.status_code == 200
        page = response.content.decode()
    assert "Page 1 sur 2" in page
    assert "annee=2029&amp;page=2" in page
    page2 = client_secretariat.get(url + "&page=2").content.decode()
    assert "Réunion 00" in page2 and "Réunion 54" not in page2
