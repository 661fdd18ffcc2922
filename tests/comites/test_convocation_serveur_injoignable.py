"""A convocation is never lost when the mail server is unreachable: it waits in the outbox, is
retried by envoyer_relances, and the meeting page shows its status to the secretary."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cls_poitiers.models import Courriel
from comites import services
from tests.comites.factories import ReunionFactory

pytestmark = pytest.mark.django_db

PANNE = {"default": {"BACKEND": "tests.support.mail.ServeurInjoignableBackend"}}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_convocation_waits_then_is_retried_and_its_status_is_shown(demo, settings, mailoutbox):
    from cls_poitiers.models import Utilisateur
    from comites.models import Comite

    secretariat = Utilisateur.objects.get(username="secretariat")
    reunion = ReunionFactory(comite=Comite.objects.get(code="pilotage"))
    settings.MAILERS = PANNE
    envoyes = services.convoquer(reunion=reunion, par=secretariat)
    assert envoyes > 0
    en_attente = Courriel.objects.filter(objet_id=reunion.pk, statut=Courriel.Statut.EN_ATTENTE)
    assert en_attente.count() == envoyes
    assert len(mailoutbox) == 0

    client = Client()
    client.force_login(secretariat)
    page = client.get(reunion.get_absolute_url()).content.decode()
    assert f"0 envoyé(s), {envoyes} en attente de nouvel essai" in page

    settings.MAILERS = LOCMEM
    Courriel.objects.filter(pk__in=en_attente.values("pk")).update(prochaine_tentative=timezone.now())
    call_command("envoyer_relances", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = client.get(reunion.get_absolute_url()).content.decode()
    assert f"{envoyes} envoyé(s), 0 en attente" in page
