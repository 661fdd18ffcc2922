"""Status derivation at a reference date, at the boundaries the querysets document."""

import datetime
from decimal import Decimal

import pytest

from engagements.models import Engagement, Statut
from engagements.services import enregistrer_point_etape
from tests.engagements.factories import EngagementFactory, PointEtapeFactory

pytestmark = pytest.mark.django_db

ECHEANCE = datetime.date(1999, 12, 31)
VEILLE, LENDEMAIN = datetime.date(1999, 12, 30), datetime.date(2000, 1, 1)


def statut(engagement, au):
    return Engagement.objects.avec_avancement(au).get(pk=engagement.pk).statut


def courante(engagement, au):
    return Engagement.objects.avec_avancement(au).get(pk=engagement.pk).valeur_courante


def test_without_report_a_commitment_is_not_started_until_its_deadline_then_late():
    e = EngagementFactory(echeance=ECHEANCE)
    assert statut(e, VEILLE) == Statut.NON_COMMENCE
    assert statut(e, ECHEANCE) == Statut.NON_COMMENCE
    assert statut(e, LENDEMAIN) == Statut.EN_RETARD


def test_deadline_day_itself_is_still_on_time_and_the_next_day_is_late():
    e = EngagementFactory(echeance=ECHEANCE, valeur_cible=10)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 6, 30), valeur=4)
    assert statut(e, ECHEANCE) == Statut.EN_COURS
    assert statut(e, LENDEMAIN) == Statut.EN_RETARD


def test_reaching_the_target_exactly_is_achieved_even_after_the_deadline():
    e = EngagementFactory(echeance=ECHEANCE, valeur_cible=10)
    PointEtapeFactory(engagement=e, date=datetime.date(2000, 3, 1), valeur=10)
    assert statut(e, datetime.date(2000, 2, 1)) == Statut.EN_RETARD
    assert statut(e, datetime.date(2000, 3, 1)) == Statut.ATTEINT
    assert statut(e, datetime.date(2026, 1, 1)) == Statut.ATTEINT


def test_a_report_dated_after_the_reference_date_does_not_count_yet():
    e = EngagementFactory(valeur_cible=10)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 6, 30), valeur=3)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 7, 1), valeur=7)
    assert courante(e, datetime.date(1999, 6, 30)) == 3
    assert courante(e, datetime.date(1999, 7, 1)) == 7
    assert courante(e, datetime.date(1999, 6, 29)) == e.valeur_initiale


def test_falling_target_reads_progress_and_achievement_downwards():
    e = EngagementFactory(descendant=True, echeance=ECHEANCE)  # 120 → 80 incidents
    assert statut(e, VEILLE) == Statut.NON_COMMENCE
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 3, 1), valeur=130)
    assert statut(e, VEILLE) == Statut.NON_COMMENCE  # worse than the baseline: not started
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 6, 1), valeur=100)
    lu = Engagement.objects.avec_avancement(VEILLE).get(pk=e.pk)
    assert lu.statut == Statut.EN_COURS
    assert lu.progression == Decimal("0.5")
    assert lu.pourcentage == 50
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 9, 1), valeur=80)
    assert statut(e, VEILLE) == Statut.ATTEINT


def test_over_achievement_is_clamped_to_one_hundred_percent():
    e = EngagementFactory(valeur_cible=10)
    PointEtapeFactory(engagement=e, valeur=14)
    lu = Engagement.objects.avec_avancement(datetime.date(2000, 1, 1)).get(pk=e.pk)
    assert lu.valeur_courante == 14
    assert lu.pourcentage == 100


def test_abandoned_from_its_date_whatever_the_progress():
    e = EngagementFactory(abandonne_le=datetime.date(1999, 9, 1), motif_abandon="Financement retiré")
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 6, 1), valeur=10)
    assert statut(e, datetime.date(1999, 8, 31)) == Statut.ATTEINT
    assert statut(e, datetime.date(1999, 9, 1)) == Statut.ABANDONNE


def test_latest_report_gives_the_current_value_even_when_lower():
    e = EngagementFactory(valeur_cible=10)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 3, 1), valeur=6)
    PointEtapeFactory(engagement=e, date=datetime.date(1999, 6, 1), valeur=4)
    assert courante(e, ECHEANCE) == 4


def test_a_correction_replaces_the_report_it_corrects(coordination):
    e = EngagementFactory(valeur_cible=10)
    faux = enregistrer_point_etape(
        engagement=e, valeur=Decimal(9), date=datetime.date(1999, 6, 1), commentaire="", par=coordination
    )
    assert courante(e, ECHEANCE) == 9
    enregistrer_point_etape(
        engagement=e,
        valeur=Decimal(3),
        date=datetime.date(1999, 6, 1),
        commentaire="Erreur de saisie",
        par=coordination,
        corrige=faux,
    )
    assert courante(e, ECHEANCE) == 3
    assert e.points.count() == 2  # nothing overwritten


def test_with_validation_a_partners_report_counts_only_once_validated(settings, partenaire, coordination):
    from engagements.services import valider_point_etape

    settings.CLS_VALIDATION_POINTS_ETAPE = True
    e = EngagementFactory(partenaire=partenaire.partenaire, valeur_cible=10)
    point = enregistrer_point_etape(
        engagement=e, valeur=Decimal(10), date=datetime.date(1999, 6, 1), commentaire="", par=partenaire
    )
    assert point.valide_le is None
    assert courante(e, ECHEANCE) == 0
    valider_point_etape(point=point, par=coordination)
    assert statut(e, ECHEANCE) == Statut.ATTEINT


def test_without_validation_a_partners_report_counts_at_once(settings, partenaire):
    settings.CLS_VALIDATION_POINTS_ETAPE = False
    e = EngagementFactory(partenaire=partenaire.partenaire, valeur_cible=10)
    enregistrer_point_etape(
        engagement=e, valeur=Decimal(4), date=datetime.date(1999, 6, 1), commentaire="", par=partenaire
    )
    assert courante(e, ECHEANCE) == 4


def test_en_retard_lists_only_past_deadline_commitments_not_achieved():
    en_retard = EngagementFactory(echeance=datetime.date(1999, 1, 1))
    atteint = EngagementFactory(echeance=datetime.date(1999, 1, 1), valeur_cible=1)
    PointEtapeFactory(engagement=atteint, date=datetime.date(1998, 12, 1), valeur=1)
    EngagementFactory(echeance=datetime.date(2001, 1, 1))
    trouves = Engagement.objects.en_retard(datetime.date(2000, 1, 1))
    assert list(trouves) == [en_retard]
