"""The rhythm page: for each instance with a regular rhythm, per period since the contract began,
did it meet, and what the secretariat must plan."""

from django.shortcuts import render
from django.utils import timezone

from cls_poitiers.models import Contrat
from cls_poitiers.permissions import COORDINATION, PARTENAIRE, SECRETARIAT, has_role, role_required

from .. import rythme


@role_required(COORDINATION, SECRETARIAT, PARTENAIRE)
def rythme_page(request):
    contrat = Contrat.objects.courant()
    today = timezone.localdate()
    instances = rythme.rythme_des_instances(contrat=contrat, today=today) if contrat else []
    return render(
        request,
        "comites/rythme.html",
        {
            "contrat": contrat,
            "instances": instances,
            "alertes": [r for r in instances if r.alertes],
            "secretariat": has_role(request.user, SECRETARIAT, COORDINATION),
        },
    )
