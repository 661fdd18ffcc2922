"""The outbox: every e-mail is stored, then sent by a background task after the commit; an
unreachable mail server loses nothing; failed attempts are retried with a growing delay, then the
e-mail fails for good; the e-mails page shows it, and the coordination reads it and sends it again.

The tests' task backend runs a task at once; `envoi()` runs what a block's commit triggers."""

import datetime
from html import unescape

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cls_poitiers import courriels
from cls_poitiers.models import Courriel
from tests.conftest import REQUETES_CONNEXION
from tests.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

PANNE = {"default": {"BACKEND": "tests.support.mail.ServeurInjoignableBackend"}}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CORPS = "Bonjour,\nvous êtes convoqué(e) au comité de pilotage."


@pytest.fixture(autouse=True)
def reglages(settings):
    settings.CLS_COURRIEL_TENTATIVES = 4
    settings.CLS_COURRIEL_DELAI_SECONDES = 300


def _envoyer(**kwargs):
    return courriels.envoyer(
        destinataires=["b@example.fr", "a@example.fr"],
        sujet="Convocation au comité de pilotage",
        corps=CORPS,
        pieces_jointes=[("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        **kwargs,
    )


def test_message_is_stored_then_sent_by_its_task_once_committed(envoi, mailoutbox):
    with envoi():
        courriel = _envoyer()
        # Inside the writing transaction: stored, due, not sent.
        assert courriel.statut == Courriel.Statut.EN_ATTENTE
        assert mailoutbox == []
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert courriel.tentatives == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["a@example.fr", "b@example.fr"]
    assert mailoutbox[0].attachments[0].filename == "invitation.ics"


def test_a_rolled_back_transaction_sends_nothing(envoi, mailoutbox):
    with envoi():
        try:
            with transaction.atomic():
                _envoyer()
                raise RuntimeError("la convocation échoue")
        except RuntimeError:
            pass
    assert mailoutbox == []
    assert not Courriel.objects.exists()


def test_unreachable_server_keeps_the_message_pending_then_retries(settings, envoi, mailoutbox):
    settings.MAILERS = PANNE
    with envoi():
        courriel = _envoyer()
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.EN_ATTENTE
    assert "SMTPServerDisconnected" in courriel.derniere_erreur
    assert courriel.prochaine_tentative > timezone.now() + datetime.timedelta(minutes=4)

    # Not due yet: nothing happens.
    assert courriels.relancer() == (0, 0)
    settings.MAILERS = LOCMEM
    envoyes, restants = courriels.relancer(maintenant=timezone.now() + datetime.timedelta(hours=1))
    assert (envoyes, restants) == (1, 0)
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert courriel.tentatives == 2
    assert len(mailoutbox) == 1


def test_the_delay_doubles_after_each_failure(settings):
    settings.MAILERS = PANNE
    courriel = _envoyer()
    ecarts = []
    for _ in range(3):
        avant = timezone.now()
        Courriel.objects.filter(pk=courriel.pk).update(prochaine_tentative=avant)
        courriels.relancer()
        courriel.refresh_from_db()
        ecarts.append(round((courriel.prochaine_tentative - avant).total_seconds() / 60))
    assert ecarts == [5, 10, 20]


def test_message_fails_for_good_after_the_last_attempt(settings):
    settings.MAILERS = PANNE
    courriel = _envoyer()
    for _ in range(4):
        courriels.relancer(maintenant=timezone.now() + datetime.timedelta(days=30))
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ECHEC
    assert courriel.tentatives == 4
    assert courriel.prochaine_tentative is None
    # Failed for good: never tried again by itself.
    assert courriels.relancer(maintenant=timezone.now() + datetime.timedelta(days=60)) == (0, 0)


def test_a_due_message_is_taken_by_one_attempt_only(mailoutbox):
    courriel = _envoyer()
    assert courriels._reserver(courriel.pk) is not None
    # The worker holds it: neither another worker nor the cron sends it meanwhile.
    assert courriels._reserver(courriel.pk) is None
    assert courriels.relancer() == (0, 0)
    assert courriels.envoyer_courriel.call(courriel.pk) == "rien à faire"
    assert mailoutbox == []


def test_a_message_held_by_a_dead_worker_is_sent_once_its_hold_expires(mailoutbox):
    courriel = _envoyer()
    courriels._reserver(courriel.pk)  # the worker dies during the attempt
    assert courriels.relancer(maintenant=timezone.now() + datetime.timedelta(minutes=2)) == (1, 0)
    assert len(mailoutbox) == 1


def test_a_key_already_in_the_outbox_stores_nothing_twice(envoi, mailoutbox):
    with envoi():
        premier = _envoyer(cle="relance:1:2030-03-13")
        assert _envoyer(cle="relance:1:2030-03-13") is None
        autre_jour = _envoyer(cle="relance:1:2030-03-17")
    assert premier is not None and autre_jour is not None
    assert Courriel.objects.count() == 2
    assert len(mailoutbox) == 2


def test_status_per_object(settings, envoi):
    territoire = TerritoireFactory()
    with envoi():
        _envoyer(objet=territoire)
    settings.MAILERS = PANNE
    with envoi():
        _envoyer(objet=territoire)
    _envoyer(objet=territoire)  # not committed yet in a real request: waiting
    assert courriels.statut_pour(territoire) == {"en_attente": 2, "envoye": 1, "echec": 0}


def test_envoyer_relances_retries_pending_messages(settings):
    settings.MAILERS = PANNE
    courriel = _envoyer()
    settings.MAILERS = LOCMEM
    call_command("envoyer_relances", stdout=open("/dev/null", "w"))  # noqa: SIM115
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE


def _echoue(**kwargs) -> Courriel:
    courriel = _envoyer(**kwargs)
    Courriel.objects.filter(pk=courriel.pk).update(
        statut=Courriel.Statut.ECHEC,
        tentatives=4,
        prochaine_tentative=None,
        derniere_erreur="SMTPServerDisconnected: Connexion refusée",
    )
    return courriel


# The e-mails page.


def test_outbox_page_shows_statuses_to_the_secretariat_without_addresses(secretariat, client_de):
    _echoue()
    html = unescape(client_de(secretariat).get(reverse("courriel_list")).content.decode())
    assert "Convocation au comité de pilotage" in html
    assert "Échec définitif" in html
    assert "SMTPServerDisconnected: Connexion refusée" in html
    assert "a@example.fr" not in html
    assert "Renvoyer" not in html
    assert reverse("courriel_detail", args=[Courriel.objects.get().pk]) not in html


def test_coordination_sees_recipients_and_opens_an_email(coordination, client_de):
    courriel = _echoue()
    client = client_de(coordination)
    liste = unescape(client.get(reverse("courriel_list")).content.decode())
    assert "a@example.fr, b@example.fr" in liste
    assert reverse("courriel_detail", args=[courriel.pk]) in liste
    assert reverse("courriel_renvoyer", args=[courriel.pk]) in liste
    detail = unescape(client.get(reverse("courriel_detail", args=[courriel.pk])).content.decode())
    for attendu in (
        "a@example.fr",
        "b@example.fr",
        CORPS,
        "invitation.ics",
        "text/calendar",
        "Échec définitif",
        "SMTPServerDisconnected: Connexion refusée",
        "Renvoyer",
    ):
        assert attendu in detail, attendu


def test_a_password_reset_body_is_never_shown(coordination, client_de):
    courriel = courriels.envoyer(
        destinataires=["a@example.fr"],
        sujet="Réinitialisation de votre mot de passe",
        corps="Lien : /compte/reinitialisation/MQ/secret-jeton/",
        confidentiel=True,
    )
    detail = unescape(
        client_de(coordination).get(reverse("courriel_detail", args=[courriel.pk])).content.decode()
    )
    assert "Réinitialisation de votre mot de passe" in detail
    assert "secret-jeton" not in detail
    assert "il n’est pas affiché" in detail


def test_coordination_resends_a_failed_email(coordination, client_de, envoi, mailoutbox):
    courriel = _echoue()
    client = client_de(coordination)
    with envoi():
        response = client.post(reverse("courriel_renvoyer", args=[courriel.pk]))
    assert response["Location"] == reverse("courriel_detail", args=[courriel.pk])
    courriel.refresh_from_db()
    assert (courriel.statut, courriel.tentatives) == (Courriel.Statut.ENVOYE, 1)
    assert len(mailoutbox) == 1
    page = unescape(client.get(response["Location"]).content.decode())
    assert "Le courriel « Convocation au comité de pilotage » est remis en file d'envoi." in page


def test_only_a_failed_email_can_be_resent(coordination, client_de, mailoutbox):
    courriel = _envoyer()
    client = client_de(coordination)
    response = client.post(reverse("courriel_renvoyer", args=[courriel.pk]), follow=True)
    assert "Seul un courriel en échec définitif peut être renvoyé." in unescape(response.content.decode())
    courriel.refresh_from_db()
    assert (courriel.statut, courriel.tentatives) == (Courriel.Statut.EN_ATTENTE, 0)
    # A resend is a POST.
    assert client.get(reverse("courriel_renvoyer", args=[courriel.pk])).status_code == 405


@pytest.mark.parametrize("role", ["secretariat", "partenaire", "analyste", "sans_role"])
def test_other_roles_cannot_read_or_resend_an_email(request, role, client_de, envoi, mailoutbox):
    courriel = _echoue()
    client = client_de(request.getfixturevalue(role))
    assert client.get(reverse("courriel_detail", args=[courriel.pk])).status_code == 403
    with envoi():
        assert client.post(reverse("courriel_renvoyer", args=[courriel.pk])).status_code == 403
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ECHEC
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["partenaire", "analyste"])
def test_other_roles_do_not_see_the_outbox(request, role, client_de):
    _echoue()
    assert client_de(request.getfixturevalue(role)).get(reverse("courriel_list")).status_code == 403


def test_anonymous_is_sent_to_login(client_de):
    courriel = _echoue()
    for url in (reverse("courriel_list"), reverse("courriel_detail", args=[courriel.pk])):
        assert client_de(None).get(url).status_code == 302
    assert client_de(None).post(reverse("courriel_renvoyer", args=[courriel.pk])).status_code == 302
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ECHEC


@pytest.mark.parametrize("role", ["coordination", "secretariat"])
def test_outbox_query_count(request, role, client_de, django_assert_num_queries):
    for _ in range(12):
        _envoyer()
    client = client_de(request.getfixturevalue(role))
    # Login, then the count and the page of messages, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        response = client.get(reverse("courriel_list"))
        assert response.status_code == 200
        assert response.content.decode().count("Convocation au comité de pilotage") == 12


def test_email_detail_query_count(coordination, client_de, django_assert_num_queries):
    courriel = _envoyer()
    client = client_de(coordination)
    # Login, then the e-mail, the header's organisation.
    with django_assert_num_queries(REQUETES_CONNEXION + 2):
        response = client.get(reverse("courriel_detail", args=[courriel.pk]))
        assert response.status_code == 200
        assert "invitation.ics" in response.content.decode()


def test_the_mail_server_timeout_is_a_setting_of_ten_seconds_by_default(settings):
    from django.core import mail

    from cls_poitiers import settings as reglages

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": reglages._SMTP_OPTIONS,
        }
    }
    assert mail.mailers["default"].timeout == 10


def test_the_coordination_never_reads_a_members_personal_answer_link(coordination, client_de):
    """A convocation's body carries each member's answer link: with it, whoever reads the body
    could answer in the member's name. The coordination reads the body without it."""
    from django.core import signing

    jeton = signing.dumps({"p": 12, "u": "5f0c6f1e-8a47-4e0b-9d7e-0c2b1a9d3e11"}, salt="comites.reponse")
    corps = (
        "Vous êtes convoqué(e).\n"
        f"Répondre : https://cls.example.fr/comites/reponse/{jeton}/\n"
        "Le calendrier : https://cls.example.fr/comites/calendrier/\n"
    )
    courriel = courriels.envoyer(destinataires=["a@example.fr"], sujet="Convocation", corps=corps)
    detail = unescape(
        client_de(coordination).get(reverse("courriel_detail", args=[courriel.pk])).content.decode()
    )
    assert jeton not in detail and jeton.split(":")[0] not in detail
    assert "[lien personnel du destinataire, masqué]" in detail
    assert "https://cls.example.fr/comites/calendrier/" in detail  # a link for everyone stays
    assert Courriel.objects.get(pk=courriel.pk).corps == corps  # what is sent is unchanged
