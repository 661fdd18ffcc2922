"""Who sees and who manages committees and meetings: every view, feed and PDF goes through these.

- The coordination sees and manages everything.
- A secretary manages the committees they are secretary of (and must hold the Secrétariat role).
- Members (users whose organisation is a member of the committee) read its meetings and minutes.
- The meetings of the contract's open bodies (pilotage, évaluation, thematic groups, residents'
  meetings) are readable by every partner and secretary; those of the local groups (GLTD, veille
  sociale) are confidential to their members, their secretaries and the coordination.
- A meeting still in preparation (draft) is seen only by those who manage it.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from cls_poitiers.permissions import COORDINATION, PARTENAIRE, ROLES, SECRETARIAT, has_role


def _est_coordination(user) -> bool:
    return has_role(user, COORDINATION)


def _a_un_role(user) -> bool:
    return has_role(user, *ROLES)


def _membre_ou_secretaire(user) -> Q:
    """Q on Comite: the user is its secretary or their organisation is a member. Written with
    Exists so that no row is duplicated."""
    from .models import Comite, Membre

    q = Q(Exists(Comite.secretaires.through.objects.filter(comite_id=OuterRef("pk"), utilisateur_id=user.pk)))
    if user.partenaire_id:
        q |= Q(Exists(Membre.objects.filter(comite_id=OuterRef("pk"), partenaire_id=user.partenaire_id)))
    return q


class ComiteQuerySet(models.QuerySet):
    def visibles_par(self, user):
        if not getattr(user, "is_authenticated", False) or not _a_un_role(user):
            return self.none()
        if _est_coordination(user):
            return self.all()
        q = _membre_ou_secretaire(user)
        if has_role(user, PARTENAIRE, SECRETARIAT):
            q |= Q(confidentiel=False)
        return self.filter(q)

    def geres_par(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if _est_coordination(user):
            return self.all()
        if not has_role(user, SECRETARIAT):
            return self.none()
        from .models import Comite

        return self.filter(
            Exists(
                Comite.secretaires.through.objects.filter(comite_id=OuterRef("pk"), utilisateur_id=user.pk)
            )
        )


class ReunionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        from .models import Comite

        if not getattr(user, "is_authenticated", False) or not _a_un_role(user):
            return self.none()
        if _est_coordination(user):
            return self.all()
        comites = Comite.objects.visibles_par(user)
        geres = Comite.objects.geres_par(user)
        return self.filter(comite__in=comites).filter(~Q(statut="brouillon") | Q(comite__in=geres))

    def geres_par(self, user):
        from .models import Comite

        return self.filter(comite__in=Comite.objects.geres_par(user))

    def actives(self):
        """Not cancelled: what counts as scheduled or held."""
        return self.exclude(statut="annulee")

    def publiees(self):
        """What calendars carry: meetings convened at some point (then held or cancelled) and
        meetings recorded as held. A draft, or a draft cancelled before any convocation, was never
        announced to the members."""
        return self.exclude(statut="brouillon").exclude(statut="annulee", convoquee_le__isnull=True)

    def entre(self, debut, fin):
        """Meetings that start in [debut, fin)."""
        return self.filter(debut__gte=debut, debut__lt=fin)

    def chevauchant(self, debut, fin):
        return self.filter(debut__lt=fin, fin__gt=debut)


class PresenceQuerySet(models.QuerySet):
    def repondables_par(self, user):
        """The convocations this user may answer from a meeting's page: their own organisation's,
        for the meetings they see. Nobody answers for another organisation, whatever their role
        (a secretary or the coordination answers only where their organisation is a member). When
        an answer is still possible is the service's rule (`services.repondre`)."""
        from .models import Reunion

        if not getattr(user, "is_authenticated", False) or not user.partenaire_id:
            return self.none()
        return self.filter(
            membre__partenaire_id=user.partenaire_id, reunion__in=Reunion.objects.visibles_par(user)
        )


class BilanQuerySet(models.QuerySet):
    """Annual reviews: the coordination drafts and reads everything; the members and secretaries of
    the comité d'évaluation read the drafts of their contract; every role reads adopted reviews."""

    def visibles_par(self, user):
        from .models import Comite

        if not getattr(user, "is_authenticated", False) or not _a_un_role(user):
            return self.none()
        if _est_coordination(user):
            return self.all()
        evaluation = Comite.objects.filter(type="evaluation").filter(_membre_ou_secretaire(user))
        return self.filter(Q(statut="adopte") | Q(contrat__in=evaluation.values("contrat")))

    def modifiables_par(self, user):
        """Only the coordination writes, and only drafts."""
        if not getattr(user, "is_authenticated", False) or not _est_coordination(user):
            return self.none()
        return self.filter(statut="brouillon")

    def adoptes(self):
        return self.filter(statut="adopte")
