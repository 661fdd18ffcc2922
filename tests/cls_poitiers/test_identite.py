"""The council's identity (cls_poitiers.identite): the platform's name, the e-mails' sender and
signature, the PDF headers, the calendars' PRODID, ORGANIZER and UID domain come from the current
contract, and a setting overrides them; every link in an e-mail or a calendar feed starts with
the public address. And a council other than Poitiers, built from factories (no demo), never
reads "Poitiers" on any page, file, calendar or e-mail any of its roles reaches."""

import datetime
import io
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from cls_poitiers import identite
from cls_poitiers.models import Courriel, Territoire
from comites import ics, pdf
from comites.models import Comite, JetonCalendrier
from comites.services import reunions as services_reunions
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory, a_paris
from tests.engagements.factories import ActionFactory, EngagementFactory
from tests.factories import (
    ContratFactory,
    PartenaireFactory,
    PopulationFactory,
    PrioriteFactory,
    TerritoireFactory,
)
from tests.observatoire.factories import DonneeFactory, SourceFactory

pytestmark = pytest.mark.django_db

ADRESSE = "https://clspd.chatellerault.example"
NOM = "CLSPD de Châtellerault"


@pytest.fixture
def identite_du_contrat(settings):
    """No setting names the platform: its name is the contract's; the public address is set."""
    settings.CLS_PLATEFORME_NOM = ""
    settings.CLS_ADRESSE_PUBLIQUE = ADRESSE
    settings.DEFAULT_FROM_EMAIL = "conseil@chatellerault.example"


@pytest.fixture
def contrat(identite_du_contrat):
    vienne = TerritoireFactory(code="86", nom="Vienne", niveau=Territoire.Niveau.DEPARTEMENT)
    commune = TerritoireFactory(
        code="86066",
        nom="Châtellerault",
        niveau=Territoire.Niveau.COMMUNE,
        parent=vienne,
        departement=vienne,
        latitude="46.82",
        longitude="0.55",
    )
    return ContratFactory(
        nature="clspd",
        titre="Stratégie territoriale de sécurité et de prévention de la délinquance",
        nom_conseil=NOM,
        territoire=commune,
        date_signature=datetime.date(2024, 1, 15),
        annee_diagnostic=2023,
    )


@pytest.fixture
def reunion(contrat, secretariat, partenaire):
    pleniere = ComiteFactory(
        contrat=contrat,
        code="pleniere",
        nom="Assemblée plénière",
        type=Comite.Type.PLENIERE,
        rythme=Comite.Rythme.ANNUEL,
        secretaires=[secretariat],
    )
    MembreFactory(comite=pleniere, partenaire=partenaire.partenaire, email="ville@chatellerault.example")
    MembreFactory(
        comite=pleniere,
        partenaire=PartenaireFactory(nom="Préfecture de la Vienne"),
        email="prefecture@vienne.example",
    )
    return ReunionFactory(comite=pleniere, titre="Première plénière", debut=a_paris(2030, 3, 12, 14, 30))


def _ics(contenu: bytes):
    cal = Calendar.from_ical(contenu)
    return cal, next(iter(cal.walk("VEVENT")))


def _texte_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


# --- the identity follows the current contract, a setting overrides it --------------------------


def test_the_name_is_the_current_contracts_then_its_title_then_neutral(identite_du_contrat):
    assert identite.nom_plateforme() == "Plateforme CLS"
    sans_nom = ContratFactory(titre="Stratégie de Naintré", nom_conseil="")
    assert identite.nom_plateforme() == "Stratégie de Naintré"
    # A later contract, in force today, is the current one: its name.
    ContratFactory(territoire=sans_nom.territoire, nom_conseil=NOM, date_signature=datetime.date(2024, 1, 15))
    assert identite.nom_plateforme() == NOM


def test_the_setting_overrides_the_name_everywhere(contrat, reunion, settings):
    settings.CLS_PLATEFORME_NOM = "Sécurité à Châtellerault"
    assert identite.nom_plateforme() == "Sécurité à Châtellerault"
    assert identite.expediteur() == "Sécurité à Châtellerault <conseil@chatellerault.example>"
    cal, event = _ics(ics.fichier_reunion(reunion))
    assert str(cal["PRODID"]) == "-//Sécurité à Châtellerault//Comités//FR"
    assert event["ORGANIZER"].params["CN"] == "Sécurité à Châtellerault"
    assert "Sécurité à Châtellerault — Assemblée plénière" in _texte_pdf(
        pdf.reunion_pdf(reunion, lire_compte_rendu=False)
    )


def test_sender_and_signature_follow_the_contract(contrat, settings):
    assert identite.expediteur() == f"{NOM} <conseil@chatellerault.example>"
    # A name given with the address is the installation's old habit: the platform's name wins.
    settings.DEFAULT_FROM_EMAIL = "CLS du District de Poitiers <conseil@chatellerault.example>"
    assert identite.expediteur() == f"{NOM} <conseil@chatellerault.example>"
    assert identite.signature() == f"{NOM}\n{ADRESSE}"


def test_public_address_setting_then_request_in_debug_then_localhost(settings):
    settings.CLS_ADRESSE_PUBLIQUE = ADRESSE + "/"
    assert identite.url_absolue("/comites/") == ADRESSE + "/comites/"
    assert identite.domaine() == "clspd.chatellerault.example"
    settings.CLS_ADRESSE_PUBLIQUE = ""
    requete = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8104")
    settings.DEBUG = False
    assert identite.adresse_publique(requete) == "http://localhost:8000"  # never trust the host
    settings.DEBUG = True
    assert identite.adresse_publique(requete) == "http://127.0.0.1:8104"
    assert identite.adresse_publique() == "http://localhost:8000"
    assert identite.domaine() == "localhost"


def test_calendar_prodid_organizer_and_uid_follow_the_contract(contrat, reunion):
    cal, event = _ics(ics.fichier_reunion(reunion))
    assert str(cal["PRODID"]) == f"-//{NOM}//Comités//FR"
    assert str(event["ORGANIZER"]) == "mailto:conseil@chatellerault.example"
    assert event["ORGANIZER"].params["CN"] == NOM
    assert str(event["UID"]) == f"reunion-{reunion.uid}@clspd.chatellerault.example"
    assert str(event["URL"]) == ADRESSE + reunion.get_absolute_url()


def test_pdf_header_names_the_council(contrat, reunion):
    assert f"{NOM} — Assemblée plénière" in _texte_pdf(pdf.reunion_pdf(reunion, lire_compte_rendu=False))


def test_a_page_reads_the_identity_once(contrat, coordination, django_assert_num_queries):
    from cls_poitiers.context_processors import plateforme

    requete = RequestFactory().get("/")
    requete.user = coordination
    with django_assert_num_queries(1):
        assert identite.nom_plateforme(requete) == NOM
        assert identite.nom_plateforme(requete) == NOM
    with django_assert_num_queries(1):  # the user's roles; the contract is not read again
        assert plateforme(requete)["plateforme_nom"] == NOM


def test_convocation_links_and_sender_use_the_public_address(reunion, secretariat, envoi):
    with envoi():
        services_reunions.convoquer(reunion=reunion, par=secretariat)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.from_email == f"{NOM} <conseil@chatellerault.example>"
        liens = re.findall(r"https?://\S+", message.body)
        assert liens and all(lien.startswith(ADRESSE) for lien in liens), liens
        assert f"{ADRESSE}/comites/reponse/" in message.body
        assert message.body.rstrip().endswith(f"{NOM}\n{ADRESSE}")
        _cal, event = _ics(message.attachments[0][1])
        assert str(event["URL"]) == ADRESSE + reunion.get_absolute_url()


def test_the_feed_url_copied_from_the_calendar_page_works(reunion, partenaire, client_de, settings):
    JetonCalendrier.objects.create(utilisateur=partenaire)
    client = client_de(partenaire)
    page = unescape(client.get(reverse("comites:calendrier")).content.decode())
    url = re.search(r"https?://[^\s\"'<]+/reunions\.ics", page).group(0)
    assert url.startswith(ADRESSE + "/comites/flux/")
    flux = client_de(None).get(url.removeprefix(ADRESSE))
    assert flux.status_code == 200 and flux["Content-Type"].startswith("text/calendar")
    # In development without the setting, the page gives the address it was read from.
    settings.CLS_ADRESSE_PUBLIQUE, settings.DEBUG = "", True
    page = unescape(client.get(reverse("comites:calendrier"), HTTP_HOST="127.0.0.1:8104").content.decode())
    assert "http://127.0.0.1:8104/comites/flux/" in page


def test_password_reset_link_uses_the_public_address(contrat, partenaire, envoi):
    from django.test import Client

    with envoi():
        Client().post(reverse("password_reset"), {"email": partenaire.email})
    (message,) = mail.outbox
    assert NOM in message.subject
    assert f"{ADRESSE}/mot-de-passe/" in message.body or f"{ADRESSE}/" in message.body
    assert "testserver" not in message.body
    assert message.body.rstrip().endswith(f"{NOM}\n{ADRESSE}")


# --- a council other than Poitiers never reads "Poitiers" ---------------------------------------

PAGES_MAX_PAR_ROLE = 400
VARIANTES_MAX = 3  # query strings followed per path (filters, pages, sorts), exports always


@pytest.fixture
def conseil(contrat, reunion, coordination, partenaire, secretariat, analyste, donnees_de_reference, envoi):
    """The CLSPD de Châtellerault: its commune under the Vienne, a QPV, partners, three
    priorities, a plenary with a convened meeting, a commitment, figures; e-mails sent."""
    commune = contrat.territoire
    TerritoireFactory(
        code="QP086001",
        nom="Lac Renardières Ozon",
        niveau=Territoire.Niveau.QUARTIER,
        parent=commune,
        prioritaire=True,
    )
    for nom in ("Ville de Châtellerault", "Éducation nationale (DASEN)", "Habitat de la Vienne"):
        PartenaireFactory(nom=nom)
    priorites = [
        PrioriteFactory(contrat=contrat, numero=n, titre=t)
        for n, t in enumerate(
            ("Prévenir la délinquance des jeunes", "Tranquillité publique", "Violences intrafamiliales"),
            start=1,
        )
    ]
    action = ActionFactory(priorite=priorites[0], reference="p1-mediation", titre="Médiation sociale")
    engagement = EngagementFactory(
        action=action, partenaire=partenaire.partenaire, echeance=datetime.date(2030, 6, 30)
    )
    engagement.territoires.add(commune)
    PopulationFactory(territoire=commune, annee=2023, habitants=34000, logements=17000)
    source = SourceFactory(code="police-chatellerault", libelle="Police municipale de Châtellerault")
    DonneeFactory(source=source, territoire=commune, annee=2025, nombre=120)
    for utilisateur in (coordination, partenaire, secretariat, analyste):
        JetonCalendrier.objects.create(utilisateur=utilisateur)
    from django.test import Client

    from comites import relances as relances_comites
    from engagements import relances as relances_engagements

    with envoi():
        services_reunions.convoquer(reunion=reunion, par=secretariat)
        relances_engagements.envoyer(today=datetime.date(2030, 6, 20))
        relances_comites.envoyer(today=datetime.date(2030, 3, 20), stdout=None)
        Client().post(reverse("password_reset"), {"email": partenaire.email})
    return contrat


class _Texte(HTMLParser):
    """The text a reader sees: no markup, no script."""

    def __init__(self):
        super().__init__()
        self.morceaux, self._cache = [], 0

    def handle_starttag(self, tag, attrs):
        self._cache += tag in ("script", "style")
        for nom, valeur in attrs:
            if nom in ("title", "aria-label", "alt", "placeholder", "value") and valeur:
                self.morceaux.append(valeur)

    def handle_endtag(self, tag):
        self._cache -= tag in ("script", "style") and self._cache > 0

    def handle_data(self, data):
        if not self._cache:
            self.morceaux.append(data)


def _lisible(response) -> str:
    """Everything a response says: a page's HTML, a PDF's text, a workbook's cells, a file."""
    type_ = response.get("Content-Type", "")
    entetes = response.get("Content-Disposition", "")
    if type_.startswith("application/pdf"):
        return entetes + _texte_pdf(response.content)
    if "spreadsheetml" in type_:
        classeur = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        cellules = [
            str(v)
            for feuille in classeur
            for ligne in feuille.iter_rows(values_only=True)
            for v in ligne
            if v
        ]
        return entetes + " ".join(classeur.sheetnames + cellules)
    return entetes + response.content.decode("utf-8-sig")


def _liens(url: str, html: str) -> list[str]:
    """The page's links, and the addresses it gives to copy (a calendar feed's)."""
    liens = []
    a_copier = re.findall(re.escape(ADRESSE) + r"(/[^\s\"'<&]*)", html)
    for href in re.findall(r'(?:href|src|action)="([^"#]*)', html) + a_copier:
        cible = urljoin(url, unescape(href))
        morceaux = urlsplit(cible)
        if morceaux.netloc not in ("", "testserver") or not morceaux.path.startswith("/"):
            continue
        if morceaux.path.startswith(("/static/", "/admin/")) or "deconnexion" in morceaux.path:
            continue
        liens.append(morceaux.path + (f"?{morceaux.query}" if morceaux.query else ""))
    return liens


def _parcourir(client) -> dict[str, str]:
    """Every page and file reachable from the home by following links: url → what it says."""
    lus, a_lire, variantes = {}, ["/"], {}
    while a_lire and len(lus) < PAGES_MAX_PAR_ROLE:
        url = a_lire.pop(0)
        if url in lus:
            continue
        chemin, _sep, requete = url.partition("?")
        export = "format=" in requete or "export" in requete
        if requete and not export:
            variantes[chemin] = variantes.get(chemin, 0) + 1
            if variantes[chemin] > VARIANTES_MAX:
                continue
        response = client.get(url)
        if response.status_code in (301, 302):
            a_lire.append(response["Location"].removeprefix("http://testserver"))
        lus[url] = _lisible(response) if response.status_code == 200 else ""
        if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
            a_lire += [lien for lien in _liens(url, lus[url]) if lien not in lus]
    return lus


def _visible(html: str) -> str:
    lecteur = _Texte()
    lecteur.feed(html)
    return " ".join(lecteur.morceaux)


def _poitiers(texte: str) -> str:
    """Where the text says Poitiers ("" if nowhere), but for the core app's label in the
    journal's addresses (/journal/cls_poitiers.contrat/), which nobody reads as text."""
    texte = texte.lower().replace("cls_poitiers.", "")
    return _extrait(texte, "poitiers") if "poitiers" in texte else ""


def _sans_poitiers(lus: dict[str, str]):
    trouves = {quoi: extrait for quoi, texte in lus.items() if (extrait := _poitiers(texte))}
    assert not trouves, trouves


def _extrait(texte: str, mot: str) -> str:
    i = texte.lower().find(mot)
    return texte[max(0, i - 80) : i + 80]


@pytest.mark.parametrize("role", ["coordination", "partenaire", "secretariat", "analyste", None])
def test_a_council_other_than_poitiers_never_reads_poitiers(conseil, role, request, client_de):
    utilisateur = request.getfixturevalue(role) if role else None
    lus = _parcourir(client_de(utilisateur))
    _sans_poitiers(lus)
    # The walk did reach the council's pages, files and calendars.
    if role:
        chemins = {u.split("?")[0] for u in lus}
        assert {"/", f"/contrat/{conseil.pk}/", "/territoires/", "/partenaires/"} <= chemins, sorted(lus)
        assert "/territoires/86066/" in chemins and "/territoires/QP086001/" in chemins, sorted(lus)
    if role in ("coordination", "partenaire", "secretariat"):
        assert {"/comites/", "/comites/calendrier/", "/comites/pleniere/"} <= chemins, sorted(lus)
        # The personal feed, from the address the calendar page gives to copy.
        assert any(u.startswith("/comites/flux/") and u.endswith("/reunions.ics") for u in lus), sorted(lus)
        assert any(u.endswith("reunion.pdf") for u in lus), sorted(lus)
    if role in ("coordination", "analyste"):
        assert any(u.startswith("/observatoire/") and "format=csv" in u for u in lus), sorted(lus)
    for url, texte in lus.items():
        if "<html" in texte:
            visible = _visible(texte)
            assert not re.search(r"\bdistricts?\b", visible, re.I), (url, _extrait(visible, "district"))
            assert "six priorités" not in visible, url
            assert NOM in visible, url  # the header and title name the council


def _contenu(message) -> str:
    pieces = (c.decode() if isinstance(c, bytes) else str(c) for _nom, c, _type in message.attachments)
    return " ".join([message.subject, message.body, message.from_email, *pieces])


def test_the_councils_emails_never_say_poitiers(conseil):
    sujets = [m.subject for m in mail.outbox]
    assert any(s.startswith("Convocation") for s in sujets), sujets
    assert any("mot de passe" in s for s in sujets), sujets
    envoyes = {f"{i} {m.subject}": _contenu(m) for i, m in enumerate(mail.outbox)}
    boite = {
        f"courriel {c.pk}": " ".join([c.sujet, c.corps, str(c.pieces_jointes)])
        for c in Courriel.objects.all()
    }
    _sans_poitiers({**envoyes, **boite})
    assert Courriel.objects.count() == len(mail.outbox)
    for message in mail.outbox:
        assert NOM in message.from_email and NOM in message.body
