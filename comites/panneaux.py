"""What the committees add to the core's pages through the registry: the home panel, the
sections on a commitment's page and on a territory's page, and the navigation entries."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cls_poitiers.models import Contrat
from cls_poitiers.permissions import COORDINATION, PARTENAIRE, ROLES, SECRETARIAT
from cls_poitiers.registry import DetailPanel, NavEntry, Panel

from . import rythme
from .models import Avenant, Bilan, Comite, CompteRendu, PointOrdreDuJour, Reunion

NB_PROCHAINES = 5


def accueil(request) -> dict:
    """Next meetings the user may see; for secretaries, what they must do."""
    user = request.user
    maintenant = timezone.now()
    prochaines = list(
        Reunion.objects.visibles_par(user)
        .filter(fin__gte=maintenant)
        .exclude(statut=Reunion.Statut.ANNULEE)
        .select_related("comite", "territoire")
        .order_by("debut")[:NB_PROCHAINES]
    )
    geres = Comite.objects.geres_par(user)
    contexte = {"prochaines": prochaines, "secretaire": False}
    if not geres.exists():
        return contexte
    reunions_gerees = Reunion.objects.filter(comite__in=geres).select_related("comite")
    contexte.update(
        secretaire=True,
        a_convoquer=list(
            reunions_gerees.filter(statut=Reunion.Statut.BROUILLON, debut__gte=maintenant).order_by("debut")[
                :5
            ]
        ),
        cr_manquants=list(
            reunions_gerees.filter(
                statut__in=(Reunion.Statut.CONVOQUEE, Reunion.Statut.TENUE),
                fin__lt=maintenant,
            )
            .filter(~Exists(CompteRendu.objects.filter(reunion=OuterRef("pk"))))
            .order_by("debut")[:5]
        ),
        alertes=[],
    )
    contrat = Contrat.objects.courant()
    if contrat:
        contexte["alertes"] = rythme.alertes_des_instances(
            contrat=contrat, today=timezone.localdate(), comites=geres
        )
    return contexte


def engagement(request, obj) -> dict:
    """The amendments that changed this commitment, with what they changed."""
    avenants = list(
        Avenant.objects.filter(engagement=obj)
        .select_related("decision__reunion__comite")
        .prefetch_related("modifications")
        .order_by("numero")
    )
    visibles = set(
        Reunion.objects.visibles_par(request.user)
        .filter(pk__in=[a.decision.reunion_id for a in avenants])
        .values_list("pk", flat=True)
    )
    return {"avenants": avenants, "reunions_visibles": visibles}


def territoire(request, obj) -> dict:
    """Meetings held on this territory, of its local groups, or whose agenda concerns it —
    only those the user may see (the local groups' meetings stay with their members)."""
    concerne = PointOrdreDuJour.territoires.through.objects.filter(
        territoire_id=obj.pk, pointordredujour__reunion_id=OuterRef("pk")
    )
    reunions = list(
        Reunion.objects.visibles_par(request.user)
        .filter(Q(territoire=obj) | Q(comite__territoire=obj) | Q(Exists(concerne)))
        .select_related("comite")
        .order_by("-debut")[:10]
    )
    return {"reunions": reunions, "territoire": obj}


def diagnostic(request, obj) -> dict:
    """The meetings (thematic groups, meetings with residents) that fed a diagnostic, as far as
    the user may see them."""
    reunions = list(
        Reunion.objects.visibles_par(request.user)
        .filter(diagnostics=obj)
        .select_related("comite", "territoire")
        .order_by("debut")
    )
    return {"reunions": reunions}


def bilans(request) -> dict:
    """The latest adopted review and the draft in progress, as far as the user may read them."""
    visibles = Bilan.objects.visibles_par(request.user).select_related("reunion_adoption")
    return {
        "adopte": visibles.filter(statut=Bilan.Statut.ADOPTE).order_by("-annee", "-version").first(),
        "projet": visibles.filter(statut=Bilan.Statut.BROUILLON).order_by("-annee").first(),
    }


PANNEAUX = [
    Panel(slot="reunions", template="comites/_panneau_accueil.html", context=accueil, ordre=10),
    Panel(slot="reunions", template="comites/_panneau_bilans.html", context=bilans, ordre=20),
]
PANNEAUX_DETAIL = [
    DetailPanel(
        model="engagements.Engagement",
        template="comites/_panneau_engagement.html",
        context=engagement,
        ordre=50,
    ),
    DetailPanel(
        model="cls_poitiers.Territoire",
        template="comites/_panneau_territoire.html",
        context=territoire,
        ordre=50,
    ),
    DetailPanel(
        model="observatoire.Diagnostic",
        template="comites/_panneau_diagnostic.html",
        context=diagnostic,
        ordre=10,
    ),
]
# The committees' pages are for the roles that sit in them; the annual reviews for every role.
ROLES_DES_COMITES = (COORDINATION, PARTENAIRE, SECRETARIAT)
NAV = [
    NavEntry(label=_("Comités"), url_name="comites:comite_list", roles=ROLES_DES_COMITES, ordre=30),
    NavEntry(label=_("Calendrier"), url_name="comites:calendrier", roles=ROLES_DES_COMITES, ordre=31),
    NavEntry(label=_("Bilans annuels"), url_name="comites:bilan_list", roles=ROLES, ordre=33),
    NavEntry(label=_("Rythme des instances"), url_name="comites:rythme", roles=ROLES_DES_COMITES, ordre=32),
]
