"""The bulk writer of the national base, on both engines: a chunk may hold territories that
already have figures of the source (written by an earlier import or by the previous chunk, when a
territory straddles two chunks) beside new ones; each figure is then created, updated or left
alone exactly as the file says. On PostgreSQL this mixes the direct COPY and the staging upsert
inside one chunk."""

from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cls_poitiers.models import Population
from observatoire.imports import ssmsi
from observatoire.imports.base import Rapport
from observatoire.imports.ecriture import EcritureCopie, ecrire_populations, peut_suspendre_les_controles
from observatoire.models import Donnee, Indicateur, LotImport

from .test_import_ssmsi import RECENTE, ecrire, importer

pytestmark = pytest.mark.django_db

ENTETE = RECENTE.splitlines()[0] + "\n"
LIGNES = [
    '"86194";"2024";"Cambriolages de logement";"Infraction";"300";"NA";"diff";"89000";"2024";"34000";"2024";"NA";"NA"',  # noqa: E501
    '"86194";"2025";"Cambriolages de logement";"Infraction";"355";"NA";"diff";"89916";"2025";"34713";"2025";"NA";"NA"',  # noqa: E501
    '"86194";"2025";"Vols avec armes";"Infraction";"NA";"NA";"ndiff";"89916";"2025";"34713";"2025";"NA";"NA"',  # noqa: E501
    '"86041";"2024";"Vols avec armes";"Infraction";"4";"NA";"diff";"10289";"2024";"NA";"2024";"NA";"NA"',  # noqa: E501
    '"86041";"2025";"Vols avec armes";"Infraction";"NA";"NA";"ndiff";"10300";"2025";"NA";"2025";"NA";"NA"',  # noqa: E501
    '"QP086005";"2025";"Vols avec armes";"Infraction";"7";"NA";"diff";"5000";"2025";"NA";"2025";"NA";"NA"',  # noqa: E501
]


def fichier(tmp_path, lignes, nom):
    return ecrire(tmp_path, ENTETE + "\n".join(lignes) + "\n", nom)


def chiffres():
    return sorted(
        Donnee.objects.values_list("territoire__code", "indicateur__code", "annee", "nombre", "secret")
    )


def dernier_lot():
    lot = LotImport.objects.order_by("pk").last()
    return lot.creees, lot.modifiees, lot.inchangees


def test_chunks_mixing_new_and_stored_territories_create_update_or_keep_each_figure(
    tmp_path, perimetre, monkeypatch
):
    # Two rows per chunk: Poitiers straddles the first two chunks, and Buxerolles the next two.
    monkeypatch.setattr(ssmsi, "TAILLE_PAQUET", 2)
    importer(fichier(tmp_path, LIGNES[:2], "debut.csv"))
    assert dernier_lot() == (2, 0, 0)

    tout = [*LIGNES]
    tout[1] = tout[1].replace('"355"', '"356"')  # a correction of a stored figure
    importer(fichier(tmp_path, tout, "tout.csv"))
    assert dernier_lot() == (4, 1, 1)
    assert chiffres() == [
        ("86041", "vols-avec-armes", 2024, 4, False),
        ("86041", "vols-avec-armes", 2025, None, True),  # masked: no count, never a zero
        ("86194", "cambriolages-logement", 2024, 300, False),
        ("86194", "cambriolages-logement", 2025, 356, False),
        ("86194", "vols-avec-armes", 2025, None, True),
        ("QP086005", "vols-avec-armes", 2025, 7, False),
    ]
    lot = LotImport.objects.order_by("pk").last()
    assert set(Donnee.objects.filter(annee=2025, territoire__code="86194").values_list("lot", flat=True)) == {
        lot.pk  # the corrected figure, and the new one, are traced to the new batch
    }

    importer(fichier(tmp_path, tout, "encore.csv"))
    assert dernier_lot() == (0, 0, 6)


@contextmanager
def figures_inserees():
    """How many rows the block inserted into observatoire_donnee, rolled back or not. PostgreSQL
    counts them for the transaction (the bulk writer's COPY runs on the raw connection, unseen by
    Django); on SQLite every write is one of Django's queries."""
    compte = {}
    if connection.vendor == "postgresql":

        def lire():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_xact_user_tables "
                    "WHERE relname = 'observatoire_donnee'"
                )
                return cursor.fetchone()[0]

        avant = lire()
        yield compte
        compte["lignes"] = lire() - avant
    else:
        with CaptureQueriesContext(connection) as requetes:
            yield compte
        compte["lignes"] = sum('INSERT INTO "observatoire_donnee"' in q["sql"] for q in requetes)


def test_the_check_counts_what_the_writing_does_and_writes_no_figure(tmp_path, perimetre, monkeypatch):
    """A file's check compares each figure with the stored one and counts it as the writing
    will, per indicator and year: a new figure, a changed count, a changed rate alone, a figure
    left as it is; and it puts no figure in the table, even one rolled back afterwards."""
    monkeypatch.setattr(ssmsi, "TAILLE_PAQUET", 2)
    with figures_inserees() as premiere:  # nothing stored: on PostgreSQL, the direct COPY's case
        importer(fichier(tmp_path, LIGNES[:2], "debut.csv"), "--apercu")
    assert dernier_lot() == (2, 0, 0) and premiere["lignes"] == 0
    assert not Donnee.objects.exists()
    importer(fichier(tmp_path, LIGNES[:2], "debut.csv"))
    tout = [*LIGNES]
    tout[0] = tout[0].replace('"300";"NA"', '"300";"3,3707865"')  # the published rate alone
    tout[1] = tout[1].replace('"355"', '"356"')
    avant = sorted(Donnee.objects.values_list("pk", "nombre", "secret", "taux_publie", "lot_id"))

    with figures_inserees() as verification:
        importer(fichier(tmp_path, tout, "tout.csv"), "--apercu")
    apercu = LotImport.objects.order_by("pk").last()
    assert apercu.statut == LotImport.Statut.APERCU
    assert (apercu.creees, apercu.modifiees, apercu.inchangees) == (4, 2, 0)
    assert verification["lignes"] == 0
    assert sorted(Donnee.objects.values_list("pk", "nombre", "secret", "taux_publie", "lot_id")) == avant

    with figures_inserees() as ecriture:
        importer(fichier(tmp_path, tout, "tout.csv"))
    applique = LotImport.objects.order_by("pk").last()
    assert ecriture["lignes"] > 0  # the measure sees a writing
    assert (applique.creees, applique.modifiees, applique.inchangees) == (4, 2, 0)
    assert applique.rapport["par_indicateur"] == apercu.rapport["par_indicateur"]
    assert apercu.rapport["remplacements"] == applique.rapport["remplacements"]
    assert len(applique.rapport["remplacements"]) == 1  # the count: 355 → 356


def test_populations_are_created_updated_and_dwellings_never_erased(tmp_path, perimetre):
    importer(fichier(tmp_path, LIGNES, "base.csv"))
    assert Population.objects.get(territoire=perimetre["c1"], annee=2025).logements == 34713
    assert Population.objects.get(territoire=perimetre["c2"], annee=2024).logements is None
    # The next file changes Poitiers' inhabitants and gives no dwellings: they stay.
    corrige = [ligne.replace('"89916";"2025";"34713"', '"90000";"2025";"NA"') for ligne in LIGNES]
    importer(fichier(tmp_path, corrige, "corrige.csv"))
    assert LotImport.objects.order_by("pk").last().rapport["populations"] == 1
    poitiers = Population.objects.get(territoire=perimetre["c1"], annee=2025)
    assert (poitiers.habitants, poitiers.logements, poitiers.illustratif) == (90000, 34713, False)
    assert "corrige.csv" in poitiers.source


def test_a_batch_with_figures_cannot_be_deleted(tmp_path, perimetre):
    from django.db.models import ProtectedError

    importer(fichier(tmp_path, LIGNES, "base.csv"))
    lot = LotImport.objects.get()
    with pytest.raises(ProtectedError):
        lot.delete()
    assert Donnee.objects.filter(lot=lot).count() == 6


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="le contrôle ensembliste des clés étrangères est propre au chemin COPY de PostgreSQL",
)
def test_the_set_based_foreign_key_check_refuses_a_missing_territory(perimetre, source):
    """With the per-row checks suspended, the set-based one still refuses a figure or a population
    whose territory does not exist, and nothing is written."""
    with connection.cursor() as cursor:
        assert peut_suspendre_les_controles(cursor)  # CI's role: the set-based path is the one tested
    absent = 10**9
    lot = LotImport.objects.create(type=LotImport.Type.FIGURES, fichier_nom="x.csv", source=source)
    indicateur = Indicateur.objects.get(code="total-faits-constates").pk
    with pytest.raises(IntegrityError, match="cls_poitiers_territoire : 1 référence"), transaction.atomic():
        ecriture = EcritureCopie(lot=lot, source=source, rapport=Rapport())
        ecriture.ecrire_tableau(
            territoires=np.array([perimetre["c1"].pk, absent]),
            indicateurs=np.array([indicateur, indicateur]),
            annees=np.array([2024, 2024]),
            mois=np.array([0, 0]),
            nombres=np.array([5, 6]),
            secrets=np.array([False, False]),
        )
        ecriture.terminer()
    populations = pd.DataFrame(
        {"t": [perimetre["c1"].pk, absent], "a": [2024, 2024], "pop": [1, 2], "log": [None, None]}
    )
    with pytest.raises(IntegrityError, match="cls_poitiers_territoire : 1 référence"), transaction.atomic():
        ecrire_populations(populations, "essai")
    assert not Donnee.objects.exists()
    assert not Population.objects.filter(annee=2024).exists()
