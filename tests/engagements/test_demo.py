"""The demo carries the contract's real figures, marks what is illustrative, shows every kind of
status, and loading it again writes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from engagements.models import Action, Engagement, PointEtape, Statut

pytestmark = pytest.mark.django_db


def _e(reference):
    return Engagement.objects.get(reference=reference)


def test_demo_has_the_contracts_real_figures(demo):
    assert (_e("p2-ads-circonscription").valeur_cible, _e("p2-ads-circonscription").unite) == (36, "ADS")
    brigade = _e("p2-brigade-de-jour")
    assert (brigade.valeur_initiale, brigade.valeur_cible) == (9, 17)
    bureaux = _e("p2-ads-bureaux")
    assert bureaux.valeur_cible == 18
    assert all(mot in bureaux.description for mot in ("Sud", "Ouest", "Est", "commissariat central"))
    assert _e("p3-pole-justice").valeur_cible >= 8
    parquet = Engagement.objects.filter(
        action__reference="p6-alternatives-poursuites", partenaire__code="parquet"
    )
    descriptions = " ".join(parquet.values_list("description", flat=True))
    for mesure in ("rappels à la loi", "aide et de réparation", "injonction thérapeutique"):
        assert mesure in descriptions
    assert Action.objects.get(reference="p1-observatoire").priorite.numero == 1
    gltd = Action.objects.get(reference="p4-gltd-veille-sociale")
    assert gltd.territoires.filter(niveau="quartier", prioritaire=True).count() == 3
    prevention = Action.objects.get(reference="p5-prevention-jeunes")
    assert "contrat de ville" in prevention.description and "protection judiciaire" in prevention.description
    assert set(Action.objects.values_list("priorite__numero", flat=True)) == {1, 2, 3, 4, 5, 6}


def test_the_fifteen_alms_are_split_illustratively_over_the_six_employers(demo):
    alms = Engagement.objects.filter(action__reference="p3-alms")
    # As signed: the comites demo's Avenant n°1 later raises one of these targets.
    assert sum(e.history.earliest().valeur_cible for e in alms) == 15
    assert set(alms.values_list("partenaire__code", flat=True)) == {
        "ville-poitiers",
        "ville-buxerolles",
        "ville-chasseneuil",
        "ville-migne-auxances",
        "stp",
        "oparc",
    }
    assert all(e.illustratif and "illustrative" in e.description for e in alms)


def test_progress_reports_are_1998_to_2000_and_labelled(demo):
    points = PointEtape.objects.all()
    assert {p.date.year for p in points} <= {1998, 1999, 2000}
    for p in points:
        assert p.illustratif or "Chiffre du contrat" in p.commentaire
    assert points.filter(illustratif=True).exists()


def test_demo_shows_on_track_late_and_achieved_today_and_in_1999(demo):
    aujourdhui = set(Engagement.objects.avec_avancement().values_list("statut", flat=True))
    assert {Statut.EN_COURS, Statut.EN_RETARD, Statut.ATTEINT} <= aujourdhui
    en_1999 = set(
        Engagement.objects.avec_avancement(datetime.date(1999, 12, 31)).values_list("statut", flat=True)
    )
    assert {Statut.EN_COURS, Statut.ATTEINT} <= en_1999
    assert Engagement.objects.avec_avancement(datetime.date(1999, 12, 31)).get(
        reference="p3-pole-justice"
    ).statut == (Statut.EN_COURS)


def test_loading_the_demo_again_writes_nothing(demo):
    comptes = (Action.objects.count(), Engagement.objects.count(), PointEtape.objects.count())
    historiques = (Action.history.count(), Engagement.history.count(), PointEtape.history.count())
    call_command("charger_demo", "--force", stdout=io.StringIO())
    assert (Action.objects.count(), Engagement.objects.count(), PointEtape.objects.count()) == comptes
    assert (Action.history.count(), Engagement.history.count(), PointEtape.history.count()) == historiques
