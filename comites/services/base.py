"""What every service of the committees shares: the refusal, the legal moves of a meeting, and
saving with the history's who and why."""

from django.utils.translation import gettext as _

from cls_poitiers.enregistrement import historiser

from ..models import Reunion

S = Reunion.Statut

# A draft whose time has passed may be declared held: the meeting took place without a convocation
# through the platform and is recorded afterwards (`marquer_tenue`, `enregistrer_reunion_passee`).
TRANSITIONS = {
    S.BROUILLON: {S.CONVOQUEE, S.TENUE, S.ANNULEE},
    S.CONVOQUEE: {S.TENUE, S.ANNULEE},
    S.TENUE: {S.CR_APPROUVE},
    S.CR_APPROUVE: set(),
    S.ANNULEE: set(),
}


class ActionImpossible(Exception):
    """A move the meeting's state does not allow; the message says why, in French."""


def enregistrer(obj, *, par, motif: str | None = None, **validation):
    """Validate (`full_clean(**validation)`) and save `obj`, its history recording `par` and `motif`."""
    historiser(obj, par=par, motif=motif)
    obj.full_clean(**validation)
    obj.save()
    return obj


def verrouiller(reunion: Reunion) -> Reunion:
    return Reunion.objects.select_for_update().select_related("comite").get(pk=reunion.pk)


def passer(reunion: Reunion, cible: str) -> None:
    if cible not in TRANSITIONS[reunion.statut]:
        raise ActionImpossible(
            _("Une réunion « %(de)s » ne peut pas passer à « %(a)s ».")
            % {"de": Reunion.Statut(reunion.statut).label, "a": Reunion.Statut(cible).label}
        )
    reunion.statut = cible


def exiger(reunion: Reunion, *statuts: str, message: str) -> None:
    if reunion.statut not in statuts:
        raise ActionImpossible(message)
