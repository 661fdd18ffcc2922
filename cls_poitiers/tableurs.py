"""French spreadsheets, read and written in one place: every import and every export of the
platform goes through here.

Reading (`lire_tableau`, `lire_feuilles`):
- CSV with `;` separators (another separator is refused, naming the one found), in UTF-8 with or
  without BOM or in Windows-1252; UTF-16 and other encodings are refused with the line of the
  first byte that is not valid;
- XLSX (the first sheet, or every sheet); a workbook's dates come back as `AAAA-MM-JJ`;
- the result is a table of strings, header on line 1; blank lines and blank columns without a
  header are dropped, and each row keeps its index, so that row `i` is line `i + 2` of the file;
- a line wider than the header is refused with its number instead of shifting the columns.

Cells:
- numbers: one cleaning rule (`nettoyer_nombre`) for every import: the decimal comma, and the
  thousands separated by a space, a no-break space, a narrow no-break space or an apostrophe
  (straight or typographic: 1'234,5); a missing figure is written "", "nd", "s", "secret"…;
- dates: JJ/MM/AAAA or AAAA-MM-JJ (`lire_date`), and booleans: oui/non (`lire_oui_non`);
- a text cell beginning with = + - @ tab or CR is a formula to a spreadsheet (CSV injection): it
  is written with a leading apostrophe (`neutraliser`), which an import removes (`retablir`).

Problems: a file is refused whole (`FichierInvalide`) with every problem found, each with its line
and column when known and a French message (`Probleme`: "Ligne 4, colonne « echeance » : …").

Writing (`csv_bytes`, `xlsx_bytes`, `reponse_csv`, `reponse_xlsx`):
- CSV: `;`, UTF-8 with BOM (Excel then reads the accents), CRLF; decimal comma, full precision
  (a Decimal without its trailing zeros, a float with the digits of its shortest exact form),
  dates JJ/MM/AAAA, booleans oui/non;
- XLSX: real numbers and dates (shown JJ/MM/AAAA); text neutralised as in CSV.

Row imports read each row through a Django form whose fields are the ones below (`ChampNombre`,
`ChampEntier`, `ChampDate`, `ChampOuiNon`): a field's error then comes out under its column.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import NamedTuple

import pandas as pd
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

TAILLE_BLOC = 1024 * 1024
EXTENSIONS_XLSX = (".xlsx", ".xlsm")
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class Probleme:
    """One problem of a file: where it is (line and column, either may be unknown) and, in
    French, what is wrong."""

    ligne: int | None
    colonne: str | None
    message: str

    def texte(self, *, majuscule: bool = True) -> str:
        """'Ligne 4, colonne « echeance » : message'; `majuscule=False` for an item of a list."""
        lieu = []
        if self.ligne is not None:
            lieu.append(_("ligne %(n)s") % {"n": self.ligne})
        if self.colonne:
            lieu.append(_("colonne « %(c)s »") % {"c": self.colonne})
        if not lieu:
            return self.message
        lieu = ", ".join(lieu)
        return f"{capfirst(lieu) if majuscule else lieu} : {self.message}"

    def __str__(self):
        return self.texte()


class FichierInvalide(Exception):
    """The file is refused whole; `problemes` lists why, `erreurs` says it in French sentences."""

    def __init__(self, problemes: list[Probleme]):
        self.problemes = problemes
        super().__init__("\n".join(self.erreurs))

    @property
    def erreurs(self) -> list[str]:
        return [str(p) for p in self.problemes]


def refuser(message: str, ligne: int | None = None, colonne: str | None = None):
    raise FichierInvalide([Probleme(ligne, colonne, message)])


# ---------------------------------------------------------------- encodings and separator

type Fichier = str | Path | bytes


def _ouvrir(fichier: Fichier):
    """A path is streamed from disk; bytes (an upload kept in a session) are read from memory."""
    return io.BytesIO(fichier) if isinstance(fichier, bytes) else open(fichier, "rb")  # noqa: SIM115


class Encodage(NamedTuple):
    nom: str
    lignes: int


def detecter_encodage(fichier: Fichier, *, windows_accepte: bool = True) -> Encodage:
    """UTF-8 (with or without BOM); Windows-1252 when `windows_accepte`. Anything else is refused,
    with the line of the first byte that is not valid. Also counts the file's lines."""
    with _ouvrir(fichier) as f:
        debut = f.read(4096)
    if not debut.strip(b"\xef\xbb\xbf \r\n\t"):
        refuser(_("Le fichier est vide."))
    if debut.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Texte Unicode" and some exports of partners' tools: UTF-16 with its BOM.
        return _verifier_utf16(fichier)
    if b"\x00" in debut:
        refuser(
            _(
                "Le fichier semble encodé en UTF-16 sans marque d'ordre des octets (BOM) : "
                "enregistrez-le en CSV UTF-8, Windows-1252 ou UTF-16 avec BOM."
            )
        )
    encodage = "utf-8-sig" if debut.startswith(codecs.BOM_UTF8) else "utf-8"
    decodeur = codecs.getincrementaldecoder("utf-8")()
    ligne = 1
    with _ouvrir(fichier) as f:
        # Streamed block by block (a list of the blocks would hold the whole file in memory).
        for bloc in itertools.chain(iter(lambda: f.read(TAILLE_BLOC), b""), [None]):
            try:
                # The last call (None) flushes the decoder: a sequence cut at the end is invalid too.
                decodeur.decode(bloc or b"", final=bloc is None)
            except UnicodeDecodeError as exc:
                if windows_accepte:
                    return _verifier_windows(fichier)
                refuser(
                    _(
                        "Le fichier n'est pas en UTF-8 (octet invalide) : les bases nationales sont publiées "
                        "en UTF-8, ré-enregistrez le fichier dans cet encodage."
                    ),
                    ligne=ligne + (bloc or b"")[: exc.start].count(b"\n"),
                )
            ligne += (bloc or b"").count(b"\n")
    return Encodage(encodage, ligne)


def _verifier_utf16(fichier: Fichier) -> Encodage:
    """UTF-16 with a BOM (which says the byte order): it must decode throughout."""
    ligne = 1
    decodeur = codecs.getincrementaldecoder("utf-16")()
    with _ouvrir(fichier) as f:
        for bloc in itertools.chain(iter(lambda: f.read(TAILLE_BLOC), b""), [None]):
            try:
                texte = decodeur.decode(bloc or b"", final=bloc is None)
            except UnicodeDecodeError:
                refuser(_("Le fichier est encodé en UTF-16 mais contient des octets invalides."), ligne=ligne)
            ligne += texte.count("\n")
    return Encodage("utf-16", ligne)


def _verifier_windows(fichier: Fichier) -> Encodage:
    """Not UTF-8: it must then decode as Windows-1252 (five byte values have no character there)."""
    ligne = 1
    decodeur = codecs.getincrementaldecoder("cp1252")()
    with _ouvrir(fichier) as f:
        for bloc in iter(lambda: f.read(TAILLE_BLOC), b""):
            try:
                decodeur.decode(bloc)
            except UnicodeDecodeError as exc:
                refuser(
                    _(
                        "Encodage non reconnu : le fichier n'est ni en UTF-8 ni en Windows-1252 "
                        "(octet 0x%(o)02X). Ré-enregistrez-le en CSV UTF-8."
                    )
                    % {"o": bloc[exc.start]},
                    ligne=ligne + bloc[: exc.start].count(b"\n"),
                )
            ligne += bloc.count(b"\n")
    return Encodage("cp1252", ligne)


def premiere_ligne(fichier: Fichier, encodage: str) -> str:
    """The first line that is not blank (the header)."""
    with io.TextIOWrapper(_ouvrir(fichier), encoding=encodage, errors="replace", newline="") as f:
        for ligne in f:
            if ligne.strip():
                return ligne.rstrip("\r\n")
    return ""


def verifier_separateur(entete: str) -> None:
    if ";" not in entete:
        autres = [s for s in (",", "\t", "|") if s in entete]
        trouve = (
            _(" (séparateur trouvé : « %(s)s »)") % {"s": autres[0].replace("\t", "tabulation")}
            if autres
            else ""
        )
        refuser(_("Séparateur attendu : le point-virgule (;)%(trouve)s.") % {"trouve": trouve}, ligne=1)


# ---------------------------------------------------------------- cells

DANGEREUX = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(value):
    """A text cell beginning with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(DANGEREUX):
        return "'" + value
    return value


def retablir(texte: str) -> str:
    """A cell's text as it was before `neutraliser` (and without surrounding spaces)."""
    texte = (texte or "").strip()
    if len(texte) > 1 and texte[0] == "'" and texte[1:].startswith(DANGEREUX):
        return texte[1:]
    return texte


SEPARATEURS_MILLIERS = re.compile(r"[\s\u00a0\u202f'’]")


def nettoyer_nombre(texte: str) -> str:
    """'1 234,5', '1\u00a0234,5', "1'234,5" → '1234.5': the number as Python and pandas read it."""
    return SEPARATEURS_MILLIERS.sub("", str(texte).strip().strip('"')).replace(",", ".")


def serie_numerique(valeurs: pd.Series) -> pd.Series:
    """French numbers to floats: '1 234', '1\u00a0234', '12,5', '1,6e-02'. Unparseable → NaN."""
    return pd.to_numeric(valeurs.astype(str).map(nettoyer_nombre), errors="coerce")


VALEURS_MANQUANTES = {"", "na", "n/a", "nan", "nd", "s", "secret"}


def est_manquant(valeurs: pd.Series) -> pd.Series:
    """Cells that say "no figure here" (blank, nd, secret…), as opposed to a figure or a mistake."""
    return valeurs.astype(str).str.strip().str.strip('"').str.lower().isin(VALEURS_MANQUANTES)


def lire_nombre(texte: str) -> Decimal | None:
    if not (texte or "").strip():
        return None
    try:
        nombre = Decimal(nettoyer_nombre(texte))
    except InvalidOperation:
        nombre = None
    if nombre is None or not nombre.is_finite():
        raise ValueError(_("« %(v)s » n'est pas un nombre.") % {"v": texte})
    return nombre


def lire_entier(texte: str) -> int | None:
    nombre = lire_nombre(texte)
    if nombre is not None and nombre != nombre.to_integral_value():
        raise ValueError(_("« %(v)s » n'est pas un nombre entier.") % {"v": texte})
    return None if nombre is None else int(nombre)


FORMATS_DATE = ("%d/%m/%Y", "%Y-%m-%d")


def lire_date(texte: str, formats=FORMATS_DATE) -> datetime.date | None:
    """'31/12/1999' or '1999-12-31' → the date; blank → None."""
    jour = (texte or "").strip()
    if not jour:
        return None
    for modele in formats:
        try:
            return datetime.datetime.strptime(jour, modele).date()
        except ValueError:
            continue
    raise ValueError(_("« %(v)s » n'est pas une date (attendu JJ/MM/AAAA).") % {"v": texte})


def lire_oui_non(texte: str) -> bool:
    """oui/non (also vrai/faux, true/false, 1/0, x); blank is no."""
    reponse = (texte or "").strip().lower()
    if reponse in ("oui", "vrai", "true", "1", "x"):
        return True
    if reponse in ("non", "faux", "false", "0", ""):
        return False
    raise ValueError(_("« %(v)s » : répondez oui ou non.") % {"v": texte})


class _Cellule:
    """A form field that reads a cell's text with one of the rules above; its refusal quotes the
    cell."""

    lire = None

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            return self.lire(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class ChampNombre(_Cellule, forms.DecimalField):
    lire = staticmethod(lire_nombre)


class ChampEntier(_Cellule, forms.IntegerField):
    lire = staticmethod(lire_entier)


class ChampDate(_Cellule, forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", FORMATS_DATE)
        super().__init__(**kwargs)

    def lire(self, texte):
        return lire_date(texte, self.input_formats)


class ChampOuiNon(_Cellule, forms.BooleanField):
    # A checkbox would read any text as "checked": the cell's text goes to `lire_oui_non`.
    widget = forms.TextInput
    lire = staticmethod(lire_oui_non)


# ---------------------------------------------------------------- reading


def lire_tableau(fichier: Fichier, *, nom: str | None = None) -> pd.DataFrame:
    """A spreadsheet (CSV, or the first sheet of an XLSX) as a table of strings, or
    FichierInvalide. `nom` gives the format when `fichier` is bytes; a workbook is recognised by
    its extension, anything else is read as CSV (its checks then say what is wrong)."""
    nom = nom or ("" if isinstance(fichier, bytes) else str(fichier))
    if PurePath(nom).suffix.lower() in EXTENSIONS_XLSX:
        return _nettoyer(_lire_xlsx(fichier, 0))
    return _nettoyer(_lire_csv(fichier))


def lire_feuilles(fichier: Fichier) -> dict[str, pd.DataFrame]:
    """Every sheet of an XLSX, by name, each as `lire_tableau` reads one."""
    return {nom: _nettoyer(feuille) for nom, feuille in _lire_xlsx(fichier, None).items()}


def _lire_xlsx(fichier: Fichier, feuille):
    """The workbook streamed row by row (openpyxl's read-only mode: the sheet's XML is never held
    whole), each cell turned into the text pandas would give it: a whole number without ".0", a
    date as AAAA-MM-JJ. Texts repeated down a column (codes, periods) are one string in memory:
    a 260 000-row sheet is checked in well under 200 MB (tests/benchmarks/memoire_xlsx.py)."""
    from openpyxl import load_workbook

    try:
        classeur = load_workbook(
            io.BytesIO(fichier) if isinstance(fichier, bytes) else fichier,
            read_only=True,
            data_only=True,
            keep_links=False,
        )
        try:
            feuilles = classeur.worksheets if feuille is None else [classeur.worksheets[feuille]]
            lues = {f.title: _feuille_en_tableau(f) for f in feuilles}
        finally:
            classeur.close()
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged workbook)
        raise FichierInvalide(
            [Probleme(None, None, _("Le fichier n'est pas un classeur XLSX lisible."))]
        ) from exc
    return lues if feuille is None else next(iter(lues.values()))


TEXTES_PARTAGES = 100_000


def _feuille_en_tableau(feuille) -> pd.DataFrame:
    textes: dict = {}

    def texte(valeur) -> str:
        if valeur is None:
            return ""
        if isinstance(valeur, str):
            # A workbook's repeated texts (codes, labels, periods) are read as one string each;
            # past TEXTES_PARTAGES distinct texts (a column of free text) they are kept as read.
            return textes.setdefault(valeur, valeur) if len(textes) < TEXTES_PARTAGES else valeur
        if isinstance(valeur, float) and valeur.is_integer():
            valeur = int(valeur)
        elif isinstance(valeur, datetime.datetime) and valeur.time() == datetime.time():
            valeur = valeur.date()
        cle = (type(valeur), valeur)
        if cle not in textes and len(textes) < TEXTES_PARTAGES:
            textes[cle] = str(valeur)
        return textes.get(cle) or str(valeur)

    lignes = feuille.iter_rows(values_only=True)
    entetes = [texte(v) for v in next(lignes, ())]
    colonnes: list[list[str]] = [[] for _ in entetes]
    n = 0
    for ligne in lignes:
        if len(ligne) > len(colonnes):  # a row wider than those above it, up to its last value
            largeur = max((i + 1 for i, v in enumerate(ligne) if v is not None), default=0)
            for _position in range(len(colonnes), largeur):
                colonnes.append([""] * n)
                entetes.append("")
        for position, colonne in enumerate(colonnes):
            colonne.append(texte(ligne[position]) if position < len(ligne) else "")
        n += 1
    while n and all(colonne[-1] == "" for colonne in colonnes):  # trailing blank rows
        for colonne in colonnes:
            colonne.pop()
        n -= 1
    noms = _noms_de_colonnes(entetes)
    return pd.DataFrame(dict(zip(noms, colonnes, strict=True)), columns=noms, dtype=object)


def _lire_csv(fichier: Fichier) -> pd.DataFrame:
    encodage, _lignes = detecter_encodage(fichier)
    verifier_separateur(premiere_ligne(fichier, encodage))
    try:
        with _ouvrir(fichier) as f:
            # No header row for pandas: the header line then sets the width, and a longer line is
            # reported with its number instead of silently shifting columns.
            brut = pd.read_csv(
                f,
                sep=";",
                dtype=str,
                encoding=encodage,
                keep_default_na=False,
                skip_blank_lines=False,
                header=None,
            ).fillna("")
    except pd.errors.EmptyDataError as exc:
        raise FichierInvalide([Probleme(None, None, _("Le fichier est vide."))]) from exc
    except pd.errors.ParserError as exc:
        trouve = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if trouve is None:
            refuser(_("Le fichier CSV est illisible (séparateur attendu : « ; »)."))
        attendu, ligne, vu = trouve.groups()
        raise FichierInvalide(
            [
                Probleme(
                    int(ligne),
                    None,
                    _("%(vu)s colonnes au lieu de %(attendu)s (séparateur « ; »).")
                    % {"vu": vu, "attendu": attendu},
                )
            ]
        ) from exc
    frame = brut.iloc[1:].reset_index(drop=True)
    frame.columns = _noms_de_colonnes(brut.iloc[0])
    return frame


def _noms_de_colonnes(entetes) -> list[str]:
    """Header cells as pandas names them: "Unnamed: 3" when blank, "nombre.1" when repeated."""
    noms, vus = [], {}
    for position, entete in enumerate(entetes):
        nom = str(entete).strip() or f"Unnamed: {position}"
        vus[nom] = vus.get(nom, -1) + 1
        noms.append(f"{nom}.{vus[nom]}" if vus[nom] else nom)
    return noms


def _nettoyer(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.fillna("").astype(str)
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    remplies = frame.apply(lambda colonne: colonne.str.strip().ne(""))
    sans_entete = [c for c in frame.columns if not c or c.startswith("Unnamed:")]
    frame = frame.drop(columns=[c for c in sans_entete if not remplies[c].any()])
    return frame[remplies.any(axis=1)] if len(frame) else frame


# ---------------------------------------------------------------- writing


def _texte_csv(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # The shortest exact form (10.0 stays 10,0; 0.1 is not 0.1000000000000000055…).
        value = Decimal(repr(float(value)))
        return format(value, "f").replace(".", ",")
    if isinstance(value, Decimal):
        texte = format(value, "f")
        if "." in texte:
            texte = texte.rstrip("0").rstrip(".")
        return texte.replace(".", ",")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(neutraliser(str(value)))


def csv_bytes(entetes: list[str], lignes) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutraliser(e) for e in entetes])
    for ligne in lignes:
        writer.writerow([_texte_csv(v) for v in ligne])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cellule_xlsx(value):
    if isinstance(value, Promise):  # a translated label
        value = str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    return neutraliser(value)


def titre_de_feuille(titre: str) -> str:
    """A sheet's title: at most 31 characters and none of : \\ / ? * [ ] (Excel's rules). A
    longer one is cut at a word, with an ellipsis, never in the middle of a word."""
    titre = re.sub(r"[:\\/?*\[\]]", "-", titre).strip()
    if len(titre) <= 31:
        return titre
    coupe = titre[:30]
    if " " in coupe[10:]:
        coupe = coupe[: coupe.rindex(" ")]
    return coupe.rstrip(" ,;—–-(") + "…"


def xlsx_bytes(feuilles: dict[str, tuple[list[str], list]]) -> bytes:
    """`feuilles`: sheet title → (headers, rows). Text cells are neutralised."""
    # Imported here: every process (an import command, a worker) loads this module, few write XLSX.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, (entetes, lignes) in feuilles.items():
        feuille = classeur.create_sheet(title=titre_de_feuille(titre))
        feuille.append([neutraliser(e) for e in entetes])
        for ligne in lignes:
            feuille.append([_cellule_xlsx(v) for v in ligne])
            for cellule, value in zip(feuille[feuille.max_row], ligne, strict=False):
                if type(value) is datetime.date:
                    cellule.number_format = "DD/MM/YYYY"
        for index, entete in enumerate(entetes, start=1):
            feuille.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(str(entete)) + 4))
    buffer = io.BytesIO()
    classeur.save(buffer)
    return buffer.getvalue()


def reponse_fichier(contenu: bytes, content_type: str, nom_fichier: str) -> HttpResponse:
    """A file to download (CSV_MIME or XLSX_MIME), under `nom_fichier`."""
    response = HttpResponse(contenu, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    return response


def reponse_csv(nom_fichier: str, entetes: list[str], lignes) -> HttpResponse:
    return reponse_fichier(csv_bytes(entetes, lignes), CSV_MIME, nom_fichier)


def reponse_xlsx(nom_fichier: str, feuilles: dict[str, tuple[list[str], list]]) -> HttpResponse:
    return reponse_fichier(xlsx_bytes(feuilles), XLSX_MIME, nom_fichier)
