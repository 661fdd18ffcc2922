"""Daily reminders of the committees, called by `manage.py envoyer_relances` and its daily task
(cls_poitiers/relances.py), at most once a day each (keyed in the outbox by kind, object and day):

- the minutes of a meeting are still missing 3 and 7 days after it: the committee's secretaries
  receive a reminder (on those two days only);
- the current or the next semester has no comité de pilotage scheduled: its secretaries receive a
  warning every Monday until one is.

Where a committee has no secretary, the coordination is written to instead.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from cls_poitiers.models import Contrat
from cls_poitiers.permissions import COORDINATION

from . import courriels, rythme
from .models import CompteRendu, Reunion

DELAIS_COMPTE_RENDU = (3, 7)
JOUR_ALERTE_RYTHME = 0  # Monday


def _adresses(utilisateurs) -> list[str]:
    return sorted({u.email for u in utilisateurs if u.is_active and u.email})


def _coordination() -> list[str]:
    return _adresses(get_user_model().objects.filter(groups__name=COORDINATION))


def _secretaires(comites) -> list[str]:
    adresses = _adresses(get_user_model().objects.filter(comites_secretaire__in=comites).distinct())
    return adresses or _coordination()


def reunions_sans_compte_rendu(*, jour: datetime.date):
    """Meetings that ended on `jour`, not cancelled, whose minutes are not written."""
    return (
        Reunion.objects.filter(fin__date=jour, statut__in=(Reunion.Statut.CONVOQUEE, Reunion.Statut.TENUE))
        .filter(~Exists(CompteRendu.objects.filter(reunion=OuterRef("pk"))))
        .select_related("comite")
        .order_by("debut")
    )


def _relances_compte_rendu(today: datetime.date, stdout) -> int:
    envoyes = 0
    for delai in DELAIS_COMPTE_RENDU:
        for reunion in reunions_sans_compte_rendu(jour=today - datetime.timedelta(days=delai)):
            envoye = courriels.envoyer_aux_secretaires(
                destinataires=_secretaires([reunion.comite]),
                gabarit="relance_compte_rendu",
                contexte={"reunion": reunion, "delai": delai},
                cle=f"comites.relance_compte_rendu:{reunion.pk}:{today.isoformat()}",
            )
            if envoye:
                stdout.write(f"Compte rendu manquant ({delai} jours) : {reunion}")
            envoyes += envoye
    return envoyes


def _alertes_rythme(today: datetime.date, stdout) -> int:
    if today.weekday() != JOUR_ALERTE_RYTHME:
        return 0
    contrat = Contrat.objects.courant(today)
    a_planifier = rythme.alertes_des_instances(contrat=contrat, today=today) if contrat else []
    if not a_planifier:
        return 0
    comites = [r.comite for r in a_planifier]
    envoyes = courriels.envoyer_aux_secretaires(
        destinataires=_secretaires(comites),
        gabarit="alerte_rythme",
        contexte={"contrat": contrat, "a_planifier": a_planifier, "comites": comites},
        cle=f"comites.alerte_rythme:{contrat.pk}:{today.isoformat()}",
    )
    if envoyes:
        stdout.write(
            "À planifier : "
            + " ; ".join(
                f"{r.comite} ({', '.join(a.periode.libelle for a in r.alertes)})" for r in a_planifier
            )
        )
    return envoyes


def envoyer(*, today: datetime.date, stdout) -> int:
    return _relances_compte_rendu(today, stdout) + _alertes_rythme(today, stdout)
