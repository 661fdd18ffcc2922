"""Daily reminders to partners about their commitments, called by `manage.py envoyer_relances`.

Two reasons, for commitments neither achieved nor abandoned:
- *sans point*: no progress report dated within the last settings.CLS_RELANCE_SANS_POINT_JOURS
  days (counted from the commitment's creation when it has none yet);
- *échéance*: the deadline falls within the next settings.CLS_RELANCE_ECHEANCE_JOURS days
  (today included).

Each partner organisation's users holding the Partenaire role (active, with an e-mail address)
receive one e-mail listing all their commitments concerned. Every reminder is logged
(RelanceEngagement) so that the run is idempotent: the same reminder is never sent twice the same
day, a "sans point" reminder is repeated at most once a week (RAPPEL_SANS_POINT_JOURS) while the
commitment stays silent, and a deadline reminder is sent once per approaching deadline.
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cls_poitiers import courriels, identite
from cls_poitiers.permissions import PARTENAIRE

from .models import Engagement, PointEtape, RelanceEngagement
from .querysets import Statut

RAPPEL_SANS_POINT_JOURS = 7


def _a_relancer(today: datetime.date) -> dict[int, dict[str, list]]:
    """Partner id → reason → commitments to remind about today."""
    sans_point_depuis = today - datetime.timedelta(days=settings.CLS_RELANCE_SANS_POINT_JOURS)
    horizon = today + datetime.timedelta(days=settings.CLS_RELANCE_ECHEANCE_JOURS)
    actifs = (
        Engagement.objects.avec_avancement(today)
        .exclude(statut__in=[Statut.ATTEINT, Statut.ABANDONNE])
        .annotate(
            dernier_point=Subquery(
                PointEtape.objects.filter(engagement=OuterRef("pk")).order_by("-date").values("date")[:1]
            )
        )
        .select_related("partenaire", "action")
        .order_by("partenaire__nom", "echeance", "reference")
    )
    deja = {
        (r.engagement_id, r.motif): r.date_envoi
        for r in RelanceEngagement.objects.filter(
            date_envoi__gte=today
            - datetime.timedelta(days=max(RAPPEL_SANS_POINT_JOURS, settings.CLS_RELANCE_ECHEANCE_JOURS))
        ).order_by("date_envoi")
    }
    resultat: dict[int, dict[str, list]] = {}
    for engagement in actifs:
        motifs = []
        depuis = engagement.dernier_point or engagement.cree_le.date()
        if depuis < sans_point_depuis:
            envoye = deja.get((engagement.pk, RelanceEngagement.Motif.SANS_POINT))
            if envoye is None or envoye <= today - datetime.timedelta(days=RAPPEL_SANS_POINT_JOURS):
                motifs.append(RelanceEngagement.Motif.SANS_POINT)
        if today <= engagement.echeance <= horizon:
            envoye = deja.get((engagement.pk, RelanceEngagement.Motif.ECHEANCE))
            # Once per approaching deadline: a reminder sent since the window opened counts.
            if envoye is None or envoye < engagement.echeance - datetime.timedelta(
                days=settings.CLS_RELANCE_ECHEANCE_JOURS
            ):
                motifs.append(RelanceEngagement.Motif.ECHEANCE)
        for motif in motifs:
            resultat.setdefault(engagement.partenaire_id, {}).setdefault(motif, []).append(engagement)
    return resultat


def envoyer(*, today: datetime.date, stdout=None) -> int:
    """Write today's reminders to the outbox; return their number. Run again the same day, it sends
    nothing twice (the log above, and the outbox key: user, day and the reminders listed)."""
    a_relancer = _a_relancer(today)
    if not a_relancer:
        return 0
    destinataires: dict[int, list] = {}
    utilisateurs = (
        get_user_model()
        .objects.filter(partenaire_id__in=a_relancer, is_active=True, groups__name=PARTENAIRE)
        .exclude(Q(email="") | Q(email__isnull=True))
        .distinct()
        .order_by("username")
    )
    for utilisateur in utilisateurs:
        destinataires.setdefault(utilisateur.partenaire_id, []).append(utilisateur)

    envoyes = 0
    identite_courriel = identite.contexte_courriel()
    for partenaire_id, motifs in a_relancer.items():
        comptes = destinataires.get(partenaire_id, [])
        if not comptes:
            if stdout is not None:
                partenaire = next(iter(next(iter(motifs.values())))).partenaire
                stdout.write(_("Aucun destinataire pour %(p)s : relance non envoyée.") % {"p": partenaire})
            continue
        partenaire = next(iter(next(iter(motifs.values())))).partenaire
        contexte = {
            "partenaire": partenaire,
            "sans_point": motifs.get(RelanceEngagement.Motif.SANS_POINT, []),
            "echeance": motifs.get(RelanceEngagement.Motif.ECHEANCE, []),
            "jours_sans_point": settings.CLS_RELANCE_SANS_POINT_JOURS,
            "jours_echeance": settings.CLS_RELANCE_ECHEANCE_JOURS,
            **identite_courriel,
            "today": today,
        }
        sujet = _("[%(plateforme)s] Vos engagements à mettre à jour") % {
            "plateforme": identite_courriel["plateforme_nom"]
        }
        with transaction.atomic():
            for motif, engagements in motifs.items():
                RelanceEngagement.objects.bulk_create(
                    [
                        RelanceEngagement(
                            engagement=e,
                            motif=motif,
                            date_envoi=today,
                            destinataires=", ".join(u.email for u in comptes),
                        )
                        for e in engagements
                    ],
                    ignore_conflicts=True,
                )
            # What this e-mail reminds of: the same reminders run again the same day send nothing,
            # reminders that appeared since (a new commitment) go in a new e-mail.
            contenu = sorted(f"{e.pk}:{motif}" for motif, engagements in motifs.items() for e in engagements)
            empreinte = hashlib.sha256(";".join(contenu).encode()).hexdigest()[:16]
            for utilisateur in comptes:
                corps = render_to_string(
                    "engagements/courriels/relance.txt", {**contexte, "destinataire": utilisateur}
                )
                envoyes += (
                    courriels.envoyer(
                        destinataires=[utilisateur.email],
                        sujet=sujet,
                        corps=corps,
                        cle=f"engagements.relance:{utilisateur.pk}:{today.isoformat()}:{empreinte}",
                    )
                    is not None
                )
    return envoyes
