"""Imports you can trust (issue 14): each denominator under its own year, the published rate kept,
fractional dwellings as published, every corrupt cell refused with its line and column, generated
figures never over real ones, and unknown labels mapped from the preview."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Population
from observatoire import generation
from observatoire.models import Correspondance, Donnee, Indicateur, LotImport, Source
from observatoire.tableaux_de_bord import pages
from tests.factories import PopulationFactory

from .test_import_ssmsi import POITIERS_2016, ecrire, importer

pytestmark = pytest.mark.django_db

# The current edition: inhabitants of 2023, dwellings of 2022 (real Pessac figures, Poitiers' code).
ENTETE_RECENTE = (
    "\ufeffCODGEO_2026;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux\n"
)
RECENTE = ENTETE_RECENTE + (
    '"86194";"2025";"Cambriolages de logement";"Infraction";"355";"10,2266504";"diff";"66760";"2023";'
    '"34713";"2022";"NA";"NA"\n'
    '"86194";"2025";"Vols avec armes";"Infraction";"12";"0,1797484";"diff";"66760";"2023";'
    '"34713";"2022";"NA";"NA"\n'
)
ENTETE_ANCIENNE = (
    "CODGEO_2023;annee;classe;unité.de.compte;valeur.publiée;faits;tauxpourmille;complementinfoval;"
    "complementinfotaux;POP;millPOP;LOG;millLOG\n"
)
ANCIENNE = ENTETE_ANCIENNE + (
    '"86194";"16";"Cambriolages de logement";"Infraction";"diff";"220";"4";"NA";"NA";"87961";"16";"55000";"16"\n'  # noqa: E501
)
ENTETE_DEPARTEMENTALE = (
    "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;tauxpourmille\n"
)
DEPARTEMENTALE = ENTETE_DEPARTEMENTALE + (
    "Violences sexuelles;16;86;75;victime;16;16;7;436069;308491,1600513844;1,60525054521188e-02\n"
)


def cambriolages():
    return Indicateur.objects.get(code="cambriolages-logement")


# --- §3: each denominator with its own year, the published rate stored -------------------------


def test_current_edition_keeps_the_dwellings_under_their_own_year_and_gives_a_burglary_rate(
    tmp_path, perimetre
):
    importer(ecrire(tmp_path, RECENTE))
    poitiers = perimetre["c1"]
    habitants = Population.objects.get(territoire=poitiers, annee=2023)
    logements = Population.objects.get(territoire=poitiers, annee=2022)
    assert (habitants.habitants, habitants.logements) == (66760, None)
    assert (logements.habitants, logements.logements) == (None, Decimal("34713"))
    ctx = pages.contexte(None, {"source": Source.objects.get(code="ssmsi"), "annee": 2025})
    chiffre = ctx.chiffre(cambriolages(), 2025, poitiers.pk)
    assert chiffre.taux_calcule == pytest.approx(355 / 34713 * 1000)  # the source's own pairing
    # Shown: the rate the source published for this figure, kept as published.
    assert chiffre.taux == pytest.approx(
        float(Donnee.objects.get(territoire=poitiers, annee=2025, indicateur=cambriolages()).taux_publie)
    )


def test_the_published_rate_is_stored_beside_the_count_as_published(tmp_path, perimetre):
    importer(ecrire(tmp_path, RECENTE))
    importer(ecrire(tmp_path, DEPARTEMENTALE, "dep.csv"))
    donnee = Donnee.objects.get(indicateur=cambriolages(), annee=2025)
    assert (donnee.nombre, donnee.taux_publie) == (355, Decimal("10.2266504"))
    vienne = Donnee.objects.get(territoire=perimetre["departement"], annee=2016)
    assert vienne.taux_publie == Decimal("0.0160525054521188")


def test_a_reimport_with_the_same_rates_changes_nothing_and_a_new_rate_is_written(tmp_path, perimetre):
    chemin = ecrire(tmp_path, RECENTE)
    importer(chemin)
    importer(chemin)
    assert LotImport.objects.order_by("pk").last().inchangees == 2
    importer(ecrire(tmp_path, RECENTE.replace("0,1797484", "0,1797485"), "corrige.csv"))
    lot = LotImport.objects.order_by("pk").last()
    assert (lot.modifiees, lot.inchangees) == (1, 1)
    assert Donnee.objects.get(indicateur__code="vols-avec-armes").taux_publie == Decimal("0.1797485")


def test_masked_figures_have_no_published_rate(tmp_path, perimetre):
    masque = RECENTE.replace('"12";"0,1797484";"diff"', '"NA";"NA";"ndiff"')
    importer(ecrire(tmp_path, masque))
    donnee = Donnee.objects.get(indicateur__code="vols-avec-armes")
    assert donnee.secret and donnee.taux_publie is None


def test_a_published_rate_that_disagrees_with_the_computed_one_is_reported(tmp_path, perimetre):
    importer(ecrire(tmp_path, RECENTE.replace("10,2266504", "11,5")))
    avertissements = LotImport.objects.get().rapport["avertissements"]
    assert [(a["ligne"], a["colonne"]) for a in avertissements] == [(2, "taux_pour_mille")]
    assert "11,5000" in avertissements[0]["message"] and "10,2267" in avertissements[0]["message"]


def test_fractional_dwellings_are_kept_as_published(tmp_path, perimetre):
    importer(ecrire(tmp_path, DEPARTEMENTALE))
    vienne = Population.objects.get(territoire=perimetre["departement"], annee=2016)
    assert vienne.habitants == 436069
    # Not rounded; SQLite reads decimals back to 15 significant digits, PostgreSQL to all of them.
    assert abs(vienne.logements - Decimal("308491.1600513844")) < Decimal("1e-9")


def test_population_file_keeps_fractional_dwellings(tmp_path, perimetre):
    chemin = ecrire(tmp_path, "territoire;annee;habitants;logements\n86194;2016;87961;41234,75\n", "pop.csv")
    call_command("importer_populations", chemin, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Population.objects.get(territoire=perimetre["c1"], annee=2016).logements == Decimal("41234.75")


# --- §6: every corrupt cell refused, with its line and column ------------------------------------

CORROMPUES = [
    # (file, replaced text, corrupt text, column)
    ("recente", '"66760";"2023";"34713"', '"43606x";"2023";"34713"', "insee_pop"),
    ("recente", '"2023";"34713";"2022"', '"2023";"2379x3";"2022"', "insee_log"),
    ("recente", '"66760";"2023"', '"66760";"20x3"', "insee_pop_millesime"),
    ("recente", '"34713";"2022"', '"34713";"deux"', "insee_log_millesime"),
    ("recente", "10,2266504", "4,3488x", "taux_pour_mille"),
    ("recente", '"10,2266504";"diff"', '"10,2266504";"dif"', "est_diffuse"),
    ("recente", '"355"', '"35x"', "nombre"),
    ("recente", '"2025";"Cambriolages', '"20x5";"Cambriolages', "annee"),
    ("recente", '"Cambriolages de logement"', '"Cambriolages de logis"', "indicateur"),
    ("ancienne", '"87961"', '"43606x"', "POP"),
    ("ancienne", '"55000"', '"55x00"', "LOG"),
    ("ancienne", '"87961";"16"', '"87961";"1x"', "millPOP"),
    ("ancienne", '"55000";"16"', '"55000";"x"', "millLOG"),
    ("ancienne", '"4"', '"4x"', "tauxpourmille"),
    ("ancienne", '"diff"', '"dif"', "valeur.publiée"),
    ("ancienne", '"220"', '"-220"', "faits"),
    ("departementale", "436069", "43606x", "POP"),
    ("departementale", "308491,1600513844", "2379x3", "LOG"),
    ("departementale", "1,60525054521188e-02", "4,3488x", "tauxpourmille"),
    ("departementale", ";7;", ";sept;", "faits"),
    ("departementale", "75;victime;16;16", "75;victime;1x;16", "millPOP"),
    ("departementale", "75;victime;16;16", "75;victime;16;1x", "millLOG"),
]
FICHIERS = {"recente": RECENTE, "ancienne": ANCIENNE, "departementale": DEPARTEMENTALE}


@pytest.mark.parametrize(
    ("fichier", "avant", "apres", "colonne"), CORROMPUES, ids=[f"{c[0]}-{c[3]}" for c in CORROMPUES]
)
def test_a_corrupt_cell_of_the_national_base_refuses_the_file_with_line_and_column(
    tmp_path, perimetre, fichier, avant, apres, colonne
):
    texte = FICHIERS[fichier]
    assert avant in texte
    populations = set(Population.objects.values_list("pk", "habitants", "logements"))
    with pytest.raises(CommandError, match=f"ligne 2, colonne « {colonne} »"):
        importer(ecrire(tmp_path, texte.replace(avant, apres, 1)))
    assert not Donnee.objects.exists()
    assert set(Population.objects.values_list("pk", "habitants", "logements")) == populations
    assert LotImport.objects.get().statut == LotImport.Statut.REFUSE


POPULATIONS_CORROMPUES = [
    ("territoire;annee;habitants;logements\n86194;2016;43606x;100\n", "habitants"),
    ("territoire;annee;habitants;logements\n86194;2016;43606;2379x3\n", "logements"),
    ("territoire;annee;habitants;logements\n86194;20x6;43606;100\n", "annee"),
    ("territoire;annee;habitants;logements\n8619x;2016;43606;100\n", "territoire"),
    ("CODGEO;P21_POP;P21_LOG\n86194;43606x;100\n", "p21_pop"),
    ("CODGEO;P21_POP;P21_LOG\n86194;43606;2379x3\n", "p21_log"),
]


@pytest.mark.parametrize(
    ("texte", "colonne"), POPULATIONS_CORROMPUES, ids=[c[1] for c in POPULATIONS_CORROMPUES]
)
def test_a_corrupt_cell_of_a_population_file_refuses_it_with_line_and_column(
    tmp_path, perimetre, texte, colonne
):
    avant = set(Population.objects.values_list("pk", "habitants", "logements"))
    with pytest.raises(CommandError, match=f"ligne 2, colonne « {colonne} »"):
        call_command("importer_populations", ecrire(tmp_path, texte), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Population.objects.values_list("pk", "habitants", "logements")) == avant


def test_a_count_ten_times_the_previous_years_is_a_warning_not_a_refusal(tmp_path, perimetre):
    suivante = (
        RECENTE.splitlines()[2].replace('"2025"', '"2026"').replace('"12";"0,1797484"', '"120";"1,7974843"')
    )
    importer(ecrire(tmp_path, RECENTE + suivante + "\n"))
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.APPLIQUE
    assert Donnee.objects.get(indicateur__code="vols-avec-armes", annee=2026).nombre == 120
    avertissements = lot.rapport["avertissements"]
    assert [(a["ligne"], a["colonne"]) for a in avertissements] == [(4, "nombre")]
    assert "dix fois" in avertissements[0]["message"] and "(12)" in avertissements[0]["message"]


# --- §5: a real figure is never overwritten by an invented one -----------------------------------


def test_a_generated_national_file_never_replaces_real_figures_or_populations(tmp_path, perimetre):
    """A file generated before the real figures and populations were recorded (its own
    populations, then, everywhere) is imported after them."""
    poitiers = perimetre["c1"]
    chemin = tmp_path / "genere.csv"
    call_command(
        "generer_chiffres",
        "--fichier-national",
        str(chemin),
        "--lignes-nationales",
        "150",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    PopulationFactory(territoire=poitiers, annee=2021, habitants=89916, source="INSEE 2021")
    importer(ecrire(tmp_path, POITIERS_2016))
    reelles = set(Donnee.objects.values_list("pk", "nombre", "secret", "lot_id"))
    populations = set(Population.objects.values_list("pk", "habitants", "logements", "source", "illustratif"))
    assert Donnee.objects.get(territoire=poitiers, indicateur__code="vols-sans-violence").nombre == 1261

    importer(str(chemin))

    ssmsi = Source.objects.get(code="ssmsi")
    assert set(Donnee.objects.filter(source=ssmsi).values_list("pk", "nombre", "secret", "lot_id")) == reelles
    assert (
        set(
            Population.objects.filter(illustratif=False).values_list(
                "pk", "habitants", "logements", "source", "illustratif"
            )
        )
        == populations
    )
    lot = LotImport.objects.order_by("pk").last()
    assert lot.statut == LotImport.Statut.APPLIQUE
    assert lot.source.illustratif and lot.source.code == "generee-illustrative"
    generees = Donnee.objects.filter(source=lot.source, territoire=poitiers, annee=2016)
    assert generees.count() == len(generation.INDICATEURS_2025)
    # The years without a real population received an illustrative one, said so.
    assert Population.objects.get(territoire=poitiers, annee=2025).illustratif
    # The file's own populations of 2016 and 2021 were not written, and the report says so first:
    # the rates the file publishes for those years are not computed on the inhabitants the pages
    # divide by.
    premier = lot.rapport["avertissements"][0]
    assert premier["colonne"] == "insee_pop"
    message = premier["message"].replace("\u202f", " ")
    assert message.startswith(
        "2 populations du fichier (chiffres illustratifs) diffèrent de populations réelles"
    )
    assert "(par exemple Poitiers, 2016 : " in message
    assert message.endswith(" habitants dans le fichier, 87 961 enregistrés).")


def test_loading_generated_rows_never_replaces_a_real_population(perimetre):
    poitiers = perimetre["c1"]
    reelle = PopulationFactory(territoire=poitiers, annee=2021, habitants=89916, source="INSEE 2021")
    call_command("generer_chiffres", "--lignes", "150", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reelle.refresh_from_db()
    assert (reelle.habitants, reelle.source, reelle.illustratif) == (89916, "INSEE 2021", False)
    assert Population.objects.get(territoire=poitiers, annee=2024).illustratif


def test_the_preview_says_what_each_change_replaces(tmp_path, perimetre):
    importer(ecrire(tmp_path, POITIERS_2016, "edition-2024.csv"))
    corrige = POITIERS_2016.replace(";1261;14,3358989;", ";792;9,0040814;").replace(";87961;", ";87962;")
    importer(ecrire(tmp_path, corrige, "autre.csv"), "--apercu")
    lot = LotImport.objects.order_by("pk").last()
    assert lot.statut == LotImport.Statut.APERCU
    remplacements = lot.rapport["remplacements"]
    assert any(
        "Poitiers, Vols sans violence contre des personnes, 2016 : 1\u00a0261 → 792" in r
        and "edition-2024.csv" in r
        for r in remplacements
    )
    assert any("Population de Poitiers en 2016 : 87\u00a0961 → 87\u00a0962" in r for r in remplacements)
    assert Donnee.objects.get(indicateur__code="vols-sans-violence").nombre == 1261  # a preview


# --- §7: an unknown label mapped from the preview -------------------------------------------------

INCONNU = RECENTE.replace("Vols avec armes", "Vols à main armée")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def deposer(client, contenu: str):
    client.post(
        reverse("observatoire:imports"),
        {"type": "ssmsi", "fichier": SimpleUploadedFile("base.csv", contenu.encode("utf-8"))},
    )
    return LotImport.objects.get()


def test_the_observatory_maps_an_unknown_label_from_the_preview_and_the_file_is_checked_again(
    media, perimetre, analyste
):
    client = Client()
    client.force_login(analyste)
    lot = deposer(client, INCONNU)
    assert lot.statut == LotImport.Statut.REFUSE
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Associer un libellé inconnu à un indicateur" in page and "Vols à main armée" in page
    vols = Indicateur.objects.get(code="vols-avec-armes")
    reponse = client.post(
        reverse("observatoire:import_correspondance", kwargs={"pk": lot.pk}),
        {"libelle": "Vols à main armée", "indicateur": vols.pk},
    )
    assert reponse.status_code == 302
    correspondance = Correspondance.objects.get(libelle_source="Vols à main armée")
    assert correspondance.indicateur == vols
    assert correspondance.history.get().history_user == analyste
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APERCU and lot.creees == 2
    assert not Donnee.objects.exists()  # checked again, not applied


def test_coordination_may_map_a_label(media, perimetre, analyste, coordination):
    client = Client()
    client.force_login(analyste)
    lot = deposer(client, INCONNU)
    client.force_login(coordination)
    # The Coordination opens the preview from the imports' list, and reads it: its form to map
    # the label, no upload form, no button to apply or retry (those stay the Observatoire's).
    liste = client.get(reverse("observatoire:imports")).content.decode()
    assert lot.get_absolute_url() in liste and 'id="lecture-seule"' in liste and "multipart" not in liste
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Associer un libellé inconnu à un indicateur" in page
    assert reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}) not in page
    fichier = SimpleUploadedFile("base.csv", RECENTE.encode("utf-8"))
    assert (
        client.post(reverse("observatoire:imports"), {"type": "ssmsi", "fichier": fichier}).status_code == 403
    )
    assert LotImport.objects.count() == 1
    vols = Indicateur.objects.get(code="vols-avec-armes")
    client.post(
        reverse("observatoire:import_correspondance", kwargs={"pk": lot.pk}),
        {"libelle": "Vols à main armée", "indicateur": vols.pk},
    )
    assert Correspondance.objects.filter(libelle_source="Vols à main armée", indicateur=vols).exists()
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APERCU  # checked again; applying is the Observatoire's
    reponse = client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    assert reponse.status_code == 403 and not Donnee.objects.exists()


@pytest.mark.parametrize("role", ["partenaire", "secretariat", "sans_role"])
def test_other_roles_cannot_map_a_label(media, perimetre, analyste, request, role):
    client = Client()
    client.force_login(analyste)
    lot = deposer(client, INCONNU)
    client.force_login(request.getfixturevalue(role))
    vols = Indicateur.objects.get(code="vols-avec-armes")
    reponse = client.post(
        reverse("observatoire:import_correspondance", kwargs={"pk": lot.pk}),
        {"libelle": "Vols à main armée", "indicateur": vols.pk},
    )
    assert reponse.status_code == 403
    assert not Correspondance.objects.filter(libelle_source="Vols à main armée").exists()
    anonyme = Client().post(reverse("observatoire:import_correspondance", kwargs={"pk": lot.pk}), {})
    assert anonyme.status_code == 302


def test_only_a_label_of_the_file_can_be_mapped(media, perimetre, analyste):
    client = Client()
    client.force_login(analyste)
    lot = deposer(client, INCONNU)
    vols = Indicateur.objects.get(code="vols-avec-armes")
    client.post(
        reverse("observatoire:import_correspondance", kwargs={"pk": lot.pk}),
        {"libelle": "Autre chose", "indicateur": vols.pk},
    )
    assert not Correspondance.objects.filter(libelle_source="Autre chose").exists()


# État 4001 and the local model: every column they read.
COMPTES_4001 = "Département;Index;Libellé index;1998_01;1998_02\n86;27;Cambriolages;1 204;987\n"
INDEX_4001 = "27\tCambriolages de locaux d'habitations principales\n"
CORROMPUS_4001 = [
    ("86;27;", "86;2x;", "ligne 2, colonne « index »"),
    (";1 204;", ";1 2x4;", "ligne 2, colonne « 1998_01 »"),
    (";987", ";-987", "ligne 2, colonne « 1998_02 »"),
    ("1998_02", "1998_13", "ligne 1, colonne « 1998_13 »"),
]


@pytest.mark.parametrize(
    ("avant", "apres", "message"), CORROMPUS_4001, ids=["index", "mois", "negatif", "entete"]
)
def test_a_corrupt_cell_of_an_etat_4001_file_refuses_it(
    tmp_path, donnees_de_reference, avant, apres, message
):
    from cls_poitiers.models import Territoire

    Territoire.objects.create(code="86", nom="Vienne", niveau="departement")
    index = tmp_path / "index.tsv"
    index.write_text(INDEX_4001)
    call_command("importer_etat4001", str(index), "--index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match=message):
        call_command(
            "importer_etat4001",
            ecrire(tmp_path, COMPTES_4001.replace(avant, apres), "4001.csv"),
            stdout=open("/dev/null", "w"),  # noqa: SIM115
        )
    assert not Donnee.objects.exists()


MODELE_LOCAL = "territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;10\n"
CORROMPUS_LOCAL = [
    ("86194;", "8619x;", "territoire"),
    ("total-faits-constates", "total-faits", "indicateur"),
    (";1997;", ";19x7;", "periode"),
    (";10\n", ";1x\n", "nombre"),
]


@pytest.mark.parametrize(("avant", "apres", "colonne"), CORROMPUS_LOCAL, ids=[c[2] for c in CORROMPUS_LOCAL])
def test_a_corrupt_cell_of_the_local_model_refuses_it(tmp_path, perimetre, avant, apres, colonne):
    with pytest.raises(CommandError, match=f"ligne 2, colonne « {colonne} »"):
        call_command(
            "importer_chiffres",
            ecrire(tmp_path, MODELE_LOCAL.replace(avant, apres), "local.csv"),
            stdout=open("/dev/null", "w"),  # noqa: SIM115
        )
    assert not Donnee.objects.exists()


@pytest.mark.parametrize(
    ("publie", "garde"),
    [
        (10.2266504, "10.2266504"),
        (1.60525054521188e-02, "0.0160525054521188"),
        (12345678.9, "12345678.9"),
        (0.0, "0"),
    ],
)
def test_a_published_rate_is_kept_to_the_digits_the_file_wrote(publie, garde):
    import numpy as np

    from observatoire.imports.ecriture import taux_decimaux

    assert taux_decimaux(np.array([publie, np.nan])) == [Decimal(garde), None]
