"""Two journeys of daily use: a logged-in member answers a convocation on the meeting's page, and
a secretary records a meeting held without a convocation through the platform (attendance,
minutes, decision), which then counts in the semester rhythm. axe is clean on every page."""

import datetime
import re

import pytest
from django.utils import timezone

from comites import services
from comites.models import Presence, Reunion
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory
from tests.conftest import MOT_DE_PASSE
from tests.factories import PartenaireFactory

pytestmark = pytest.mark.e2e


def _comite(secretariat, partenaire):
    comite = ComiteFactory(nom="Comité de pilotage du CLS", secretaires=[secretariat])
    MembreFactory(
        comite=comite, partenaire=partenaire.partenaire, representant="Le Préfet", email="p@example.fr"
    )
    MembreFactory(
        comite=comite,
        partenaire=PartenaireFactory(nom="Parquet de Poitiers"),
        representant="Le Procureur",
        email="procureur@example.fr",
    )
    return comite


def test_member_answers_the_convocation_on_the_meeting_page(page, login, axe, secretariat, partenaire):
    comite = _comite(secretariat, partenaire)
    debut = timezone.now() + datetime.timedelta(days=6)
    reunion = ReunionFactory(comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2))
    services.convoquer(reunion=reunion, par=secretariat)

    login(page, partenaire.username, MOT_DE_PASSE)
    page.goto(page.base_url + reunion.get_absolute_url())
    reponse = page.get_by_role("region", name=re.compile("Votre réponse à la convocation"))
    assert reponse.is_visible()
    axe(page, "page de la réunion, réponse à donner")
    reponse.get_by_role("radio", name="Représenté").check()
    reponse.get_by_label("Représenté par (nom et fonction)").fill("Le Sous-Préfet")
    reponse.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_url(re.compile(r"/comites/reunions/\d+/#votre-reponse$"))
    assert page.get_by_text("Votre réponse est enregistrée.").is_visible()
    assert page.get_by_text("Réponse enregistrée : Représenté (Le Sous-Préfet).").is_visible()
    assert page.get_by_role("radio", name="Représenté").is_checked()
    axe(page, "page de la réunion, réponse enregistrée")
    presence = Presence.objects.get(reunion=reunion, membre__partenaire=partenaire.partenaire)
    assert (presence.reponse, presence.reponse_represente_par) == ("represente", "Le Sous-Préfet")
    autre = Presence.objects.exclude(pk=presence.pk).get(reunion=reunion)
    assert autre.reponse == "sans_reponse"


def test_secretary_records_a_past_meeting_that_then_counts_in_the_rhythm(
    page, login, axe, secretariat, partenaire
):
    comite = _comite(secretariat, partenaire)
    login(page, secretariat.username, MOT_DE_PASSE)
    page.goto(page.base_url + comite.get_absolute_url())
    page.get_by_role("link", name="Enregistrer une réunion passée").click()
    page.wait_for_load_state()
    axe(page, "formulaire de la réunion passée")

    debut = timezone.localtime() - datetime.timedelta(hours=5)
    page.get_by_label("Début").fill(f"{debut:%Y-%m-%dT%H:%M}")
    page.get_by_label("Fin").fill(f"{debut + datetime.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.get_by_label("Adresse").fill("Préfecture de la Vienne")
    page.get_by_role("button", name="Enregistrer la réunion tenue").click()
    page.wait_for_url(re.compile(r"/comites/reunions/\d+/$"))
    assert page.get_by_text("Statut : Tenue").is_visible()
    assert (
        page.get_by_role("heading", level=1).inner_text() == f"Comité de pilotage du CLS du {debut:%d/%m/%Y}"
    )
    axe(page, "réunion passée enregistrée")
    reunion = Reunion.objects.get(comite=comite)

    page.get_by_role("link", name="Enregistrer les présences").click()
    p_prefet, p_procureur = sorted(
        reunion.presences.all(), key=lambda p: p.membre.representant != "Le Préfet"
    )
    page.locator(f"select[name='p{p_prefet.pk}-statut']").select_option("present")
    page.locator(f"select[name='p{p_procureur.pk}-statut']").select_option("excuse")
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Rédiger le compte rendu").click()
    page.get_by_label("Compte rendu").fill(
        "Réunion convoquée par téléphone après les incendies de véhicules."
    )
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Ajouter une décision").click()
    page.get_by_label("Décision").fill("Renfort des patrouilles de nuit.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Renfort des patrouilles de nuit.").is_visible()
    assert page.get_by_text("Présents : 1 ; excusés : 1 ; représentés : 0 ; absents : 0.").is_visible()
    axe(page, "réunion passée avec présences, compte rendu et décision")

    page.goto(page.base_url + "/comites/rythme/")
    ligne = page.locator("tr", has=page.get_by_role("rowheader", name=re.compile(r"\(en cours\)")))
    assert ligne.get_by_text("tenue", exact=True).is_visible()
    assert ligne.get_by_text(f"{debut:%d/%m/%Y}").is_visible()
    axe(page, "rythme des comités")
