"""What the engagements app adds to the core's pages: the home page's "engagements" slot and a
section on each territory's and each priority's page (registered in EngagementsConfig.ready)."""

from django.db.models import Count, Prefetch, Q

from cls_poitiers.models import Priorite, Territoire
from cls_poitiers.permissions import COORDINATION, ROLES, has_role

from .models import Action, Engagement, PointEtape
from .querysets import Statut, synthese


def accueil(request) -> dict:
    """Coordination: counts by status and reports waiting for validation. Partner: its
    organisation's commitments, the late ones first."""
    user = request.user
    if has_role(user, COORDINATION):
        comptes = dict(
            Engagement.objects.visibles_par(user)
            .avec_avancement()
            .order_by()
            .values_list("statut")
            .annotate(n=Count("pk"))
        )
        return {
            "coordination": True,
            "statuts": [(s, comptes.get(s.value, 0)) for s in Statut],
            "total": sum(comptes.values()),
            "a_valider": PointEtape.objects.visibles_par(user).a_valider().count(),
        }
    engagements = list(
        Engagement.objects.avancement_renseignable_par(user)
        .filter(partenaire_id=user.partenaire_id)
        .pour_listes()
    )
    return {
        "coordination": False,
        "engagements": engagements,
        "en_retard": [e for e in engagements if e.statut == Statut.EN_RETARD],
    }


def territoire(request, territoire: Territoire) -> dict | None:
    """The commitments on this territory or on the territories under it."""
    if not has_role(request.user, *ROLES):
        return None
    territoires = Territoire.objects.filter(Q(pk=territoire.pk) | Q(parent=territoire)).values("pk")
    engagements = (
        Engagement.objects.visibles_par(request.user)
        .filter(
            pk__in=Engagement.territoires.through.objects.filter(territoire__in=territoires).values(
                "engagement_id"
            )
        )
        .pour_listes()
    )
    return {"territoire": territoire, "engagements": list(engagements)}


def priorite(request, priorite: Priorite) -> dict | None:
    """The priority's fiches-actions, each with its commitments (progress, state, current target)
    and its weighted progress: two queries, whatever the number of actions."""
    user = request.user
    if not has_role(user, *ROLES):
        return None
    engagements = Engagement.objects.visibles_par(user).pour_listes().order_by("reference")
    actions = list(
        Action.objects.visibles_par(user)
        .filter(priorite=priorite)
        .select_related("pilote")
        .prefetch_related(Prefetch("engagements", queryset=engagements))
        .order_by("ordre", "reference")
    )
    lignes = []
    for action in actions:
        engagements_de_l_action = list(action.engagements.all())
        resume = synthese(engagements_de_l_action, lambda e: e.action_id)
        lignes.append(
            {
                "action": action,
                "engagements": engagements_de_l_action,
                "synthese": resume[0] if resume else None,
            }
        )
    return {"priorite": priorite, "actions": lignes}
