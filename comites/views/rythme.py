"""The rhythm page: per period since the signature, did the comité de pilotage and the comité
d'évaluation meet, and what the secretariat must plan."""

from django.shortcuts import render
from django.utils import timezone

from cls_poitiers.models import Contrat
from cls_poitiers.permissions import COORDINATION, PARTENAIRE, SECRETARIAT, has_role, role_required

from .. import rythme


@role_required(COORDINATION, SECRETARIAT, PARTENAIRE)
def rythme_page(request):
    contrat = Contrat.objects.courant()
    today = timezone.localdate()
    semestres = rythme.rythme_pilotage(contrat=contrat, today=today) if contrat else []
    return render(
        request,
        "comites/rythme.html",
        {
            "contrat": contrat,
            "semestres": semestres,
            "annees": rythme.rythme_evaluation(contrat=contrat, today=today) if contrat else [],
            "alertes": rythme.alertes(semestres),
            "secretariat": has_role(request.user, SECRETARIAT, COORDINATION),
        },
    )
