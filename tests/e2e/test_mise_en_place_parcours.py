"""A council sets itself up in the browser from an empty platform: `mise_en_place` prints the link,
the coordination creates its account and the "CLSPD de Châtellerault" step by step (commune 86066
from a small referential, three priority neighbourhoods, five partners, three priorities, two
invited accounts, a plenary and a cellule de veille). The invited partner chooses a password and
reports progress on its commitment; the invited secretary convenes the first plenary, whose
e-mails carry the council's name and working links. Every form submitted is counted: at most 12."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cls_poitiers.models import Contrat, Partenaire, Priorite, Territoire, Utilisateur
from comites.models import Comite, Reunion
from engagements.models import Engagement
from tests.cls_poitiers.test_mise_en_place import charger_petit_referentiel
from tests.engagements.factories import ActionFactory

pytestmark = pytest.mark.e2e

MOT_DE_PASSE = "un-mot-de-passe-choisi-2026"
CAPTURES = "/tmp/mise-en-place-{}.png"


class Formulaires:
    """Submits a form by its button and counts it."""

    def __init__(self):
        self.nombre = 0

    def soumettre(self, page, bouton):
        self.nombre += 1
        page.get_by_role("button", name=bouton).click()
        page.wait_for_load_state()


def _lien(courriel, motif):
    return re.search(r"https?://[^/\s]+(" + motif + r")", courriel.body).group(1)


def _invitation(adresse):
    courriel = next(m for m in mail.outbox if m.to == [adresse] and "/compte/invitation/" in m.body)
    return _lien(courriel, r"/compte/invitation/\S+/\S+/")


def _nouveau_contexte(browser, live_server):
    contexte = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", bypass_csp=True)
    contexte.set_default_timeout(15_000)
    page = contexte.new_page()
    page.base_url = live_server.url
    return contexte, page


def _choisir_mot_de_passe(page, formulaires, chemin):
    page.goto(page.base_url + chemin)
    page.locator("[name='new_password1']").fill(MOT_DE_PASSE)
    page.locator("[name='new_password2']").fill(MOT_DE_PASSE)
    formulaires.soumettre(page, "Enregistrer et me connecter")
    assert "vous êtes connecté" in page.get_by_role("status").inner_text()


def test_a_council_sets_itself_up_and_its_members_start_working(
    page, browser, live_server, axe, tmp_path, settings
):
    settings.CLS_ADRESSE_PUBLIQUE = live_server.url
    charger_petit_referentiel(tmp_path / "referentiel")
    sortie = StringIO()
    call_command("mise_en_place", stdout=sortie)
    lien = re.search(r"https?://\S+/mise-en-place/\S+/", sortie.getvalue()).group(0)
    formulaires = Formulaires()

    # 1. The first Coordination account.
    page.goto(lien)
    assert page.get_by_text("Étape 1 sur 8").is_visible()
    axe(page, "compte de coordination")
    page.get_by_label("Identifiant de connexion").fill("coord-chatellerault")
    page.get_by_label("Prénom").fill("Claire")
    page.locator("[name='nom']").fill("Martin")
    page.get_by_label("Adresse électronique").fill("claire.martin@example.org")
    page.get_by_label("Votre organisation").fill("Ville de Châtellerault")
    page.locator("[name='mot_de_passe']").fill(MOT_DE_PASSE)
    page.locator("[name='mot_de_passe_confirmation']").fill(MOT_DE_PASSE)
    page.screenshot(path=CAPTURES.format("1-compte"), full_page=True)
    formulaires.soumettre(page, "Enregistrer et continuer")

    # 2. The council: the commune comes from the referential, name and end are proposed.
    assert page.get_by_text("Étape 2 sur 8").is_visible()
    axe(page, "conseil")
    page.locator("[name='nature']").select_option("clspd")
    page.locator("[name='perimetre']").fill("86066")
    page.locator("[name='date_signature']").fill("15/01/2026")
    formulaires.soumettre(page, "Enregistrer et continuer")
    contrat = Contrat.objects.get()
    assert (contrat.nom_conseil, contrat.territoire.nom) == ("CLSPD de Châtellerault", "Châtellerault")

    # 3. Three priority neighbourhoods: two QPV and a free quartier.
    assert page.get_by_text("Étape 3 sur 8").is_visible()
    for i, (code, nom) in enumerate(
        [("QP086001", "Lac Renardières Ozon"), ("QP086002", "Châteauneuf Centre Ville"), ("", "Les Minimes")]
    ):
        page.locator(f"[name='quartiers-{i}-code']").fill(code)
        page.locator(f"[name='quartiers-{i}-nom']").fill(nom)
    axe(page, "quartiers")
    formulaires.soumettre(page, "Enregistrer et continuer")

    # 4. Partners proposed from the law's membership: five kept, one renamed.
    assert page.get_by_text("Étape 4 sur 8").is_visible()
    assert page.locator("[name='partenaires-1-nom']").input_value() == "Préfecture de la Vienne"
    for i in (3, 5, 6, 8, 9, 10):
        page.locator(f"[name='partenaires-{i}-retenu']").uncheck()
    page.locator("[name='partenaires-7-nom']").fill("Habitat de la Vienne")
    axe(page, "partenaires")
    page.screenshot(path=CAPTURES.format("4-partenaires"), full_page=True)
    formulaires.soumettre(page, "Enregistrer et continuer")
    assert Partenaire.objects.actifs().count() == 5

    # 5. Priorities started from the national strategy's axes (a link, not a form): three kept.
    assert page.get_by_text("Étape 5 sur 8").is_visible()
    page.get_by_role("link", name=re.compile("axes de la stratégie nationale")).click()
    page.locator("[name='priorites-3-titre']").fill("")
    formulaires.soumettre(page, "Enregistrer et continuer")
    assert Priorite.objects.filter(contrat=contrat).count() == 3

    # 6. Two accounts by invitation: a partner and a secretary.
    assert page.get_by_text("Étape 6 sur 8").is_visible()
    for i, (prenom, nom, email, organisation, role) in enumerate(
        [
            ("Paul", "Durand", "paul.durand@example.org", "Habitat de la Vienne", "Partenaire"),
            ("Sam", "Roux", "sam.roux@example.org", "Ville de Châtellerault", "Secrétariat"),
        ]
    ):
        page.locator(f"[name='comptes-{i}-prenom']").fill(prenom)
        page.locator(f"[name='comptes-{i}-nom']").fill(nom)
        page.locator(f"[name='comptes-{i}-email']").fill(email)
        page.locator(f"[name='comptes-{i}-partenaire']").select_option(organisation)
        page.locator(f"[name='comptes-{i}-role']").select_option(role)
    axe(page, "comptes")
    formulaires.soumettre(page, "Enregistrer et continuer")

    # 7. The proposed instances: a yearly plenary (the secretary ticked) and a cellule de veille.
    assert page.get_by_text("Étape 7 sur 8").is_visible()
    axe(page, "instances")
    page.screenshot(path=CAPTURES.format("7-instances"), full_page=True)
    formulaires.soumettre(page, "Enregistrer et continuer")
    assert page.get_by_text("Étape 8 sur 8").is_visible()
    assert page.get_by_role("heading", name="CLSPD de Châtellerault est en place").is_visible()
    axe(page, "mise en place terminée")
    page.screenshot(path=CAPTURES.format("8-termine"), full_page=True)

    pleniere = Comite.objects.get(type="pleniere")
    assert (pleniere.rythme, pleniere.confidentiel, pleniere.membres.count()) == ("annuel", False, 5)
    assert list(pleniere.secretaires.values_list("email", flat=True)) == ["sam.roux@example.org"]
    assert Comite.objects.get(type="veille").confidentiel
    assert set(Territoire.objects.quartiers().prioritaires().values_list("parent__code", flat=True)) == {
        "86066"
    }

    # The invited partner: a password of their own, then a commitment of their organisation under
    # a fiche-action of the plan (the plan of action is the coordination's, written later: here given).
    habitat = Partenaire.objects.get(nom="Habitat de la Vienne")
    action = ActionFactory(priorite=Priorite.objects.get(contrat=contrat, numero=1), titre="Médiation au Lac")
    contexte, partenaire = _nouveau_contexte(browser, live_server)
    _choisir_mot_de_passe(partenaire, formulaires, _invitation("paul.durand@example.org"))
    partenaire.goto(partenaire.base_url + action.get_absolute_url())
    partenaire.get_by_role("link", name="Ajouter un engagement d’Habitat de la Vienne").click()
    for nom, valeur in {
        "reference": "mediateurs-lac",
        "description": "Recruter quatre médiateurs au Lac.",
        "unite": "médiateurs",
        "valeur_initiale": "0",
        "valeur_cible": "4",
        "echeance": "2027-12-31",
    }.items():
        partenaire.locator(f"[name='{nom}']").fill(valeur)
    axe(partenaire, "engagement du partenaire")
    formulaires.soumettre(partenaire, "Enregistrer")
    assert partenaire.get_by_text("Engagement créé.").is_visible()
    engagement = Engagement.objects.get(reference="mediateurs-lac")
    assert (engagement.partenaire, engagement.action) == (habitat, action)
    partenaire.screenshot(path=CAPTURES.format("9-partenaire"), full_page=True)
    contexte.close()

    # The secretary convenes the first plenary.
    contexte, secretaire = _nouveau_contexte(browser, live_server)
    _choisir_mot_de_passe(secretaire, formulaires, _invitation("sam.roux@example.org"))
    secretaire.goto(secretaire.base_url + pleniere.get_absolute_url())
    secretaire.get_by_role("link", name="Planifier une réunion").click()
    jour = timezone.localdate() + datetime.timedelta(days=14)
    secretaire.get_by_label("Début").fill(f"{jour:%Y-%m-%d}T18:00")
    secretaire.get_by_label("Fin").fill(f"{jour:%Y-%m-%d}T20:00")
    secretaire.get_by_label("Adresse").fill("Hôtel de ville de Châtellerault")
    formulaires.soumettre(secretaire, "Planifier")
    secretaire.wait_for_url(re.compile(r"/comites/reunions/\d+/$"))
    mail.outbox.clear()
    formulaires.soumettre(secretaire, "Convoquer les membres")
    assert secretaire.get_by_text(re.compile("Réunion convoquée")).is_visible()
    secretaire.screenshot(path=CAPTURES.format("10-convocation"), full_page=True)
    assert Reunion.objects.get(comite=pleniere).statut == "convoquee"
    convocations = [m for m in mail.outbox if "Convocation" in m.subject]
    assert {m.to[0] for m in convocations} >= {"paul.durand@example.org", "claire.martin@example.org"}
    for courriel in convocations:
        assert "Assemblée plénière" in courriel.subject
        # The sender's name and the signature are the council's; every link starts with the public
        # address (here the live server's) and answers.
        assert courriel.from_email.startswith("CLSPD de Châtellerault <")
        assert "CLSPD de Châtellerault" in courriel.body
        assert "Poitiers" not in courriel.subject + courriel.body + courriel.from_email
        liens = re.findall(r"https?://\S+", courriel.body)
        assert liens and all(lien.startswith(live_server.url) for lien in liens), liens
        reponse = secretaire.request.get(live_server.url + _lien(courriel, r"/comites/reponse/\S+/"))
        assert reponse.status == 200
    contexte.close()

    assert Utilisateur.objects.get(email="paul.durand@example.org").has_usable_password()
    assert formulaires.nombre <= 12, formulaires.nombre
