"""What the engagements app adds to the core's pages: the home page's "engagements" slot and a
section on each territory's page (registered in EngagementsConfig.ready)."""

from django.db.models import Count, Q

from cls_poitiers.models import Territoire
from cls_poitiers.permissions import COORDINATION, ROLES, has_role

from .models import Engagement, PointEtape
from .querysets import Statut


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
