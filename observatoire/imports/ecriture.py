"""Writing figures in bulk: compare each batch with what is stored, create what is new, update
what changed (and only that, so that re-importing a file changes nothing)."""

import io
import struct
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal

import numpy as np
from django.db import IntegrityError, connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cls_poitiers import formats
from cls_poitiers.tableurs import Probleme

from ..models import Donnee

TAILLE_LOT = 5000
# Decimal places of a published rate as stored (Donnee.taux_publie), and how many significant
# digits of the file's value are kept: the SSMSI writes at most 15 ("1,60525054521188e-02").
DECIMALES_TAUX = 16
CHIFFRES_TAUX = 15
TAUX_MAX = 10**8
# At most this many replaced figures or populations are listed in a report (all are counted).
REMPLACEMENTS_MAX = 200


def taux_fixes(taux: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Published rates (floats, NaN for none, 0 ≤ rate < TAUX_MAX) as two exact integers each: the
    whole part and the first DECIMALES_TAUX decimals, from the value rounded to CHIFFRES_TAUX
    significant digits (what the file wrote, without the float's binary noise). Vectorised: the
    national base has one rate per row."""
    valeurs = np.nan_to_num(np.asarray(taux, dtype=float), nan=0.0)
    with np.errstate(divide="ignore"):
        ordre = np.where(valeurs > 0, np.floor(np.log10(np.where(valeurs > 0, valeurs, 1))), 0)
    k = (CHIFFRES_TAUX - 1 - ordre).astype(np.int64)  # decimals of the mantissa
    k = np.minimum(k, 30)
    mantisse = np.round(valeurs * np.power(10.0, k)).astype(np.int64)
    diviseur = np.power(10, np.minimum(k, 18)).astype(np.int64)
    # k > 18 only for rates below 1e-4 ‰, whose digits beyond the 16th decimal are dropped.
    entier = np.where(k <= 18, mantisse // diviseur, 0)
    reste = np.where(k <= 18, mantisse % diviseur, mantisse)
    decalage = k - DECIMALES_TAUX
    fraction = np.where(
        decalage <= 0,
        reste * np.power(10, np.maximum(-decalage, 0)).astype(np.int64),
        reste // np.power(10, np.clip(decalage, 0, 18)).astype(np.int64),
    )
    return entier, fraction


def taux_decimaux(taux: np.ndarray) -> list[Decimal | None]:
    """The published rates as Decimals (None where the file gives none), as `taux_fixes` keeps them."""
    entier, fraction = taux_fixes(taux)
    return [
        None if np.isnan(v) else Decimal(int(e)) + Decimal(int(f)).scaleb(-DECIMALES_TAUX)
        for v, e, f in zip(np.asarray(taux, dtype=float), entier, fraction, strict=True)
    ]


DECIMALES_LOGEMENTS = Decimal("1e-10")


def logements_decimaux(valeur: float) -> Decimal:
    """Dwellings as published, fractions included (the départemental base's 308 491,16…)."""
    return Decimal(repr(float(valeur))).quantize(DECIMALES_LOGEMENTS)


def _decimal_fr(valeur) -> str:
    if valeur is None:
        return "—"
    entier, _point, decimales = f"{Decimal(valeur).normalize():f}".partition(".")
    texte = f"{int(entier):_}".replace("_", "\u00a0")
    return f"{texte},{decimales}" if decimales else texte


def texte_population(*, territoire, annee, avant, apres, source) -> str:
    """« Population de <commune> en 2021 : 89 916 → 89 368 habitants, logements — → 41 000 (source …) »."""
    return _(
        "Population de %(t)s en %(a)s : %(h1)s → %(h2)s habitants, %(l1)s → %(l2)s logements "
        "(remplace : %(s)s)"
    ) % {
        "t": territoire,
        "a": annee,
        "h1": _decimal_fr(avant[0]),
        "h2": _decimal_fr(apres[0]),
        "l1": _decimal_fr(avant[1]),
        "l2": _decimal_fr(apres[1]),
        "s": source,
    }


def compter_paires(indicateurs, annees) -> dict[tuple[int, int], int]:
    """How many rows each (indicator id, year) pair has, from the column arrays: one bincount over
    a dense code (indicator offset × years spanned + year offset), no per-row Python."""
    if not len(indicateurs):
        return {}
    indicateurs = np.asarray(indicateurs, dtype=np.int64)
    annees = np.asarray(annees, dtype=np.int64)
    i0, a0 = int(indicateurs.min()), int(annees.min())
    largeur = int(annees.max()) - a0 + 1
    codes = (indicateurs - i0) * largeur + (annees - a0)
    if int(codes.max()) < 1_000_000:
        comptes = np.bincount(codes)
        presents = np.flatnonzero(comptes)
        comptes = comptes[presents]
    else:  # widely spread ids: sort instead of a huge bincount
        presents, comptes = np.unique(codes, return_counts=True)
    return {
        (i0 + int(code) // largeur, a0 + int(code) % largeur): int(n)
        for code, n in zip(presents.tolist(), comptes.tolist(), strict=True)
    }


def noter_remplacement(rapport, texte: str) -> None:
    """A stored figure or population that the file replaces, said in the report (the preview)."""
    if len(rapport.remplacements) < REMPLACEMENTS_MAX:
        rapport.remplacements.append(texte)
    else:
        rapport.remplacements_en_plus += 1


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
    """Figures written by comparing each batch with what the source holds. With `avec_taux`, each
    line carries a seventh value, the rate the source published (a Decimal or None), compared and
    written like the count; without it, stored rates are left as they are. With `apercu` (a
    file's check), each line is compared and counted, and nothing is written: that is only right
    for a file that never repeats a key (the national base refuses its repeated rows), since a
    line is not compared with the earlier ones of the same file."""

    def __init__(self, *, lot, source, rapport, declaration=None, avec_taux=False, apercu=False):
        self.lot = lot
        self.source = source
        self.rapport = rapport
        self.declaration = declaration
        self.avec_taux = avec_taux
        self.apercu = apercu
        self.tampon: list[tuple] = []

    def ecrire(self, lignes):
        """lignes: (territoire_id, indicateur_id, annee, mois, nombre or None, secret[, taux])."""
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
            )
            .select_related("territoire", "indicateur", "lot")
            .only(
                "pk",
                "territoire_id",
                "indicateur_id",
                "annee",
                "mois",
                "nombre",
                "secret",
                "taux_publie",
                "territoire__nom",
                "indicateur__libelle",
                "lot__fichier_nom",
                "lot__edition",
            )
        }
        creer, modifier = [], []
        # Created, changed, unchanged per indicator × year: this writer already looks at each
        # line in Python, the count is one more step of the same loop.
        paires: dict[tuple[int, int], list[int]] = {}
        for territoire_id, indicateur_id, annee, mois, nombre, secret, *reste in lignes:
            taux = reste[0] if self.avec_taux and reste else None
            existante = existantes.get((territoire_id, indicateur_id, annee, mois))
            comptes = paires.get((indicateur_id, annee))
            if comptes is None:
                comptes = paires[(indicateur_id, annee)] = [0, 0, 0]
            if existante is None:
                comptes[0] += 1
                creer.append(
                    Donnee(
                        territoire_id=territoire_id,
                        indicateur_id=indicateur_id,
                        source=self.source,
                        annee=annee,
                        mois=mois,
                        nombre=nombre,
                        secret=secret,
                        taux_publie=taux,
                        lot=self.lot,
                        declaration=self.declaration,
                    )
                )
            elif (
                existante.nombre != nombre
                or existante.secret != secret
                or (self.avec_taux and existante.taux_publie != taux)
            ):
                if existante.nombre != nombre or existante.secret != secret:
                    noter_remplacement(self.rapport, texte_remplacement(existante, nombre))
                existante.nombre, existante.secret = nombre, secret
                if self.avec_taux:
                    existante.taux_publie = taux
                existante.lot, existante.declaration = self.lot, self.declaration
                modifier.append(existante)
                comptes[1] += 1
            else:
                self.rapport.inchangees += 1
                comptes[2] += 1
        if not self.apercu:
            Donnee.objects.bulk_create(creer, batch_size=TAILLE_LOT)
            champs = ["nombre", "secret", "lot", "declaration"] + (["taux_publie"] if self.avec_taux else [])
            Donnee.objects.bulk_update(modifier, champs, batch_size=TAILLE_LOT)
        self.rapport.creees += len(creer)
        self.rapport.modifiees += len(modifier)
        for (indicateur_id, annee), (creees, modifiees, inchangees) in paires.items():
            self.rapport.compter_paire(indicateur_id, annee, creees, modifiees, inchangees)


def _valeur(nombre) -> str:
    return _("secret statistique") if nombre is None else f"{nombre:_}".replace("_", "\u00a0")


def formuler_remplacement(*, territoire, indicateur, annee, mois, avant, apres, fichier, edition) -> str:
    """« <commune>, Vols sans violence…, 2016 : 1 261 → 792 (chiffre du fichier x.csv, édition …) »."""
    periode = f"{mois:02d}/{annee}" if mois else str(annee)
    origine = ""
    if fichier:
        origine = _(" (chiffre du fichier %(f)s, %(e)s)") % {
            "f": fichier,
            "e": edition or _("édition non reconnue"),
        }
    return _("%(t)s, %(i)s, %(p)s : %(avant)s → %(apres)s%(o)s") % {
        "t": territoire,
        "i": indicateur,
        "p": periode,
        "avant": _valeur(avant),
        "apres": _valeur(apres),
        "o": origine,
    }


def texte_remplacement(existante: Donnee, nombre) -> str:
    lot = existante.lot if existante.lot_id else None
    return formuler_remplacement(
        territoire=existante.territoire.nom,
        indicateur=existante.indicateur.libelle,
        annee=existante.annee,
        mois=existante.mois,
        avant=existante.nombre,
        apres=nombre,
        fichier=lot.fichier_nom if lot else "",
        edition=lot.edition if lot else "",
    )


class EcritureTableaux:
    """The bulk writer's interface for column arrays (numpy), on any database: the figures go
    through EcritureDonnees (compare, bulk_create, bulk_update). `nombres` is -1 for a masked
    figure. With `apercu`, compared and counted, never written."""

    def __init__(self, *, lot, source, rapport, apercu=False):
        self.ecriture = EcritureDonnees(
            lot=lot, source=source, rapport=rapport, avec_taux=True, apercu=apercu
        )

    def ecrire_tableau(self, *, territoires, indicateurs, annees, mois, nombres, secrets, taux=None):
        taux = taux_decimaux(np.full(len(territoires), np.nan) if taux is None else taux)
        self.ecriture.ecrire(
            (int(t), int(i), int(a), int(m), None if s else int(n), bool(s), None if s else r)
            for t, i, a, m, n, s, r in zip(
                territoires, indicateurs, annees, mois, nombres, secrets, taux, strict=True
            )
        )

    def attendre(self):
        """Nothing runs in the background here."""

    def terminer(self):
        self.ecriture.terminer()

    def abandonner(self):
        """Nothing to stop: the caller's transaction is rolled back."""


# One row of PostgreSQL's binary COPY format for observatoire_donnee's imported columns (and the
# staging table, which has the same columns): big-endian, packed. A masked figure's `nombre` is
# NULL: its length is -1 and its 4 value bytes are left out of the stream (see copie_binaire); so
# is a missing published rate. The rate is a NUMERIC of a fixed six base-10000 digits (two before
# the decimal point, four after: 16 decimals); the server strips the zero digits.
CHIFFRES_NUMERIC = 6
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
        ("l_taux", ">i4"),
        ("taux_ndigits", ">i2"),
        ("taux_weight", ">i2"),
        ("taux_sign", ">u2"),
        ("taux_dscale", ">u2"),
        ("taux_chiffres", ">i2", (CHIFFRES_NUMERIC,)),
    ]
)
TAILLE_TAUX = 8 + 2 * CHIFFRES_NUMERIC
COLONNES_COPIE = "territoire_id, indicateur_id, source_id, annee, mois, nombre, secret, lot_id, taux_publie"
ENTETE_BINAIRE = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
FIN_BINAIRE = struct.pack("!h", -1)
TABLE_TAMPON = "observatoire_import_donnees"
SEUIL_ANALYSE = 100_000


def copie_binaire(
    *, territoires, indicateurs, source, annees, mois, nombres, secrets, lot, taux=None
) -> bytes:
    """The rows in PostgreSQL's binary COPY format, built in one pass by numpy (no per-row Python).
    `nombres` is -1 for a masked figure, written as NULL (never a zero); `taux` (floats) is NaN
    where no rate was published, written as NULL."""
    n = len(territoires)
    lignes = np.empty(n, dtype=LIGNE_BINAIRE)
    lignes["champs"] = 9
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
    taux = np.full(n, np.nan) if taux is None else np.asarray(taux, dtype=float)
    entier, fraction = taux_fixes(taux)
    lignes["l_taux"] = TAILLE_TAUX
    lignes["taux_ndigits"] = CHIFFRES_NUMERIC
    lignes["taux_weight"] = 1
    lignes["taux_sign"] = 0
    lignes["taux_dscale"] = DECIMALES_TAUX
    chiffres = lignes["taux_chiffres"]
    chiffres[:, 0], chiffres[:, 1] = entier // 10_000, entier % 10_000
    for position in range(4):
        chiffres[:, 2 + position] = fraction // 10 ** (12 - 4 * position) % 10_000
    nuls = np.asarray(nombres) < 0
    sans_taux = np.isnan(taux)
    lignes["l_nombre"][nuls] = -1
    lignes["l_taux"][sans_taux] = -1
    octets = lignes.view(np.uint8).reshape(n, LIGNE_BINAIRE.itemsize)
    if nuls.any() or sans_taux.any():
        # Drop the value bytes of the NULL values: a byte mask over the whole block.
        garder = np.ones((n, LIGNE_BINAIRE.itemsize), dtype=bool)
        debut = LIGNE_BINAIRE.fields["nombre"][1]
        garder[nuls, debut : debut + 4] = False
        debut = LIGNE_BINAIRE.fields["taux_ndigits"][1]
        garder[sans_taux, debut : debut + TAILLE_TAUX] = False
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
    distinct row instead of once per figure. Otherwise the ordinary checks run.

    With `apercu` (a file's check), nothing goes into observatoire_donnee: a chunk whose
    territories have no figure of the source is counted as created, and the rows of the others are
    staged and compared by one SELECT that counts what the upsert would create or change."""

    def __init__(self, *, lot, source, rapport, apercu=False):
        if getattr(lot, "pk", None) is None:
            # Imported figures are traced to their batch (constraint donnee_tracee).
            raise ValueError("Un import en masse écrit les chiffres d'un lot enregistré.")
        self.lot, self.source, self.rapport, self.apercu = lot, source, rapport, apercu
        connection.ensure_connection()
        self.brute = connection.connection
        self.futur = None
        self.executeur = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cls-import")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE_TAMPON}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE_TAMPON} (territoire_id bigint, indicateur_id bigint, "
                "source_id bigint, annee smallint, mois smallint, nombre integer, secret boolean, "
                "lot_id bigint, taux_publie numeric(24, 16))"
            )
            self.replica = peut_suspendre_les_controles(cursor)
            references = (("observatoire_source", source.pk), ("observatoire_lotimport", lot.pk))
            for table, pk in references:
                cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR KEY SHARE", [pk])
                if cursor.fetchone() is None:
                    raise IntegrityError(f"{table} {pk} introuvable")

    def ecrire_tableau(self, *, taux=None, **colonnes):
        if not len(colonnes["territoires"]):
            return
        colonnes["taux"] = np.full(len(colonnes["territoires"]), np.nan) if taux is None else taux
        # Sorted along the unique index (each chunk extends it in order) and turned into COPY's
        # format here, in the reading thread: the writing thread then mostly waits on the database
        # without holding Python's GIL, and the server's COPY does not wait for Python.
        ordre = np.lexsort(
            (colonnes["mois"], colonnes["annees"], colonnes["indicateurs"], colonnes["territoires"])
        )
        colonnes = {nom: np.asarray(valeurs)[ordre] for nom, valeurs in colonnes.items()}
        preparation = {
            "colonnes": colonnes,
            # A check copies nothing straight in: only the rows it stages are encoded (_ecrire).
            "binaire": None if self.apercu else self._binaire(colonnes),
            "territoires": np.unique(colonnes["territoires"]).tolist(),
            "indicateurs": np.unique(colonnes["indicateurs"]).tolist(),
            "paires": compter_paires(colonnes["indicateurs"], colonnes["annees"]),
        }
        self.attendre()
        self.futur = self.executeur.submit(self._ecrire, preparation)

    def _ecrire(self, preparation: dict) -> tuple[int, int, int, list, int, dict]:
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
            # A check writes no figure, so no foreign key to check in bulk.
            with controles_en_bloc(cursor, self.replica and not self.apercu, references):
                if not presents:
                    # Nothing can conflict: the chunk as prepared, straight in.
                    if not self.apercu:
                        self._copier(cursor, preparation["binaire"])
                    paires = {paire: [k, 0, 0] for paire, k in preparation["paires"].items()}
                    return n, 0, n, [], 0, paires
                deja = np.isin(colonnes["territoires"], presents)
                fusion = {nom: valeurs[deja] for nom, valeurs in colonnes.items()}
                # Per indicator × year, the merged rows start unchanged; the upsert says which of
                # them it created or changed, the others were copied in (created).
                paires = {
                    paire: [0, 0, k]
                    for paire, k in compter_paires(fusion["indicateurs"], fusion["annees"]).items()
                }
                creees = 0
                if not deja.all():
                    if not self.apercu:
                        self._copier(cursor, self._binaire({nom: v[~deja] for nom, v in colonnes.items()}))
                    creees = int((~deja).sum())
                    for paire, k in preparation["paires"].items():
                        comptes = paires.setdefault(paire, [0, 0, 0])
                        comptes[0] += k - comptes[2]
                c, m, remplacees, total = self._fusionner(cursor, self._binaire(fusion), paires)
                return creees + c, m, n, remplacees, total, paires

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
            taux=colonnes.get("taux"),
        )

    def _fusionner(self, cursor, donnees: bytes, paires: dict) -> tuple[int, int, list, int]:
        """Upsert of the staged rows. `paires` ((indicator, year) → [created, changed, unchanged],
        every staged row counted unchanged) is corrected by what the statement wrote."""
        cursor.execute(f"TRUNCATE {TABLE_TAMPON}")
        cursor.copy_expert(f"COPY {TABLE_TAMPON} FROM STDIN WITH (FORMAT binary)", io.BytesIO(donnees))
        # What the chunk replaces, read before it is written (the report lists it).
        cursor.execute(
            f"""SELECT t.nom, i.libelle, s.annee, s.mois, d.nombre, s.nombre, l.fichier_nom, l.edition,
                       count(*) OVER ()
            FROM {TABLE_TAMPON} s
            JOIN observatoire_donnee d ON d.source_id = s.source_id AND d.territoire_id = s.territoire_id
                AND d.indicateur_id = s.indicateur_id AND d.annee = s.annee AND d.mois = s.mois
            JOIN cls_poitiers_territoire t ON t.id = s.territoire_id
            JOIN observatoire_indicateur i ON i.id = s.indicateur_id
            LEFT JOIN observatoire_lotimport l ON l.id = d.lot_id
            WHERE d.nombre IS DISTINCT FROM s.nombre OR d.secret <> s.secret
            ORDER BY s.territoire_id, s.indicateur_id, s.annee, s.mois
            LIMIT %s""",
            [REMPLACEMENTS_MAX],
        )
        remplacees = cursor.fetchall()
        cursor.execute(self._comparaison() if self.apercu else self._upsert())
        creees = modifiees = 0
        for indicateur_id, annee, c, m in cursor.fetchall():
            comptes = paires[(indicateur_id, annee)]
            comptes[0] += c
            comptes[1] += m
            comptes[2] -= c + m
            creees, modifiees = creees + c, modifiees + m
        total = remplacees[0][-1] if remplacees else 0
        return creees, modifiees, [r[:-1] for r in remplacees], total

    @staticmethod
    def _upsert() -> str:
        """Writes the staged rows that are new or changed; per indicator × year, how many it
        created and how many it changed."""
        return f"""WITH ecrites AS (
                INSERT INTO observatoire_donnee AS d ({COLONNES_COPIE}, declaration_id)
                SELECT {COLONNES_COPIE}, NULL FROM {TABLE_TAMPON}
                ON CONFLICT (source_id, territoire_id, indicateur_id, annee, mois) DO UPDATE
                SET nombre = EXCLUDED.nombre, secret = EXCLUDED.secret, lot_id = EXCLUDED.lot_id,
                    declaration_id = EXCLUDED.declaration_id, taux_publie = EXCLUDED.taux_publie
                WHERE d.nombre IS DISTINCT FROM EXCLUDED.nombre OR d.secret <> EXCLUDED.secret
                    OR d.taux_publie IS DISTINCT FROM EXCLUDED.taux_publie
                RETURNING indicateur_id, annee, (xmax = 0) AS creee
            )
            SELECT indicateur_id, annee, count(*) FILTER (WHERE creee), count(*) FILTER (WHERE NOT creee)
            FROM ecrites GROUP BY indicateur_id, annee"""

    @staticmethod
    def _comparaison() -> str:
        """What `_upsert` would create and change, counted the same way, writing nothing: a row
        with no stored one is created, a row whose count, secret or rate differs (the upsert's
        WHERE) is changed."""
        return f"""SELECT s.indicateur_id, s.annee, count(*) FILTER (WHERE d.id IS NULL),
                count(*) FILTER (WHERE d.id IS NOT NULL AND (d.nombre IS DISTINCT FROM s.nombre
                    OR d.secret <> s.secret OR d.taux_publie IS DISTINCT FROM s.taux_publie))
            FROM {TABLE_TAMPON} s
            LEFT JOIN observatoire_donnee d ON d.source_id = s.source_id AND d.territoire_id = s.territoire_id
                AND d.indicateur_id = s.indicateur_id AND d.annee = s.annee AND d.mois = s.mois
            GROUP BY s.indicateur_id, s.annee"""

    def attendre(self):
        """Wait for the chunk being written (and raise its error, if any)."""
        if self.futur is not None:
            futur, self.futur = self.futur, None
            creees, modifiees, n, remplacees, total, paires = futur.result()
            self.rapport.creees += creees
            self.rapport.modifiees += modifiees
            self.rapport.inchangees += n - creees - modifiees
            for (indicateur_id, annee), (c, m, u) in paires.items():
                self.rapport.compter_paire(indicateur_id, annee, c, m, u)
            for territoire, indicateur, annee, mois, avant, apres, fichier, edition in remplacees:
                noter_remplacement(
                    self.rapport,
                    formuler_remplacement(
                        territoire=territoire,
                        indicateur=indicateur,
                        annee=annee,
                        mois=mois,
                        avant=avant,
                        apres=None if apres is None or apres < 0 else apres,
                        fichier=fichier,
                        edition=edition,
                    ),
                )
            self.rapport.remplacements_en_plus += total - len(remplacees)

    def terminer(self):
        try:
            self.attendre()
        finally:
            self.executeur.shutdown(wait=True)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE_TAMPON}")
            if not self.apercu and self.rapport.creees + self.rapport.modifiees >= SEUIL_ANALYSE:
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
    writing so that it can run while the last figures are being written. Dwellings keep their
    fractions."""
    texte = io.StringIO()
    tableau[["t", "a", "pop", "log"]].astype({"pop": "Int64", "log": "float64"}).to_csv(
        texte, sep="\t", header=False, index=False, na_rep="\\N", float_format=lambda v: repr(float(v))
    )
    texte.seek(0)
    return texte


def noter_populations_gardees(rapport, gardees: int, exemple) -> None:
    """Say that a generated (illustrative) file's populations that differ from real ones were not
    written (`exemple`: territory, year, the file's inhabitants, the stored ones): the file's own
    rates were computed on its populations, not on the real ones the pages divide by. First among
    the warnings, so that a long list never hides it."""
    if rapport is None or not gardees:
        return
    nom, annee, fichier, enregistree = exemple
    message = ngettext(
        "%(n)s population du fichier (chiffres illustratifs) diffère d'une population réelle déjà "
        "enregistrée : la population réelle est gardée, et les taux que le fichier publie pour ce "
        "territoire et cette année ne sont pas calculés sur elle (par exemple %(t)s, %(a)s : "
        "%(f)s habitants dans le fichier, %(e)s enregistrés).",
        "%(n)s populations du fichier (chiffres illustratifs) diffèrent de populations réelles déjà "
        "enregistrées : les populations réelles sont gardées, et les taux que le fichier publie pour "
        "ces territoires et années ne sont pas calculés sur elles (par exemple %(t)s, %(a)s : "
        "%(f)s habitants dans le fichier, %(e)s enregistrés).",
        gardees,
    ) % {
        "n": formats.nombre(gardees),
        "t": nom,
        "a": annee,
        "f": formats.nombre(fichier),
        "e": formats.nombre(enregistree),
    }
    rapport.avertissements.insert(0, Probleme(None, "insee_pop", message))


def ecrire_populations(
    tableau, source: str, texte: io.StringIO | None = None, *, illustratif: bool = False, rapport=None
) -> int:
    """PostgreSQL: a file's populations (columns t, a, pop, log; NaN where the file gives none for
    that year) written in one COPY and one set-based statement, with the rules of the bulk path: a
    new territory × year is created, an existing one is updated only when the inhabitants or the
    dwellings the file gives changed (what the file does not give is never erased). Illustrative
    populations (`illustratif`) never replace a real one. What real populations are replaced is
    noted in `rapport`. Returns how many were created or updated."""
    texte = texte if texte is not None else texte_populations(tableau)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS observatoire_import_populations")
        cursor.execute(
            "CREATE TEMPORARY TABLE observatoire_import_populations "
            "(territoire_id bigint, annee smallint, habitants integer, logements numeric(20, 10))"
        )
        cursor.copy_expert("COPY observatoire_import_populations FROM STDIN", texte)
        territoires = {"cls_poitiers_territoire": np.unique(tableau["t"].to_numpy()).tolist()}
        changees = """FROM observatoire_import_populations t
                WHERE p.territoire_id = t.territoire_id AND p.annee = t.annee
                  AND ((t.habitants IS NOT NULL AND p.habitants IS DISTINCT FROM t.habitants)
                       OR (t.logements IS NOT NULL AND p.logements IS DISTINCT FROM t.logements))
                  AND (NOT %(illustratif)s OR p.illustratif)"""
        parametres = {"illustratif": illustratif, "source": source}
        # As for the figures: one set-based foreign-key check instead of one per population.
        with controles_en_bloc(cursor, peut_suspendre_les_controles(cursor), territoires):
            # New territories × years by a plain INSERT (an anti-join on the unique index), changed
            # ones by an UPDATE: cheaper than a speculative ON CONFLICT insertion of every row.
            cursor.execute("ANALYZE observatoire_import_populations")
            if rapport is not None:
                cursor.execute(
                    f"""SELECT terr.nom, p.annee, p.habitants, p.logements,
                        COALESCE(t.habitants, p.habitants), COALESCE(t.logements, p.logements), p.source,
                        count(*) OVER ()
                    FROM cls_poitiers_population p
                    JOIN cls_poitiers_territoire terr ON terr.id = p.territoire_id,
                    {changees.removeprefix("FROM ")} AND NOT p.illustratif
                    ORDER BY p.territoire_id, p.annee LIMIT %(limite)s""",
                    {**parametres, "limite": REMPLACEMENTS_MAX},
                )
                lignes = cursor.fetchall()
                for nom, annee, h1, l1, h2, l2, ancienne, _total in lignes:
                    noter_remplacement(
                        rapport,
                        texte_population(
                            territoire=nom, annee=annee, avant=(h1, l1), apres=(h2, l2), source=ancienne
                        ),
                    )
                if lignes:
                    rapport.remplacements_en_plus += lignes[0][-1] - len(lignes)
            if illustratif and rapport is not None:
                cursor.execute(
                    """SELECT terr.nom, t.annee, t.habitants, p.habitants, count(*) OVER ()
                    FROM observatoire_import_populations t
                    JOIN cls_poitiers_population p
                        ON p.territoire_id = t.territoire_id AND p.annee = t.annee
                    JOIN cls_poitiers_territoire terr ON terr.id = t.territoire_id
                    WHERE NOT p.illustratif AND t.habitants IS NOT NULL
                        AND p.habitants IS DISTINCT FROM t.habitants
                    ORDER BY t.territoire_id, t.annee LIMIT 1"""
                )
                gardee = cursor.fetchone()
                if gardee:
                    noter_populations_gardees(rapport, gardee[-1], gardee[:-1])
            cursor.execute(
                f"""UPDATE cls_poitiers_population p
                SET habitants = COALESCE(t.habitants, p.habitants),
                    logements = COALESCE(t.logements, p.logements), source = %(source)s,
                    illustratif = %(illustratif)s
                {changees}""",
                parametres,
            )
            modifiees = cursor.rowcount
            cursor.execute(
                """INSERT INTO cls_poitiers_population
                    (territoire_id, annee, habitants, logements, source, illustratif)
                SELECT territoire_id, annee, habitants, logements, %(source)s, %(illustratif)s
                FROM observatoire_import_populations t
                WHERE NOT EXISTS (SELECT 1 FROM cls_poitiers_population p
                                  WHERE p.territoire_id = t.territoire_id AND p.annee = t.annee)
                ORDER BY territoire_id, annee""",
                parametres,
            )
            ecrites = modifiees + cursor.rowcount
        cursor.execute("DROP TABLE observatoire_import_populations")
    return ecrites


def ecriture_en_masse(*, lot, source, rapport, apercu=False):
    """The fastest writer the database allows (COPY on PostgreSQL). With `apercu` (a file's check,
    for a file that never repeats a key), the figures are compared with the stored ones and
    counted, never written: the check costs the reading, not a writing rolled back."""
    if connection.vendor == "postgresql":
        return EcritureCopie(lot=lot, source=source, rapport=rapport, apercu=apercu)
    return EcritureTableaux(lot=lot, source=source, rapport=rapport, apercu=apercu)
