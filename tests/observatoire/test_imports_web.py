"""Imports on the web for analysts: the request stores the file and queues its check; the page
follows the batch; only a click on "Appliquer" queues its writing; a batch whose worker died is
shown interrupted and can be started again.

Most tests run the tasks at once (tests/settings.py: ImmediateBackend). Those that look at the
queue itself (`file_en_base`) queue in the database, as production does, and run django-tasks-db's
own worker loop here, in the test's thread and transaction (`travailler`)."""

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from observatoire import services, taches
from observatoire.models import Donnee, LotImport, Source
from tests.conftest import travailler

pytestmark = pytest.mark.django_db

BON = b"territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def deposer(client, contenu, nom="chiffres.csv", type_="figures"):
    return client.post(
        reverse("observatoire:imports"), {"type": type_, "fichier": SimpleUploadedFile(nom, contenu)}
    )


def url(nom, lot):
    return reverse(f"observatoire:{nom}", kwargs={"pk": lot.pk})


@pytest.fixture
def client(analyste):
    client = Client()
    client.force_login(analyste)
    return client


def test_only_analysts_import_and_the_coordination_only_reads(perimetre, partenaire, coordination, analyste):
    lien = reverse("observatoire:imports")
    assert Client().get(lien).status_code == 302
    client = Client()
    client.force_login(partenaire)
    assert client.get(lien).status_code == 403
    client.force_login(coordination)
    assert client.get(lien).status_code == 200  # the batches and their previews, to map labels
    client.force_login(analyste)
    assert client.get(lien).status_code == 200
    lot = LotImport.objects.create(type="figures", fichier_nom="x.csv", statut=LotImport.Statut.INTERROMPU)
    for user in (partenaire, coordination):
        client.force_login(user)
        for nom in ("import_appliquer", "import_relancer"):
            assert client.post(url(nom, lot)).status_code == 403
    client.force_login(partenaire)
    assert client.get(lot.get_absolute_url()).status_code == 403
    assert LotImport.objects.get().statut == LotImport.Statut.INTERROMPU


def test_upload_only_stores_the_file_and_queues_its_check(perimetre, client, file_en_base):
    reponse = deposer(client, BON)
    lot = LotImport.objects.get()
    assert reponse["Location"] == lot.get_absolute_url()
    # Nothing was read in the request: no rows counted, no checksum yet, one task queued.
    assert (lot.statut, lot.lignes_lues, lot.empreinte, lot.tentative) == ("verification_en_file", 0, "", 1)
    tache = DBTaskResult.objects.get()
    assert tache.task_path == "observatoire.taches.verifier_lot"
    assert tache.args_kwargs == {"args": [], "kwargs": {"lot_id": lot.pk, "tentative": 1}}
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Fichier reçu : sa vérification est en file d’attente." in page
    assert 'aria-live="polite"' in page and 'id="actualiser-import"' in page
    assert "Appliquer l’import" not in page
    assert client.get(url("import_etat", lot)).json()["a_suivre"] is True

    assert travailler() == 1
    lot.refresh_from_db()
    assert (lot.statut, lot.lignes_lues, lot.creees, lot.progression) == ("apercu", 1, 1, 100)
    assert len(lot.empreinte) == 64
    assert not Donnee.objects.exists()
    etat = client.get(url("import_etat", lot)).json()
    assert etat == {
        "statut": "apercu",
        "libelle": "Aperçu, en attente de validation",
        "a_suivre": False,
        "progression": 100,
        "lignes_lues": 1,
        "problemes": 0,
        "texte": "Aperçu, en attente de validation",
    }
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Appliquer l’import" in page and 'id="suivi-import"' not in page


def test_preview_writes_nothing_then_apply_imports(perimetre, client, analyste):
    deposer(client, BON)
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.APERCU and lot.creees == 1 and lot.cree_par == analyste
    assert not Donnee.objects.exists()
    assert "Appliquer l’import" in client.get(lot.get_absolute_url()).content.decode()
    client.post(url("import_appliquer", lot))
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APPLIQUE and lot.valide_par == analyste
    assert Donnee.objects.get().nombre == 10
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Appliqué par" in page and "Appliquer l’import" not in page


def test_no_worker_nor_command_ever_applies_a_preview(perimetre, client, file_en_base):
    deposer(client, BON)
    travailler()
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.APERCU
    # The worker again, the command (even asked to start batches again), a stray write task for
    # this batch (queued by hand, or left from a former run): the preview stays a preview.
    assert travailler() == 0
    call_command("traiter_imports", "--relancer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    taches.ecrire_lot.enqueue(lot_id=lot.pk, tentative=lot.tentative)
    assert travailler() == 1
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APERCU and lot.valide_par is None
    assert not Donnee.objects.exists() and not Source.objects.exists()

    client.post(url("import_appliquer", lot))
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.ECRITURE_EN_FILE and not Donnee.objects.exists()
    assert travailler() == 1
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APPLIQUE and Donnee.objects.get().nombre == 10


def test_a_double_click_on_apply_queues_one_write(perimetre, client, file_en_base):
    deposer(client, BON)
    travailler()
    lot = LotImport.objects.get()
    client.post(url("import_appliquer", lot))
    deuxieme = client.post(url("import_appliquer", lot), follow=True).content.decode()
    assert "Ce lot n’est pas un aperçu en attente de validation : rien n’a été fait." in deuxieme
    assert DBTaskResult.objects.filter(task_path="observatoire.taches.ecrire_lot").count() == 1


def test_bad_file_preview_lists_problems_in_french_and_cannot_be_applied(perimetre, client):
    deposer(client, BON.replace(b";10", b";dix"))
    lot = LotImport.objects.get()
    page = client.get(lot.get_absolute_url()).content.decode()
    assert lot.statut == LotImport.Statut.REFUSE and lot.problemes == 1 and not lot.fichier
    assert "ligne 2, colonne « nombre » : Nombre attendu" in page
    client.post(url("import_appliquer", lot))
    assert not Donnee.objects.exists()


def test_50_mb_upload_is_refused(perimetre, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    gros = BON + b"86194;total-faits-constates;1998;10\n" * (50 * 1024 * 1024 // 36 + 1)
    page = deposer(client, gros).content.decode()
    assert "trop volumineux" in page
    assert not LotImport.objects.exists() and not Donnee.objects.exists()


def _couper(lot, *, etape, il_y_a):
    """The batch as a worker killed `il_y_a` ago, during `etape`, leaves it."""
    LotImport.objects.filter(pk=lot.pk).update(
        statut=LotImport.EN_COURS[etape],
        etape=etape,
        battement=timezone.now() - il_y_a,
        lignes_lues=1,
        progression=40,
    )


def test_a_running_batch_with_a_fresh_heartbeat_is_followed(perimetre, client, settings):
    settings.CLS_IMPORT_BAIL_SECONDES = 60
    deposer(client, BON)
    lot = LotImport.objects.get()
    _couper(lot, etape="ecriture", il_y_a=timedelta(seconds=5))
    etat = client.get(url("import_etat", lot)).json()
    assert etat["statut"] == "ecriture" and etat["a_suivre"] is True
    assert etat["texte"] == "Écriture en cours : 1 ligne lue, aucun problème, 40 %."
    page = client.get(lot.get_absolute_url()).content.decode()
    assert 'value="40"' in page and "Écriture en cours : 1 ligne lue, aucun problème, 40 %." in page


@pytest.mark.parametrize(
    ("etape", "bouton", "fin"),
    [("verification", "Relancer la vérification", "apercu"), ("ecriture", "Relancer l’écriture", "applique")],
)
def test_a_batch_whose_lease_expired_is_interrupted_and_retried_from_its_page(
    perimetre, client, analyste, settings, etape, bouton, fin
):
    settings.CLS_IMPORT_BAIL_SECONDES = 60
    deposer(client, BON)
    lot = LotImport.objects.get()
    if etape == "ecriture":
        LotImport.objects.filter(pk=lot.pk).update(valide_par=analyste)
    _couper(lot, etape=etape, il_y_a=timedelta(seconds=61))
    assert client.get(url("import_etat", lot)).json()["statut"] == "interrompu"
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Le processus de traitement s’est arrêté après 1 ligne lue" in page
    assert "Rien n’a été écrit" in page and bouton in page and "Appliquer l’import" not in page
    assert not Donnee.objects.exists()

    suite = client.post(url("import_relancer", lot), follow=True).content.decode()
    assert "relancée : suivez sa progression ci-dessous." in suite
    lot.refresh_from_db()
    assert lot.statut == fin and lot.tentative == 2
    assert Donnee.objects.exists() == (fin == "applique")


def test_traiter_imports_marks_dead_batches_and_starts_them_again_at_their_step(perimetre, client, settings):
    settings.CLS_IMPORT_BAIL_SECONDES = 60
    for nom in ("mort.csv", "vivant.csv", "apercu.csv"):
        client.post(
            reverse("observatoire:imports"), {"type": "figures", "fichier": SimpleUploadedFile(nom, BON)}
        )
    mort, vivant, apercu = (
        LotImport.objects.get(fichier_nom=n) for n in ("mort.csv", "vivant.csv", "apercu.csv")
    )
    _couper(mort, etape="verification", il_y_a=timedelta(minutes=5))
    _couper(vivant, etape="verification", il_y_a=timedelta(seconds=1))
    sortie = []
    call_command("traiter_imports", stdout=type("S", (), {"write": lambda _s, t: sortie.append(t)})())
    assert "1 import(s) interrompu(s) constaté(s)." in "".join(sortie)
    assert [lot.statut for lot in LotImport.objects.order_by("pk")] == [
        "interrompu",
        "verification",
        "apercu",
    ]
    call_command("traiter_imports", "--relancer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The dead check ran again (and stops at its preview); nothing was applied.
    assert [lot.statut for lot in LotImport.objects.order_by("pk")] == ["apercu", "verification", "apercu"]
    assert not Donnee.objects.exists() and apercu.valide_par is None


def test_a_late_run_that_lost_its_lease_writes_nothing(perimetre, client, analyste):
    deposer(client, BON)
    lot = LotImport.objects.get()
    # The batch was started again (run 2) while this run (1) still thought it held it.
    LotImport.objects.filter(pk=lot.pk).update(tentative=2, statut="ecriture", valide_par=analyste)
    services.executer_lot(lot=lot, chemin=lot.fichier.path, appliquer=True)
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.ECRITURE and not Donnee.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_records_progress_from_its_own_connection(donnees_de_reference, settings):
    settings.CLS_IMPORT_BATTEMENT_SECONDES = 0.05
    lot = LotImport.objects.create(type="figures", fichier_nom="x.csv", statut="verification", tentative=3)
    rapport = services.Rapport(lignes_lues=1200)
    rapport.erreur(4, "nombre", "Nombre attendu")
    with services.Battement(lot=lot, rapport=rapport) as battement:
        battement.progression(42)
        limite = timezone.now() + timedelta(seconds=10)
        while LotImport.objects.get(pk=lot.pk).battement is None and timezone.now() < limite:
            time.sleep(0.02)
    lot.refresh_from_db()
    assert (lot.progression, lot.lignes_lues, lot.problemes) == (42, 1200, 1)
    assert timezone.now() - lot.battement < timedelta(seconds=10)


def test_follow_up_json_query_count(perimetre, client, django_assert_num_queries):
    deposer(client, BON)
    lot = LotImport.objects.get()
    client.get(url("import_etat", lot))
    # The session, the user, the user's second factor (django-otp), the user's groups (role
    # check), the batch. No write while the batch is alive.
    with django_assert_num_queries(5):
        assert client.get(url("import_etat", lot)).status_code == 200
