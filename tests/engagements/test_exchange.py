"""Export and import of commitments: round trip, bad files refused whole with line and column,
idempotence, the web preview, and exports that follow the list's filters and the user's scope."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from engagements import exchange
from engagements.models import Engagement
from tests.engagements.factories import ActionFactory, EngagementFactory, PointEtapeFactory
from tests.factories import PartenaireFactory, TerritoireFactory

pytestmark = pytest.mark.django_db

ENTETE = (
    "reference;action;partenaire;description;unite;valeur_initiale;valeur_cible;echeance;territoires;poids"
)


@pytest.fixture
def contrat(db):
    action = ActionFactory(reference="p3-alms")
    stp = PartenaireFactory(code="stp")
    poitiers = TerritoireFactory(code="86194", nom="Poitiers", parent=action.priorite.contrat.territoire)
    e = EngagementFactory(
        reference="p3-alms-stp",
        action=action,
        partenaire=stp,
        description="=Recruter 2 ALMS ; sur le réseau",
        unite="ALMS",
        valeur_initiale=Decimal("0"),
        valeur_cible=Decimal("2.5"),
        echeance=datetime.date(1999, 12, 31),
    )
    e.territoires.add(poitiers)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 1, 31), valeur=1)
    return e


def _importer(tmp_path, texte, *args, nom="import.csv", encodage="utf-8-sig"):
    chemin = tmp_path / nom
    chemin.write_bytes(texte.encode(encodage))
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("importer_engagements", str(chemin), *args, stdout=sortie, stderr=erreurs)
    return sortie.getvalue()


def _versions():
    return {e.reference: e.version for e in Engagement.objects.all()}


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_reimport_changes_nothing(contrat, tmp_path, extension):
    chemin = tmp_path / f"engagements.{extension}"
    call_command("exporter_engagements", str(chemin), stdout=io.StringIO())
    historique = contrat.history.count()
    sortie = _importer_fichier(chemin)
    assert "0 création(s), 0 modification(s), 1 inchangé(s)" in sortie
    assert contrat.history.count() == historique
    assert _versions() == {"p3-alms-stp": 1}


def _importer_fichier(chemin, *args):
    sortie = io.StringIO()
    call_command("importer_engagements", str(chemin), *args, stdout=sortie, stderr=io.StringIO())
    return sortie.getvalue()


def test_csv_export_is_french_excel_friendly(contrat, tmp_path):
    chemin = tmp_path / "e.csv"
    call_command("exporter_engagements", str(chemin), "--au", "2026-01-01", stdout=io.StringIO())
    brut = chemin.read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf")
    lignes = brut.decode("utf-8-sig").splitlines()
    assert lignes[0].startswith("reference;action;partenaire;description;")
    assert "2,5" in lignes[1]  # decimal comma
    assert "31/12/1999" in lignes[1]
    assert ';"\'=Recruter 2 ALMS ; sur le réseau";' in lignes[1]  # formula neutralised, quoted
    assert lignes[1].endswith(";1;31/01/1999;En retard;40")


def test_xlsx_export_neutralises_formulas_and_keeps_numbers(contrat, tmp_path):
    chemin = tmp_path / "e.xlsx"
    call_command("exporter_engagements", str(chemin), stdout=io.StringIO())
    feuille = openpyxl.load_workbook(chemin).active
    entetes = [c.value for c in feuille[1]]
    ligne = {entetes[i]: c for i, c in enumerate(feuille[2])}
    assert ligne["description"].value == "'=Recruter 2 ALMS ; sur le réseau"
    assert ligne["description"].data_type == "s"
    assert ligne["valeur_cible"].value == 2.5


def test_import_updates_by_reference_and_never_duplicates(contrat, tmp_path):
    texte = f"{ENTETE}\np3-alms-stp;p3-alms;stp;Recruter 2 ALMS;ALMS;0;3;31/12/2000;86194;2\n"
    sortie = _importer(tmp_path, texte)
    assert "1 modification(s)" in sortie
    contrat.refresh_from_db()
    assert (contrat.valeur_cible, contrat.echeance, contrat.poids) == (3, datetime.date(2000, 12, 31), 2)
    assert contrat.version == 2
    assert contrat.history.latest().history_change_reason == "Import du fichier import.csv"
    # Same file again: nothing changes.
    assert "0 création(s), 0 modification(s), 1 inchangé(s)" in _importer(tmp_path, texte)
    assert Engagement.objects.count() == 1
    assert Engagement.objects.get().version == 2


def test_import_creates_new_references_and_accepts_windows_1252_and_thousands(contrat, tmp_path):
    texte = (
        f"{ENTETE}\n"
        "p3-alms-oparc;p3-alms;stp;Médiateurs à l'OPARC;ALMS;1 000;1 002,5;2000-06-30;86194;1\n"
        ";;;;;;;;;\n"
    )
    sortie = _importer(tmp_path, texte, encodage="cp1252")
    assert "1 création(s)" in sortie
    nouveau = Engagement.objects.get(reference="p3-alms-oparc")
    assert nouveau.description == "Médiateurs à l'OPARC"
    assert nouveau.valeur_cible == Decimal("1002.5")
    assert list(nouveau.territoires.values_list("code", flat=True)) == ["86194"]


def test_apercu_writes_nothing(contrat, tmp_path):
    texte = f"{ENTETE}\np3-alms-stp;p3-alms;stp;Recruter 2 ALMS;ALMS;0;3;31/12/2000;86194;2\n"
    sortie = _importer(tmp_path, texte, "--apercu")
    assert "valeur_cible : 2,50 → 3" in sortie
    assert "Aperçu (--apercu)" in sortie
    contrat.refresh_from_db()
    assert contrat.valeur_cible == Decimal("2.5")


def test_bad_file_is_refused_whole_with_line_and_column_in_french(contrat, tmp_path):
    texte = (
        f"{ENTETE}\n"
        "nouveau-1;p3-alms;stp;Un engagement valide;ALMS;0;4;31/12/2000;;1\n"
        "nouveau-2;p3-inconnue;stp;Action inconnue;ALMS;0;4;31/12/2000;;1\n"
        "nouveau-3;p3-alms;stp;Cible illisible;ALMS;0;beaucoup;31/13/2000;;1\n"
        "nouveau-4;p3-alms;stp;Cible égale au départ;ALMS;4;4;31/12/2000;QP999;1\n"
        "nouveau-1;p3-alms;stp;Doublon;ALMS;0;4;31/12/2000;;1\n"
    )
    chemin = tmp_path / "mauvais.csv"
    chemin.write_text(texte, encoding="utf-8")
    erreurs = io.StringIO()
    with pytest.raises(CommandError, match="aucun engagement n'a été modifié"):
        call_command("importer_engagements", str(chemin), stdout=io.StringIO(), stderr=erreurs)
    messages = erreurs.getvalue()
    assert "Ligne 3, colonne « action » : la fiche-action « p3-inconnue » n'existe pas." in messages
    assert "Ligne 4, colonne « valeur_cible » : « beaucoup » n'est pas un nombre." in messages
    assert (
        "Ligne 4, colonne « echeance » : « 31/13/2000 » n'est pas une date (attendu JJ/MM/AAAA)." in messages
    )
    assert "Ligne 5, colonne « territoires » : territoire(s) inconnu(s) : QP999." in messages
    assert "Ligne 6, colonne « reference » : la référence « nouveau-1 » figure déjà ligne 2." in messages
    assert not Engagement.objects.filter(reference__startswith="nouveau").exists()


def test_constraint_error_names_its_column(contrat, tmp_path):
    texte = f"{ENTETE}\nnouveau-4;p3-alms;stp;Cible égale;ALMS;4;4;31/12/2000;;1\n"
    with pytest.raises(exchange.FichierInvalide) as exc:
        exchange.importer(contenu=texte.encode(), nom="f.csv", par=None)
    assert exc.value.erreurs == [
        "Ligne 2, colonne « valeur_cible » : La valeur cible doit différer de la valeur de départ."
    ]


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"reference;action\nx;y\n", "court.csv", "Ligne 1 : colonne(s) manquante(s) : « partenaire »"),
        (b"PK\x03\x04pas un classeur", "faux.xlsx", "Le fichier n'est pas un classeur XLSX lisible."),
        (b"bonjour", "notes.txt", "Format non reconnu"),
        (ENTETE.encode() + b"\na;b;c;d;e;f;g;h;i;j;k;l\n", "trop.csv", "Ligne 2 : 12 colonnes au lieu de 10"),
    ],
)
def test_unreadable_files_are_refused_in_french(contrat, contenu, nom, message):
    with pytest.raises(exchange.FichierInvalide) as exc:
        exchange.importer(contenu=contenu, nom=nom, par=None)
    assert message in exc.value.erreurs[0]


def test_missing_file_exits_non_zero(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("importer_engagements", str(tmp_path / "absent.csv"))


def test_web_import_previews_then_applies(contrat, coordination):
    client = Client()
    client.force_login(coordination)
    fichier = io.BytesIO(
        f"{ENTETE}\np3-alms-stp;p3-alms;stp;Recruter 2 ALMS;ALMS;0;3;31/12/2000;86194;1\n".encode()
    )
    fichier.name = "maj.csv"
    apercu = client.post("/engagements/import/", {"fichier": fichier})
    assert apercu.status_code == 200
    assert "Aperçu des changements" in apercu.content.decode()
    assert [c.reference for c in apercu.context["plan"].modifications] == ["p3-alms-stp"]
    contrat.refresh_from_db()
    assert contrat.valeur_cible == Decimal("2.5")  # nothing written by the preview
    applique = client.post("/engagements/import/", {"etape": "appliquer"})
    assert applique.status_code == 302
    contrat.refresh_from_db()
    assert contrat.valeur_cible == 3
    assert contrat.history.latest().history_user == coordination


def test_web_import_refuses_to_apply_when_data_changed_since_preview(contrat, coordination):
    client = Client()
    client.force_login(coordination)
    fichier = io.BytesIO(
        f"{ENTETE}\np3-alms-stp;p3-alms;stp;Recruter 2 ALMS;ALMS;0;3;31/12/2000;86194;1\n".encode()
    )
    fichier.name = "maj.csv"
    client.post("/engagements/import/", {"fichier": fichier})
    Engagement.objects.filter(pk=contrat.pk).update(poids=5)
    response = client.post("/engagements/import/", {"etape": "appliquer"})
    assert response.status_code == 400
    assert "relancez l&#x27;aperçu" in response.content.decode()
    contrat.refresh_from_db()
    assert contrat.valeur_cible == Decimal("2.5")


def test_web_import_lists_errors_and_changes_nothing(contrat, coordination):
    client = Client()
    client.force_login(coordination)
    fichier = io.BytesIO(f"{ENTETE}\np3-alms-stp;p3-alms;inconnu;x;ALMS;0;3;31/12/2000;;1\n".encode())
    fichier.name = "maj.csv"
    response = client.post("/engagements/import/", {"fichier": fichier})
    assert response.status_code == 400
    assert "Ligne 2, colonne « partenaire » : le partenaire « inconnu » n&#x27;existe pas." in (
        response.content.decode()
    )
    assert client.post("/engagements/import/", {"etape": "appliquer"}).status_code == 302
    contrat.refresh_from_db()
    assert contrat.valeur_cible == Decimal("2.5")


def test_web_export_follows_the_list_filters(contrat, analyste):
    EngagementFactory(reference="autre-partenaire")
    client = Client()
    client.force_login(analyste)
    response = client.get("/engagements/export/?partenaire=stp&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    texte = response.content.decode("utf-8-sig")
    assert "p3-alms-stp" in texte
    assert "autre-partenaire" not in texte
    xlsx = client.get("/engagements/export/?format=xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert feuille.max_row == 3


def test_web_export_follows_the_users_scope(contrat, sans_role):
    client = Client()
    client.force_login(sans_role)
    assert client.get("/engagements/export/?format=csv").status_code == 403
    assert exchange.lignes(Engagement.objects.visibles_par(sans_role).pour_listes()) == []


def test_a_reference_created_during_the_import_is_refused_in_french_and_changes_nothing(
    contrat, tmp_path, monkeypatch
):
    """A commitment created by someone else between the file's checks and its writing: the
    import is rolled back whole with a French message, not a server error."""
    planifier = exchange.planifier

    def planifier_puis_concurrent(frame):
        plan = planifier(frame)
        EngagementFactory(reference="p3-alms-oparc", action=contrat.action, partenaire=contrat.partenaire)
        return plan

    monkeypatch.setattr(exchange, "planifier", planifier_puis_concurrent)
    texte = (
        f"{ENTETE}\n"
        "p3-alms-stp;p3-alms;stp;Recruter 2 ALMS;ALMS;0;3;31/12/2000;86194;2\n"
        "p3-alms-oparc;p3-alms;stp;Médiateurs à l'OPARC;ALMS;0;2;30/06/2000;86194;1\n"
    )
    avant = _versions()
    with pytest.raises(exchange.FichierInvalide, match="Un autre utilisateur a créé ou modifié"):
        exchange.importer(contenu=texte.encode("utf-8"), nom="import.csv", par=None)
    contrat.refresh_from_db()
    assert contrat.valeur_cible == Decimal("2.5")  # the update in the same file was rolled back too
    assert {r: v for r, v in _versions().items() if r in avant} == avant
