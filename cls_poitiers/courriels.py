"""The platform's outbox: every e-mail is stored, then sent by a background task (Django's task
framework, `envoyer_courriel`), never inside the request that wrote it. A failed attempt is
retried later with a growing delay, until CLS_COURRIEL_TENTATIVES attempts, then the e-mail is
marked as failed for good; its status is visible and the coordination can send it again. Apps
send through `envoyer()` rather than `send_mail()`.

The task is queued once the writing transaction commits (a rolled-back meeting sends nothing).
Should the worker be down, or die during an attempt, the e-mail stays due in the outbox and
`manage.py envoyer_courriels` (cron) sends it (`relancer`)."""

import base64
import datetime
import logging
import re
import smtplib
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from . import identite
from .models import Courriel

logger = logging.getLogger("cls.courriels")


def tentatives_max() -> int:
    return settings.CLS_COURRIEL_TENTATIVES


def delai(tentatives: int) -> datetime.timedelta:
    """The wait before the next attempt, after `tentatives` failed ones: the initial delay, doubled
    each time (5 min, 10 min, 20 min… by default)."""
    return datetime.timedelta(seconds=settings.CLS_COURRIEL_DELAI_SECONDES) * 2 ** (tentatives - 1)


def _bail() -> datetime.timedelta:
    """How long an attempt holds its e-mail: past this, a worker that died during the attempt is
    presumed dead and the e-mail is due again. Well beyond the mail server's timeout (connection,
    then each exchange)."""
    timeout = settings.MAILERS["default"].get("OPTIONS", {}).get("timeout") or 10
    return datetime.timedelta(seconds=max(60, 6 * timeout))


def envoyer(
    *,
    destinataires: list[str],
    sujet: str,
    corps: str,
    pieces_jointes: list[tuple[str, bytes, str]] = (),
    objet=None,
    cle: str = "",
    confidentiel: bool = False,
) -> Courriel | None:
    """Store the message, due now, and queue its sending once the current transaction commits: no
    request ever waits on the mail server. `pieces_jointes`: (file name, content, MIME type).

    `cle`: what makes the message unique (a reminder: its kind, object and day). A message whose
    key is already in the outbox is not stored again, and None is returned: a reminder run twice
    the same day sends nothing twice.
    `confidentiel`: the body holds a secret (a password-reset link): the e-mails page never shows it.
    """
    courriel = Courriel(
        destinataires=sorted(set(destinataires)),
        sujet=sujet,
        corps=corps,
        pieces_jointes=[
            {"nom": nom, "type": mime, "contenu": base64.b64encode(contenu).decode()}
            for nom, contenu, mime in pieces_jointes
        ],
        objet_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
        objet_id=objet.pk if objet is not None else None,
        prochaine_tentative=timezone.now(),
        cle=cle,
        confidentiel=confidentiel,
    )
    if cle:
        if Courriel.objects.filter(cle=cle).exists():
            return None
        try:
            # Two runs at once: the unique key lets one through.
            with transaction.atomic():
                courriel.save()
        except IntegrityError:
            return None
    else:
        courriel.save()
    mettre_en_file(courriel)
    return courriel


def mettre_en_file(courriel: Courriel) -> None:
    """Queue the sending task, once the current transaction commits, to run when the e-mail is due."""
    transaction.on_commit(partial(_enfiler, courriel.pk, courriel.prochaine_tentative))


def _enfiler(courriel_id: int, quand: datetime.datetime | None) -> None:
    tache = envoyer_courriel
    if quand is not None and quand > timezone.now():
        if not tache.get_backend().supports_defer:
            return  # a backend that cannot wait: `relancer` (cron) makes the next attempt
        tache = tache.using(run_after=quand)
    try:
        tache.enqueue(courriel_id)
    except Exception:
        # The queue is out of reach: the e-mail stays due in the outbox, for `relancer`.
        logger.exception("Courriel %s non mis en file d'envoi", courriel_id)


@task
def envoyer_courriel(courriel_id: int) -> str:
    """The background task that makes one attempt at sending an e-mail, and queues itself again for
    the next attempt when it fails. Does nothing when the e-mail is not due (sent meanwhile, or
    another attempt holds it)."""
    courriel = _reserver(courriel_id)
    if courriel is None:
        return "rien à faire"
    if tenter(courriel):
        return "envoyé"
    if courriel.statut == Courriel.Statut.EN_ATTENTE:
        mettre_en_file(courriel)
    return courriel.get_statut_display()


def _reserver(courriel_id: int, *, maintenant: datetime.datetime | None = None) -> Courriel | None:
    """Take the e-mail for one attempt if it is due, in one UPDATE: two workers (or the worker and
    the cron) never send it twice, on SQLite as on PostgreSQL; no lock is held during the attempt."""
    maintenant = maintenant or timezone.now()
    pris = Courriel.objects.filter(
        pk=courriel_id, statut=Courriel.Statut.EN_ATTENTE, prochaine_tentative__lte=maintenant
    ).update(prochaine_tentative=timezone.now() + _bail())
    return Courriel.objects.get(pk=courriel_id) if pris else None


def tenter(courriel: Courriel) -> bool:
    """One attempt; the outcome is saved on the courriel. True when sent."""
    message = EmailMessage(
        subject=courriel.sujet,
        body=courriel.corps,
        from_email=identite.expediteur(),
        to=courriel.destinataires,
    )
    for piece in courriel.pieces_jointes:
        message.attach(piece["nom"], base64.b64decode(piece["contenu"]), piece["type"])
    courriel.tentatives += 1
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        courriel.derniere_erreur = f"{type(exc).__name__}: {exc}"
        if courriel.tentatives >= tentatives_max():
            courriel.statut = Courriel.Statut.ECHEC
            courriel.prochaine_tentative = None
        else:
            courriel.prochaine_tentative = timezone.now() + delai(courriel.tentatives)
        logger.warning(
            "Envoi du courriel %s impossible (tentative %s) : %s", courriel.pk, courriel.tentatives, exc
        )
        courriel.save(update_fields=["tentatives", "derniere_erreur", "statut", "prochaine_tentative"])
        return False
    courriel.statut = Courriel.Statut.ENVOYE
    courriel.envoye_le = timezone.now()
    courriel.prochaine_tentative = None
    courriel.derniere_erreur = ""
    courriel.save(
        update_fields=["tentatives", "derniere_erreur", "statut", "prochaine_tentative", "envoye_le"]
    )
    return True


def relancer(*, maintenant: datetime.datetime | None = None) -> tuple[int, int]:
    """Attempt now every pending e-mail that is due (`manage.py envoyer_courriels`, for when no
    worker ran the task). Returns (sent, still pending)."""
    maintenant = maintenant or timezone.now()
    envoyes = restants = 0
    dus = Courriel.objects.filter(statut=Courriel.Statut.EN_ATTENTE, prochaine_tentative__lte=maintenant)
    for pk in dus.values_list("pk", flat=True):
        courriel = _reserver(pk, maintenant=maintenant)
        if courriel is None:
            continue
        if tenter(courriel):
            envoyes += 1
        elif courriel.statut == Courriel.Statut.EN_ATTENTE:
            restants += 1
            mettre_en_file(courriel)
    return envoyes, restants


class RenvoiImpossible(Exception):
    pass


def renvoyer(*, courriel: Courriel, par) -> Courriel:
    """A failed e-mail, sent again on request: its attempts start over and it is queued at once."""
    with transaction.atomic():
        repris = Courriel.objects.filter(pk=courriel.pk, statut=Courriel.Statut.ECHEC).update(
            statut=Courriel.Statut.EN_ATTENTE, tentatives=0, prochaine_tentative=timezone.now()
        )
        if not repris:
            raise RenvoiImpossible(_("Seul un courriel en échec définitif peut être renvoyé."))
        courriel.refresh_from_db()
        mettre_en_file(courriel)
    logger.info("Courriel %s renvoyé par %s", courriel.pk, par.get_username())
    return courriel


# A link that carries a personal token (a member's answer link, a personal calendar feed): a path
# segment of 20 characters or more made of a signed token's characters.
_LIEN_PERSONNEL = re.compile(r"https?://\S*?/[A-Za-z0-9_\-:.]{20,}/?\S*")


def sans_liens_personnels(corps: str) -> str:
    """An e-mail's body as the coordination may read it: each link that carries somebody's
    personal token (with which it could answer in their name) is replaced by a mention."""
    return _LIEN_PERSONNEL.sub(_("[lien personnel du destinataire, masqué]"), corps)


def statut_pour(objet) -> dict[str, int]:
    """Counts by status of the e-mails sent about `objet` (a meeting's convocations, say)."""
    ct = ContentType.objects.get_for_model(objet)
    comptes = dict.fromkeys(Courriel.Statut.values, 0)
    for statut in Courriel.objects.filter(objet_type=ct, objet_id=objet.pk).values_list("statut", flat=True):
        comptes[statut] += 1
    return comptes
