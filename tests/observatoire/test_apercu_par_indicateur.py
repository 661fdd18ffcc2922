"""The preview of a national-base import says, per indicator and year, how many figures it would
create, change and leave as they are, adding up to its totals; nothing is written before the
analyst applies, the result shows the same table, and a re-import leaves every pair unchanged.
On SQLite (EcritureTableaux) and on PostgreSQL (EcritureCopie: direct COPY and staging merge)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from observatoire.imports import base
from observatoire.imports.base import Rapport
from observatoire.models import Donnee, Indicateur, LotImport

pytestmark = pytest.mark.django_db

ENTETE = (
    "CODGEO_2024;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "COM_CODE;Nom_clean\n"
)
CAMBRIOLAGES, VEHICULES = "Cambriolages de logement;Infraction", "Vols de véhicules;Véhicule"


def ligne(code, annee, indicateur, nombre):
    return f"{code};{annee};{indicateur};{nombre};;diff;87961;{code};X\n"


# Stored before the preview: Poitiers' burglaries of 2016 (the file says the same) and its vehicle
# thefts of 2017 (the file changes them).
DEJA = ENTETE + ligne("86194", 2016, CAMBRIOLAGES, 220) + ligne("86194", 2017, VEHICULES, 100)
FICHIER = ENTETE + "".join(
    ligne(code, annee, indicateur, 150 if (code, annee, indicateur) == ("86194", 2017, VEHICULES) else 220)
    for code in ("86194", "86041")
    for indicateur in (CAMBRIOLAGES, VEHICULES)
    for annee in (2016, 2017)
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(analyste):
    client = Client()
    client.force_login(analyste)
    return client


def deposer(client, contenu):
    fichier = SimpleUploadedFile("base.csv", contenu.encode("utf-8"))
    client.post(reverse("observatoire:imports"), {"type": "ssmsi", "fichier": fichier})
    return LotImport.objects.filter(type="ssmsi").latest("pk")


def libelle(texte):
    return Indicateur.objects.get(correspondances__libelle_source=texte.split(";")[0]).libelle


def ordonnees(attendu):
    """The expected rows in the preview's order: indicators' own order, then year."""
    ordre = list(Indicateur.objects.values_list("libelle", flat=True))
    return sorted(attendu, key=lambda r: (ordre.index(r["indicateur"]), r["annee"]))


def paires(comptes):
    """{(indicator line, year): (created, changed, unchanged)} as the report lists them."""
    return ordonnees(
        [
            {"indicateur": libelle(ind), "annee": annee, "creees": c, "modifiees": m, "inchangees": u}
            for (ind, annee), (c, m, u) in comptes.items()
        ]
    )


def table(page):
    """The per-pair table's body rows as text cells (thin and non-breaking spaces kept)."""
    corps = re.search(r'id="apercu-par-indicateur".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", corps, re.S)
    ]


def verifier_somme(lot):
    lignes = lot.rapport["par_indicateur"]["lignes"]
    for cle, total in (("creees", lot.creees), ("modifiees", lot.modifiees), ("inchangees", lot.inchangees)):
        assert sum(r[cle] for r in lignes) == total


def test_preview_apply_and_reimport_per_indicator_and_year(tmp_path, perimetre, client):
    chemin = tmp_path / "deja.csv"
    chemin.write_text(DEJA, encoding="utf-8")
    call_command("importer_ssmsi", str(chemin), stdout=open("/dev/null", "w"))  # noqa: SIM115
    avant = sorted(Donnee.objects.values_list("territoire__code", "annee", "nombre", "lot_id"))
    assert len(avant) == 2

    lot = deposer(client, FICHIER)
    assert lot.statut == LotImport.Statut.APERCU, lot.rapport
    attendu = {
        (CAMBRIOLAGES, 2016): (1, 0, 1),
        (CAMBRIOLAGES, 2017): (2, 0, 0),
        (VEHICULES, 2016): (2, 0, 0),
        (VEHICULES, 2017): (1, 1, 0),
    }
    assert (lot.creees, lot.modifiees, lot.inchangees) == (6, 1, 1)
    assert lot.rapport["par_indicateur"] == {"lignes": paires(attendu), "autres": None}
    verifier_somme(lot)
    # Nothing written by the preview.
    assert sorted(Donnee.objects.values_list("territoire__code", "annee", "nombre", "lot_id")) == avant
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Ce que l’import ferait, par indicateur et par année" in page
    assert [r[1:] for r in table(page)] == [
        [str(r["annee"]), str(r["creees"]), str(r["modifiees"]), str(r["inchangees"])]
        for r in paires(attendu)
    ]
    assert [r[0] for r in table(page)] == [r["indicateur"] for r in paires(attendu)]
    assert '<th scope="col">Indicateur</th>' in page and "<tfoot>" in page

    client.post(reverse("observatoire:import_appliquer", kwargs={"pk": lot.pk}))
    lot.refresh_from_db()
    assert lot.statut == LotImport.Statut.APPLIQUE
    assert lot.rapport["par_indicateur"] == {"lignes": paires(attendu), "autres": None}
    assert Donnee.objects.count() == 8
    page = client.get(lot.get_absolute_url()).content.decode()
    assert "Chiffres de l’import, par indicateur et par année" in page
    assert len(table(page)) == 4

    encore = deposer(client, FICHIER)
    assert (encore.creees, encore.modifiees, encore.inchangees) == (0, 0, 8)
    assert encore.rapport["par_indicateur"]["lignes"] == paires(dict.fromkeys(attendu, (0, 0, 2)))
    verifier_somme(encore)


def test_beyond_the_limit_the_other_pairs_are_summed_so_that_the_table_still_adds_up(perimetre, monkeypatch):
    monkeypatch.setattr(base, "PAIRES_MAX", 2)
    indicateur = Indicateur.objects.order_by("ordre", "libelle").first()
    rapport = Rapport()
    for annee, comptes in ((2019, (1, 2, 3)), (2017, (4, 0, 0)), (2018, (0, 5, 6)), (2016, (7, 0, 1))):
        rapport.compter_paire(indicateur.pk, annee, *comptes)
    detail = rapport.lignes_par_indicateur()
    assert [r["annee"] for r in detail["lignes"]] == [2016, 2017]
    assert detail["autres"] == {"paires": 2, "creees": 1, "modifiees": 7, "inchangees": 9}
