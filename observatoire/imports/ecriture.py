"""Writing figures in bulk: compare each batch with what is stored, create what is new, update
what changed (and only that, so that re-importing a file changes nothing)."""

import io
import struct
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from django.db import IntegrityError, connection

from ..models import Donnee

TAILLE_LOT = 5000


class EcritureDonnees:
    def __init__(self, *, lot, source, rapport, declaration=None):
        self.lot = lot
        self.source = source
        self.rapport = rapport
        self.declaration = declaration
        self.tampon: list[tuple] = []

    def ecrire(self, lignes):
        """lignes: (territoire_id, indicateur_id, annee, mois, nombre or None, secret)."""
        for ligne in lignes:
            self.tampon.append(ligne)
            if len(self.tampon) >= TAILLE_LOT:
                self._vider()

    def terminer(self):
        if self.tampon:
            self._vider()

    def _vider(self):
        lignes, self.tampon = self.tampon, []
        existantes = {
            (d.territoire_id, d.indicateur_id, d.annee, d.mois): d
            for d in Donnee.objects.filter(
                source=self.source,
                territoire_id__in={ligne[0] for ligne in lignes},
                indicateur_id__in={ligne[1] for ligne in lignes},
                annee__in={ligne[2] for ligne in lignes},
                mois__in={ligne[3] for ligne in lignes},
            ).only("pk", "territoire_id", "indicateur_id", "annee", "mois", "nombre", "secret")
        }
        creer, modifier = [], []
        for territoire_id, indicateur_id, annee, mois, nombre, secret in lignes:
            existante = existantes.get((territoire_id, indicateur_id, annee, mois))
            if existante is None:
                creer.append(
                    Donnee(
                        territoire_id=territoire_id,
                        indicateur_id=indicateur_id,
                        source=self.source,
                        annee=annee,
                        mois=mois,
                        nombre=nombre,
                        secret=secret,
                        lot=self.lot,
                        declaration=self.declaration,
                    )
                )
            elif existante.nombre != nombre or existante.secret != secret:
                existante.nombre, existante.secret = nombre, secret
                existante.lot, existante.declaration = self.lot, self.declaration
                modifier.append(existante)
            else:
                self.rapport.inchangees += 1
        Donnee.objects.bulk_create(creer, batch_size=TAILLE_LOT)
        Donnee.objects.bulk_update(
            modifier, ["nombre", "secret", "lot", "declaration"], batch_size=TAILLE_LOT
        )
        self.rapport.creees += len(creer)
        self.rapport.modifiees += len(modifier)


class EcritureTableaux:
    """The bulk writer's interface for column arrays (numpy), on any database: the figures go
    through EcritureDonnees (compare, bulk_create, bulk_update). `nombres` is -1 for a masked
    figure."""

    def __init__(self, *, lot, source, rapport):
        self.ecriture = EcritureDonnees(lot=lot, source=source, rapport=rapport)

    def ecrire_tableau(self, *, territoires, indicateurs, annees, mois, nombres, secrets):
        self.ecriture.ecrire(
            (int(t), int(i), int(a), int(m), None if s else int(n), bool(s))
            for t, i, a, m, n, s in zip(territoires, indicateurs, annees, mois, nombres, secrets, strict=True)
        )

    def attendre(self):
        """Nothing runs in the background here."""

    def terminer(self):
        self.ecriture.terminer()

    def abandonner(self):
        """Nothing to stop: the caller's transaction is rolled back."""


# One row of PostgreSQL's binary COPY format for the staging table below (big-endian, packed).
LIGNE_BINAIRE = np.dtype(
    [
        ("champs", ">i2"),
        ("l_territoire", ">i4"),
        ("territoire", ">i4"),
        ("l_indicateur", ">i4"),
        ("indicateur", ">i4"),
        ("l_annee", ">i4"),
        ("annee", ">i2"),
        ("l_mois", ">i4"),
        ("mois", ">i2"),
        ("l_nombre", ">i4"),
        ("nombre", ">i4"),
        ("l_secret", ">i4"),
        ("secret", "u1"),
    ]
)
ENTETE_BINAIRE = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
FIN_BINAIRE = struct.pack("!h", -1)
TABLE_TAMPON = "observatoire_import_donnees"
SEUIL_ANALYSE = 100_000


def copie_binaire(*, territoires, indicateurs, annees, mois, nombres, secrets) -> bytes:
    """The rows in PostgreSQL's binary COPY format, built in one pass by numpy (no per-row Python)."""
    lignes = np.empty(len(territoires), dtype=LIGNE_BINAIRE)
    lignes["champs"] = 6
    for nom, taille, valeurs in (
        ("territoire", 4, territoires),
        ("indicateur", 4, indicateurs),
        ("annee", 2, annees),
        ("mois", 2, mois),
        ("nombre", 4, nombres),
        ("secret", 1, secrets),
    ):
        lignes["l_" + nom] = taille
        lignes[nom] = valeurs
    return ENTETE_BINAIRE + lignes.tobytes() + FIN_BINAIRE


class EcritureCopie:
    """PostgreSQL bulk writer: each chunk is COPied (binary) into a temporary staging table, then
    written by ONE set-based statement, INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE the figure
    changed (a re-import writes nothing), sorted along the unique index. The work runs in a
    background thread on the same connection and transaction, while the next chunk is read: the
    two cores share parsing and writing. Everything stays in the caller's transaction.

    Foreign keys: when the role may (superuser), the per-row deferred foreign-key triggers are
    switched off for that one statement (session_replication_role = replica; the pre-aggregate's
    triggers are ENABLE ALWAYS and still run) and replaced by a set-based check that takes the same
    FOR KEY SHARE locks on the referenced rows, once per distinct row instead of once per figure.
    Otherwise the ordinary checks run."""

    def __init__(self, *, lot, source, rapport):
        self.lot, self.source, self.rapport = lot, source, rapport
        connection.ensure_connection()
        self.brute = connection.connection
        self.futur = None
        self.executeur = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cls-import")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE_TAMPON}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE_TAMPON} (territoire_id integer, indicateur_id integer, "
                "annee smallint, mois smallint, nombre integer, secret boolean)"
            )
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            self.replica = cursor.fetchone()[0]
            lot_id = getattr(lot, "pk", None)
            references = (("observatoire_source", source.pk), ("observatoire_lotimport", lot_id))
            for table, pk in references:
                if pk is not None:
                    cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR KEY SHARE", [pk])
                    if cursor.fetchone() is None:
                        raise IntegrityError(f"{table} {pk} introuvable")

    def ecrire_tableau(self, **colonnes):
        if not len(colonnes["territoires"]):
            return
        donnees = copie_binaire(**colonnes)
        self.attendre()
        self.futur = self.executeur.submit(self._ecrire, donnees, len(colonnes["territoires"]))

    def _ecrire(self, donnees: bytes, n: int) -> tuple[int, int, int]:
        with self.brute.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE_TAMPON}")
            cursor.copy_expert(f"COPY {TABLE_TAMPON} FROM STDIN WITH (FORMAT binary)", io.BytesIO(donnees))
            if self.replica:
                for table, colonne in (
                    ("cls_poitiers_territoire", "territoire_id"),
                    ("observatoire_indicateur", "indicateur_id"),
                ):
                    cursor.execute(
                        f"SELECT (SELECT count(DISTINCT {colonne}) FROM {TABLE_TAMPON}), "
                        f"(SELECT count(*) FROM (SELECT 1 FROM {table} WHERE id IN "
                        f"(SELECT {colonne} FROM {TABLE_TAMPON}) FOR KEY SHARE) verrous)"
                    )
                    attendus, trouves = cursor.fetchone()
                    if attendus != trouves:
                        raise IntegrityError(f"{colonne} : {attendus - trouves} référence(s) introuvable(s)")
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                f"""WITH ecrites AS (
                    INSERT INTO observatoire_donnee AS d
                        (territoire_id, indicateur_id, source_id, annee, mois, nombre, secret, lot_id,
                         declaration_id)
                    SELECT territoire_id, indicateur_id, %(source)s, annee, mois, NULLIF(nombre, -1), secret,
                           %(lot)s, NULL
                    FROM {TABLE_TAMPON} ORDER BY indicateur_id, annee, mois, territoire_id
                    ON CONFLICT (indicateur_id, source_id, annee, mois, territoire_id) DO UPDATE
                    SET nombre = EXCLUDED.nombre, secret = EXCLUDED.secret, lot_id = EXCLUDED.lot_id,
                        declaration_id = EXCLUDED.declaration_id
                    WHERE d.nombre IS DISTINCT FROM EXCLUDED.nombre OR d.secret <> EXCLUDED.secret
                    RETURNING (xmax = 0) AS creee
                )
                SELECT count(*) FILTER (WHERE creee), count(*) FILTER (WHERE NOT creee) FROM ecrites""",
                {"source": self.source.pk, "lot": getattr(self.lot, "pk", None)},
            )
            creees, modifiees = cursor.fetchone()
            if self.replica:
                cursor.execute("SET LOCAL session_replication_role = origin")
        return creees, modifiees, n

    def attendre(self):
        """Wait for the chunk being written (and raise its error, if any)."""
        if self.futur is not None:
            futur, self.futur = self.futur, None
            creees, modifiees, n = futur.result()
            self.rapport.creees += creees
            self.rapport.modifiees += modifiees
            self.rapport.inchangees += n - creees - modifiees

    def terminer(self):
        try:
            self.attendre()
        finally:
            self.executeur.shutdown(wait=True)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE_TAMPON}")
            if self.rapport.creees + self.rapport.modifiees >= SEUIL_ANALYSE:
                # Fresh statistics for the dashboards' plans right after a large load.
                cursor.execute("ANALYZE observatoire_donnee, observatoire_synthesedonnee")

    def abandonner(self):
        """Stop after the chunk being written; its error, if any, is dropped (the caller's own
        error is the one to report, and the transaction is rolled back)."""
        try:
            if self.futur is not None:
                self.futur.exception()
        finally:
            self.futur = None
            self.executeur.shutdown(wait=True)


def ecriture_en_masse(*, lot, source, rapport):
    """The fastest writer the database allows (COPY on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return EcritureCopie(lot=lot, source=source, rapport=rapport)
    return EcritureTableaux(lot=lot, source=source, rapport=rapport)
