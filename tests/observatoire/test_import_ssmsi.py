"""The national base (SSMSI), every edition, with small files written by the tests."""

import pytest
from django.core.management import CommandError, call_command

from cls_poitiers.models import Population, Territoire
from observatoire.imports import ssmsi
from observatoire.models import Donnee, Indicateur, LotImport, Source
from observatoire.tableaux_de_bord import pages

from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db

# The 16 real rows for Poitiers, 2016 (extract of the 2024 edition, two columns added by whoever
# made the extract), re-typed from the SSMSI's published commune base.
ENTETE_2016 = (
    "CODGEO_2024;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "COM_CODE;Nom_clean\n"
)
POITIERS_2016 = (
    ENTETE_2016
    + """\
86194;2016;Coups et blessures volontaires;Victime;335;3,808506;diff;87961;86194;POITIERS
86194;2016;Coups et blessures volontaires intrafamiliaux;Victime;146;1,6598265;diff;87961;86194;POITIERS
86194;2016;Autres coups et blessures volontaires;Victime;189;2,1486795;diff;87961;86194;POITIERS
86194;2016;Violences sexuelles;Victime;84;0,9549687;diff;87961;86194;POITIERS
86194;2016;Vols avec armes;Infraction;8;0,0909494;diff;87961;86194;POITIERS
86194;2016;Vols violents sans arme;Infraction;121;1,3756096;diff;87961;86194;POITIERS
86194;2016;Vols sans violence contre des personnes;Victime entendue;1261;14,3358989;diff;87961;86194;POITIERS
86194;2016;Cambriolages de logement;Infraction;220;3,9958513;diff;87961;86194;POITIERS
86194;2016;Vols de véhicules;Véhicule;209;2,376053;diff;87961;86194;POITIERS
86194;2016;Vols dans les véhicules;Véhicule;405;4,6043133;diff;87961;86194;POITIERS
86194;2016;Vols d'accessoires sur véhicules;Véhicule;243;2,762588;diff;87961;86194;POITIERS
86194;2016;Destructions et dégradations volontaires;Infraction;1208;13,7333591;diff;87961;86194;POITIERS
86194;2016;Usage de stupéfiants;Mis en cause;427;4,8544241;diff;87961;86194;POITIERS
86194;2016;Usage de stupéfiants (AFD);Mis en cause;0;0;diff;87961;86194;POITIERS
86194;2016;Trafic de stupéfiants;Mis en cause;88;1,0004434;diff;87961;86194;POITIERS
86194;2016;Escroqueries;Victime;483;5,4910699;diff;87961;86194;POITIERS
"""
)

ANCIENNE = (
    "\ufeffCODGEO_2023;annee;classe;unité.de.compte;valeur.publiée;faits;tauxpourmille;complementinfoval;"
    "complementinfotaux;POP;millPOP;LOG;millLOG;colonne_en_plus\n"
    '"86194";"16";"Cambriolages de logement";"Infraction";"diff";"220";"4,0000000";"NA";"NA";"87961";"16";"55000";"16";"x"\n'  # noqa: E501
    '"86041";"16";"Vols avec armes";"Infraction";"ndiff";"NA";"NA";"1,2";"0,3";"10000";"16";"4500";"16";"x"\n'  # noqa: E501
    '"86041";"16";"Vols violents sans arme";"Infraction";"ndiff";"";"";"1,2";"0,3";"10000";"16";"4500";"16";"x"\n'  # noqa: E501
    '"86041";"16";"Violences sexuelles";"Victime";"diff";"16";"1,6e+00";"";"";"10000";"16";"4500";"16";"x"\n'  # noqa: E501
    '"86041";"16";"Vols de véhicules";"Véhicule";"diff";"0";"0";"";"";"10000";"16";"4500";"16";"x"\n'
)

RECENTE = (
    "\ufeffCODGEO_2026;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux\n"
    '"86194";"2025";"Cambriolages de logement";"Infraction";"355";"10,2266504";"diff";"89916";"2022";"34713";"2022";"NA";"NA"\n'  # noqa: E501
    '"86041";"2025";"Violences physiques intrafamiliales";"Victime";"NA";"NA";"ndiff";"10289";"2022";"5000";"2022";"3,4";"0,8"\n'  # noqa: E501
)


def ecrire(tmp_path, texte, nom="base.csv", encodage="utf-8"):
    chemin = tmp_path / nom
    chemin.write_bytes(texte.encode(encodage))
    return str(chemin)


def importer(chemin, *args):
    call_command("importer_ssmsi", chemin, *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_real_poitiers_2016_rows_give_the_published_rates(tmp_path, perimetre):
    importer(ecrire(tmp_path, POITIERS_2016))
    poitiers = perimetre["c1"]
    assert Donnee.objects.filter(territoire=poitiers, annee=2016).count() == 16
    assert Population.objects.get(territoire=poitiers, annee=2016).habitants == 87961
    ctx = pages.contexte(None, {"source": Source.objects.get(code="ssmsi"), "annee": 2016})
    for ligne in POITIERS_2016.splitlines()[1:]:
        _code, _annee, libelle, _unite, nombre, taux, *_ = ligne.split(";")
        indicateur = Indicateur.objects.get(correspondances__libelle_source=libelle)
        chiffre = ctx.chiffre(indicateur, 2016, poitiers.pk)
        assert chiffre.nombre == int(nombre)
        if indicateur.par_logements:
            # The extract dropped the dwellings: the platform's own rate uses the nearest earlier
            # dwellings (500 in 1990), and says so; never 220 / 87 961 inhabitants. The rate shown
            # is the one the source published, over its own dwellings.
            assert chiffre.taux_calcule == pytest.approx(220 / 500 * 1000)
            assert chiffre.denominateur_anterieur
            assert chiffre.taux == pytest.approx(float(taux.replace(",", ".")), abs=1e-6)
            assert chiffre.taux != pytest.approx(chiffre.taux_calcule)
        else:
            assert chiffre.taux == pytest.approx(float(taux.replace(",", ".")), abs=1e-6)


def test_earlier_edition_two_digit_years_masked_cells_and_dwellings_from_the_file(tmp_path, perimetre):
    importer(ecrire(tmp_path, ANCIENNE))
    lot = LotImport.objects.get(type="ssmsi")
    assert "jusqu'en 2024" in lot.edition
    buxerolles = perimetre["c2"]
    masques = Donnee.objects.filter(territoire=buxerolles, secret=True)
    assert masques.count() == 2  # NA and empty cells under "ndiff": secret, never the département's mean
    assert set(masques.values_list("nombre", flat=True)) == {None}
    zero = Donnee.objects.get(territoire=buxerolles, indicateur__code="vols-vehicules")
    assert (zero.nombre, zero.secret) == (0, False)  # a published 0 is a real zero
    assert Donnee.objects.get(territoire=buxerolles, indicateur__code="violences-sexuelles").nombre == 16
    population = Population.objects.get(territoire=perimetre["c1"], annee=2016)
    assert (population.habitants, population.logements) == (87961, 55000)
    ctx = pages.contexte(None, {"source": Source.objects.get(code="ssmsi"), "annee": 2016})
    cambriolages = Indicateur.objects.get(code="cambriolages-logement")
    assert ctx.chiffre(cambriolages, 2016, perimetre["c1"].pk).taux == pytest.approx(4.0)


def test_current_edition_with_millesimes_and_unquoted_values(tmp_path, perimetre):
    importer(ecrire(tmp_path, RECENTE.replace('"', "")))
    population = Population.objects.get(territoire=perimetre["c1"], annee=2022)
    assert (population.habitants, population.logements) == (89916, 34713)
    assert Donnee.objects.get(territoire=perimetre["c2"], annee=2025).secret
    assert not Population.objects.filter(annee=2025).exists()


def test_published_rate_that_disagrees_is_reported_with_its_line(tmp_path, perimetre):
    faux = POITIERS_2016.replace("3,808506", "9,9")
    importer(ecrire(tmp_path, faux))
    avertissements = LotImport.objects.get().rapport["avertissements"]
    assert [a["ligne"] for a in avertissements] == [2]
    assert avertissements[0]["colonne"] == "taux_pour_mille"


def test_departmental_base_is_recognised(tmp_path, perimetre):
    texte = (
        "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;tauxpourmille\n"
        "Vols avec armes;16;86;75;Infraction;16;16;120;430000;220000;0,279\n"
    )
    importer(ecrire(tmp_path, texte))
    assert Donnee.objects.get(territoire=perimetre["departement"]).nombre == 120
    assert "départementale" in LotImport.objects.get().edition


def test_unknown_territories_are_counted_and_never_invented_on_request(tmp_path, perimetre):
    texte = (
        POITIERS_2016.splitlines()[0]
        + "\n"
        + "\n".join(line.replace("86194;2016", "33318;2016") for line in POITIERS_2016.splitlines()[1:3])
        + "\n"
    )
    chemin = ecrire(tmp_path, texte)
    importer(chemin)
    lot = LotImport.objects.get()
    assert lot.rejetees == 2 and lot.rapport["territoires_inconnus"] == {"33318": 2}
    assert not Donnee.objects.exists()
    assert lot.rapport["avertissements"][0]["ligne"] == 2
    charger_referentiel_factice(tmp_path / "referentiel")
    with pytest.raises(CommandError, match="ligne 2, .*Commune 33318 inconnue du référentiel national"):
        importer(chemin, "--creer-territoires")
    assert not Territoire.objects.filter(code="33318").exists() and not Donnee.objects.exists()


def test_reimport_changes_nothing_and_a_correction_changes_only_its_line(tmp_path, perimetre):
    chemin = ecrire(tmp_path, POITIERS_2016)
    importer(chemin)
    avant = {d.pk: (d.nombre, d.lot_id) for d in Donnee.objects.all()}
    importer(chemin)
    assert {d.pk: (d.nombre, d.lot_id) for d in Donnee.objects.all()} == avant
    assert LotImport.objects.order_by("pk").last().inchangees == 16
    importer(ecrire(tmp_path, POITIERS_2016.replace(";8;0,0909494", ";9;0,1023181"), "corrige.csv"))
    lot = LotImport.objects.order_by("pk").last()
    assert (lot.creees, lot.modifiees, lot.inchangees) == (0, 1, 15)
    assert Donnee.objects.get(indicateur__code="vols-avec-armes").nombre == 9


def test_change_of_unit_of_count_stops_the_import(tmp_path, perimetre):
    importer(ecrire(tmp_path, POITIERS_2016))
    avant = list(Donnee.objects.values_list("pk", "nombre"))
    change = POITIERS_2016.replace("Vols avec armes;Infraction;8", "Vols avec armes;Victime;8").replace(
        "2016", "2017"
    )
    with pytest.raises(CommandError, match="Changement d'unité de compte"):
        importer(ecrire(tmp_path, change, "unite.csv"))
    assert list(Donnee.objects.values_list("pk", "nombre")) == avant


ENTETE = POITIERS_2016.splitlines()[0]
LIGNE = POITIERS_2016.splitlines()[5]


@pytest.mark.parametrize(
    ("contenu", "encodage", "message"),
    [
        (POITIERS_2016.replace(";", ","), "utf-8", "Séparateur attendu"),
        (POITIERS_2016, "latin-1", "n'est pas en UTF-8"),
        (POITIERS_2016.replace("Vols avec armes", "Vols de bicyclettes"), "utf-8", "Indicateur inconnu"),
        (POITIERS_2016.replace(";121;", ";cent vingt;"), "utf-8", "Nombre attendu"),
        (POITIERS_2016 + LIGNE + "\n", "utf-8", "Ligne en double"),
        ("", "utf-8", "vide"),
        (ENTETE + "\n", "utf-8", "que l'en-tête"),
        ("a;b;c\n1;2;3\n", "utf-8", "En-tête non reconnu"),
    ],
    ids=["separateur", "encodage", "indicateur", "texte", "doublon", "vide", "entete", "entete-inconnu"],
)
def test_bad_file_is_refused_whole_and_changes_nothing(tmp_path, perimetre, contenu, encodage, message):
    with pytest.raises(CommandError, match=message) as erreur:
        importer(ecrire(tmp_path, contenu, encodage=encodage))
    assert not Donnee.objects.exists()
    assert not Population.objects.filter(annee=2016).exists()
    assert LotImport.objects.get().statut == LotImport.Statut.REFUSE
    if message in ("Indicateur inconnu", "Nombre attendu", "Ligne en double"):
        assert (
            "ligne " in str(erreur.value)
            and "colonne" in str(erreur.value)
            or "Ligne en double" in str(erreur.value)
        )


def test_the_file_is_streamed_in_chunks_and_duplicates_across_chunks_are_found(
    tmp_path, perimetre, monkeypatch
):
    monkeypatch.setattr(ssmsi, "TAILLE_PAQUET", 3)
    texte = POITIERS_2016 + POITIERS_2016.splitlines()[1] + "\n"
    with pytest.raises(CommandError, match="ligne 18.*Ligne en double"):
        importer(ecrire(tmp_path, texte))
    assert not Donnee.objects.exists()
    importer(ecrire(tmp_path, POITIERS_2016, "ok.csv"))
    assert Donnee.objects.count() == 16
