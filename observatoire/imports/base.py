"""What every import shares: the report (problems with line and column, in French), reading files
as French partners send them (encodings, separators, decimal commas, thousands separators), and
the refusal of a bad file as a whole."""

import codecs
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

MAX_PROBLEMES = 200
TAILLE_BLOC = 1024 * 1024


class ImportRefuse(Exception):
    """The file is refused as a whole; the report says why."""


@dataclass
class Probleme:
    ligne: int | None
    colonne: str | None
    message: str

    def __str__(self):
        lieu = []
        if self.ligne is not None:
            lieu.append(_("ligne %(n)s") % {"n": self.ligne})
        if self.colonne:
            lieu.append(_("colonne « %(c)s »") % {"c": self.colonne})
        return (", ".join(lieu) + " : " if lieu else "") + self.message


@dataclass
class Rapport:
    """What an import found and did. Counts are of figures (or populations, contours)."""

    edition: str = ""
    lignes_lues: int = 0
    creees: int = 0
    modifiees: int = 0
    inchangees: int = 0
    rejetees: int = 0
    erreurs: list[Probleme] = field(default_factory=list)
    erreurs_en_plus: int = 0
    avertissements: list[Probleme] = field(default_factory=list)
    avertissements_en_plus: int = 0
    territoires_inconnus: dict[str, int] = field(default_factory=dict)
    territoires_crees: list[str] = field(default_factory=list)
    populations: int = 0
    lignes_fichier: int = 0
    apercu: list[dict] = field(default_factory=list)

    def erreur(self, ligne, colonne, message):
        if len(self.erreurs) < MAX_PROBLEMES:
            self.erreurs.append(Probleme(ligne, colonne, message))
        else:
            self.erreurs_en_plus += 1

    def avertissement(self, ligne, colonne, message):
        if len(self.avertissements) < MAX_PROBLEMES:
            self.avertissements.append(Probleme(ligne, colonne, message))
        else:
            self.avertissements_en_plus += 1

    def refuser(self, message, ligne=None, colonne=None):
        self.erreur(ligne, colonne, message)
        raise ImportRefuse(message)

    @property
    def a_des_erreurs(self) -> bool:
        return bool(self.erreurs) or bool(self.erreurs_en_plus)

    def en_dict(self) -> dict:
        return {
            "edition": self.edition,
            "erreurs": [vars(p) for p in self.erreurs],
            "erreurs_en_plus": self.erreurs_en_plus,
            "avertissements": [vars(p) for p in self.avertissements],
            "avertissements_en_plus": self.avertissements_en_plus,
            "territoires_inconnus": self.territoires_inconnus,
            "territoires_crees": self.territoires_crees,
            "populations": self.populations,
            "apercu": self.apercu,
        }

    def lignes_de_texte(self) -> list[str]:
        lignes = [str(p) for p in self.erreurs]
        if self.erreurs_en_plus:
            lignes.append(_("… et %(n)s autres erreurs.") % {"n": self.erreurs_en_plus})
        return lignes


def empreinte(chemin: Path) -> str:
    h = hashlib.sha256()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(TAILLE_BLOC), b""):
            h.update(bloc)
    return h.hexdigest()


def normaliser(texte: str) -> str:
    """'Unité.de.compte ' → 'unite_de_compte': lower case, no accents, '.', ' ' and '-' as '_'."""
    texte = unicodedata.normalize("NFKD", str(texte).strip().strip('"').lstrip("\ufeff"))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return re.sub(r"[.\s\-]+", "_", texte)


def normaliser_libelle(texte: str) -> str:
    """Labels compared without case, accents or doubled spaces."""
    texte = unicodedata.normalize("NFKD", str(texte).strip().replace("’", "'"))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", texte)


def detecter_encodage(chemin: Path, rapport: Rapport, *, windows_accepte: bool) -> str:
    """UTF-8 (with or without BOM); Windows-1252 when `windows_accepte`. Anything else is refused,
    with the line of the first byte that is not valid UTF-8."""
    with open(chemin, "rb") as f:
        debut = f.read(4096)
    if not debut.strip(b"\xef\xbb\xbf \r\n\t"):
        rapport.refuser(_("Le fichier est vide."))
    if debut.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in debut:
        rapport.refuser(
            _("Encodage non pris en charge (UTF-16 ?) : enregistrez le fichier en CSV UTF-8 ou Windows-1252.")
        )
    encodage = "utf-8-sig" if debut.startswith(codecs.BOM_UTF8) else "utf-8"
    decodeur = codecs.getincrementaldecoder("utf-8")()
    ligne = 1
    with open(chemin, "rb") as f:
        # Streamed block by block (a list of the blocks would hold the whole file in memory).
        for bloc in itertools.chain(iter(lambda: f.read(TAILLE_BLOC), b""), [None]):
            try:
                # The last call (None) flushes the decoder: a sequence cut at the end is invalid too.
                decodeur.decode(bloc or b"", final=bloc is None)
            except UnicodeDecodeError as exc:
                if windows_accepte:
                    return _verifier_windows(chemin, rapport)
                ligne += (bloc or b"")[: exc.start].count(b"\n")
                rapport.refuser(
                    _(
                        "Le fichier n'est pas en UTF-8 (octet invalide) : les bases nationales sont publiées "
                        "en UTF-8, ré-enregistrez le fichier dans cet encodage."
                    ),
                    ligne=ligne,
                )
            ligne += (bloc or b"").count(b"\n")
    rapport.lignes_fichier = ligne
    return encodage


def _verifier_windows(chemin: Path, rapport: Rapport) -> str:
    """Not UTF-8: it must then decode as Windows-1252 (five byte values have no character there)."""
    ligne = 1
    decodeur = codecs.getincrementaldecoder("cp1252")()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(TAILLE_BLOC), b""):
            try:
                decodeur.decode(bloc)
            except UnicodeDecodeError as exc:
                rapport.refuser(
                    _(
                        "Encodage non reconnu : le fichier n'est ni en UTF-8 ni en Windows-1252 "
                        "(octet 0x%(o)02X). Ré-enregistrez-le en CSV UTF-8."
                    )
                    % {"o": bloc[exc.start]},
                    ligne=ligne + bloc[: exc.start].count(b"\n"),
                )
            ligne += bloc.count(b"\n")
    return "cp1252"


def verifier_separateur(entete: str, rapport: Rapport) -> None:
    if ";" not in entete:
        autres = [s for s in (",", "\t", "|") if s in entete]
        trouve = (
            _(" (séparateur trouvé : « %(s)s »)") % {"s": autres[0].replace("\t", "tabulation")}
            if autres
            else ""
        )
        rapport.refuser(
            _("Séparateur attendu : le point-virgule (;)%(trouve)s.") % {"trouve": trouve}, ligne=1
        )


def premiere_ligne(chemin: Path, encodage: str) -> str:
    with open(chemin, encoding=encodage, errors="replace", newline="") as f:
        for ligne in f:
            if ligne.strip():
                return ligne.rstrip("\r\n")
    return ""


ESPACES = re.compile(r"[\s\u00a0\u202f']")


def serie_numerique(valeurs: pd.Series) -> pd.Series:
    """French numbers to floats: '1 234', '1\u00a0234', '12,5', '1,6e-02'. Unparseable → NaN."""
    nettoyees = valeurs.astype(str).str.strip().str.strip('"').str.replace(ESPACES, "", regex=True)
    nettoyees = nettoyees.str.replace(",", ".", regex=False)
    return pd.to_numeric(nettoyees, errors="coerce")


VALEURS_MANQUANTES = {"", "na", "n/a", "nan", "nd", "s", "secret"}


def est_manquant(valeurs: pd.Series) -> pd.Series:
    return valeurs.astype(str).str.strip().str.strip('"').str.lower().isin(VALEURS_MANQUANTES)


def lire_tableau(chemin: Path, rapport: Rapport) -> tuple[pd.DataFrame, int]:
    """A partner's whole spreadsheet (CSV or XLSX) as strings, with blank trailing lines and
    columns dropped. Returns the frame and the line number of its header."""
    if chemin.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            df = pd.read_excel(chemin, dtype=str, engine="openpyxl", keep_default_na=False)
        except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
            rapport.refuser(_("Classeur XLSX illisible : %(e)s") % {"e": exc})
    else:
        encodage = detecter_encodage(chemin, rapport, windows_accepte=True)
        verifier_separateur(premiere_ligne(chemin, encodage), rapport)
        try:
            df = pd.read_csv(
                chemin,
                sep=";",
                dtype=str,
                encoding=encodage,
                keep_default_na=False,
                skip_blank_lines=False,
                quotechar='"',
            )
        except pd.errors.ParserError as exc:
            rapport.refuser(_("Fichier CSV mal formé : %(e)s") % {"e": exc})
        except pd.errors.EmptyDataError:
            rapport.refuser(_("Le fichier est vide."))
    df = df.fillna("")
    vides = [
        c for c in df.columns if str(c).startswith("Unnamed:") and (df[c].astype(str).str.strip() == "").all()
    ]
    df = df.drop(columns=vides)
    df.columns = [normaliser(c) for c in df.columns]
    non_vides = df.apply(lambda ligne: ligne.astype(str).str.strip().ne("").any(), axis=1) if len(df) else []
    if len(df):
        df = df[non_vides]
    if df.empty:
        rapport.refuser(_("Le fichier ne contient que l'en-tête : aucune ligne de données."))
    return df, 1
