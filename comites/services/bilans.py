"""The annual review's life: a draft that the coordination writes, adopted by a held meeting of
the comité d'évaluation, which freezes its figures. A new version may follow an adopted one."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cls_poitiers.models import Contrat

from ..bilan import calcul
from ..models import Bilan, Comite, Reunion
from .base import ActionImpossible, S, enregistrer


def _verrouiller_bilan(bilan: Bilan) -> Bilan:
    return Bilan.objects.select_for_update().select_related("contrat").get(pk=bilan.pk)


def _exiger_projet(bilan: Bilan) -> None:
    if bilan.adopte:
        raise ActionImpossible(_("Ce bilan est adopté : il ne change plus. Rédigez une nouvelle version."))


@transaction.atomic
def rediger_bilan(*, contrat: Contrat, annee: int, par, illustratif: bool = False) -> Bilan:
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
        cree_par=par,
        illustratif=illustratif,
    )
    return enregistrer(bilan, par=par, motif=_("Projet de bilan %(annee)s") % {"annee": annee})


@transaction.atomic
def modifier_bilan(*, bilan: Bilan, par, textes: dict[str, str], evenements: str) -> Bilan:
    """The coordination's qualitative part of a draft: a text per priority (keyed by its number)
    and the year's key events."""
    bilan = _verrouiller_bilan(bilan)
    _exiger_projet(bilan)
    bilan.textes = {str(numero): texte.strip() for numero, texte in textes.items() if texte.strip()}
    bilan.evenements = evenements.strip()
    return enregistrer(bilan, par=par)


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
def adopter_bilan(*, bilan: Bilan, reunion: Reunion, par, today: datetime.date | None = None) -> Bilan:
    """Adoption by a held meeting of the comité d'évaluation: every computed part is frozen in the
    review's snapshot, so that later imports or corrections leave it unchanged."""
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
    bilan.instantane = calcul.instantane(bilan, today=today)
    bilan.statut = Bilan.Statut.ADOPTE
    bilan.reunion_adoption = reunion
    bilan.adopte_le = timezone.now()
    return enregistrer(bilan, par=par, motif=_("Adopté par : %(reunion)s") % {"reunion": reunion.titre})
