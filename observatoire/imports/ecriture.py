"""Writing figures in bulk: compare each batch with what is stored, create what is new, update
what changed (and only that, so that re-importing a file changes nothing)."""

import io
import struct
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
from django.db import IntegrityError, connection

from ..models import Donnee

TAILLE_LOT = 5000


def peut_suspendre_les_controles(cursor) -> bool:
    """Whether the role may switch the per-row foreign-key triggers off (superuser)."""
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    return cursor.fetchone()[0]


@contextmanager
def controles_en_bloc(cursor, suspendre: bool, references: dict[str, list[int]]):
    """The statements run inside replace the per-row foreign-key checks (deferred to COMMIT, one
    per row and key) by a set-based one: each distinct referenced row exists, and is locked FOR
    KEY SHARE as the per-row check would lock it. `references`: table → distinct ids. Without the
    right to suspend them (`suspendre` False), the ordinary checks run. On error the transaction
    is rolled back, which undoes the SET LOCAL too."""
    if not suspendre:
        yield
        return
    for table, ids in references.items():
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE id = ANY(%s) FOR KEY SHARE) verrous", [ids]
        )
        trouves = cursor.fetchone()[0]
        if trouves != len(ids):
            raise IntegrityError(f"{table} : {len(ids) - trouves} référence(s) introuvable(s)")
    cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    cursor.execute("SET LOCAL session_replication_role = origin")


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


# One row of PostgreSQL's binary COPY format for observatoire_donnee's imported columns (and the
# staging table, which has the same columns): big-endian, packed. A masked figure's `nombre` is
# NULL: its length is -1 and its 4 value bytes are left out of the stream (see copie_binaire).
LIGNE_BINAIRE = np.dtype(
    [
        ("champs", ">i2"),
        ("l_territoire", ">i4"),
        ("territoire", ">i8"),
        ("l_indicateur", ">i4"),
        ("indicateur", ">i8"),
        ("l_source", ">i4"),
        ("source", ">i8"),
        ("l_annee", ">i4"),
        ("annee", ">i2"),
        ("l_mois", ">i4"),
        ("mois", ">i2"),
        ("l_nombre", ">i4"),
        ("nombre", ">i4"),
        ("l_secret", ">i4"),
        ("secret", "u1"),
        ("l_lot", ">i4"),
        ("lot", ">i8"),
    ]
)
COLONNES_COPIE = "territoire_id, indicateur_id, source_id, annee, mois, nombre, secret, lot_id"
ENTETE_BINAIRE = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
FIN_BINAIRE = struct.pack("!h", -1)
TABLE_TAMPON = "observatoire_import_donnees"
SEUIL_ANALYSE = 100_000


def copie_binaire(*, territoires, indicateurs, source, annees, mois, nombres, secrets, lot) -> bytes:
    """The rows in PostgreSQL's binary COPY format, built in one pass by numpy (no per-row Python).
    `nombres` is -1 for a masked figure, written as NULL (never a zero)."""
    n = len(territoires)
    lignes = np.empty(n, dtype=LIGNE_BINAIRE)
    lignes["champs"] = 8
    for nom, taille, valeurs in (
        ("territoire", 8, territoires),
        ("indicateur", 8, indicateurs),
        ("source", 8, source),
        ("annee", 2, annees),
        ("mois", 2, mois),
        ("nombre", 4, nombres),
        ("secret", 1, secrets),
        ("lot", 8, lot),
    ):
        lignes["l_" + nom] = taille
        lignes[nom] = valeurs
    nuls = np.asarray(nombres) < 0
    lignes["l_nombre"][nuls] = -1
    octets = lignes.view(np.uint8).reshape(n, LIGNE_BINAIRE.itemsize)
    if nuls.any():
        # Drop the value bytes of the NULL counts: a byte mask over the whole block.
        garder = np.ones((n, LIGNE_BINAIRE.itemsize), dtype=bool)
        debut = LIGNE_BINAIRE.fields["nombre"][1]
        garder[nuls, debut : debut + 4] = False
        corps = octets[garder].tobytes()
    else:
        corps = octets.tobytes()
    return ENTETE_BINAIRE + corps + FIN_BINAIRE


class EcritureCopie:
    """PostgreSQL bulk writer. Each chunk, sorted along the unique index (source, territory, …):

    - when the source has no figure yet for any of the chunk's territories (a first import, the
      national base into an empty source), nothing can conflict: the chunk is COPied (binary)
      straight into observatoire_donnee, PostgreSQL's fastest way in (the unique index still
      guards against anything written meanwhile);
    - otherwise it is COPied into a temporary staging table, then written by ONE set-based
      statement, INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE the figure changed (a re-import
      writes nothing).

    The work runs in a background thread on the same connection and transaction, while the next
    chunk is read: the two cores share parsing and writing. Everything stays in the caller's
    transaction.

    Foreign keys: when the role may (superuser), the per-row deferred foreign-key triggers are
    switched off for that one statement (session_replication_role = replica) and replaced by a
    set-based check that takes the same FOR KEY SHARE locks on the referenced rows, once per
    distinct row instead of once per figure. Otherwise the ordinary checks run."""

    def __init__(self, *, lot, source, rapport):
        if getattr(lot, "pk", None) is None:
            # Imported figures are traced to their batch (constraint donnee_tracee).
            raise ValueError("Un import en masse écrit les chiffres d'un lot enregistré.")
        self.lot, self.source, self.rapport = lot, source, rapport
        connection.ensure_connection()
        self.brute = connection.connection
        self.futur = None
        self.executeur = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cls-import")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE_TAMPON}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE_TAMPON} (territoire_id bigint, indicateur_id bigint, "
                "source_id bigint, annee smallint, mois smallint, nombre integer, secret boolean, "
                "lot_id bigint)"
            )
            self.replica = peut_suspendre_les_controles(cursor)
            references = (("observatoire_source", source.pk), ("observatoire_lotimport", lot.pk))
            for table, pk in references:
                cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR KEY SHARE", [pk])
                if cursor.fetchone() is None:
                    raise IntegrityError(f"{table} {pk} introuvable")

    def ecrire_tableau(self, **colonnes):
        if not len(colonnes["territoires"]):
            return
        # Sorted along the unique index (each chunk extends it in order) and turned into COPY's
        # format here, in the reading thread: the writing thread then mostly waits on the database
        # without holding Python's GIL, and the server's COPY does not wait for Python.
        ordre = np.lexsort(
            (colonnes["mois"], colonnes["annees"], colonnes["indicateurs"], colonnes["territoires"])
        )
        colonnes = {nom: np.asarray(valeurs)[ordre] for nom, valeurs in colonnes.items()}
        preparation = {
            "colonnes": colonnes,
            "binaire": self._binaire(colonnes),
            "territoires": np.unique(colonnes["territoires"]).tolist(),
            "indicateurs": np.unique(colonnes["indicateurs"]).tolist(),
        }
        self.attendre()
        self.futur = self.executeur.submit(self._ecrire, preparation)

    def _ecrire(self, preparation: dict) -> tuple[int, int, int]:
        colonnes = preparation["colonnes"]
        n = len(colonnes["territoires"])
        with self.brute.cursor() as cursor:
            # The chunk's territories that already have figures of this source (one index probe
            # each): only their rows may conflict.
            cursor.execute(
                "SELECT t FROM unnest(%s::bigint[]) t WHERE EXISTS (SELECT 1 FROM observatoire_donnee "
                "WHERE source_id = %s AND territoire_id = t)",
                [preparation["territoires"], self.source.pk],
            )
            presents = [t for (t,) in cursor.fetchall()]
            references = {
                "cls_poitiers_territoire": preparation["territoires"],
                "observatoire_indicateur": preparation["indicateurs"],
            }
            with controles_en_bloc(cursor, self.replica, references):
                if not presents:
                    # Nothing can conflict: the chunk as prepared, straight in.
                    self._copier(cursor, preparation["binaire"])
                    return n, 0, n
                deja = np.isin(colonnes["territoires"], presents)
                creees = 0
                if not deja.all():
                    self._copier(cursor, self._binaire({nom: v[~deja] for nom, v in colonnes.items()}))
                    creees = int((~deja).sum())
                fusion = {nom: valeurs[deja] for nom, valeurs in colonnes.items()}
                c, m = self._fusionner(cursor, self._binaire(fusion))
                return creees + c, m, n

    @staticmethod
    def _copier(cursor, donnees: bytes):
        cursor.copy_expert(
            f"COPY observatoire_donnee ({COLONNES_COPIE}) FROM STDIN WITH (FORMAT binary)",
            io.BytesIO(donnees),
        )

    def _binaire(self, colonnes: dict) -> bytes:
        return copie_binaire(
            territoires=colonnes["territoires"],
            indicateurs=colonnes["indicateurs"],
            source=self.source.pk,
            annees=colonnes["annees"],
            mois=colonnes["mois"],
            nombres=colonnes["nombres"],
            secrets=colonnes["secrets"],
            lot=self.lot.pk,
        )

    def _fusionner(self, cursor, donnees: bytes) -> tuple[int, int]:
        cursor.execute(f"TRUNCATE {TABLE_TAMPON}")
        cursor.copy_expert(f"COPY {TABLE_TAMPON} FROM STDIN WITH (FORMAT binary)", io.BytesIO(donnees))
        cursor.execute(
            f"""WITH ecrites AS (
                INSERT INTO observatoire_donnee AS d ({COLONNES_COPIE}, declaration_id)
                SELECT {COLONNES_COPIE}, NULL FROM {TABLE_TAMPON}
                ON CONFLICT (source_id, territoire_id, indicateur_id, annee, mois) DO UPDATE
                SET nombre = EXCLUDED.nombre, secret = EXCLUDED.secret, lot_id = EXCLUDED.lot_id,
                    declaration_id = EXCLUDED.declaration_id
                WHERE d.nombre IS DISTINCT FROM EXCLUDED.nombre OR d.secret <> EXCLUDED.secret
                RETURNING (xmax = 0) AS creee
            )
            SELECT count(*) FILTER (WHERE creee), count(*) FILTER (WHERE NOT creee) FROM ecrites"""
        )
        return cursor.fetchone()

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
                cursor.execute("ANALYZE observatoire_donnee")

    def abandonner(self):
        """Stop after the chunk being written; its error, if any, is dropped (the caller's own
        error is the one to report, and the transaction is rolled back)."""
        try:
            if self.futur is not None:
                self.futur.exception()
        finally:
            self.futur = None
            self.executeur.shutdown(wait=True)


def texte_populations(tableau) -> io.StringIO:
    """The populations (columns t, a, pop, log) in COPY's text format, built apart from the
    writing so that it can run while the last figures are being written."""
    texte = io.StringIO()
    tableau[["t", "a", "pop", "log"]].astype({"pop": "int64", "log": "Int64"}).to_csv(
        texte, sep="\t", header=False, index=False, na_rep="\\N"
    )
    texte.seek(0)
    return texte


def ecrire_populations(tableau, source: str, texte: io.StringIO | None = None) -> int:
    """PostgreSQL: a file's populations (columns t, a, pop, log; log NaN when the file gives no
    dwellings) written in one COPY and one set-based statement, with the rules of the bulk path:
    a new territory × year is created, an existing one is updated only when its inhabitants, or
    its dwellings when the file gives them, changed (dwellings are never erased). Returns how many
    were created or updated."""
    texte = texte if texte is not None else texte_populations(tableau)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS observatoire_import_populations")
        cursor.execute(
            "CREATE TEMPORARY TABLE observatoire_import_populations "
            "(territoire_id bigint, annee smallint, habitants integer, logements integer)"
        )
        cursor.copy_expert("COPY observatoire_import_populations FROM STDIN", texte)
        territoires = {"cls_poitiers_territoire": np.unique(tableau["t"].to_numpy()).tolist()}
        # As for the figures: one set-based foreign-key check instead of one per population.
        with controles_en_bloc(cursor, peut_suspendre_les_controles(cursor), territoires):
            # New territories × years by a plain INSERT (an anti-join on the unique index), changed
            # ones by an UPDATE: cheaper than a speculative ON CONFLICT insertion of every row.
            cursor.execute("ANALYZE observatoire_import_populations")
            cursor.execute(
                """UPDATE cls_poitiers_population p
                SET habitants = t.habitants, logements = COALESCE(t.logements, p.logements), source = %s,
                    illustratif = false
                FROM observatoire_import_populations t
                WHERE p.territoire_id = t.territoire_id AND p.annee = t.annee
                  AND (p.habitants <> t.habitants
                       OR (t.logements IS NOT NULL AND p.logements IS DISTINCT FROM t.logements))""",
                [source],
            )
            modifiees = cursor.rowcount
            cursor.execute(
                """INSERT INTO cls_poitiers_population
                    (territoire_id, annee, habitants, logements, source, illustratif)
                SELECT territoire_id, annee, habitants, logements, %s, false
                FROM observatoire_import_populations t
                WHERE NOT EXISTS (SELECT 1 FROM cls_poitiers_population p
                                  WHERE p.territoire_id = t.territoire_id AND p.annee = t.annee)
                ORDER BY territoire_id, annee""",
                [source],
            )
            ecrites = modifiees + cursor.rowcount
        cursor.execute("DROP TABLE observatoire_import_populations")
    return ecrites


def ecriture_en_masse(*, lot, source, rapport):
    """The fastest writer the database allows (COPY on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return EcritureCopie(lot=lot, source=source, rapport=rapport)
    return EcritureTableaux(lot=lot, source=source, rapport=rapport)
