"""Writes on committees and meetings: keyword-only services, each in a transaction.

The life of a meeting: draft → convened → held → minutes approved, or cancelled (with a reason)
from draft or convened. Any other move raises `ActionImpossible` with a French message and changes
nothing. Convening, changing a convened meeting and cancelling it e-mail every member with the
calendar invitation (same UID, higher SEQUENCE at every change).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers import formats
from cls_poitiers.models import Contrat
from engagements import services as engagements_services
from engagements.models import Engagement

from . import emails
from .models import (
    Avenant,
    Bilan,
    Comite,
    CompteRendu,
    Decision,
    Membre,
    ModificationAvenant,
    PointOrdreDuJour,
    Presence,
    Reunion,
)

S = Reunion.Statut

TRANSITIONS = {
    S.BROUILLON: {S.CONVOQUEE, S.ANNULEE},
    S.CONVOQUEE: {S.TENUE, S.ANNULEE},
    S.TENUE: {S.CR_APPROUVE},
    S.CR_APPROUVE: set(),
    S.ANNULEE: set(),
}

# What a change of these fields means for members: a new invitation.
CHAMPS_INVITATION = ("titre", "debut", "fin", "adresse", "territoire")


class ActionImpossible(Exception):
    """A move the meeting's state does not allow; the message says why, in French."""


def _save(obj, *, by, reason: str | None = None):
    obj._history_user = by
    obj._change_reason = reason
    obj.full_clean()
    obj.save()
    return obj


def _verrouiller(reunion: Reunion) -> Reunion:
    return Reunion.objects.select_for_update().select_related("comite").get(pk=reunion.pk)


def _passer(reunion: Reunion, cible: str) -> None:
    if cible not in TRANSITIONS[reunion.statut]:
        raise ActionImpossible(
            _("Une réunion « %(de)s » ne peut pas passer à « %(a)s ».")
            % {"de": Reunion.Statut(reunion.statut).label, "a": Reunion.Statut(cible).label}
        )
    reunion.statut = cible


def _exiger(reunion: Reunion, *statuts: str, message: str) -> None:
    if reunion.statut not in statuts:
        raise ActionImpossible(message)


def titre_par_defaut(comite: Comite, debut: datetime.datetime, nature: str = Reunion.Nature.ORDINAIRE) -> str:
    date = timezone.localtime(debut).strftime("%d/%m/%Y")
    if nature == Reunion.Nature.URGENTE:
        return _("%(comite)s — réunion urgente du %(date)s") % {"comite": comite.nom, "date": date}
    return _("%(comite)s du %(date)s") % {"comite": comite.nom, "date": date}


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
    by,
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
    _save(reunion, by=by, reason=_("Réunion planifiée"))
    for point in points:
        ajouter_point(reunion=reunion, by=by, **point)
    return reunion


@transaction.atomic
def modifier_reunion(*, reunion: Reunion, by, data: dict) -> Reunion:
    """Change a meeting in preparation or convened. For a convened meeting, a change of date,
    time, place or title sends every member an updated invitation (SEQUENCE + 1)."""
    reunion = _verrouiller(reunion)
    _exiger(
        reunion,
        S.BROUILLON,
        S.CONVOQUEE,
        message=_("Seule une réunion en préparation ou convoquée peut être modifiée."),
    )
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
    _save(reunion, by=by, reason=_("Réunion modifiée"))
    if notifier:
        emails.envoyer_invitations(reunion, mise_a_jour=True)
    return reunion


@transaction.atomic
def ajouter_point(
    *, reunion: Reunion, by, titre: str, duree_minutes: int = 15, engagements=(), territoires=()
) -> PointOrdreDuJour:
    reunion = _verrouiller(reunion)
    _exiger(
        reunion,
        S.BROUILLON,
        message=_("L'ordre du jour se prépare avant la convocation : il ne change plus ensuite."),
    )
    ordre = (reunion.points.aggregate(m=Max("ordre"))["m"] or 0) + 1
    point = PointOrdreDuJour(reunion=reunion, ordre=ordre, titre=titre, duree_minutes=duree_minutes)
    point.full_clean()
    point.save()
    if engagements:
        point.engagements.set(engagements)
    if territoires:
        point.territoires.set(territoires)
    return point


@transaction.atomic
def retirer_point(*, point: PointOrdreDuJour, by) -> None:
    reunion = _verrouiller(point.reunion)
    _exiger(reunion, S.BROUILLON, message=_("L'ordre du jour d'une réunion convoquée ne change plus."))
    point.delete()
    # Renumber from 1 without ever colliding with the unique (reunion, ordre) constraint.
    restants = list(reunion.points.order_by("ordre"))
    for decalage, p in enumerate(restants, start=1):
        p.ordre = 1000 + decalage
        p.save(update_fields=["ordre"])
    for rang, p in enumerate(restants, start=1):
        p.ordre = rang
        p.save(update_fields=["ordre"])


def _inscrire_membres(reunion: Reunion) -> None:
    existants = set(reunion.presences.values_list("membre_id", flat=True))
    Presence.objects.bulk_create(
        Presence(reunion=reunion, membre=m) for m in reunion.comite.membres.all() if m.pk not in existants
    )


@transaction.atomic
def convoquer(*, reunion: Reunion, by, now: datetime.datetime | None = None) -> int:
    """Convene the meeting: every member of the committee receives the convocation and its
    invitation. Returns the number of e-mails sent."""
    reunion = _verrouiller(reunion)
    now = now or timezone.now()
    if reunion.statut == S.BROUILLON and reunion.debut <= now:
        raise ActionImpossible(_("La réunion a déjà commencé : il est trop tard pour la convoquer."))
    if reunion.statut == S.BROUILLON and not reunion.comite.membres.exists():
        raise ActionImpossible(_("Le comité n'a aucun membre à convoquer."))
    _passer(reunion, S.CONVOQUEE)
    reunion.convoquee_le = now
    _save(reunion, by=by, reason=_("Réunion convoquée"))
    _inscrire_membres(reunion)
    return emails.envoyer_invitations(reunion)


@transaction.atomic
def reunion_urgente(
    *,
    comite: Comite,
    by,
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
        by=by,
        debut=debut,
        fin=fin,
        adresse=adresse,
        territoire=territoire,
        nature=Reunion.Nature.URGENTE,
        points=[{"titre": objet, "duree_minutes": duree}],
    )
    convoquer(reunion=reunion, by=by)
    reunion.refresh_from_db()
    return reunion


@transaction.atomic
def annuler(*, reunion: Reunion, by, motif: str) -> int:
    """Cancel a meeting in preparation or convened, with a reason. Members already convened
    receive the cancellation (METHOD:CANCEL, same UID, higher SEQUENCE). Returns e-mails sent."""
    if not motif.strip():
        raise ActionImpossible(_("Indiquez le motif de l'annulation."))
    reunion = _verrouiller(reunion)
    etait_convoquee = reunion.statut == S.CONVOQUEE
    _passer(reunion, S.ANNULEE)
    reunion.motif_annulation = motif.strip()
    if etait_convoquee:
        reunion.sequence += 1
    _save(reunion, by=by, reason=_("Réunion annulée"))
    return emails.envoyer_annulation(reunion) if etait_convoquee else 0


@transaction.atomic
def marquer_tenue(*, reunion: Reunion, by, now: datetime.datetime | None = None) -> Reunion:
    reunion = _verrouiller(reunion)
    if reunion.debut > (now or timezone.now()):
        raise ActionImpossible(
            _("La réunion n'a pas encore commencé : elle ne peut pas être déclarée tenue.")
        )
    _passer(reunion, S.TENUE)
    _save(reunion, by=by, reason=_("Réunion tenue"))
    _inscrire_membres(reunion)
    return reunion


@transaction.atomic
def repondre(*, presence: Presence, reponse: str, represente_par: str = "") -> Presence:
    """A member's answer to the convocation (from the link in the e-mail)."""
    reunion = _verrouiller(presence.reunion)
    _exiger(reunion, S.CONVOQUEE, message=_("Cette convocation n'attend plus de réponse."))
    if reunion.fin <= timezone.now():
        raise ActionImpossible(_("Cette réunion est passée : la réponse n'est plus possible."))
    if reponse not in Presence.Reponse.values or reponse == Presence.Reponse.SANS_REPONSE:
        raise ActionImpossible(_("Réponse inconnue."))
    if reponse == Presence.Reponse.REPRESENTE and not represente_par.strip():
        raise ActionImpossible(_("Indiquez qui représentera votre organisation."))
    presence.reponse = reponse
    presence.reponse_represente_par = represente_par.strip() if reponse == Presence.Reponse.REPRESENTE else ""
    presence.repondu_le = timezone.now()
    presence.full_clean()
    presence.save()
    return presence


@transaction.atomic
def enregistrer_presences(*, reunion: Reunion, by, lignes: Iterable[tuple[Presence, str, str]]) -> None:
    """Record who came: for each attendance record, its status and, when represented, by whom."""
    reunion = _verrouiller(reunion)
    _exiger(
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
        presence._history_user = by
        presence.full_clean()
        presence.save()


@transaction.atomic
def rediger_compte_rendu(*, reunion: Reunion, by, texte: str) -> CompteRendu:
    reunion = _verrouiller(reunion)
    if reunion.statut == S.CR_APPROUVE:
        raise ActionImpossible(_("Le compte rendu est approuvé : il ne se modifie plus."))
    _exiger(
        reunion,
        S.TENUE,
        message=_("Un compte rendu s'écrit pour une réunion tenue (ni annulée, ni à venir)."),
    )
    if not texte.strip():
        raise ActionImpossible(_("Le compte rendu est vide."))
    compte_rendu = CompteRendu.objects.filter(reunion=reunion).first() or CompteRendu(
        reunion=reunion, redige_par=by
    )
    compte_rendu.texte = texte.strip()
    compte_rendu.redige_par = by
    return _save(compte_rendu, by=by)


@transaction.atomic
def approuver_compte_rendu(*, reunion: Reunion, by) -> Reunion:
    reunion = _verrouiller(reunion)
    compte_rendu = CompteRendu.objects.filter(reunion=reunion).first()
    if reunion.statut == S.TENUE and compte_rendu is None:
        raise ActionImpossible(_("Rédigez le compte rendu avant de l'approuver."))
    _passer(reunion, S.CR_APPROUVE)
    _save(reunion, by=by, reason=_("Compte rendu approuvé"))
    compte_rendu.approuve_le = timezone.now()
    _save(compte_rendu, by=by, reason=_("Compte rendu approuvé"))
    return reunion


def _exiger_tenue_pour_decision(reunion: Reunion) -> None:
    _exiger(
        reunion,
        S.TENUE,
        message=_(
            "Les décisions s'enregistrent pour une réunion tenue, avant l'approbation du compte rendu."
        ),
    )


@transaction.atomic
def ajouter_decision(*, reunion: Reunion, by, texte: str, illustratif: bool = False) -> Decision:
    """A decision, numbered from 1 within the meeting (the meeting row is locked meanwhile)."""
    reunion = _verrouiller(reunion)
    _exiger_tenue_pour_decision(reunion)
    if not texte.strip():
        raise ActionImpossible(_("Le texte de la décision est vide."))
    numero = (Decision.objects.filter(reunion=reunion).aggregate(m=Max("numero"))["m"] or 0) + 1
    decision = Decision(
        reunion=reunion, numero=numero, texte=texte.strip(), cree_par=by, illustratif=illustratif
    )
    return _save(decision, by=by)


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
    by,
    texte: str,
    objet: str,
    engagement: Engagement | None,
    nouvelle_valeur,
    nouvel_engagement: dict | None,
    illustratif: bool,
) -> Avenant:
    reunion = _verrouiller(reunion)
    if reunion.comite.type != Comite.Type.PILOTAGE:
        raise ActionImpossible(_("Seul le comité de pilotage adopte des avenants au contrat."))
    _exiger_tenue_pour_decision(reunion)
    if objet != Avenant.Objet.AJOUT and engagement is None:
        raise ActionImpossible(_("Choisissez l'engagement que l'avenant modifie."))
    decision = ajouter_decision(reunion=reunion, by=by, texte=texte, illustratif=illustratif)
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
            engagement=engagement, data={champ: nouvelle_valeur}, par=by, motif=motif
        )
        libelle = str(Engagement._meta.get_field(champ).verbose_name)
        modifications.append((champ, libelle, _en_texte(ancienne), _en_texte(nouvelle_valeur)))
    elif objet == Avenant.Objet.CLOTURE:
        if engagement.abandonne_le:
            raise ActionImpossible(_("Cet engagement est déjà clos."))
        date = timezone.localtime(reunion.debut).date()
        engagement = engagements_services.abandonner_engagement(
            engagement=engagement, motif_abandon=texte.strip(), par=by, date=date, motif=motif
        )
        modifications.append(("abandonne_le", _("clos le"), "", _en_texte(date)))
    elif objet == Avenant.Objet.AJOUT:
        if not nouvel_engagement:
            raise ActionImpossible(_("Décrivez l'engagement ajouté."))
        engagement = engagements_services.creer_engagement(par=by, motif=motif, **nouvel_engagement)
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
        adopte_par=by,
        illustratif=illustratif,
    )
    # The number's uniqueness is left to the database constraint (not to full_clean's query),
    # so that a collision raises IntegrityError and the caller retries.
    avenant._history_user = by
    avenant._change_reason = motif
    avenant.full_clean(validate_unique=False, validate_constraints=False)
    avenant.save()
    for champ, libelle, ancienne, nouvelle in modifications:
        _save(
            ModificationAvenant(
                avenant=avenant,
                champ=champ,
                libelle=libelle,
                ancienne_valeur=ancienne,
                nouvelle_valeur=nouvelle,
            ),
            by=by,
        )
    return avenant


def adopter_avenant(
    *,
    reunion: Reunion,
    by,
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
                    by=by,
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


# --- annual review ------------------------------------------------------------------------------


def _verrouiller_bilan(bilan: Bilan) -> Bilan:
    return Bilan.objects.select_for_update().select_related("contrat").get(pk=bilan.pk)


def _exiger_projet(bilan: Bilan) -> None:
    if bilan.adopte:
        raise ActionImpossible(_("Ce bilan est adopté : il ne change plus. Rédigez une nouvelle version."))


@transaction.atomic
def rediger_bilan(*, contrat: Contrat, annee: int, by, illustratif: bool = False) -> Bilan:
    """Open a draft review of `annee`: version 1, or the next version after an adopted one (its
    qualitative texts are taken up as a starting point). One draft per year at a time."""
    contrat = Contrat.objects.select_for_update().get(pk=contrat.pk)
    if not contrat.date_signature.year <= annee <= timezone.localdate().year:
        raise ActionImpossible(
            _("Un bilan porte sur une année du contrat, de %(debut)s à l'année en cours.")
            % {"debut": contrat.date_signature.year}
        )
    if Bilan.objects.filter(contrat=contrat, annee=annee, statut=Bilan.Statut.BROUILLON).exists():
        raise ActionImpossible(
            _("Un projet de bilan %(annee)s existe déjà : complétez-le.") % {"annee": annee}
        )
    precedent = Bilan.objects.filter(contrat=contrat, annee=annee).order_by("-version").first()
    bilan = Bilan(
        contrat=contrat,
        annee=annee,
        version=precedent.version + 1 if precedent else 1,
        textes=dict(precedent.textes) if precedent else {},
        evenements=precedent.evenements if precedent else "",
        cree_par=by,
        illustratif=illustratif,
    )
    return _save(bilan, by=by, reason=_("Projet de bilan %(annee)s") % {"annee": annee})


@transaction.atomic
def modifier_bilan(*, bilan: Bilan, by, textes: dict[str, str], evenements: str) -> Bilan:
    """The coordination's qualitative part of a draft: a text per priority (keyed by its number)
    and the year's key events."""
    bilan = _verrouiller_bilan(bilan)
    _exiger_projet(bilan)
    bilan.textes = {str(numero): texte.strip() for numero, texte in textes.items() if texte.strip()}
    bilan.evenements = evenements.strip()
    return _save(bilan, by=by)


def reunions_d_adoption(bilan: Bilan):
    """The meetings that may adopt this review: held meetings of the contract's comité
    d'évaluation, after the year under review has ended."""
    debut = datetime.datetime(bilan.annee + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    return (
        Reunion.objects.filter(
            comite__contrat_id=bilan.contrat_id,
            comite__type=Comite.Type.EVALUATION,
            statut__in=(S.TENUE, S.CR_APPROUVE),
            debut__gte=debut,
        )
        .select_related("comite")
        .order_by("debut")
    )


@transaction.atomic
def adopter_bilan(*, bilan: Bilan, reunion: Reunion, by, today: datetime.date | None = None) -> Bilan:
    """Adoption by a held meeting of the comité d'évaluation: every computed part is frozen in the
    review's snapshot, so that later imports or corrections leave it unchanged."""
    from . import bilan as calcul

    bilan = _verrouiller_bilan(bilan)
    _exiger_projet(bilan)
    if not reunions_d_adoption(bilan).filter(pk=reunion.pk).exists():
        raise ActionImpossible(
            _(
                "Un bilan %(annee)s est adopté par une réunion tenue du comité d'évaluation du contrat, "
                "après la fin de l'année %(annee)s."
            )
            % {"annee": bilan.annee}
        )
    bilan.instantane = {
        **calcul.calculer(contrat=bilan.contrat, annee=bilan.annee, today=today),
        "priorites": calcul.priorites(bilan.contrat),
        "textes": bilan.textes,
        "evenements": bilan.evenements,
    }
    bilan.statut = Bilan.Statut.ADOPTE
    bilan.reunion_adoption = reunion
    bilan.adopte_le = timezone.now()
    return _save(bilan, by=by, reason=_("Adopté par : %(reunion)s") % {"reunion": reunion.titre})
