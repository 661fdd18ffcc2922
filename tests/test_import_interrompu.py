"""An import killed halfway leaves the database as it was.

On PostgreSQL the import runs in another process that is killed (SIGKILL) while it writes: the
database's own transaction throws everything away. On every engine, an interruption raised in the
middle of the writing (the operator's Ctrl-C) does the same."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cls_poitiers.models import Population, Territoire

ROOT = Path(__file__).resolve().parents[1]
ENTETE = (
    "CODGEO_2026;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux"
)
INDICATEURS = [
    ("Violences physiques intrafamiliales", "Victime"),
    ("Violences sexuelles", "Victime"),
    ("Vols avec armes", "Infraction"),
    ("Destructions et dégradations volontaires", "Infraction"),
    ("Trafic de stupéfiants", "Mis en cause"),
]


def _fichier(chemin: Path, communes: int) -> Path:
    """A national file of `communes` communes, which are made territories (imports never invent one)."""
    codes = [f"{1000 + i:05d}" for i in range(communes)]
    connus = set(Territoire.objects.filter(niveau="commune").values_list("code", flat=True))
    Territoire.objects.bulk_create(
        [Territoire(code=c, nom=f"Commune test {c}", niveau="commune") for c in codes if c not in connus]
    )
    with chemin.open("w", encoding="utf-8-sig") as f:
        f.write(ENTETE + "\n")
        for i, code in enumerate(codes):
            for libelle, unite in INDICATEURS:
                nombre = 10 + i % 7
                taux = f"{nombre / 2000 * 1000:.4f}".replace(".", ",")
                f.write(
                    f'"{code}";"2024";"{libelle}";"{unite}";"{nombre}";"{taux}";"diff";"2000";"2021";"900";"2021";"NA";"NA"\n'
                )
    return chemin


def _etat():
    from observatoire.models import Donnee

    return (Donnee.objects.count(), Territoire.objects.count(), Population.objects.count())


@pytest.mark.django_db
def test_interruption_in_the_middle_of_writing_changes_nothing(tmp_path, monkeypatch, donnees_de_reference):
    from observatoire.imports import ecriture, ssmsi

    fichier = _fichier(tmp_path / "national.csv", communes=200)
    avant = _etat()
    appels = {"n": 0}

    def interrompre_au_second_paquet(ecrire_tableau):
        def ecrire_puis_interrompre(self, **colonnes):
            appels["n"] += 1
            ecrire_tableau(self, **colonnes)
            if appels["n"] == 2:
                raise KeyboardInterrupt

        return ecrire_puis_interrompre

    # Both writers (COPY on PostgreSQL, bulk elsewhere): the second chunk is written, then Ctrl-C.
    for classe in (ecriture.EcritureTableaux, ecriture.EcritureCopie):
        monkeypatch.setattr(classe, "ecrire_tableau", interrompre_au_second_paquet(classe.ecrire_tableau))
    monkeypatch.setattr(ssmsi, "TAILLE_PAQUET", 100)
    with pytest.raises(KeyboardInterrupt):
        call_command("importer_ssmsi", str(fichier), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert appels["n"] == 2, "l'import devait écrire deux paquets avant l'interruption"
    assert _etat() == avant


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="un second processus sur la même base : PostgreSQL"
)
def test_import_process_killed_halfway_leaves_the_database_as_it_was(tmp_path, donnees_de_reference):
    from observatoire.models import LotImport

    fichier = _fichier(tmp_path / "national.csv", communes=30_000)
    avant = _etat()
    reglages = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{reglages['USER'] or 'postgres'}@{reglages['HOST'] or '127.0.0.1'}:"
            f"{reglages['PORT'] or 5432}/{reglages['NAME']}"
        ),
    }
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "importer_ssmsi", str(fichier)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Wait until it is writing: its batch exists and the process is still alive.
        limite = time.monotonic() + 60
        while not LotImport.objects.exists() and time.monotonic() < limite and processus.poll() is None:
            time.sleep(0.05)
        time.sleep(1.0)
        assert processus.poll() is None, "l'import s'est terminé avant d'être interrompu : fichier trop petit"
        processus.send_signal(signal.SIGKILL)
        processus.wait(timeout=30)
    finally:
        if processus.poll() is None:
            processus.kill()
    assert _etat() == avant
    assert not LotImport.objects.filter(statut=LotImport.Statut.APPLIQUE).exists()
