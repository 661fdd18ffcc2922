"""A secretary schedules the semester's comité de pilotage, prepares its agenda and convenes it;
after the meeting, records the attendance and the minutes, then approves them. axe is clean on
every page visited."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from comites.models import Reunion
from tests.comites.factories import ComiteFactory, MembreFactory
from tests.conftest import MOT_DE_PASSE
from tests.factories import PartenaireFactory

pytestmark = pytest.mark.e2e


def test_secretary_schedules_convenes_then_records_attendance_and_minutes(
    page, login, axe, secretariat, partenaire
):
    comite = ComiteFactory(nom="Comité de pilotage du CLS", secretaires=[secretariat])
    MembreFactory(
        comite=comite, partenaire=partenaire.partenaire, representant="Le Préfet", email="prefet@example.fr"
    )
    MembreFactory(
        comite=comite,
        partenaire=PartenaireFactory(nom="Parquet de Poitiers"),
        representant="Le Procureur",
        email="procureur@example.fr",
    )
    login(page, secretariat.username, MOT_DE_PASSE)

    page.get_by_role("link", name="Comités", exact=True).first.click()
    page.wait_for_load_state()
    axe(page, "liste des comités")
    page.get_by_role("link", name="Comité de pilotage du CLS").click()
    axe(page, "page du comité")
    page.get_by_role("link", name="Planifier une réunion").click()
    axe(page, "formulaire de planification")

    jour = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label("Début").fill(f"{jour:%Y-%m-%d}T14:30")
    page.get_by_label("Fin").fill(f"{jour:%Y-%m-%d}T17:00")
    page.get_by_label("Adresse").fill("Maison de quartier des Couronneries")
    page.get_by_role("button", name="Planifier").click()
    page.wait_for_url(re.compile(r"/comites/reunions/\d+/$"))
    assert (
        page.get_by_role("heading", level=1).inner_text() == f"Comité de pilotage du CLS du {jour:%d/%m/%Y}"
    )
    axe(page, "réunion en préparation")

    page.get_by_label("Intitulé du point").fill("Avancement des engagements")
    page.get_by_label("Durée (minutes)").fill("45")
    page.get_by_role("button", name="Ajouter le point").click()
    page.wait_for_load_state()
    assert page.get_by_text("Avancement des engagements (45 min)").is_visible()

    page.get_by_role("button", name="Convoquer les membres").click()
    page.wait_for_load_state()
    assert page.get_by_text("Réunion convoquée : 2 convocation(s) en file d'envoi.").is_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["prefet@example.fr", "procureur@example.fr"]
    assert page.get_by_role("link", name="Ajouter à mon agenda (.ics)").is_visible()
    axe(page, "réunion convoquée")

    # The meeting takes place: move it into the past.
    reunion = Reunion.objects.get(comite=comite)
    maintenant = timezone.now()
    Reunion.objects.filter(pk=reunion.pk).update(
        debut=maintenant - datetime.timedelta(hours=3), fin=maintenant - datetime.timedelta(hours=1)
    )
    page.reload()
    page.get_by_role("button", name="Déclarer la réunion tenue").click()
    page.wait_for_load_state()

    page.get_by_role("link", name="Enregistrer les présences").click()
    axe(page, "feuille de présence")
    p_prefet, p_procureur = reunion.presences.order_by("membre__ordre", "membre__partenaire__nom")
    if p_prefet.membre.representant != "Le Préfet":
        p_prefet, p_procureur = p_procureur, p_prefet
    page.locator(f"select[name='p{p_prefet.pk}-statut']").select_option("present")
    page.locator(f"select[name='p{p_procureur.pk}-statut']").select_option("represente")
    page.locator(f"input[name='p{p_procureur.pk}-represente_par']").fill("Le Substitut")
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_load_state()
    assert page.get_by_text("Présences enregistrées.").is_visible()

    page.get_by_role("link", name="Rédiger le compte rendu").click()
    axe(page, "compte rendu")
    page.get_by_label("Compte rendu").fill("Le comité a examiné l'avancement des engagements.")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Approuver le compte rendu").click()
    page.wait_for_load_state()
    assert page.get_by_text("Statut : Compte rendu approuvé").is_visible()
    assert page.get_by_text("Le comité a examiné l'avancement des engagements.").is_visible()
    assert page.get_by_text("Présent", exact=True).is_visible()
    assert page.get_by_text("Représenté (par Le Substitut)").is_visible()
    axe(page, "réunion tenue, compte rendu approuvé")

    reunion.refresh_from_db()
    assert reunion.statut == "cr_approuve"

    page.get_by_role("link", name="Calendrier", exact=True).first.click()
    page.wait_for_load_state()
    axe(page, "calendrier")
    page.get_by_role("link", name="Rythme des instances").first.click()
    page.wait_for_load_state()
    axe(page, "rythme des comités")


def test_member_answers_the_convocation_from_the_link_without_logging_in(page, axe, secretariat, partenaire):
    from comites import courriels, services
    from tests.comites.factories import ReunionFactory

    comite = ComiteFactory(nom="GLTD des Couronneries", secretaires=[secretariat])
    MembreFactory(
        comite=comite,
        partenaire=partenaire.partenaire,
        representant="Le Substitut",
        email="substitut@example.fr",
    )
    debut = timezone.now() + datetime.timedelta(days=5)
    reunion = ReunionFactory(comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2))
    services.convoquer(reunion=reunion, par=secretariat)
    presence = reunion.presences.get()
    chemin = re.search(r"https?://[^/\s]+(/comites/reponse/\S+/)", mail.outbox[0].body).group(1)
    assert courriels.presence_du_jeton(chemin.split("/")[-2]) == presence

    page.goto(page.base_url + chemin)
    axe(page, "réponse à la convocation")
    page.get_by_role("radio", name="Représenté").check()
    page.get_by_label("Représenté par (nom et fonction)").fill("La déléguée du procureur")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state()
    assert page.get_by_text("Merci : votre réponse est enregistrée.").is_visible()
    presence.refresh_from_db()
    assert (presence.reponse, presence.reponse_represente_par) == ("represente", "La déléguée du procureur")
