"""Amendments (avenants) adopted by the comité de pilotage: a decision of a held meeting, numbered
across the contract, applied to a commitment through the engagements services (so that the
commitment's own history says who and why), with the record of what changed."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.models import Contrat
from engagements import services as engagements_services
from engagements.models import Engagement

from ..models import Avenant, Comite, Decision, ModificationAvenant, Reunion
from .base import ActionImpossible, enregistrer, verrouiller
from .comptes_rendus import ajouter_decision, exiger_tenue_pour_decision


def _en_texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal | int | float):
        decimales = 0 if Decimal(str(valeur)) == Decimal(str(valeur)).to_integral_value() else 2
        return formats.nombre(valeur, decimales)
    if isinstance(valeur, datetime.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur)


CHAMP_PAR_OBJET = {
    Avenant.Objet.CIBLE: "valeur_cible",
    Avenant.Objet.ECHEANCE: "echeance",
    Avenant.Objet.PARTENAIRE: "partenaire",
}


def motif_avenant(*, numero: int, decision: Decision) -> str:
    """The reason written in the commitment's history, e.g.
    "Avenant n°2 — comité de pilotage du 15/12/1999, décision n°3"."""
    reunion = decision.reunion
    return _("Avenant n°%(numero)s — %(comite)s du %(date)s, décision n°%(decision)s") % {
        "numero": numero,
        "comite": reunion.comite.nom[:1].lower() + reunion.comite.nom[1:],
        "date": timezone.localtime(reunion.debut).strftime("%d/%m/%Y"),
        "decision": decision.numero,
    }


def _adopter(
    *,
    reunion: Reunion,
    par,
    texte: str,
    objet: str,
    engagement: Engagement | None,
    nouvelle_valeur,
    nouvel_engagement: dict | None,
    illustratif: bool,
) -> Avenant:
    reunion = verrouiller(reunion)
    if reunion.comite.type != Comite.Type.PILOTAGE:
        raise ActionImpossible(_("Seul le comité de pilotage adopte des avenants au contrat."))
    exiger_tenue_pour_decision(reunion)
    if objet != Avenant.Objet.AJOUT and engagement is None:
        raise ActionImpossible(_("Choisissez l'engagement que l'avenant modifie."))
    decision = ajouter_decision(reunion=reunion, par=par, texte=texte, illustratif=illustratif)
    # Numbered across the contract: the contract row is locked until the transaction ends, so two
    # secretaries recording amendments at the same moment get n°k and n°k+1 (the unique
    # constraint is the last guard, and the caller retries on a collision).
    contrat = Contrat.objects.select_for_update().get(pk=reunion.comite.contrat_id)
    numero = (Avenant.objects.filter(contrat=contrat).aggregate(m=Max("numero"))["m"] or 0) + 1
    motif = motif_avenant(numero=numero, decision=decision)
    modifications: list[tuple[str, str, str, str]] = []
    if objet in CHAMP_PAR_OBJET:
        champ = CHAMP_PAR_OBJET[objet]
        if nouvelle_valeur in (None, ""):
            raise ActionImpossible(_("Indiquez la nouvelle valeur."))
        ancienne = getattr(engagement, champ)
        if ancienne == nouvelle_valeur:
            raise ActionImpossible(_("La nouvelle valeur est celle déjà en vigueur."))
        engagement = engagements_services.modifier_engagement(
            engagement=engagement, data={champ: nouvelle_valeur}, par=par, motif=motif
        )
        libelle = str(Engagement._meta.get_field(champ).verbose_name)
        modifications.append((champ, libelle, _en_texte(ancienne), _en_texte(nouvelle_valeur)))
    elif objet == Avenant.Objet.CLOTURE:
        if engagement.abandonne_le:
            raise ActionImpossible(_("Cet engagement est déjà clos."))
        date = timezone.localtime(reunion.debut).date()
        engagement = engagements_services.abandonner_engagement(
            engagement=engagement, motif_abandon=texte.strip(), par=par, date=date, motif=motif
        )
        modifications.append(("abandonne_le", _("clos le"), "", _en_texte(date)))
    elif objet == Avenant.Objet.AJOUT:
        if not nouvel_engagement:
            raise ActionImpossible(_("Décrivez l'engagement ajouté."))
        engagement = engagements_services.creer_engagement(par=par, motif=motif, **nouvel_engagement)
        modifications.append(
            (
                "creation",
                _("engagement ajouté"),
                "",
                f"{engagement.reference} — {engagement.description[:120]}",
            )
        )
    else:
        raise ActionImpossible(_("Objet d'avenant inconnu."))
    avenant = Avenant(
        contrat=contrat,
        numero=numero,
        decision=decision,
        objet=objet,
        engagement=engagement,
        adopte_par=par,
        illustratif=illustratif,
    )
    # The number's uniqueness is left to the database constraint (not to full_clean's query),
    # so that a collision raises IntegrityError and the caller retries.
    enregistrer(avenant, par=par, motif=motif, validate_unique=False, validate_constraints=False)
    for champ, libelle, ancienne, nouvelle in modifications:
        enregistrer(
            ModificationAvenant(
                avenant=avenant,
                champ=champ,
                libelle=libelle,
                ancienne_valeur=ancienne,
                nouvelle_valeur=nouvelle,
            ),
            par=par,
        )
    return avenant


def adopter_avenant(
    *,
    reunion: Reunion,
    par,
    texte: str,
    objet: str,
    engagement: Engagement | None = None,
    nouvelle_valeur=None,
    nouvel_engagement: dict | None = None,
    illustratif: bool = False,
    tentatives: int = 5,
) -> Avenant:
    """Record an amendment adopted by the comité de pilotage during a held meeting: a decision of
    the meeting, numbered across the contract, applied to the commitment through the engagements
    services (so the commitment's history says who and why), with the record of what changed."""
    for tentative in range(tentatives):
        try:
            with transaction.atomic():
                return _adopter(
                    reunion=reunion,
                    par=par,
                    texte=texte,
                    objet=objet,
                    engagement=engagement,
                    nouvelle_valeur=nouvelle_valeur,
                    nouvel_engagement=nouvel_engagement,
                    illustratif=illustratif,
                )
        except IntegrityError:
            if tentative == tentatives - 1:
                raise
            if engagement is not None:
                engagement.refresh_from_db()
    raise AssertionError("unreachable")
