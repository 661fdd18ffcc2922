"""A meeting's schedule: planning it, changing it, convening it (at once in a crisis), cancelling
it, and declaring it held."""

import datetime
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import courriels
from ..models import Comite, Membre, Reunion
from .base import ActionImpossible, S, enregistrer, exiger, passer, verrouiller
from .ordre_du_jour import ajouter_point
from .presences import inscrire_membres

# What a change of these fields means for members: a new invitation.
CHAMPS_INVITATION = ("titre", "debut", "fin", "adresse", "territoire")


def titre_par_defaut(comite: Comite, debut: datetime.datetime, nature: str = Reunion.Nature.ORDINAIRE) -> str:
    date = _date_du_titre(debut)
    if nature == Reunion.Nature.URGENTE:
        return _("%(comite)s — réunion urgente du %(date)s") % {"comite": comite.nom, "date": date}
    return _("%(comite)s du %(date)s") % {"comite": comite.nom, "date": date}


def _date_du_titre(debut: datetime.datetime) -> str:
    return timezone.localtime(debut).strftime("%d/%m/%Y")


# A title that ends with its meeting's date ("… du 03/12/2026"), as the default titles do.
TITRE_DATE = re.compile(r"^(?P<debut>.* )(?P<date>\d{2}/\d{2}/\d{4})$")


def retitrer(titre: str, *, ancien_debut: datetime.datetime, debut: datetime.datetime) -> str:
    """The title of a meeting moved from `ancien_debut` to `debut`: a title that ended with the old
    date ends with the new one, so that the title never gives another date than the meeting's."""
    trouve = TITRE_DATE.match(titre)
    if trouve and trouve["date"] == _date_du_titre(ancien_debut):
        return trouve["debut"] + _date_du_titre(debut)
    return titre


def chevauchements(*, comite: Comite, debut, fin, exclure: Reunion | None = None):
    """Meetings (not cancelled) at overlapping times that share at least one member organisation
    with `comite`: the schedule form warns about them."""
    partenaires = Membre.objects.filter(comite=comite).values("partenaire_id")
    qs = (
        Reunion.objects.actives()
        .chevauchant(debut, fin)
        .filter(comite__membres__partenaire_id__in=partenaires)
        .select_related("comite")
        .distinct()
        .order_by("debut")
    )
    if exclure is not None and exclure.pk:
        qs = qs.exclude(pk=exclure.pk)
    return qs


@transaction.atomic
def planifier_reunion(
    *,
    comite: Comite,
    par,
    debut: datetime.datetime,
    fin: datetime.datetime,
    titre: str = "",
    adresse: str = "",
    territoire=None,
    nature: str = Reunion.Nature.ORDINAIRE,
    points: Iterable[dict] = (),
) -> Reunion:
    """A new meeting, in preparation (draft), with its agenda items if given."""
    reunion = Reunion(
        comite=comite,
        titre=titre or titre_par_defaut(comite, debut, nature),
        nature=nature,
        debut=debut,
        fin=fin,
        adresse=adresse,
        territoire=territoire,
    )
    enregistrer(reunion, par=par, motif=_("Réunion planifiée"))
    for point in points:
        ajouter_point(reunion=reunion, par=par, **point)
    return reunion


@transaction.atomic
def modifier_reunion(*, reunion: Reunion, par, data: dict) -> Reunion:
    """Change a meeting in preparation or convened. For a convened meeting, a change of date,
    time, place or title sends every member an updated invitation (SEQUENCE + 1); it cannot move
    into the past. A title that gave the old date gives the new one (`retitrer`); an empty title
    is the default one."""
    reunion = verrouiller(reunion)
    exiger(
        reunion,
        S.BROUILLON,
        S.CONVOQUEE,
        message=_("Seule une réunion en préparation ou convoquée peut être modifiée."),
    )
    ancien_debut = reunion.debut
    debut = data.get("debut", ancien_debut)
    if reunion.statut == S.CONVOQUEE and debut != ancien_debut and debut <= timezone.now():
        raise ActionImpossible(
            _(
                "Une réunion convoquée ne peut pas être déplacée dans le passé : choisissez une date à "
                "venir, ou annulez-la."
            )
        )
    data = {
        **data,
        "titre": retitrer(data.get("titre", reunion.titre), ancien_debut=ancien_debut, debut=debut),
    }
    if not data["titre"].strip():
        data["titre"] = titre_par_defaut(reunion.comite, debut, reunion.nature)
    change = False
    for champ, valeur in data.items():
        if getattr(reunion, champ) != valeur:
            setattr(reunion, champ, valeur)
            change = change or champ in CHAMPS_INVITATION
    if not change:
        return reunion
    notifier = reunion.statut == S.CONVOQUEE
    if notifier:
        reunion.sequence += 1
    enregistrer(reunion, par=par, motif=_("Réunion modifiée"))
    if notifier:
        courriels.envoyer_invitations(reunion, mise_a_jour=True)
    return reunion


@transaction.atomic
def convoquer(*, reunion: Reunion, par, now: datetime.datetime | None = None) -> int:
    """Convene the meeting: every member of the committee is sent the convocation and its
    invitation, queued in the outbox and sent by a background task once the meeting is committed
    (no mail server is waited on). Returns the number of e-mails queued."""
    reunion = verrouiller(reunion)
    now = now or timezone.now()
    if reunion.statut == S.BROUILLON and reunion.debut <= now:
        raise ActionImpossible(
            _(
                "La réunion a déjà commencé : il est trop tard pour la convoquer. Si elle s'est tenue, "
                "déclarez-la tenue pour en enregistrer les présences, le compte rendu et les décisions."
            )
        )
    if reunion.statut == S.BROUILLON and not reunion.comite.membres.exists():
        raise ActionImpossible(_("Le comité n'a aucun membre à convoquer."))
    passer(reunion, S.CONVOQUEE)
    reunion.convoquee_le = now
    enregistrer(reunion, par=par, motif=_("Réunion convoquée"))
    inscrire_membres(reunion)
    return courriels.envoyer_invitations(reunion)


@transaction.atomic
def convoquer_en_urgence(
    *,
    comite: Comite,
    par,
    debut: datetime.datetime,
    fin: datetime.datetime,
    objet: str,
    adresse: str = "",
    territoire=None,
) -> Reunion:
    """A crisis meeting: planned and convened at once, its object as the only agenda item."""
    duree = max(int((fin - debut).total_seconds() // 60), 1)
    reunion = planifier_reunion(
        comite=comite,
        par=par,
        debut=debut,
        fin=fin,
        adresse=adresse,
        territoire=territoire,
        nature=Reunion.Nature.URGENTE,
        points=[{"titre": objet, "duree_minutes": duree}],
    )
    convoquer(reunion=reunion, par=par)
    reunion.refresh_from_db()
    return reunion


@transaction.atomic
def annuler(*, reunion: Reunion, par, motif: str) -> int:
    """Cancel a meeting in preparation or convened, with a reason. Members already convened
    receive the cancellation (METHOD:CANCEL, same UID, higher SEQUENCE). Returns e-mails queued."""
    if not motif.strip():
        raise ActionImpossible(_("Indiquez le motif de l'annulation."))
    reunion = verrouiller(reunion)
    etait_convoquee = reunion.statut == S.CONVOQUEE
    passer(reunion, S.ANNULEE)
    reunion.motif_annulation = motif.strip()
    if etait_convoquee:
        reunion.sequence += 1
    enregistrer(reunion, par=par, motif=_("Réunion annulée"))
    return courriels.envoyer_annulation(reunion) if etait_convoquee else 0


@transaction.atomic
def marquer_tenue(*, reunion: Reunion, par, now: datetime.datetime | None = None) -> Reunion:
    """Declare a convened meeting held once it has started; or a draft whose time has passed: it
    was held without a convocation through the platform (the history says so)."""
    reunion = verrouiller(reunion)
    if reunion.debut > (now or timezone.now()):
        raise ActionImpossible(
            _("La réunion n'a pas encore commencé : elle ne peut pas être déclarée tenue.")
        )
    if reunion.statut == S.BROUILLON:
        motif = _("Réunion tenue sans convocation par la plateforme")
    else:
        motif = _("Réunion tenue")
    passer(reunion, S.TENUE)
    enregistrer(reunion, par=par, motif=motif)
    inscrire_membres(reunion)
    return reunion
