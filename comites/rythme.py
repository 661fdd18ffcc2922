"""The expected rhythm of the contract's instances, read from each instance's `rythme` (data, set
by the council): every semester, every year, or as needed (no expected period). For each period
since the contract began: held, scheduled or missing. The demo's comité de pilotage meets every
semester and its comité d'évaluation every year, as the 1998 contract says; a CLSPD's plenary at
least once a year.

A semester is January–June or July–December. The first semester counted is the one in which the
contract began; the first year counted is that year too, except for a comité d'évaluation: its
first year is the one after (the first annual review looks back on the contract's first year).
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Comite, Reunion

TENUE = "tenue"
PREVUE = "prevue"
MANQUANTE = "manquante"
A_PLANIFIER = "a_planifier"


@dataclass(frozen=True, order=True)
class Semestre:
    annee: int
    numero: int  # 1: January–June, 2: July–December

    @classmethod
    def contenant(cls, jour: datetime.date) -> "Semestre":
        return cls(jour.year, 1 if jour.month <= 6 else 2)

    @property
    def debut(self) -> datetime.date:
        return datetime.date(self.annee, 1 if self.numero == 1 else 7, 1)

    @property
    def fin(self) -> datetime.date:
        """First day after the semester."""
        return datetime.date(self.annee, 7, 1) if self.numero == 1 else datetime.date(self.annee + 1, 1, 1)

    @classmethod
    def premiere(cls, signature: datetime.date) -> "Semestre":
        return cls.contenant(signature)

    def suivant(self) -> "Semestre":
        return Semestre(self.annee, 2) if self.numero == 1 else Semestre(self.annee + 1, 1)

    @property
    def libelle(self) -> str:
        if self.numero == 1:
            return _("1er semestre %(annee)s") % {"annee": self.annee}
        return _("2e semestre %(annee)s") % {"annee": self.annee}

    def __str__(self):
        return self.libelle


@dataclass(frozen=True, order=True)
class Annee:
    annee: int

    @classmethod
    def contenant(cls, jour: datetime.date) -> "Annee":
        return cls(jour.year)

    @property
    def debut(self) -> datetime.date:
        return datetime.date(self.annee, 1, 1)

    @property
    def fin(self) -> datetime.date:
        return datetime.date(self.annee + 1, 1, 1)

    @classmethod
    def premiere(cls, signature: datetime.date) -> "Annee":
        return cls(signature.year + 1)

    @classmethod
    def premiere_pour(cls, comite, debut: datetime.date) -> "Annee":
        return cls.premiere(debut) if comite.type == Comite.Type.EVALUATION else cls(debut.year)

    def suivant(self) -> "Annee":
        return Annee(self.annee + 1)

    @property
    def libelle(self) -> str:
        return str(self.annee)

    def __str__(self):
        return self.libelle


@dataclass
class LignePeriode:
    periode: Semestre | Annee
    statut: str
    reunions: list = field(default_factory=list)
    courante: bool = False
    prochaine: bool = False

    @property
    def alerte(self) -> bool:
        """Nothing held or scheduled in the current or next period: the secretariat must act."""
        return self.statut == A_PLANIFIER

    @property
    def libelle_statut(self) -> str:
        return {
            TENUE: _("tenue"),
            PREVUE: _("prévue"),
            MANQUANTE: _("manquante"),
            A_PLANIFIER: _("rien de prévu"),
        }[self.statut]


def _periodes(premiere, derniere):
    periode = premiere
    while periode <= derniere:
        yield periode
        periode = periode.suivant()


def _lignes(reunions, premiere, today: datetime.date) -> list[LignePeriode]:
    """One line per period from `premiere` to the one after today's, newest first."""
    cls = type(premiere)
    courante = cls.contenant(today)
    prochaine = courante.suivant()
    tz = ZoneInfo(settings.TIME_ZONE)
    par_periode: dict = {}
    for reunion in reunions:
        par_periode.setdefault(cls.contenant(reunion.debut.astimezone(tz).date()), []).append(reunion)
    lignes = []
    for periode in _periodes(premiere, prochaine):
        liste = sorted(par_periode.get(periode, []), key=lambda r: r.debut)
        if any(r.terminee for r in liste):
            statut = TENUE
        elif liste:
            statut = PREVUE
        elif periode >= courante:
            statut = A_PLANIFIER
        else:
            statut = MANQUANTE
        lignes.append(
            LignePeriode(periode, statut, liste, courante=periode == courante, prochaine=periode == prochaine)
        )
    lignes.reverse()
    return lignes


def _reunions(comites):
    return list(
        Reunion.objects.filter(comite__in=comites)
        .actives()
        .only("pk", "debut", "fin", "statut", "titre", "comite_id", "nature")
        .order_by("debut")
    )


# The period each rhythm is counted in; a committee that meets as needed has none.
PERIODES = {Comite.Rythme.SEMESTRIEL: Semestre, Comite.Rythme.ANNUEL: Annee}


def rythme_des_comites(*, contrat, type: str, today: datetime.date) -> list[LignePeriode]:
    """Every period since the signature, in the rhythm the contract's committees of this kind are
    expected to keep (their `rythme`; the most frequent when they differ): did they meet?
    No line when they meet only as needed."""
    comites = Comite.objects.filter(contrat=contrat, type=type)
    rythmes = set(comites.values_list("rythme", flat=True))
    periode = next((PERIODES[r] for r in PERIODES if r in rythmes), None)
    if periode is None:
        return []
    return _lignes(_reunions(comites), periode.premiere(contrat.date_signature), today)


def rythme_pilotage(*, contrat, today: datetime.date) -> list[LignePeriode]:
    """Every period since the signature: did the comité de pilotage meet?"""
    return rythme_des_comites(contrat=contrat, type=Comite.Type.PILOTAGE, today=today)


def rythme_evaluation(*, contrat, today: datetime.date) -> list[LignePeriode]:
    """Every period since the signature: did the comité d'évaluation meet?"""
    return rythme_des_comites(contrat=contrat, type=Comite.Type.EVALUATION, today=today)


def alertes(lignes: list[LignePeriode]) -> list[LignePeriode]:
    """The current and next periods with nothing scheduled, in order: the home page, the rhythm
    page and the Monday reminder warn about these."""
    return sorted((ligne for ligne in lignes if ligne.alerte), key=lambda ligne: ligne.periode)


@dataclass
class RythmeInstance:
    comite: Comite
    lignes: list[LignePeriode]

    @property
    def alertes(self) -> list[LignePeriode]:
        return alertes(self.lignes)


def rythme_des_instances(*, contrat, today: datetime.date, comites=None) -> list[RythmeInstance]:
    """Each of the contract's instances that has a regular rhythm (`comites`: among these only),
    with its periods since the contract began: what the rhythm page shows, what the home page and
    the Monday reminder warn about. Three queries whatever the number of instances."""
    instances = Comite.objects.filter(contrat=contrat, rythme__in=list(PERIODES)).order_by("type", "nom")
    if comites is not None:
        instances = instances.filter(pk__in=[c.pk for c in comites])
    instances = list(instances)
    par_instance: dict = {}
    for reunion in _reunions(instances):
        par_instance.setdefault(reunion.comite_id, []).append(reunion)
    debut = contrat.debut
    resultat = []
    for comite in instances:
        periode = PERIODES[comite.rythme]
        premiere = Annee.premiere_pour(comite, debut) if periode is Annee else Semestre.premiere(debut)
        resultat.append(RythmeInstance(comite, _lignes(par_instance.get(comite.pk, []), premiere, today)))
    return resultat


def alertes_des_instances(*, contrat, today: datetime.date, comites=None) -> list[RythmeInstance]:
    """The instances with nothing scheduled for the current or next period."""
    return [r for r in rythme_des_instances(contrat=contrat, today=today, comites=comites) if r.alertes]
