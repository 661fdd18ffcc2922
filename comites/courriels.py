"""E-mails of the committees, in French: convocations (with the .ics invitation), updated
invitations, cancellations, and the reminders to secretaries. They go through the platform's
outbox (cls_poitiers.courriels), sent by a background task once the meeting is committed: an
unreachable mail server loses nothing and delays no page, the message is retried and the meeting
page shows the convocations' status.

Members answer a convocation from a link carrying a signed token (see `jeton_reponse`): no login
is needed, because many representatives (a deputy mayor, a head teacher) have no account on the
platform. The token is an HMAC of one attendance record (one member, one meeting) with the
project's secret key: it can only record that member's answer to that meeting, shows nothing the
e-mail does not already contain, and stops working once the meeting is held or cancelled.
"""

from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cls_poitiers import courriels as boite_d_envoi
from cls_poitiers import identite

from . import ics
from .models import Membre, Presence, Reunion

SEL_REPONSE = "comites.reponse"


def jeton_reponse(presence: Presence) -> str:
    return signing.dumps({"p": presence.pk, "u": str(presence.reunion.uid)}, salt=SEL_REPONSE)


def presence_du_jeton(jeton: str) -> Presence | None:
    """The attendance record a token stands for, or None when the token is forged or stale."""
    try:
        data = signing.loads(jeton, salt=SEL_REPONSE)
    except signing.BadSignature:
        return None
    presence = (
        Presence.objects.select_related("reunion__comite", "reunion__territoire", "membre__partenaire")
        .filter(pk=data.get("p"), reunion__uid=data.get("u"))
        .first()
    )
    return presence


def lien_reponse(presence: Presence) -> str:
    return identite.url_absolue(reverse("comites:repondre", kwargs={"jeton": jeton_reponse(presence)}))


def destinataires(membre: Membre) -> list[str]:
    """The representative's address, or else every active user of the member organisation."""
    if membre.email:
        return [membre.email]
    return sorted({u.email for u in membre.partenaire.utilisateurs.all() if u.is_active and u.email})


def _contexte(reunion: Reunion, identite_courriel: dict, **extra) -> dict:
    return {
        "reunion": reunion,
        "debut": timezone.localtime(reunion.debut),
        "fin": timezone.localtime(reunion.fin),
        "points": list(reunion.points.all()),
        **identite_courriel,
        "url_reunion": identite.url_absolue(reunion.get_absolute_url()),
        **extra,
    }


def _presences(reunion: Reunion):
    return reunion.presences.select_related("membre__partenaire").prefetch_related(
        "membre__partenaire__utilisateurs"
    )


def _rediger(gabarit: str, contexte: dict) -> tuple[str, str]:
    """The subject and body of an e-mail, from its pair of templates."""
    sujet = render_to_string(f"comites/courriels/{gabarit}_sujet.txt", contexte).strip()
    return sujet, render_to_string(f"comites/courriels/{gabarit}.txt", contexte)


def _envoyer_aux_membres(
    reunion: Reunion, *, gabarit: str, annulation: bool, extra=lambda presence: {}
) -> int:
    """One e-mail per member who has an address, with the calendar invitation (or its
    cancellation) attached. Returns the number of e-mails queued."""
    nom, methode = ("annulation.ics", "CANCEL") if annulation else ("invitation.ics", "REQUEST")
    identite_courriel = identite.contexte_courriel()
    envoyes = 0
    for presence in _presences(reunion):
        adresses = destinataires(presence.membre)
        if not adresses:
            continue
        sujet, corps = _rediger(
            gabarit,
            _contexte(reunion, identite_courriel, presence=presence, **(extra(presence) if extra else {})),
        )
        boite_d_envoi.envoyer(
            destinataires=adresses,
            sujet=sujet,
            corps=corps,
            pieces_jointes=[
                (
                    nom,
                    ics.invitation(
                        reunion,
                        participants=adresses,
                        annulation=annulation,
                        plateforme=identite_courriel["plateforme_nom"],
                    ),
                    f"text/calendar; method={methode}; charset=utf-8",
                )
            ],
            objet=reunion,
        )
        envoyes += 1
    return envoyes


def envoyer_invitations(reunion: Reunion, *, mise_a_jour: bool = False) -> int:
    """One e-mail per member (each with their own answer link) with the invitation attached.
    Returns the number of e-mails queued."""
    return _envoyer_aux_membres(
        reunion,
        gabarit="convocation",
        annulation=False,
        extra=lambda presence: {"lien_reponse": lien_reponse(presence), "mise_a_jour": mise_a_jour},
    )


def envoyer_annulation(reunion: Reunion) -> int:
    return _envoyer_aux_membres(reunion, gabarit="annulation", annulation=True)


def envoyer_aux_secretaires(*, destinataires: list[str], gabarit: str, contexte: dict, cle: str) -> int:
    """One e-mail to the secretaries; `cle` (kind, object, day) keeps it from going twice.
    Returns 1 when written to the outbox, 0 when it already was (or nobody is to be written to)."""
    if not destinataires:
        return 0
    contexte = {
        **identite.contexte_courriel(),
        **contexte,
    }
    sujet, corps = _rediger(gabarit, contexte)
    return int(
        boite_d_envoi.envoyer(destinataires=destinataires, sujet=sujet, corps=corps, cle=cle) is not None
    )
