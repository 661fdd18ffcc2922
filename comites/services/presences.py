"""Who is expected, who answered the convocation, and who came."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers.enregistrement import historiser

from ..models import Presence, Reunion
from .base import ActionImpossible, S, exiger, verrouiller


def inscrire_membres(reunion: Reunion) -> None:
    """An attendance record for every member of the committee who has none yet."""
    existants = set(reunion.presences.values_list("membre_id", flat=True))
    Presence.objects.bulk_create(
        Presence(reunion=reunion, membre=m) for m in reunion.comite.membres.all() if m.pk not in existants
    )


@transaction.atomic
def repondre(*, presence: Presence, reponse: str, represente_par: str = "", par=None) -> Presence:
    """A member's answer to the convocation: from the link in the e-mail (no login, `par` is
    None) or from the meeting's page (`par`, the logged-in member)."""
    reunion = verrouiller(presence.reunion)
    exiger(reunion, S.CONVOQUEE, message=_("Cette convocation n'attend plus de réponse."))
    if not reunion.attend_des_reponses:
        raise ActionImpossible(_("Cette réunion est passée : la réponse n'est plus possible."))
    if reponse not in Presence.Reponse.values or reponse == Presence.Reponse.SANS_REPONSE:
        raise ActionImpossible(_("Réponse inconnue."))
    if reponse == Presence.Reponse.REPRESENTE and not represente_par.strip():
        raise ActionImpossible(_("Indiquez qui représentera votre organisation."))
    presence.reponse = reponse
    presence.reponse_represente_par = represente_par.strip() if reponse == Presence.Reponse.REPRESENTE else ""
    presence.repondu_le = timezone.now()
    historiser(presence, par=par, motif=_("Réponse à la convocation"))
    presence.full_clean()
    presence.save()
    return presence


@transaction.atomic
def enregistrer_presences(*, reunion: Reunion, par, lignes: Iterable[tuple[Presence, str, str]]) -> None:
    """Record who came: for each attendance record, its status and, when represented, by whom."""
    reunion = verrouiller(reunion)
    exiger(
        reunion,
        S.TENUE,
        message=_(
            "Les présences s'enregistrent une fois la réunion tenue, avant l'approbation du compte rendu."
        ),
    )
    for presence, statut, represente_par in lignes:
        if presence.reunion_id != reunion.pk:
            raise ActionImpossible(_("Cette présence n'appartient pas à la réunion."))
        presence.statut = statut
        presence.represente_par = represente_par.strip() if statut == Presence.Statut.REPRESENTE else ""
        if statut == Presence.Statut.REPRESENTE and not presence.represente_par:
            raise ActionImpossible(
                _("Indiquez qui représentait %(membre)s.") % {"membre": presence.membre.partenaire}
            )
        historiser(presence, par=par)
        presence.full_clean()
        presence.save()
