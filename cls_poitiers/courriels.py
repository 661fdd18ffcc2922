"""The platform's outbox: every e-mail is stored, then sent; a failure is retried later with an
increasing delay (`manage.py envoyer_courriels`, also run by `envoyer_relances`), and its status is
visible. Apps send through `envoyer()` rather than `send_mail()`."""

import base64
import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Courriel

logger = logging.getLogger("cls.courriels")

TENTATIVES_MAX = 10
DELAI_INITIAL = datetime.timedelta(minutes=5)


def envoyer(
    *,
    destinataires: list[str],
    sujet: str,
    corps: str,
    pieces_jointes: list[tuple[str, bytes, str]] = (),
    objet=None,
    differe: bool = False,
) -> Courriel:
    """Store the message and try to send it now. `pieces_jointes`: (file name, content, MIME type).

    `differe`: store it due now without contacting the mail server, for `manage.py
    envoyer_courriels` (cron) to send; for a request whose answer must not depend on the mail
    server, nor take longer when there is a message to send (password reset)."""
    if differe:
        return _enregistrer(
            destinataires, sujet, corps, pieces_jointes, objet, prochaine_tentative=timezone.now()
        )
    # Not due yet: `relancer` must not pick it up while this first attempt runs.
    courriel = _enregistrer(destinataires, sujet, corps, pieces_jointes, objet, prochaine_tentative=None)
    tenter(courriel)
    return courriel


def _enregistrer(destinataires, sujet, corps, pieces_jointes, objet, *, prochaine_tentative) -> Courriel:
    return Courriel.objects.create(
        destinataires=sorted(set(destinataires)),
        sujet=sujet,
        corps=corps,
        pieces_jointes=[
            {"nom": nom, "type": mime, "contenu": base64.b64encode(contenu).decode()}
            for nom, contenu, mime in pieces_jointes
        ],
        objet_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
        objet_id=objet.pk if objet is not None else None,
        prochaine_tentative=prochaine_tentative,
    )


def tenter(courriel: Courriel) -> bool:
    """One attempt; the outcome is saved on the courriel. True when sent."""
    message = EmailMessage(
        subject=courriel.sujet,
        body=courriel.corps,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=courriel.destinataires,
    )
    for piece in courriel.pieces_jointes:
        message.attach(piece["nom"], base64.b64decode(piece["contenu"]), piece["type"])
    courriel.tentatives += 1
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        courriel.derniere_erreur = f"{type(exc).__name__}: {exc}"
        if courriel.tentatives >= TENTATIVES_MAX:
            courriel.statut = Courriel.Statut.ECHEC
            courriel.prochaine_tentative = None
        else:
            courriel.prochaine_tentative = timezone.now() + DELAI_INITIAL * 2 ** (courriel.tentatives - 1)
        logger.warning(
            "Envoi du courriel %s impossible (tentative %s) : %s", courriel.pk, courriel.tentatives, exc
        )
        courriel.save()
        return False
    courriel.statut = Courriel.Statut.ENVOYE
    courriel.envoye_le = timezone.now()
    courriel.prochaine_tentative = None
    courriel.derniere_erreur = ""
    courriel.save()
    return True


def relancer(*, maintenant: datetime.datetime | None = None) -> tuple[int, int]:
    """Retry the pending e-mails that are due. Returns (sent, still pending)."""
    maintenant = maintenant or timezone.now()
    envoyes = restants = 0
    dus = Courriel.objects.filter(statut=Courriel.Statut.EN_ATTENTE, prochaine_tentative__lte=maintenant)
    for pk in dus.values_list("pk", flat=True):
        with transaction.atomic():
            courriel = Courriel.objects.select_for_update().get(pk=pk)
            if courriel.statut != Courriel.Statut.EN_ATTENTE:
                continue
            if tenter(courriel):
                envoyes += 1
            else:
                restants += 1
    return envoyes, restants


def statut_pour(objet) -> dict[str, int]:
    """Counts by status of the e-mails sent about `objet` (a meeting's convocations, say)."""
    ct = ContentType.objects.get_for_model(objet)
    comptes = dict.fromkeys(Courriel.Statut.values, 0)
    for statut in Courriel.objects.filter(objet_type=ct, objet_id=objet.pk).values_list("statut", flat=True):
        comptes[statut] += 1
    return comptes
