"""Calendar files (RFC 5545) built with the icalendar library: the invitation attached to a
convocation (METHOD:REQUEST, or METHOD:CANCEL when the meeting is cancelled), the meeting's own
.ics, and the subscription feeds (METHOD:PUBLISH).

A meeting keeps one UID for its whole life; its SEQUENCE rises at every change sent to the
members, so calendar applications replace the event instead of adding a new one.
"""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from cls_poitiers import identite

from .models import Reunion


def _calendrier(method: str, plateforme: str, nom: str | None = None) -> Calendar:
    """A calendar named after the platform (`identite.nom_plateforme()`, read once by the caller)."""
    cal = Calendar()
    cal.add("prodid", f"-//{plateforme}//Comités//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if nom:
        cal.add("x-wr-calname", nom)
        cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def ordre_du_jour_texte(reunion: Reunion) -> str:
    lignes = [
        _("%(ordre)s. %(titre)s (%(duree)s min)")
        % {"ordre": p.ordre, "titre": p.titre, "duree": p.duree_minutes}
        for p in reunion.points.all()
    ]
    return "\n".join(lignes)


def statut(reunion: Reunion, *, annulation: bool = False) -> str:
    """The event's STATUS: CANCELLED once cancelled, TENTATIVE while in preparation (only its
    secretaries download it), CONFIRMED once convened or held."""
    if annulation or reunion.statut == Reunion.Statut.ANNULEE:
        return "CANCELLED"
    if reunion.statut == Reunion.Statut.BROUILLON:
        return "TENTATIVE"
    return "CONFIRMED"


def evenement(
    reunion: Reunion, *, plateforme: str, annulation: bool = False, participants: Iterable[str] = ()
) -> Event:
    tz = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", reunion.ics_uid)
    event.add("sequence", reunion.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", reunion.debut.astimezone(tz))
    event.add("dtend", reunion.fin.astimezone(tz))
    event.add("summary", reunion.titre)
    if reunion.lieu:
        event.add("location", reunion.lieu)
    description = [reunion.comite.nom]
    odj = ordre_du_jour_texte(reunion)
    if odj:
        description += ["", _("Ordre du jour :"), odj]
    if annulation and reunion.motif_annulation:
        description += ["", _("Motif de l'annulation : %(motif)s") % {"motif": reunion.motif_annulation}]
    event.add("description", "\n".join(description))
    event.add("url", identite.url_absolue(reunion.get_absolute_url()))
    event.add("status", statut(reunion, annulation=annulation))
    organisateur = vCalAddress(f"mailto:{identite.adresse_expediteur()}")
    organisateur.params["cn"] = vText(plateforme)
    event.add("organizer", organisateur)
    for adresse in participants:
        participant = vCalAddress(f"mailto:{adresse}")
        participant.params["role"] = vText("REQ-PARTICIPANT")
        participant.params["rsvp"] = vText("FALSE")
        event.add("attendee", participant, encode=0)
    return event


def invitation(
    reunion: Reunion,
    *,
    participants: Iterable[str] = (),
    annulation: bool = False,
    plateforme: str | None = None,
) -> bytes:
    """The invitation sent with a convocation (REQUEST) or its cancellation (CANCEL)."""
    plateforme = plateforme or identite.nom_plateforme()
    cal = _calendrier("CANCEL" if annulation else "REQUEST", plateforme)
    cal.add_component(
        evenement(reunion, plateforme=plateforme, annulation=annulation, participants=participants)
    )
    cal.add_missing_timezones()
    return cal.to_ical()


def fichier_reunion(reunion: Reunion) -> bytes:
    """The meeting's .ics, downloaded from its page."""
    plateforme = identite.nom_plateforme()
    cal = _calendrier("PUBLISH", plateforme)
    cal.add_component(evenement(reunion, plateforme=plateforme))
    cal.add_missing_timezones()
    return cal.to_ical()


def flux(reunions: Iterable[Reunion], *, nom: str) -> bytes:
    """A subscription feed of the meetings given (`ReunionQuerySet.publiees`: no draft), cancelled
    ones included (marked CANCELLED)."""
    plateforme = identite.nom_plateforme()
    cal = _calendrier("PUBLISH", plateforme, nom=nom)
    for reunion in reunions:
        cal.add_component(evenement(reunion, plateforme=plateforme))
    cal.add_missing_timezones()
    return cal.to_ical()
