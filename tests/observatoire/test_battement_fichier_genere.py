"""A generated (illustrative) national file is sent to the illustrative source; that choice must not
lock the batch's row for the whole import, else its beats (the progress shown on the page, the
lease) wait until the end: on the web, the check and the writing of such a file stayed at
"0 ligne lue, 0 %" until they ended."""

import threading

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from observatoire import generation, services
from observatoire.imports import ssmsi
from observatoire.models import LotImport

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="verrous de lignes : PostgreSQL"),
]


def _battre_depuis_un_autre_fil(lot_id: int) -> str:
    """What a beat does (an update of the batch's row, on its own connection), waiting 2 s at most."""
    resultat = {}

    def battre():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            LotImport.objects.filter(pk=lot_id).update(battement=timezone.now())
            resultat["etat"] = "écrit"
        except OperationalError as exc:
            resultat["etat"] = f"bloqué : {exc}"
        finally:
            connection.close()

    fil = threading.Thread(target=battre)
    fil.start()
    fil.join()
    return resultat["etat"]


@pytest.mark.parametrize("appliquer", [False, True], ids=["aperçu", "écriture"])
def test_a_generated_file_lets_the_run_beat_while_it_is_imported(
    tmp_path, monkeypatch, donnees_de_reference, appliquer
):
    chemin = tmp_path / "genere.csv"
    lignes = generation.ecrire_fichier(chemin, nombre_lignes=300)
    services.preparer_territoires_generes(generation.communes(2))
    lot = services.creer_lot(type_lot=LotImport.Type.SSMSI, chemin=chemin, nom=chemin.name)
    battements = []
    traiter = ssmsi._traiter_paquet

    def traiter_puis_battre(*args, **kwargs):
        traiter(*args, **kwargs)
        battements.append(_battre_depuis_un_autre_fil(lot.pk))

    monkeypatch.setattr(ssmsi, "_traiter_paquet", traiter_puis_battre)
    rapport = services.executer_lot(lot=lot, chemin=chemin, appliquer=appliquer)

    assert not rapport.a_des_erreurs
    assert battements and set(battements) == {"écrit"}
    lot.refresh_from_db()
    if appliquer:
        # Still recorded, with the applied batch: its figures went to the illustrative source.
        assert lot.statut == LotImport.Statut.APPLIQUE and lot.creees == lignes
        assert lot.source.code == services.SOURCE_GENEREE[0] and lot.source.illustratif
    else:
        assert lot.statut == LotImport.Statut.APERCU and lot.source is None
