"""Reads on the observatory's models, scoped by user (see cls_poitiers.permissions).

Partners' declarations (decision of issue 16): a partner sees the declarations of ITS OWN
organisation only. Another partner's declaration sources are neither offered nor readable, on
every dashboard page, export and the JSON endpoint, not even aggregated; the Coordination and the
Observatoire see them all. This is enforced once, by `SourceQuerySet.visibles_par`: the dashboards'
filter offers and accepts only those sources (another one in a query parameter is refused as
invalid, never replaced by the default source), and the pages, their exports, the JSON endpoint
and the home panels read their sources through it.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

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
# Who reads the imports and their previews (the Coordination maps a file's unknown labels there).
ROLES_LECTURE_IMPORT = (OBSERVATOIRE, COORDINATION)
# Who may map an unknown label of an imported file to an indicator.
ROLES_CORRESPONDANCE = (OBSERVATOIRE, COORDINATION)
ROLES_DECLARATION = (PARTENAIRE,)


def peut_consulter(user) -> bool:
    return has_role(user, *ROLES_CONSULTATION)


def peut_importer(user) -> bool:
    return has_role(user, *ROLES_IMPORT)


def voit_tous_les_territoires(user) -> bool:
    """The Observatoire and the Coordination read any territory that has figures; the other
    readers, the contract's perimeter and its references (`territoires_hors_contrat`)."""
    return has_role(user, OBSERVATOIRE, COORDINATION)


def territoires_hors_contrat(user, racine):
    """The territories outside the contract's perimeter whose figures `user` may read on the
    pages, their exports and the JSON endpoint, among those that have figures: any of them for
    the Observatoire and the Coordination; for a partner, the contract territory's département,
    région and France."""
    from cls_poitiers.models import Territoire

    from .models import Donnee, Source

    # The source first, as in the key of the figures (source, territory, …): one index probe per
    # source, where the territory alone would read the whole table at the national scale.
    def chiffres(**filtre):
        return Exists(Donnee.objects.filter(source__in=Source.objects.values("pk"), **filtre))

    niveau = Territoire.Niveau
    # A national level without figures of its own has its parts' (`pages.parties_du_territoire`):
    # France and a région their départements', a département its communes'.
    avec_chiffres = Territoire.objects.filter(
        chiffres(territoire_id=OuterRef("pk"))
        | (Q(niveau=niveau.PAYS) & chiffres(territoire__niveau=niveau.DEPARTEMENT))
        | (
            Q(niveau=niveau.REGION)
            & chiffres(territoire__niveau=niveau.DEPARTEMENT, territoire__region_id=OuterRef("pk"))
        )
        | (
            Q(niveau=niveau.DEPARTEMENT)
            & chiffres(territoire__niveau=niveau.COMMUNE, territoire__departement_id=OuterRef("pk"))
        )
    )
    if not peut_consulter(user):
        return avec_chiffres.none()
    if voit_tous_les_territoires(user):
        return avec_chiffres
    if racine is None:
        return avec_chiffres.none()
    proches = [pk for pk in (racine.pk, racine.parent_id, racine.departement_id, racine.region_id) if pk]
    regions = Territoire.objects.filter(pk__in=proches).values("region_id")
    # The national references only (France, régions, départements), never another commune.
    return avec_chiffres.filter(niveau__in=Territoire.NIVEAUX_AMBIGUS).filter(
        Q(niveau=Territoire.Niveau.PAYS) | Q(pk__in=proches) | Q(pk__in=regions)
    )


RECHERCHE_LIMITE = 50


def territoires_trouves(user, racine, texte: str, perimetre_ids=()) -> list:
    """The territories a search box finds for `user`: by code, or by name whatever its accents
    and case (`nom_recherche`), among the contract's perimeter and the territories outside it
    that `user` may read (`territoires_hors_contrat`); at most RECHERCHE_LIMITE, by level and name."""
    from cls_poitiers.modeles_communs import cle_de_recherche
    from cls_poitiers.models import Territoire

    texte = (texte or "").strip()
    cle = cle_de_recherche(texte)
    if not texte or not cle:
        return []
    lisibles = Q(pk__in=territoires_hors_contrat(user, racine).values("pk")) | Q(pk__in=list(perimetre_ids))
    trouves = Territoire.objects.filter(lisibles).filter(
        Q(code__iexact=texte) | Q(nom_recherche__contains=cle)
    )
    return list(trouves.order_by("nom_recherche", "niveau")[:RECHERCHE_LIMITE])


def portee_des_sources(user) -> int | None:
    """What makes two readers see different sources (part of the dashboards' cache key): None for
    whoever sees them all, else the reader's organisation (0 without one)."""
    if has_role(user, OBSERVATOIRE, COORDINATION):
        return None
    return getattr(user, "partenaire_id", None) or 0


class SourceQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """Every source for the Coordination and the Observatoire; for the other readers of the
        dashboards, every source but the declarations of another organisation than their own."""
        if not peut_consulter(user):
            return self.none()
        if has_role(user, OBSERVATOIRE, COORDINATION):
            return self
        from .models import Source

        siennes = (
            Q(partenaire_id=user.partenaire_id)
            if has_role(user, PARTENAIRE) and user.partenaire_id
            else Q(pk__in=[])
        )
        return self.filter(~Q(nature=Source.Nature.PARTENAIRE) | siennes)


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
        return self if has_role(user, *ROLES_LECTURE_IMPORT) else self.none()

    def bail_expire(self, *, avant):
        """Batches said to be running whose task has given no sign of life since `avant`."""
        return self.filter(statut__in=self.model.EN_COURS.values()).filter(
            Q(battement__lt=avant) | Q(battement__isnull=True)
        )


class DeclarationQuerySet(models.QuerySet):
    def visibles_par(self, user):
        if has_role(user, OBSERVATOIRE, COORDINATION):
            return self
        return de_son_organisation(self, user)

    def modifiables_par(self, user):
        return de_son_organisation(self, user)


# Who enters perceived-insecurity surveys and corrects them: the observatory's analysts.
ROLES_ENQUETE = (OBSERVATOIRE,)


class EnqueteQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self if peut_consulter(user) else self.none()

    def modifiables_par(self, user):
        return self if has_role(user, *ROLES_ENQUETE) else self.none()


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
