"""The SSMSI départemental and régional bases, with small files written by the tests over a fake
national referential (Vienne 86 and Paris 75 as départements, Nouvelle-Aquitaine 75 and
Île-de-France 11 as régions, France)."""

import pytest
from django.core.management import CommandError, call_command

from cls_poitiers.models import Population, Territoire
from observatoire.imports import ssmsi
from observatoire.models import Donnee, Indicateur, LotImport

from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db

ENTETE_DEP = (
    "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;tauxpourmille\n"
)
ENTETE_REG = "classe;annee;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;tauxpourmille\n"

# The départemental base's 16 classes and their units, as the base writes them (lower case).
CLASSES = [
    ("Homicides", "victime"),
    ("Coups et blessures volontaires", "victime"),
    ("Coups et blessures volontaires intrafamiliaux", "victime"),
    ("Autres coups et blessures volontaires", "victime"),
    ("Violences sexuelles", "victime"),
    ("Vols avec armes", "infraction"),
    ("Vols violents sans arme", "infraction"),
    ("Vols sans violence contre des personnes", "victime entendue"),
    ("Cambriolages de logement", "infraction"),
    ("Vols de véhicules", "véhicule"),
    ("Vols dans les véhicules", "véhicule"),
    ("Vols d'accessoires sur véhicules", "véhicule"),
    ("Destructions et dégradations volontaires", "infraction"),
    ("Trafic de stupéfiants", "Mis en cause"),
    ("Usage de stupéfiants", "Mis en cause"),
    ("Escroqueries", "victime"),
]


def ligne_dep(classe, unite, departement, region, faits, pop="436069", log="308491,1600513844", taux="NA"):
    return f"{classe};16;{departement};{region};{unite};16;16;{faits};{pop};{log};{taux}\n"


# Vienne, 2016: the real Homicides row (7 victims, 436 069 inhabitants, the rate as published),
# the other classes with counts of the test's own; Paris; and facts no département holds.
DEPARTEMENTALE = (
    ENTETE_DEP
    + ligne_dep("Homicides", "victime", "86", "75", 7, taux="1,60525054521188e-02")
    + "".join(ligne_dep(classe, unite, "86", "75", 100 + i) for i, (classe, unite) in enumerate(CLASSES[1:]))
    + ligne_dep("Homicides", "victime", "75", "11", 20, pop="2190327", log="1387645,25")
    + ligne_dep("Homicides", "victime", "NA", "NA", 3, pop="NA", log="NA")
)

REGIONALE = (
    ENTETE_REG
    + "Homicides;16;75;victime;16;16;180;5911482;3498231,5;3,04e-02\n"
    + "Homicides;16;11;victime;16;16;150;12117132;5791012,75;1,24e-02\n"
)


@pytest.fixture
def referentiel_factice(tmp_path):
    return charger_referentiel_factice(tmp_path / "referentiel")


def ecrire(tmp_path, texte, nom="base.csv"):
    chemin = tmp_path / nom
    chemin.write_bytes(("\ufeff" + texte).encode("utf-8"))
    return str(chemin)


def importer(chemin, *args):
    call_command("importer_ssmsi", chemin, *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def territoire(niveau, code):
    return Territoire.objects.get(niveau=niveau, code=code)


def homicides(t):
    return Donnee.objects.get(territoire=t, indicateur__code="homicides", annee=2016)


def remonte_a(t, ancetre) -> bool:
    while t is not None:
        if t == ancetre:
            return True
        t = t.parent
    return False


@pytest.mark.parametrize("options", [[], ["--creer-territoires"]], ids=["simple", "creer-territoires"])
def test_departmental_base_imports_its_16_classes_na_rows_and_fractional_dwellings(
    tmp_path, referentiel_factice, options
):
    importer(ecrire(tmp_path, DEPARTEMENTALE), *options)
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.APPLIQUE and "départementale" in lot.edition
    vienne = territoire("departement", "86")
    assert Donnee.objects.filter(territoire=vienne, annee=2016).count() == 16
    assert set(Donnee.objects.filter(territoire=vienne).values_list("indicateur__libelle", flat=True)) >= {
        "Homicides",
        "Coups et blessures volontaires",
    }
    for classe, _unite in CLASSES:
        assert Indicateur.objects.filter(correspondances__libelle_source=classe).exists(), classe
    # The real example: 7 homicides for 436 069 inhabitants, 0,0160525 ‰ as published.
    vienne_homicides = homicides(vienne)
    assert vienne_homicides.nombre == 7
    assert round(float(vienne_homicides.taux_publie), 7) == 0.0160525
    assert round(7 / 436069 * 1000, 7) == 0.0160525
    population = Population.objects.get(territoire=vienne, annee=2016)
    assert population.habitants == 436069
    assert float(population.logements) == pytest.approx(308491.1600513844)
    assert homicides(territoire("departement", "75")).nombre == 20  # Paris, never Nouvelle-Aquitaine
    assert not Donnee.objects.filter(territoire__niveau="region").exists()

    # Facts no département holds: their own territory, under France, outside the referential.
    france = territoire("pays", "FR")
    hors = territoire("departement", ssmsi.CODE_HORS_DEPARTEMENT)
    assert (hors.parent, hors.referentiel, hors.region) == (france, False, None)
    assert homicides(hors).nombre == 3 and homicides(hors).taux_publie is None
    assert not Population.objects.filter(territoire=hors).exists()
    assert not Donnee.objects.filter(territoire=france).exists()
    # France's total: its départements' and the facts no département holds (every one rolls up to it).
    lignes = Donnee.objects.filter(indicateur__code="homicides", annee=2016).select_related("territoire")
    assert all(remonte_a(d.territoire, france) for d in lignes)
    assert sum(d.nombre for d in lignes) == 7 + 20 + 3


def test_regional_base_gives_75_to_nouvelle_aquitaine_never_to_paris(tmp_path, referentiel_factice):
    importer(ecrire(tmp_path, REGIONALE))
    assert "régionale" in LotImport.objects.get().edition
    nouvelle_aquitaine = territoire("region", "75")
    assert nouvelle_aquitaine.nom == "Nouvelle-Aquitaine"
    assert homicides(nouvelle_aquitaine).nombre == 180
    assert float(homicides(nouvelle_aquitaine).taux_publie) == pytest.approx(0.0304)
    assert homicides(territoire("region", "11")).nombre == 150
    assert not Donnee.objects.filter(territoire__niveau="departement").exists()
    logements = Population.objects.get(territoire=nouvelle_aquitaine, annee=2016).logements
    assert float(logements) == pytest.approx(3498231.5)


def test_regional_na_rows_go_to_the_territory_outside_any_departement(tmp_path, referentiel_factice):
    importer(ecrire(tmp_path, REGIONALE + "Homicides;16;NA;victime;16;16;4;NA;NA;NA\n"))
    assert homicides(territoire("departement", ssmsi.CODE_HORS_DEPARTEMENT)).nombre == 4


def test_reimport_changes_nothing(tmp_path, referentiel_factice):
    chemin = ecrire(tmp_path, DEPARTEMENTALE)
    importer(chemin)
    avant = {d.pk: (d.nombre, d.taux_publie, d.lot_id) for d in Donnee.objects.all()}
    territoires = Territoire.objects.count()
    importer(chemin)
    assert {d.pk: (d.nombre, d.taux_publie, d.lot_id) for d in Donnee.objects.all()} == avant
    assert Territoire.objects.count() == territoires
    dernier = LotImport.objects.order_by("pk").last()
    assert (dernier.creees, dernier.modifiees, dernier.inchangees) == (0, 0, 18)


CBV_VIENNE = "Coups et blessures volontaires;16;86;"
INCONNU = DEPARTEMENTALE.replace(CBV_VIENNE, CBV_VIENNE.replace("86", "99"))
REGIONAL_AVEC_DEPARTEMENT = ENTETE_DEP + "Homicides;16;NA;75;victime;16;16;180;5911482;3498231,5;3,04e-02\n"


@pytest.mark.parametrize("options", [[], ["--creer-territoires"]], ids=["simple", "creer-territoires"])
@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (INCONNU, r"ligne 3, colonne « Code\.département » : Département 99 inconnu du référentiel national"),
        (
            REGIONAL_AVEC_DEPARTEMENT,
            r"ligne 2, colonne « Code\.département » : Aucune ligne ne nomme un département .*régional",
        ),
        (
            REGIONALE.replace(";11;", ";12;"),
            r"ligne 3, colonne « Code\.région » : Région 12 inconnue du référentiel national",
        ),
    ],
    ids=["departement-inconnu", "regional-avec-departement", "region-inconnue"],
)
def test_bad_file_is_refused_in_french_with_line_and_column_and_nothing_written(
    tmp_path, referentiel_factice, contenu, attendu, options
):
    territoires = Territoire.objects.count()
    with pytest.raises(CommandError, match=attendu):
        importer(ecrire(tmp_path, contenu), *options)
    assert not Donnee.objects.exists() and not Population.objects.filter(annee=2016).exists()
    assert Territoire.objects.count() == territoires  # no "Hors département" left behind
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.REFUSE and not lot.en_cours


def test_na_rows_without_the_referential_refuse_the_file_and_leave_no_batch_running(tmp_path, perimetre):
    contenu = (
        ENTETE_DEP
        + ligne_dep("Homicides", "victime", "86", "75", 7)
        + ligne_dep("Homicides", "victime", "NA", "NA", 3, pop="NA", log="NA")
    )
    with pytest.raises(CommandError, match="ligne 3, colonne « Code.département » : Le référentiel national"):
        importer(ecrire(tmp_path, contenu))
    assert not Donnee.objects.exists()
    assert not LotImport.objects.get().en_cours


def test_an_unexpected_failure_never_leaves_the_batch_running(tmp_path, referentiel_factice, monkeypatch):
    def panne(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(ssmsi, "_traiter_paquet", panne)
    with pytest.raises(RuntimeError, match="panne simulée"):
        importer(ecrire(tmp_path, DEPARTEMENTALE), "--creer-territoires")
    lot = LotImport.objects.get()
    assert lot.statut == LotImport.Statut.INTERROMPU and not lot.en_cours
    assert not Donnee.objects.exists()
    assert not Territoire.objects.filter(code=ssmsi.CODE_HORS_DEPARTEMENT).exists()
