"""The committees' demo: illustrative, idempotent, with a gap in the rhythm and one amendment."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from cls_poitiers import demo as demo_coeur
from cls_poitiers.models import Contrat, Partenaire, Utilisateur
from comites import demo as demo_comites
from comites import rythme
from comites.models import Avenant, Comite, CompteRendu, Presence, Reunion
from engagements.models import Action, Engagement

pytestmark = pytest.mark.django_db

MODELES = (Comite, Reunion, Presence, CompteRendu, Avenant)


def _counts():
    return {m.__name__: m.objects.count() for m in MODELES}


def test_demo_committees_meetings_and_rhythm_gap(demo):
    assert set(Comite.objects.values_list("code", flat=True)) == {
        "pilotage",
        "evaluation",
        "gltd-couronneries",
        "gltd-trois-cites",
        "gltd-bel-air",
        "veille-couronneries",
        # The working groups of the 1998 diagnostic (thematic meetings, meetings with residents).
        "groupes-thematiques-diagnostic",
        "rencontres-habitants-diagnostic",
    }
    assert not Comite.objects.filter(illustratif=False).exists()
    assert not Reunion.objects.filter(illustratif=False).exists()
    premiere = Reunion.objects.filter(comite__code="pilotage").order_by("debut").first()
    assert timezone.localtime(premiere.debut).date() == datetime.date(1998, 12, 9)
    lignes = rythme.rythme_pilotage(contrat=Contrat.objects.get(), today=timezone.localdate())
    manquantes = [ligne.periode.libelle for ligne in lignes if ligne.statut == rythme.MANQUANTE]
    assert manquantes == ["1er semestre 2000"]
    assert CompteRendu.objects.filter(reunion__comite__code="gltd-couronneries").exists()
    assert Presence.objects.filter(statut="present").exists()
    assert Presence.objects.filter(statut="represente").exclude(represente_par="").exists()
    assert Reunion.objects.filter(nature="urgente", statut="cr_approuve").exists()


def test_demo_is_idempotent(demo):
    avant = _counts()
    call_command("charger_demo", "--force", stdout=io.StringIO())
    assert _counts() == avant


def test_demo_secretariat_manages_and_partners_see_only_their_local_groups(demo):
    secretariat = Utilisateur.objects.get(username="secretariat")
    assert Comite.objects.geres_par(secretariat).count() == 6
    stp = Utilisateur.objects.get(username="stp")
    assert not Reunion.objects.visibles_par(stp).filter(comite__type__in=("gltd", "veille")).exists()
    parquet = Utilisateur.objects.get(username="parquet")
    assert Reunion.objects.visibles_par(parquet).filter(comite__code="gltd-bel-air").exists()


def test_demo_amendment_raises_the_target_of_the_referenced_commitment(db):
    demo_coeur.load()
    contrat = Contrat.objects.get()
    action = Action.objects.create(
        priorite=contrat.priorites.get(numero=3), reference="p3-alms", titre="ALMS"
    )
    engagement = Engagement.objects.create(
        action=action,
        reference=demo_comites.REFERENCE_ENGAGEMENT_AVENANT,
        partenaire=Partenaire.objects.get(code="ville-poitiers"),
        description="Recruter des agents locaux de médiation sociale",
        unite="agents",
        valeur_cible=8,
        echeance=datetime.date(2000, 12, 31),
        illustratif=True,
    )
    demo_comites.load(stdout=io.StringIO())
    avenant = Avenant.objects.get()
    engagement.refresh_from_db()
    assert avenant.numero == 1
    assert engagement.valeur_cible == Decimal(10)
    assert engagement.history.latest().history_change_reason == (
        "Avenant n°1 — comité de pilotage du CLS du 09/12/1999, décision n°2"
    )
    assert avenant.decision.reunion.statut == "cr_approuve"
    demo_comites.load(stdout=io.StringIO())
    assert Avenant.objects.count() == 1


def test_demo_without_the_commitment_skips_the_amendment_with_a_note(db):
    demo_coeur.load()
    sortie = io.StringIO()
    demo_comites.load(stdout=sortie)
    assert not Avenant.objects.exists()
    assert "l'avenant de démonstration n'est pas créé" in sortie.getvalue()


def test_demo_minutes_are_approved_on_the_date_of_the_next_held_meeting(db):
    """Minutes of 1999 do not say « Approuvé le » today: the committee's next meeting approved them."""
    demo_coeur.load()
    demo_comites.load(stdout=io.StringIO())
    demo_comites.load(stdout=io.StringIO())  # a second load changes none of the dates
    S = Reunion.Statut
    approuves = 0
    for comite in Comite.objects.all():
        tenues = list(comite.reunions.filter(statut__in=(S.TENUE, S.CR_APPROUVE)).order_by("debut"))
        for reunion, suivante in zip(tenues, [*tenues[1:], None], strict=True):
            compte_rendu = CompteRendu.objects.get(reunion=reunion)
            if suivante is None:
                assert reunion.statut == S.TENUE and compte_rendu.approuve_le is None
            else:
                assert reunion.statut == S.CR_APPROUVE
                assert compte_rendu.approuve_le == suivante.debut
                approuves += 1
    assert approuves > 20
    urgente = Reunion.objects.get(nature="urgente")
    assert (
        urgente.compte_rendu.approuve_le
        == Reunion.objects.get(comite=urgente.comite, debut__date=datetime.date(1999, 12, 9)).debut
    )
