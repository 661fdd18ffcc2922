"""What a held meeting records: its minutes (written, then approved once and for all) and its
decisions, numbered within the meeting."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CompteRendu, Decision, Reunion
from .base import ActionImpossible, S, enregistrer, exiger, passer, verrouiller


@transaction.atomic
def rediger_compte_rendu(*, reunion: Reunion, par, texte: str) -> CompteRendu:
    reunion = verrouiller(reunion)
    if reunion.statut == S.CR_APPROUVE:
        raise ActionImpossible(_("Le compte rendu est approuvé : il ne se modifie plus."))
    exiger(
        reunion,
        S.TENUE,
        message=_("Un compte rendu s'écrit pour une réunion tenue (ni annulée, ni à venir)."),
    )
    if not texte.strip():
        raise ActionImpossible(_("Le compte rendu est vide."))
    compte_rendu = CompteRendu.objects.filter(reunion=reunion).first() or CompteRendu(
        reunion=reunion, redige_par=par
    )
    compte_rendu.texte = texte.strip()
    compte_rendu.redige_par = par
    return enregistrer(compte_rendu, par=par)


@transaction.atomic
def approuver_compte_rendu(*, reunion: Reunion, par) -> Reunion:
    reunion = verrouiller(reunion)
    compte_rendu = CompteRendu.objects.filter(reunion=reunion).first()
    if reunion.statut == S.TENUE and compte_rendu is None:
        raise ActionImpossible(_("Rédigez le compte rendu avant de l'approuver."))
    passer(reunion, S.CR_APPROUVE)
    enregistrer(reunion, par=par, motif=_("Compte rendu approuvé"))
    compte_rendu.approuve_le = timezone.now()
    enregistrer(compte_rendu, par=par, motif=_("Compte rendu approuvé"))
    return reunion


def exiger_tenue_pour_decision(reunion: Reunion) -> None:
    exiger(
        reunion,
        S.TENUE,
        message=_(
            "Les décisions s'enregistrent pour une réunion tenue, avant l'approbation du compte rendu."
        ),
    )


@transaction.atomic
def ajouter_decision(*, reunion: Reunion, par, texte: str, illustratif: bool = False) -> Decision:
    """A decision, numbered from 1 within the meeting (the meeting row is locked meanwhile)."""
    reunion = verrouiller(reunion)
    exiger_tenue_pour_decision(reunion)
    if not texte.strip():
        raise ActionImpossible(_("Le texte de la décision est vide."))
    numero = (Decision.objects.filter(reunion=reunion).aggregate(m=Max("numero"))["m"] or 0) + 1
    decision = Decision(
        reunion=reunion, numero=numero, texte=texte.strip(), cree_par=par, illustratif=illustratif
    )
    return enregistrer(decision, par=par)
