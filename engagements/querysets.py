"""Reads on actions, commitments and progress reports, as queryset methods.

Status rules (one place, computed in SQL so that lists can filter, sort and paginate on them):

- The *reference date* (`au`) is the day the situation is read at; it defaults to today. Pages
  accept `?au=31/12/2000` to read the contract as it stood then.
- A progress report *counts* at the reference date when it is dated on or before it, when it is
  validated or validation is not required (settings.CLS_VALIDATION_POINTS_ETAPE), and when no
  counting correction supersedes it. The *current value* is the value of the latest counting
  report (by date, then entry time); without one, the baseline (valeur_initiale).
- Progress is (current − baseline) / (target − baseline): it reads the same for a rising target
  (9 → 17 officers) and a falling one (120 → 80 incidents), since the target always differs from
  the baseline (a database constraint).
- Status, first rule that applies:
  1. abandonné — abandoned on or before the reference date;
  2. atteint — the current value has reached the target (≥ a rising target, ≤ a falling one),
     whenever it was reached, even after the deadline;
  3. en retard — the deadline has passed: the reference date is *after* the deadline (the
     deadline day itself is still on time);
  4. non commencé — the current value has not left the baseline towards the target;
  5. en cours — otherwise.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cls_poitiers.permissions import COORDINATION, ROLES, de_son_organisation, has_role

# Who writes the plan of action: creates and edits the actions, and creates commitments and
# changes their terms (target, deadline, partner…). Progress is reported by their owners too.
ROLES_REDACTION = (COORDINATION,)


class Statut(models.TextChoices):
    """The derived status of a commitment (see the module docstring for the exact rules)."""

    NON_COMMENCE = "non_commence", _("Non commencé")
    EN_COURS = "en_cours", _("En cours")
    EN_RETARD = "en_retard", _("En retard")
    ATTEINT = "atteint", _("Atteint")
    ABANDONNE = "abandonne", _("Abandonné")


def validation_requise() -> bool:
    return bool(getattr(settings, "CLS_VALIDATION_POINTS_ETAPE", False))


def _au(au: datetime.date | None) -> datetime.date:
    return au or timezone.localdate()


def redige_le_plan(user) -> bool:
    """Whether the user writes the plan of action (see ROLES_REDACTION)."""
    return has_role(user, *ROLES_REDACTION)


class PointEtapeQuerySet(models.QuerySet):
    def comptes(self, au: datetime.date | None = None):
        """The reports that count at the reference date (see the module docstring)."""
        au = _au(au)
        qs = self.filter(date__lte=au)
        if validation_requise():
            correction_comptee = Q(correction__isnull=False, correction__valide_le__isnull=False)
            return qs.filter(valide_le__isnull=False).exclude(correction_comptee)
        return qs.filter(correction__isnull=True)

    def a_valider(self):
        """Reports waiting for the coordination's validation."""
        return self.filter(valide_le__isnull=True)

    def visibles_par(self, user):
        from .models import Engagement

        return self.filter(engagement__in=Engagement.objects.visibles_par(user))


class ActionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Every role of the contract reads every action; a user without a role reads nothing."""
        return self.all() if has_role(user, *ROLES) else self.none()

    def modifiables_par(self, user):
        """Only those who write the plan of action create and edit actions."""
        return self.all() if redige_le_plan(user) else self.none()


class EngagementQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Every role of the contract reads every commitment (read-only for all but their
        owners and the coordination); a user without a role reads nothing."""
        return self.all() if has_role(user, *ROLES) else self.none()

    def avancement_renseignable_par(self, user):
        """The commitments this user may report progress on: all of them for the coordination,
        its own organisation's for a partner."""
        return self.all() if has_role(user, COORDINATION) else de_son_organisation(self, user)

    def termes_modifiables_par(self, user):
        """The commitments whose terms (target, deadline, partner…) this user may change: all of
        them for those who write the plan of action, none for anyone else (a partner reports
        progress on its own commitments but never changes what it committed to)."""
        return self.all() if redige_le_plan(user) else self.none()

    def historique_visible_par(self, user):
        """Whose change history this user may read: the commitments they report progress on
        (the coordination all, a partner its own organisation's)."""
        return self.avancement_renseignable_par(user)

    def avec_avancement(self, au: datetime.date | None = None):
        """Annotate `valeur_courante`, `date_dernier_point` and `statut` at the reference date,
        in SQL (one query for a whole list)."""
        from .models import PointEtape

        au = _au(au)
        derniers = (
            PointEtape.objects.comptes(au)
            .filter(engagement=OuterRef("pk"))
            .order_by("-date", "-cree_le", "-pk")
        )
        montant = Q(valeur_cible__gt=F("valeur_initiale"))
        descendant = Q(valeur_cible__lt=F("valeur_initiale"))
        qs = self.annotate(
            valeur_courante=Coalesce(
                Subquery(derniers.values("valeur")[:1]),
                F("valeur_initiale"),
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            ),
            date_dernier_point=Subquery(derniers.values("date")[:1]),
        )
        return qs.annotate(
            statut=Case(
                When(abandonne_le__lte=au, then=Value(Statut.ABANDONNE)),
                When(montant & Q(valeur_courante__gte=F("valeur_cible")), then=Value(Statut.ATTEINT)),
                When(descendant & Q(valeur_courante__lte=F("valeur_cible")), then=Value(Statut.ATTEINT)),
                When(echeance__lt=au, then=Value(Statut.EN_RETARD)),
                When(montant & Q(valeur_courante__lte=F("valeur_initiale")), then=Value(Statut.NON_COMMENCE)),
                When(
                    descendant & Q(valeur_courante__gte=F("valeur_initiale")), then=Value(Statut.NON_COMMENCE)
                ),
                default=Value(Statut.EN_COURS),
                output_field=models.CharField(max_length=20),
            )
        )

    def _avec_statut(self, au=None):
        return self if "statut" in self.query.annotations else self.avec_avancement(au)

    def en_retard(self, au: datetime.date | None = None):
        """Commitments past their deadline without having reached their target."""
        return self._avec_statut(au).filter(statut=Statut.EN_RETARD)

    def de_statut(self, statut: str, au: datetime.date | None = None):
        return self._avec_statut(au).filter(statut=statut)

    def avec_points_a_valider(self):
        """Annotate `points_a_valider`: whether reports wait for validation."""
        from .models import PointEtape

        return self.annotate(
            points_a_valider=Exists(PointEtape.objects.a_valider().filter(engagement=OuterRef("pk")))
        )

    def pour_listes(self, au: datetime.date | None = None):
        """What a list row shows, in one query."""
        return self.avec_avancement(au).select_related("action__priorite", "partenaire")


def progression(engagement) -> Decimal:
    """Share of the way from baseline to target, clamped to [0, 1] (needs `avec_avancement`)."""
    ecart = engagement.valeur_cible - engagement.valeur_initiale
    part = (engagement.valeur_courante - engagement.valeur_initiale) / ecart
    return min(max(part, Decimal(0)), Decimal(1))


def synthese(engagements, cle) -> list[dict]:
    """Weighted roll-up of commitments annotated by `avec_avancement`, grouped by `cle(engagement)`
    (a priority, a partner, an action…), in first-seen order.

    Weighted progress = Σ(poids × progression) / Σ(poids) over the commitments not abandoned,
    each progression clamped to [0, 1] so that over-achieving one commitment does not hide
    another's lateness. Abandoned commitments appear in the counts by status only."""
    groupes: dict = {}
    for engagement in engagements:
        groupe = groupes.setdefault(
            cle(engagement),
            {"objet": cle(engagement), "total": 0, "poids": 0, "pondere": Decimal(0), "par_statut": {}},
        )
        groupe["total"] += 1
        groupe["par_statut"][engagement.statut] = groupe["par_statut"].get(engagement.statut, 0) + 1
        if engagement.statut != Statut.ABANDONNE:
            groupe["poids"] += engagement.poids
            groupe["pondere"] += engagement.poids * progression(engagement)
    resultat = []
    for groupe in groupes.values():
        groupe["avancement"] = groupe["pondere"] / groupe["poids"] if groupe["poids"] else None
        groupe["statuts"] = [(s, groupe["par_statut"].get(s.value, 0)) for s in Statut]
        resultat.append(groupe)
    return resultat
