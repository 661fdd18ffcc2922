"""Reads on the core models, as queryset methods."""

import datetime

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone


class PartenaireQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


NIVEAUX_ORDONNES = ("pays", "region", "departement", "epci", "district", "commune", "quartier")


class TerritoireQuerySet(models.QuerySet):
    def hierarchie(self):
        """From the widest territory to the narrowest, then by name."""
        rang = models.Case(
            *(models.When(niveau=niveau, then=models.Value(i)) for i, niveau in enumerate(NIVEAUX_ORDONNES)),
            default=models.Value(len(NIVEAUX_ORDONNES)),
        )
        return self.alias(rang_niveau=rang).order_by("rang_niveau", "nom")

    def districts(self):
        return self.filter(niveau="district")

    def communes(self):
        return self.filter(niveau="commune")

    def quartiers(self):
        return self.filter(niveau="quartier")

    def prioritaires(self):
        return self.filter(prioritaire=True)

    def du_contrat(self, contrat):
        """The contract's perimeter: its territory and what rolls up into it (communes, their
        quartiers), or, when the contract's territory is an EPCI, its member communes and their
        quartiers. What forms, filters and lists offer; the rest of the referential is reached
        by search only. Empty without a contract."""
        if contrat is None:
            return self.none()
        return self._sous(contrat.territoire_id)

    def du_contrat_courant(self):
        """The current contract's perimeter (`ContratQuerySet.courant`), in the same single
        query as the territories: the contract is a subquery. Empty without a contract."""
        from django.apps import apps

        contrats = apps.get_model("cls_poitiers", "Contrat").objects
        return self._sous(contrats.courant_sql("territoire_id"))

    def _sous(self, racine):
        """`racine` (a pk or a subquery giving one) and the territories under it, two levels
        down through `parent` (an EPCI's members through `epci` too). Each level is an index
        lookup on `parent_id` or `epci_id`: no join over the national set of territories, so
        the cost does not grow with the referential."""
        tous = self.model._default_manager
        enfants = tous.filter(models.Q(parent_id=racine) | models.Q(epci_id=racine)).values("pk")
        petits_enfants = tous.filter(parent_id__in=enfants).values("pk")
        return self.filter(
            models.Q(pk=racine)
            | models.Q(pk__in=enfants)
            | models.Q(parent_id__in=enfants)
            | models.Q(parent_id__in=petits_enfants)
        )

    def ids_du_contrat_courant(self) -> set[int]:
        """The pks of `du_contrat_courant`, for a list of them (the dashboards' filter): three
        index lookups (`ids_sous`) where `du_contrat_courant`, one query, reads the national set
        of territories (its OR of subqueries is planned as a sequential scan: 43 ms on the
        national referential, 3 ms level by level)."""
        from django.apps import apps

        contrats = apps.get_model("cls_poitiers", "Contrat").objects
        return self.ids_sous(contrats.courant_sql("territoire_id"))

    def ids_sous(self, racine) -> set[int]:
        """The pks of `racine` (a pk, or a subquery giving one) and of the territories under it,
        three levels down through `parent` (an EPCI's members through `epci` too), read level
        by level: each level is one index lookup on `parent_id` with the pks of the level above
        (at most three small queries), so the cost does not grow with the referential. As one
        query joining the levels, PostgreSQL expects a département's 300 children at each level
        and reads the national set of territories instead."""
        tous = self.model._default_manager.order_by()
        premier = models.Q(pk=racine) | models.Q(parent_id=racine) | models.Q(epci_id=racine)
        niveau = list(tous.filter(premier).values_list("pk", flat=True))
        pks = set(niveau)
        for _profondeur in range(2):
            if not niveau:
                break
            dessous = tous.filter(parent_id__in=niveau).values_list("pk", flat=True)
            niveau = [pk for pk in dessous if pk not in pks]
            pks.update(niveau)
        return pks

    def par_code(self, code: str, niveau: str | None = None):
        """The territory of that code, at that level when given; without a level, the narrowest
        one (a commune before a département, a département before a région). None if unknown."""
        trouves = self.filter(code=code)
        if niveau:
            trouves = trouves.filter(niveau=niveau)
        rangs = {n: i for i, n in enumerate(reversed(NIVEAUX_ORDONNES))}
        return min(trouves, key=lambda t: rangs.get(t.niveau, 0), default=None)


def _en_vigueur(au: datetime.date) -> models.Q:
    """In force on `au`: begun by then (`debut_effectif`, see `avec_debut`), not yet ended."""
    return models.Q(debut_effectif__lte=au) & (models.Q(date_fin__isnull=True) | models.Q(date_fin__gte=au))


class ContratQuerySet(models.QuerySet):
    def avec_debut(self):
        return self.alias(debut_effectif=Coalesce("date_debut", "date_signature"))

    def ordre_courant(self, au: datetime.date | None = None):
        """The contracts, the current one first (see `courant`): those in force on `au` before
        the others, then those begun by then before those to come, each group latest first."""
        au = au or timezone.localdate()
        un_si_non = {"default": models.Value(1), "output_field": models.IntegerField()}
        return (
            self.avec_debut()
            .alias(
                hors_vigueur=models.Case(models.When(_en_vigueur(au), then=models.Value(0)), **un_si_non),
                a_venir=models.Case(models.When(debut_effectif__lte=au, then=models.Value(0)), **un_si_non),
            )
            .order_by("hors_vigueur", "a_venir", "-debut_effectif", "-pk")
        )

    def courant_sql(self, champ: str = "pk", au: datetime.date | None = None) -> models.Subquery:
        """`champ` of the current contract as a subquery, to filter on it in the same query
        (`filter(priorite__contrat=Contrat.objects.courant_sql())`); NULL without a contract."""
        return models.Subquery(self.ordre_courant(au).values(champ)[:1])

    def courant(self, au: datetime.date | None = None):
        """The current contract, the one every page, panel, reminder and computation works on: the
        one in force on `au` (today by default), the latest begun when several are; when none is,
        the last begun by then; when none has begun yet, the latest. None without any contract.
        Successive contracts (the CLS, later strategies) all stay readable; only this one is "the"
        contract. A review of year N asks for the contract of that year (`de_l_annee`)."""
        return self.ordre_courant(au).first()

    def avec_etat(self, au: datetime.date | None = None):
        """Each contract with its `etat` on `au` (today by default): "a_venir" (not begun),
        "en_vigueur" (begun, not ended, and no later contract of the council begun since: an
        open end runs until the next one) or "termine"."""
        au = au or timezone.localdate()
        remplace = models.Exists(
            self.model._default_manager.avec_debut().filter(
                territoire_id=models.OuterRef("territoire_id"),
                debut_effectif__gt=models.OuterRef("debut_effectif"),
                debut_effectif__lte=au,
            )
        )
        etat = models.Case(
            models.When(debut_effectif__gt=au, then=models.Value("a_venir")),
            models.When(date_fin__lt=au, then=models.Value("termine")),
            models.When(remplace, then=models.Value("termine")),
            default=models.Value("en_vigueur"),
            output_field=models.CharField(),
        )
        return self.avec_debut().annotate(etat=etat)

    def de_l_annee(self, annee: int, au: datetime.date | None = None):
        """The contract a review of year `annee` belongs to: the one in force at the year's end
        (or on `au`, today by default, while the year runs), among those in force at some point
        of the year. None when no contract was in force that year (before the first one, or a
        year not begun yet)."""
        au = au or timezone.localdate()
        fin = min(datetime.date(annee, 12, 31), au)
        if fin.year < annee:
            return None
        return (
            self.avec_debut()
            .filter(
                models.Q(date_fin__isnull=True) | models.Q(date_fin__gte=datetime.date(annee, 1, 1)),
                debut_effectif__lte=fin,
            )
            .order_by("-debut_effectif", "-pk")
            .first()
        )

    def precedent(self, contrat):
        """The council's contract before `contrat` (same territory), or None."""
        return self._voisin(contrat, "lt", ("-debut_effectif", "-pk"))

    def suivant(self, contrat):
        """The council's contract after `contrat` (same territory), or None."""
        return self._voisin(contrat, "gt", ("debut_effectif", "pk"))

    def _voisin(self, contrat, comparaison: str, ordre: tuple[str, str]):
        debut = {f"debut_effectif__{comparaison}": contrat.debut}
        return self.avec_debut().filter(territoire_id=contrat.territoire_id, **debut).order_by(*ordre).first()

    def chevauchant(self, contrat):
        """The council's other contracts whose period overlaps `contrat`'s (a council's contracts
        are those on the same territory). An open end runs until the next contract begins, so two
        contracts overlap when they begin the same day, or when one begins inside the other's
        bounded period."""
        debut = contrat.date_debut or contrat.date_signature
        autres = self.avec_debut().filter(territoire_id=contrat.territoire_id).exclude(pk=contrat.pk)
        chevauche = models.Q(debut_effectif=debut) | models.Q(
            date_fin__isnull=False, debut_effectif__lte=debut, date_fin__gte=debut
        )
        if contrat.date_fin is not None:
            chevauche |= models.Q(debut_effectif__gte=debut, debut_effectif__lte=contrat.date_fin)
        return autres.filter(chevauche).order_by("debut_effectif")
