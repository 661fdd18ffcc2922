"""État 4001: the index nomenclature and the monthly counts by département, as a 1998 observatory
received them (Latin-1, `;`, thousands separated by a space)."""

import pytest
from django.core.management import CommandError, call_command

from cls_poitiers.models import Territoire
from observatoire.imports.etat4001 import code_indicateur
from observatoire.models import Donnee, Indicateur, LotImport

from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db

INDEX = (
    "1\tRèglements de compte entre malfaiteurs\n"
    "27\tCambriolages de locaux d'habitations principales\n"
    "57\tUsage de stupéfiants\n"
    "96\tIndex non utilisé\n"
    "107\tAutres délits\n"
)
COMPTES = (
    "Département;Index;Libellé index;1998_01;1998_02;1998_03\n"
    "86;27;Cambriolages de locaux d'habitations principales;1 204;987;NA\n"
    "86;57;Usage de stupéfiants;17 369;0;12\n"
)


def _ecrire(tmp_path, nom, texte, encodage="latin-1"):
    chemin = tmp_path / nom
    chemin.write_bytes(texte.encode(encodage))
    return chemin


def _silence():
    return open("/dev/null", "w")  # noqa: SIM115


@pytest.fixture
def nomenclature(tmp_path, donnees_de_reference):
    call_command(
        "importer_etat4001", str(_ecrire(tmp_path, "index.tsv", INDEX)), "--index", stdout=_silence()
    )
    return Indicateur.objects.filter(nomenclature="etat4001")


def test_index_nomenclature_skips_unused_numbers_and_sets_families(nomenclature):
    assert set(nomenclature.values_list("index_4001", flat=True)) == {1, 27, 57, 107}
    assert Indicateur.objects.get(code=code_indicateur(27)).famille == "biens"
    assert Indicateur.objects.get(code=code_indicateur(57)).famille == "stupefiants"
    assert Indicateur.objects.get(code=code_indicateur(57)).unite == "fait"


def test_index_nomenclature_reload_changes_nothing(nomenclature, tmp_path):
    historique = Indicateur.history.count()
    call_command(
        "importer_etat4001", str(_ecrire(tmp_path, "index.tsv", INDEX)), "--index", stdout=_silence()
    )
    assert Indicateur.history.count() == historique


def test_monthly_counts_latin1_with_thousands_separators(nomenclature, tmp_path):
    Territoire.objects.create(code="86", nom="Vienne", niveau="departement")
    call_command("importer_etat4001", str(_ecrire(tmp_path, "4001.csv", COMPTES)), stdout=_silence())
    vienne = Territoire.objects.get(code="86")
    usage = Donnee.objects.get(territoire=vienne, indicateur__index_4001=57, annee=1998, mois=1)
    assert usage.nombre == 17369
    assert Donnee.objects.get(territoire=vienne, indicateur__index_4001=57, mois=2).nombre == 0
    # "NA": not published, not stored as a zero.
    assert not Donnee.objects.filter(territoire=vienne, indicateur__index_4001=27, mois=3).exists()
    assert Donnee.objects.filter(source__code="etat4001").count() == 5
    # The same file again changes nothing.
    call_command("importer_etat4001", str(_ecrire(tmp_path, "4001.csv", COMPTES)), stdout=_silence())
    assert LotImport.objects.order_by("-pk").first().inchangees == 5


def test_bad_count_and_unknown_index_refuse_the_whole_file(nomenclature, tmp_path):
    Territoire.objects.create(code="86", nom="Vienne", niveau="departement")
    mauvais = COMPTES + "86;99;Index non utilisé;1;2;3\n86;1;Règlements;deux;1;1\n"
    with pytest.raises(CommandError) as erreur:
        call_command("importer_etat4001", str(_ecrire(tmp_path, "4001.csv", mauvais)), stdout=_silence())
    message = str(erreur.value)
    assert "ligne 4, colonne « index » : L'index 99" in message
    assert "ligne 5, colonne « 1998_01 »" in message and "deux" in message
    assert Donnee.objects.count() == 0


def test_xlsx_with_one_sheet_per_departement(nomenclature, tmp_path):
    import openpyxl

    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "France_Entière"
    feuille.append(["Index", "1998_01"])
    feuille.append([57, 99999])
    vienne = classeur.create_sheet("86")
    vienne.append(["Index", "Libellé index", "_1998_01", "_1998_02"])
    vienne.append([57, "Usage de stupéfiants", "312", "1 004"])
    chemin = tmp_path / "4001.xlsx"
    classeur.save(chemin)
    charger_referentiel_factice(tmp_path / "referentiel")
    call_command("importer_etat4001", str(chemin), "--creer-territoires", stdout=_silence())
    assert {d.territoire.nom for d in Donnee.objects.select_related("territoire")} == {"Vienne"}
    assert Donnee.objects.get(nombre=312).territoire == Territoire.objects.get(
        niveau="departement", code="86"
    )
    assert sorted(Donnee.objects.values_list("nombre", flat=True)) == [312, 1004]


def test_a_departement_unknown_to_the_referential_is_refused_with_its_line(nomenclature, tmp_path):
    charger_referentiel_factice(tmp_path / "referentiel")
    avant = (Territoire.objects.count(), Donnee.objects.count())
    chemin = _ecrire(tmp_path, "inconnu.csv", COMPTES.replace("\n86;57", "\n99;57"))
    with pytest.raises(
        CommandError, match="ligne 3, colonne « departement » : Département 99 inconnu du référentiel"
    ):
        call_command("importer_etat4001", str(chemin), "--creer-territoires", stdout=_silence())
    assert (Territoire.objects.count(), Donnee.objects.count()) == avant


def test_without_the_referential_no_departement_is_invented(nomenclature, tmp_path):
    avant = Territoire.objects.count()
    with pytest.raises(CommandError, match="charger_referentiel"):
        call_command(
            "importer_etat4001",
            str(_ecrire(tmp_path, "c.csv", COMPTES)),
            "--creer-territoires",
            stdout=_silence(),
        )
    assert Territoire.objects.count() == avant and not Donnee.objects.exists()
