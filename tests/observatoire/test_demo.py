"""The demo: the seed's 85,4 ‰ comes out of the platform's own computation, and a second load
changes nothing."""

import pytest
from django.core.management import call_command

from cls_poitiers import formats
from cls_poitiers.models import Contrat, Population
from observatoire.models import Declaration, Donnee, Enquete, Indicateur, Source
from observatoire.tableaux_de_bord import pages

pytestmark = pytest.mark.django_db


def test_district_rate_of_the_diagnostic_year_is_the_seeds_85_4(demo):
    contrat = Contrat.objects.get()
    ctx = pages.contexte(None, {"annee": contrat.annee_diagnostic})
    total = Indicateur.objects.get(code="total-faits-constates")
    chiffre = ctx.chiffre(total, contrat.annee_diagnostic, contrat.territoire_id)
    assert formats.taux(chiffre.taux) == "85,4\u00a0‰"
    assert chiffre.annees_denominateur == {1990}  # nearest earlier census
    assert ctx.source.illustratif


def test_demo_figures_are_labelled_illustrative_and_real_census_rows_untouched(demo):
    assert Source.objects.get(code="police-locale-demo").illustratif
    assert not Declaration.objects.filter(illustratif=False).exists()
    assert Enquete.objects.get().illustratif
    reel = Population.objects.get(territoire__code="86194", annee=1990)
    assert (reel.habitants, reel.logements, reel.illustratif) == (78894, None, False)
    assert not Population.objects.filter(illustratif=False, logements__isnull=False).exists()
    assert Declaration.objects.filter(partenaire__code__in=["stp", "oparc"]).count() > 0


def test_demo_is_idempotent(demo):
    avant = sorted(Donnee.objects.values_list("pk", "nombre", "lot_id", "declaration_id"))
    populations = sorted(Population.objects.values_list("pk", "habitants", "logements"))
    call_command("charger_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(Donnee.objects.values_list("pk", "nombre", "lot_id", "declaration_id")) == avant
    assert sorted(Population.objects.values_list("pk", "habitants", "logements")) == populations


def test_exporter_chiffres_writes_the_issues_columns_with_the_district_row(demo, tmp_path):
    sortie = tmp_path / "chiffres.csv"
    call_command(
        "exporter_chiffres",
        "--annee",
        "1997",
        "--indicateur",
        "total-faits-constates",
        "--niveau",
        "commune",
        "--sortie",
        str(sortie),
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    contenu = sortie.read_bytes()
    assert contenu.startswith(b"\xef\xbb\xbf")
    lignes = contenu.decode("utf-8-sig").splitlines()
    assert (
        lignes[0]
        == "territoire_code;territoire;indicateur;unite;periode;nombre;denominateur;taux_pour_mille;statut"
    )
    district = next(ligne for ligne in lignes if ligne.startswith("district-poitiers;"))
    nombre, denominateur, taux, statut = district.split(";")[5:]
    assert (nombre, denominateur, statut) == ("9730", "113938", "publie")
    # Full precision, not rounded for reading: 85,39732135…
    assert float(taux.replace(",", ".")) == pytest.approx(9730 / 113938 * 1000, rel=1e-12)
    assert len(lignes) == 1 + 1 + 10  # header, district, ten communes
    xlsx = tmp_path / "chiffres.xlsx"
    call_command("exporter_chiffres", "--sortie", str(xlsx), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert xlsx.stat().st_size > 0
