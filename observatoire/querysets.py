"""Reads on the observatory's models, scoped by user (see cls_poitiers.permissions)."""

from django.db import models

from cls_poitiers.permissions import (
    COORDINATION,
    OBSERVATOIRE,
    PARTENAIRE,
    ROLES,
    de_son_organisation,
    has_role,
)

# Who reads the dashboards (the home page's "observatoire" slot): the figures are aggregated and,
# below the secrecy threshold, masked for every role but Observatoire and Coordination.
ROLES_CONSULTATION = (COORDINATION, PARTENAIRE, OBSERVATOIRE)
ROLES_IMPORT = (OBSERVATOIRE,)
ROLES_DECLARATION = (PARTENAIRE,)


def peut_consulter(user) -> bool:
    return has_role(user, *ROLES_CONSULTATION)


def peut_importer(user) -> bool:
    return has_role(user, *ROLES_IMPORT)


class IndicateurQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)

    def declarables_par(self, partenaire):
        """A partner declares in its own categories."""
        return self.actifs().filter(nomenclature="partenaire", partenaire=partenaire)


class DonneeQuerySet(models.QuerySet):
    def visibles_par(self, user):
        # Every reader sees every aggregate; small counts are masked when shown (see secret.py).
        return self if peut_consulter(user) else self.none()

    def annuelles(self):
        return self.filter(mois=0)

    def mensuelles(self):
        return self.filter(mois__gt=0)


class LotImportQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self if peut_importer(user) else self.none()


class DeclarationQuerySet(models.QuerySet):
    def visibles_par(self, user):
        if has_role(user, OBSERVATOIRE, COORDINATION):
            return self
        return de_son_organisation(self, user)

    def modifiables_par(self, user):
        return de_son_organisation(self, user)


class EnqueteQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self if peut_consulter(user) else self.none()


# The diagnostic is a document of the whole contract: every role reads it; the coordination and
# the observatory's analysts, who write it, edit it and add its annexes.
ROLES_DIAGNOSTIC_LECTURE = ROLES
ROLES_DIAGNOSTIC_EDITION = (COORDINATION, OBSERVATOIRE)


class DiagnosticQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self if has_role(user, *ROLES_DIAGNOSTIC_LECTURE) else self.none()

    def modifiables_par(self, user):
        return self if has_role(user, *ROLES_DIAGNOSTIC_EDITION) else self.none()


class AnnexeDiagnosticQuerySet(models.QuerySet):
    def visibles_par(self, user):
        from .models import Diagnostic

        return self.filter(diagnostic__in=Diagnostic.objects.visibles_par(user))
