"""Each committee meets at the rhythm its row says (in the demo, the comité de pilotage every
semester, the comité d'évaluation every year): held, scheduled or missing per period since the
signature, and a warning for the current or next period with nothing scheduled."""

import datetime

import pytest
from django.urls import reverse

from comites import rythme
from comites.rythme import Semestre
from tests.comites.factories import ComiteFactory, ReunionFactory, a_paris
from tests.factories import ContratFactory

pytestmark = pytest.mark.django_db


def test_semester_boundaries():
    assert Semestre.contenant(datetime.date(1999, 6, 30)) == Semestre(1999, 1)
    assert Semestre.contenant(datetime.date(1999, 7, 1)) == Semestre(1999, 2)
    assert Semestre.contenant(datetime.date(1999, 12, 31)) == Semestre(1999, 2)
    assert Semestre(1999, 2).suivant() == Semestre(2000, 1)
    assert Semestre(1999, 2).libelle == "2e semestre 1999"
    assert Semestre(2000, 1).libelle == "1er semestre 2000"


def _statuts(lignes):
    return {ligne.periode.libelle: ligne.statut for ligne in lignes}


@pytest.fixture
def pilotage():
    return ComiteFactory()


def test_meeting_on_the_last_evening_of_june_counts_for_the_first_semester(pilotage):
    # 30 June 23:30 in Paris is 21:30 UTC: still the first semester.
    ReunionFactory(
        comite=pilotage, debut=a_paris(1999, 6, 30, 23, 30), fin=a_paris(1999, 7, 1, 0, 30), statut="tenue"
    )
    lignes = rythme.rythme_pilotage(contrat=pilotage.contrat, today=datetime.date(1999, 9, 1))
    statuts = _statuts(lignes)
    assert statuts["1er semestre 1999"] == "tenue"
    assert statuts["2e semestre 1999"] == "a_planifier"


def test_meeting_on_new_years_eve_late_counts_for_its_year(pilotage):
    # 1 January 00:30 in Paris is still 31 December in UTC: the Paris date decides.
    ReunionFactory(
        comite=pilotage, debut=a_paris(2000, 1, 1, 0, 30), fin=a_paris(2000, 1, 1, 2), statut="tenue"
    )
    statuts = _statuts(rythme.rythme_pilotage(contrat=pilotage.contrat, today=datetime.date(2000, 3, 1)))
    assert statuts["1er semestre 2000"] == "tenue"
    assert statuts["2e semestre 1999"] == "manquante"


def _alertes(*, contrat, today):
    return [a for r in rythme.alertes_des_instances(contrat=contrat, today=today) for a in r.alertes]


def test_every_semester_since_signature_held_scheduled_or_missing(pilotage):
    ReunionFactory(comite=pilotage, debut=a_paris(1998, 12, 10), statut="cr_approuve")
    ReunionFactory(comite=pilotage, debut=a_paris(1999, 6, 10), statut="annulee", motif_annulation="Grève")
    ReunionFactory(comite=pilotage, debut=a_paris(1999, 12, 10), statut="tenue")
    ReunionFactory(comite=pilotage, debut=a_paris(2000, 5, 10), statut="convoquee")
    lignes = rythme.rythme_pilotage(contrat=pilotage.contrat, today=datetime.date(2000, 3, 15))
    assert _statuts(lignes) == {
        "2e semestre 2000": "a_planifier",
        "1er semestre 2000": "prevue",
        "2e semestre 1999": "tenue",
        "1er semestre 1999": "manquante",  # a cancelled meeting is not a meeting
        "2e semestre 1998": "tenue",
    }
    assert [
        a.periode.libelle for a in _alertes(contrat=pilotage.contrat, today=datetime.date(2000, 3, 15))
    ] == ["2e semestre 2000"]


def test_no_warning_when_current_and_next_semesters_are_scheduled(pilotage):
    ReunionFactory(comite=pilotage, debut=a_paris(2000, 5, 10), statut="brouillon")
    ReunionFactory(comite=pilotage, debut=a_paris(2000, 11, 10), statut="brouillon")
    assert _alertes(contrat=pilotage.contrat, today=datetime.date(2000, 3, 15)) == []


def test_next_semester_crosses_the_year_boundary(pilotage):
    ReunionFactory(comite=pilotage, debut=a_paris(2000, 11, 10), statut="convoquee")
    alertes = _alertes(contrat=pilotage.contrat, today=datetime.date(2000, 12, 31))
    assert [a.periode.libelle for a in alertes] == ["1er semestre 2001"]


def test_evaluation_every_year_from_the_year_after_signature(pilotage):
    evaluation = ComiteFactory(evaluation=True, contrat=pilotage.contrat)
    ReunionFactory(comite=evaluation, debut=a_paris(1999, 12, 31, 20), statut="tenue")
    ReunionFactory(comite=evaluation, debut=a_paris(2001, 1, 1, 10), statut="convoquee")
    lignes = rythme.rythme_evaluation(contrat=pilotage.contrat, today=datetime.date(2001, 6, 1))
    assert _statuts(lignes) == {"2002": "a_planifier", "2001": "prevue", "2000": "manquante", "1999": "tenue"}


def test_the_rhythm_is_read_from_the_committee_a_yearly_pilotage_is_counted_per_year():
    pilotage = ComiteFactory(rythme="annuel")
    ReunionFactory(comite=pilotage, debut=a_paris(1999, 3, 10), statut="tenue")
    lignes = rythme.rythme_pilotage(contrat=pilotage.contrat, today=datetime.date(2000, 3, 15))
    assert _statuts(lignes) == {"2001": "a_planifier", "2000": "a_planifier", "1999": "tenue"}


def test_a_committee_meeting_as_needed_expects_no_period_and_warns_nobody():
    pilotage = ComiteFactory(rythme="besoin")
    assert rythme.rythme_pilotage(contrat=pilotage.contrat, today=datetime.date(2000, 3, 15)) == []
    assert _alertes(contrat=pilotage.contrat, today=datetime.date(2000, 3, 15)) == []


def test_a_plenary_meeting_once_a_year_is_counted_from_the_contracts_first_year(client_de, coordination):
    contrat = ContratFactory(date_signature=datetime.date(2026, 1, 15), date_debut=datetime.date(2026, 2, 1))
    pleniere = ComiteFactory(
        contrat=contrat, type="pleniere", nom="Assemblée plénière du CLSPD", rythme="annuel"
    )
    veille = ComiteFactory(contrat=contrat, type="thematique", nom="Groupe prévention", rythme="besoin")
    instances = rythme.rythme_des_instances(contrat=contrat, today=datetime.date(2026, 12, 1))
    assert [r.comite for r in instances] == [pleniere]
    assert _statuts(instances[0].lignes) == {"2027": "a_planifier", "2026": "a_planifier"}
    page = client_de(coordination).get(reverse("comites:rythme")).content.decode()
    assert "Assemblée plénière du CLSPD" in page and "chaque année" in page
    assert "Groupe prévention" not in page
    ReunionFactory(comite=pleniere, debut=a_paris(2026, 12, 10), statut="convoquee")
    assert _statuts(
        rythme.rythme_des_instances(contrat=contrat, today=datetime.date(2026, 12, 1))[0].lignes
    ) == {
        "2027": "a_planifier",
        "2026": "prevue",
    }
    assert veille.rythme == "besoin"
