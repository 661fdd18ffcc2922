"""The security diagnostic: uploads checked (type, content, size), stored under a random name and
served only through a permission-checked view; the page for a chosen year assembles the figures,
the surveys, the priority territories, the documents and the meetings that fed it."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from observatoire import forms as observatoire_forms
from observatoire.models import AnnexeDiagnostic, Diagnostic
from tests.conftest import REQUETES_CONNEXION, lire_page
from tests.factories import ContratFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _docx() -> bytes:
    """The same bytes at every call: the entries carry a fixed date (not the current time, which
    made two calls a second apart differ)."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, contenu in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<document/>")):
            archive.writestr(zipfile.ZipInfo(nom, date_time=(1998, 7, 8, 0, 0, 0)), contenu)
    return tampon.getvalue()


@pytest.fixture
def diagnostic(db):
    return Diagnostic.objects.create(
        contrat=ContratFactory(annee_diagnostic=1997),
        titre="Diagnostic de test",
        date=datetime.date(1998, 5, 15),
        annee=1997,
        auteurs="District",
        resume="Résumé",
    )


def _deposer(client, diagnostic, nom, contenu, titre="Annexe"):
    return client.post(
        reverse("observatoire:annexe_ajouter", args=[diagnostic.pk]),
        {"type": "statistique", "titre": titre, "fichier": SimpleUploadedFile(nom, contenu)},
    )


def test_annex_is_stored_under_a_random_name_and_downloaded_under_its_own(
    client, coordination, partenaire, diagnostic
):
    client.force_login(coordination)
    assert _deposer(client, diagnostic, "Annexe <carte>.docx", _docx()).status_code == 302
    annexe = AnnexeDiagnostic.objects.get()
    assert annexe.fichier_nom == "Annexe <carte>.docx"
    assert annexe.fichier_type == "docx"
    assert annexe.fichier.name.startswith("diagnostics/annexes/") and "carte" not in annexe.fichier.name
    client.force_login(partenaire)
    response = client.get(reverse("observatoire:annexe_fichier", args=[annexe.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == _docx()


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("page.html", b"<html></html>", "Type de fichier non accepté"),
        ("carte.pdf", PNG, "ne correspond pas à son extension"),
        ("chiffres.xlsx", PDF, "ne correspond pas à son extension"),
    ],
)
def test_wrong_type_or_content_is_refused_with_a_french_message(
    client, coordination, diagnostic, nom, contenu, message
):
    client.force_login(coordination)
    response = _deposer(client, diagnostic, nom, contenu)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnexeDiagnostic.objects.exists()


def test_each_type_has_its_own_size_limit(client, coordination, diagnostic, monkeypatch):
    monkeypatch.setitem(observatoire_forms.TAILLES_DIAGNOSTIC, "csv", 20)
    client.force_login(coordination)
    response = _deposer(client, diagnostic, "chiffres.csv", b"commune;faits\n86194;1000\n")
    assert "Un fichier CSV pèse au plus" in response.content.decode()
    assert _deposer(client, diagnostic, "rapport.pdf", PDF + b"%" * 30).status_code == 302


def test_main_text_is_uploaded_and_served_only_to_readers(client, coordination, sans_role, diagnostic):
    client.force_login(coordination)
    response = client.post(
        reverse("observatoire:diagnostic_modifier", args=[diagnostic.pk]),
        {
            "titre": diagnostic.titre,
            "date": "1998-05-15",
            "annee": 1997,
            "auteurs": "District",
            "resume": "Résumé",
            "fichier": SimpleUploadedFile("Diagnostic 1998.pdf", PDF),
        },
    )
    assert response.status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.texte_principal_nom == "Diagnostic 1998.pdf"
    url = reverse("observatoire:diagnostic_texte", args=[diagnostic.pk])
    assert 'filename="Diagnostic 1998.pdf"' in client.get(url)["Content-Disposition"]
    client.force_login(sans_role)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_partner_and_secretary_read_but_cannot_upload(client, partenaire, secretariat, diagnostic):
    for user in (partenaire, secretariat):
        client.force_login(user)
        assert client.get(diagnostic.get_absolute_url()).status_code == 200
        assert _deposer(client, diagnostic, "rapport.pdf", PDF).status_code == 403
    assert not AnnexeDiagnostic.objects.exists()


def test_demo_diagnostic_page_assembles_figures_surveys_territories_documents_and_meetings(
    client, demo, coordination, django_assert_num_queries
):
    diagnostic = Diagnostic.objects.get()
    client.force_login(coordination)
    # Login, the diagnostic; the observatory's perimeter (the current contract with its territory,
    # the territories under it, then down to the quartiers, their populations), the sources with
    # figures, the figures summed, their indicators; the survey year retained and its results;
    # whether the user may edit, the header's organisation, the later updates, the annexes, the
    # priority territories, and the committees' panel: the meetings that fed it.
    with django_assert_num_queries(REQUETES_CONNEXION + 16):
        response = client.get(diagnostic.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert "85,4\u00a0‰" in page  # the seed's rate, computed by the observatory for 1997
        assert "Se sent en insécurité dans son quartier le soir" in page  # the 1997 survey
        assert "Vouneuil-sous-Biard" in page and "Les Couronneries" in page
        assert "annexe-statistique-1997-illustrative.csv" in page
        assert "16 réunions thématiques et rencontres avec les habitants" in page
    assert diagnostic.territoires_prioritaires.count() == 11
    assert diagnostic.reunions.count() == 16
    annexe = diagnostic.annexes.get()
    contenu = b"".join(client.get(reverse("observatoire:annexe_fichier", args=[annexe.pk])).streaming_content)
    assert "chiffre illustratif" in contenu.decode("utf-8-sig")


def test_another_year_can_be_chosen(client, demo, partenaire):
    client.force_login(partenaire)
    response = client.get(Diagnostic.objects.get().get_absolute_url() + "?annee=1999")
    assert "Insécurité réelle et ressentie en 1999" in response.content.decode()
    response = client.get(Diagnostic.objects.get().get_absolute_url() + "?annee=abc")
    assert "Année invalide" in response.content.decode()


def test_diagnostic_list_query_count(partenaire, client_de, django_assert_num_queries):
    contrat = ContratFactory(annee_diagnostic=1997)
    precedent = None
    for annee in range(1997, 2009):
        precedent = Diagnostic.objects.create(
            contrat=contrat,
            titre=f"Diagnostic {annee}",
            date=datetime.date(annee + 1, 5, 15),
            annee=annee,
            auteurs="District",
            mise_a_jour_de=precedent,
        )
    client = client_de(partenaire)
    # Login, then the header's organisation, the diagnostics with the one each updates and their
    # number of annexes (a partner may edit none: asking costs no query).
    with django_assert_num_queries(REQUETES_CONNEXION + 2):
        lire_page(client, reverse("observatoire:diagnostic_list"), "Diagnostic 1997", "Diagnostic 2008")
