"""The expected rhythm of the contract's committees: the comité de pilotage every semester, the
comité d'évaluation every year. For each period since the signature: held, scheduled or missing.

A semester is January–June or July–December. The first semester counted is the one in which the
contract was signed; the first year counted for the evaluation is the year after the signature
(the first annual review looks back on the contract's first year).
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


def rythme_pilotage(*, contrat, today: datetime.date) -> list[LignePeriode]:
    """Every semester since the signature: did the comité de pilotage meet?"""
    comites = Comite.objects.filter(contrat=contrat, type=Comite.Type.PILOTAGE)
    return _lignes(_reunions(comites), Semestre.contenant(contrat.date_signature), today)


def rythme_evaluation(*, contrat, today: datetime.date) -> list[LignePeriode]:
    """Every year since the one after the signature: did the comité d'évaluation meet?"""
    comites = Comite.objects.filter(contrat=contrat, type=Comite.Type.EVALUATION)
    return _lignes(_reunions(comites), Annee(contrat.date_signature.year + 1), today)


def alertes_pilotage(*, contrat, today: datetime.date) -> list[LignePeriode]:
    """The current and next semesters with nothing scheduled for the comité de pilotage, in order."""
    return sorted(
        (ligne for ligne in rythme_pilotage(contrat=contrat, today=today) if ligne.alerte),
        key=lambda ligne: ligne.periode,
    )
