"""Writes on committees and meetings: keyword-only services, each in a transaction. The person
acting is always `par=`, the reason written in the history always `motif=`.

The life of a meeting: draft → convened → held → minutes approved, or cancelled (with a reason)
from draft or convened; a draft whose time has passed may be declared held (a meeting held without
a convocation through the platform, recorded afterwards). Any other move raises `ActionImpossible`
with a French message and changes nothing. Convening, changing a convened meeting and cancelling
it e-mail every member with the calendar invitation (same UID, higher SEQUENCE at every change).

By subject: `reunions` (scheduling, convening, cancelling, holding), `ordre_du_jour`, `presences`
(members' answers and attendance), `comptes_rendus` (minutes and decisions), `avenants`,
`bilans` (the annual review's draft and adoption), `reunions_passees` (a meeting held without a
convocation through the platform, recorded afterwards).
"""

from .avenants import adopter_avenant, motif_avenant
from .base import ActionImpossible
from .bilans import adopter_bilan, modifier_bilan, rediger_bilan, reunions_d_adoption
from .comptes_rendus import ajouter_decision, approuver_compte_rendu, rediger_compte_rendu
from .ordre_du_jour import ajouter_point, retirer_point
from .presences import enregistrer_presences, repondre
from .reunions import (
    annuler,
    chevauchements,
    convoquer,
    convoquer_en_urgence,
    marquer_tenue,
    modifier_reunion,
    planifier_reunion,
    titre_par_defaut,
)
from .reunions_passees import enregistrer_reunion_passee

__all__ = [
    "ActionImpossible",
    "adopter_avenant",
    "adopter_bilan",
    "ajouter_decision",
    "ajouter_point",
    "annuler",
    "approuver_compte_rendu",
    "chevauchements",
    "convoquer",
    "convoquer_en_urgence",
    "enregistrer_presences",
    "enregistrer_reunion_passee",
    "marquer_tenue",
    "modifier_bilan",
    "modifier_reunion",
    "motif_avenant",
    "planifier_reunion",
    "rediger_bilan",
    "rediger_compte_rendu",
    "repondre",
    "retirer_point",
    "reunions_d_adoption",
    "titre_par_defaut",
]
