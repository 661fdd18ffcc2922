"""Exchange of commitments with spreadsheets: export (CSV or XLSX) and import, keyed by the
commitment's stable reference.

- CSV: `;` separator, UTF-8 with BOM, decimal comma, dates 31/12/1999. On import, UTF-8 (with or
  without BOM) or Windows-1252, thousands separators and blank trailing lines are accepted.
- A cell starting with = + - @ tab or CR is neutralised with a leading apostrophe on export (a
  spreadsheet would run it as a formula); the apostrophe is removed again on import.
- The import is all-or-nothing: every problem is listed in French with its line and column, and
  nothing is written until the whole file is valid. A row equal to the stored commitment changes
  nothing (no new version, no history entry), so exporting then re-importing changes nothing.
- The columns after `illustratif` (current value, last report, status, progress) are computed:
  exported for reading, ignored on import.
"""

import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import pandas as pd
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cls_poitiers.exports import DANGEREUX, neutraliser
from cls_poitiers.models import Partenaire, Territoire

from . import services
from .models import Action, Engagement

COLONNES_DONNEES = [
    "reference",
    "action",
    "partenaire",
    "description",
    "unite",
    "valeur_initiale",
    "valeur_cible",
    "echeance",
    "territoires",
    "poids",
    "abandonne_le",
    "motif_abandon",
    "illustratif",
]
COLONNES_CALCULEES = ["priorite", "valeur_courante", "date_dernier_point", "statut", "avancement_pct"]
COLONNES = COLONNES_DONNEES + COLONNES_CALCULEES
OBLIGATOIRES = ["reference", "action", "partenaire", "description", "unite", "valeur_cible", "echeance"]
COLONNES_TEXTE = {"reference", "action", "partenaire", "description", "unite", "territoires", "motif_abandon"}
# Fields compared and written by the import, in the order of the file.
CHAMPS = [c for c in COLONNES_DONNEES if c != "reference"]
ESPACES = re.compile(r"[\s\u00a0\u202f]")
# Which column a model-level constraint is about, to give its error a column.
COLONNE_DES_CONTRAINTES = {
    "engagement_cible_differente_du_depart": "valeur_cible",
    "engagement_abandon_motive": "motif_abandon",
    "engagement_poids_positif": "poids",
}


class FichierInvalide(Exception):
    """The file is refused whole; `erreurs` lists each problem (line, column, French message)."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("\n".join(erreurs))


@dataclass
class Changement:
    reference: str
    creation: bool
    champs: dict[str, tuple] = field(default_factory=dict)


@dataclass
class Plan:
    """What an import would do: the rows to create or update and how many are unchanged."""

    changements: list[Changement]
    inchanges: int
    lignes: dict[str, dict] = field(default_factory=dict, repr=False)

    @property
    def creations(self) -> list[Changement]:
        return [c for c in self.changements if c.creation]

    @property
    def modifications(self) -> list[Changement]:
        return [c for c in self.changements if not c.creation]

    @property
    def empreinte(self) -> str:
        """A fingerprint of the changes: the web import applies only what its preview showed."""
        texte = repr([(c.reference, c.creation, sorted(c.champs.items())) for c in self.changements])
        return hashlib.sha256(texte.encode()).hexdigest()


# ---------------------------------------------------------------- export


def _nombre(value) -> str:
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def lignes(engagements) -> list[dict]:
    """Export rows for commitments annotated by `avec_avancement` (territories prefetched)."""
    rows = []
    for e in engagements:
        rows.append(
            {
                "reference": e.reference,
                "action": e.action.reference,
                "partenaire": e.partenaire.code,
                "description": e.description,
                "unite": e.unite,
                "valeur_initiale": e.valeur_initiale,
                "valeur_cible": e.valeur_cible,
                "echeance": e.echeance,
                "territoires": ",".join(sorted(t.code for t in e.territoires.all())),
                "poids": e.poids,
                "abandonne_le": e.abandonne_le,
                "motif_abandon": e.motif_abandon,
                "illustratif": "oui" if e.illustratif else "non",
                "priorite": e.action.priorite.numero,
                "valeur_courante": e.valeur_courante,
                "date_dernier_point": e.date_dernier_point,
                "statut": e.statut_label,
                "avancement_pct": e.pourcentage,
            }
        )
    return rows


def to_csv(rows: list[dict]) -> bytes:
    def cellule(colonne, value):
        if isinstance(value, Decimal):
            return _nombre(value)
        if isinstance(value, datetime.date):
            return _date(value)
        if value is None:
            return ""
        texte = str(value)
        return neutraliser(texte) if colonne in COLONNES_TEXTE or colonne == "statut" else texte

    frame = pd.DataFrame([{c: cellule(c, r[c]) for c in COLONNES} for r in rows], columns=COLONNES)
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(rows: list[dict]) -> bytes:
    def cellule(colonne, value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, str) and colonne in COLONNES_TEXTE | {"statut"}:
            return neutraliser(value)
        return value

    frame = pd.DataFrame([{c: cellule(c, r[c]) for c in COLONNES} for r in rows], columns=COLONNES)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="DD/MM/YYYY") as writer:
        frame.to_excel(writer, index=False, sheet_name="Engagements")
    return buffer.getvalue()


def export(engagements, *, format: str) -> bytes:
    rows = lignes(engagements)
    return to_xlsx(rows) if format == "xlsx" else to_csv(rows)


# ---------------------------------------------------------------- import: reading the file


def lire(contenu: bytes, nom: str) -> pd.DataFrame:
    """The file as a table of strings (header on line 1), or FichierInvalide."""
    extension = PurePath(nom).suffix.lower()
    if extension == ".xlsx":
        try:
            frame = pd.read_excel(io.BytesIO(contenu), dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken workbook
            raise FichierInvalide([_("Le fichier n'est pas un classeur XLSX lisible.")]) from exc
        # Dates come back from a workbook as "1999-12-31 00:00:00".
        frame = frame.replace(to_replace=r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", value=r"\1", regex=True)
    elif extension == ".csv":
        for encodage in ("utf-8-sig", "cp1252"):
            try:
                texte = contenu.decode(encodage)
                break
            except UnicodeDecodeError:
                continue
        try:
            # No header row for pandas: the header line then sets the width, and a longer line is
            # reported with its number instead of silently shifting columns.
            brut = pd.read_csv(
                io.StringIO(texte),
                sep=";",
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                header=None,
            ).fillna("")
            frame = brut.iloc[1:].reset_index(drop=True)
            frame.columns = list(brut.iloc[0])
        except pd.errors.EmptyDataError as exc:
            raise FichierInvalide([_("Le fichier est vide.")]) from exc
        except pd.errors.ParserError as exc:
            trouve = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if trouve:
                attendu, ligne, vu = trouve.groups()
                message = _(
                    "Ligne %(ligne)s : %(vu)s colonnes au lieu de %(attendu)s (séparateur « ; »)."
                ) % {
                    "ligne": ligne,
                    "vu": vu,
                    "attendu": attendu,
                }
            else:
                message = _("Le fichier CSV est illisible (séparateur attendu : « ; »).")
            raise FichierInvalide([message]) from exc
    else:
        raise FichierInvalide([_("Format non reconnu : envoyez un fichier .csv ou .xlsx.")])
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed:")]]
    return frame


def _texte(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(DANGEREUX):
        return value[1:]
    return value


def _decimal(value: str) -> Decimal:
    texte = ESPACES.sub("", value or "").replace(",", ".")
    try:
        nombre = Decimal(texte)
    except InvalidOperation as exc:
        raise ValueError(_("« %(v)s » n'est pas un nombre.") % {"v": value}) from exc
    if not nombre.is_finite():
        raise ValueError(_("« %(v)s » n'est pas un nombre.") % {"v": value})
    return nombre


def _jour(value: str) -> datetime.date | None:
    texte = (value or "").strip()
    if not texte:
        return None
    for modele in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(texte, modele).date()
        except ValueError:
            continue
    raise ValueError(_("« %(v)s » n'est pas une date (attendu JJ/MM/AAAA).") % {"v": value})


def _booleen(value: str) -> bool:
    texte = (value or "").strip().lower()
    if texte in ("oui", "vrai", "true", "1", "x"):
        return True
    if texte in ("non", "faux", "false", "0", ""):
        return False
    raise ValueError(_("« %(v)s » : répondez oui ou non.") % {"v": value})


def _entier(value: str) -> int:
    nombre = _decimal(value)
    if nombre != nombre.to_integral_value():
        raise ValueError(_("« %(v)s » n'est pas un nombre entier.") % {"v": value})
    return int(nombre)


# ---------------------------------------------------------------- import: planning and applying


def _erreur(ligne: int, colonne: str | None, message: str) -> str:
    if colonne:
        return _("Ligne %(ligne)s, colonne « %(colonne)s » : %(message)s") % {
            "ligne": ligne,
            "colonne": colonne,
            "message": message,
        }
    return _("Ligne %(ligne)s : %(message)s") % {"ligne": ligne, "message": message}


def _valeurs_actuelles(engagement: Engagement) -> dict:
    return {
        "action": engagement.action,
        "partenaire": engagement.partenaire,
        "description": engagement.description,
        "unite": engagement.unite,
        "valeur_initiale": engagement.valeur_initiale,
        "valeur_cible": engagement.valeur_cible,
        "echeance": engagement.echeance,
        "territoires": frozenset(engagement.territoires.all()),
        "poids": engagement.poids,
        "abandonne_le": engagement.abandonne_le,
        "motif_abandon": engagement.motif_abandon,
        "illustratif": engagement.illustratif,
    }


def planifier(frame: pd.DataFrame) -> Plan:
    """Check every row and compute what the import would change, or raise FichierInvalide."""
    erreurs: list[str] = []
    manquantes = [c for c in OBLIGATOIRES if c not in frame.columns]
    if manquantes:
        raise FichierInvalide(
            [
                _("Ligne 1 : colonne(s) manquante(s) : %(colonnes)s.")
                % {"colonnes": ", ".join(f"« {c} »" for c in manquantes)}
            ]
        )
    present = [c for c in CHAMPS if c in frame.columns]
    actions = {a.reference: a for a in Action.objects.all()}
    partenaires = {p.code: p for p in Partenaire.objects.all()}
    territoires = {t.code: t for t in Territoire.objects.all()}
    existants = {
        e.reference: e
        for e in Engagement.objects.select_related("action", "partenaire").prefetch_related("territoires")
    }
    vues: dict[str, int] = {}
    changements: list[Changement] = []
    lignes_valides: dict[str, dict] = {}
    inchanges = 0

    for index, brute in frame.iterrows():
        ligne = int(index) + 2
        if all(not str(v).strip() for v in brute.values):
            continue
        erreurs_ligne: list[str] = []

        def lire_champ(colonne, conversion, brute=brute, erreurs_ligne=erreurs_ligne, ligne=ligne):
            try:
                return conversion(str(brute[colonne]))
            except ValueError as exc:
                erreurs_ligne.append(_erreur(ligne, colonne, str(exc)))
                return None

        reference = _texte(str(brute["reference"]))
        if not reference:
            erreurs.append(_erreur(ligne, "reference", _("la référence est obligatoire.")))
            continue
        if reference in vues:
            erreurs.append(
                _erreur(
                    ligne,
                    "reference",
                    _("la référence « %(ref)s » figure déjà ligne %(autre)s.")
                    % {"ref": reference, "autre": vues[reference]},
                )
            )
            continue
        vues[reference] = ligne
        valeurs: dict = {}
        for colonne in present:
            texte = _texte(str(brute[colonne]))
            if colonne in OBLIGATOIRES and not texte:
                erreurs_ligne.append(_erreur(ligne, colonne, _("cette valeur est obligatoire.")))
                continue
            if colonne == "action":
                valeurs[colonne] = actions.get(texte)
                if valeurs[colonne] is None:
                    erreurs_ligne.append(
                        _erreur(ligne, colonne, _("la fiche-action « %(v)s » n'existe pas.") % {"v": texte})
                    )
            elif colonne == "partenaire":
                valeurs[colonne] = partenaires.get(texte)
                if valeurs[colonne] is None:
                    erreurs_ligne.append(
                        _erreur(ligne, colonne, _("le partenaire « %(v)s » n'existe pas.") % {"v": texte})
                    )
            elif colonne == "territoires":
                codes = [c.strip() for c in texte.split(",") if c.strip()]
                inconnus = [c for c in codes if c not in territoires]
                if inconnus:
                    erreurs_ligne.append(
                        _erreur(
                            ligne,
                            colonne,
                            _("territoire(s) inconnu(s) : %(v)s.") % {"v": ", ".join(inconnus)},
                        )
                    )
                valeurs[colonne] = frozenset(territoires[c] for c in codes if c in territoires)
            elif colonne in ("valeur_initiale", "valeur_cible"):
                valeurs[colonne] = lire_champ(colonne, _decimal) if texte else Decimal(0)
            elif colonne in ("echeance", "abandonne_le"):
                valeurs[colonne] = lire_champ(colonne, _jour)
            elif colonne == "poids":
                valeurs[colonne] = lire_champ(colonne, _entier) if texte else 1
            elif colonne == "illustratif":
                valeurs[colonne] = lire_champ(colonne, _booleen)
            else:
                valeurs[colonne] = texte
        if erreurs_ligne:
            erreurs.extend(erreurs_ligne)
            continue

        existant = existants.get(reference)
        if existant is None:
            candidat = Engagement(reference=reference)
            avant = None
        else:
            avant = _valeurs_actuelles(existant)
            candidat = Engagement(
                pk=existant.pk, reference=reference, version=existant.version, cree_le=existant.cree_le
            )
            for champ, valeur in avant.items():
                if champ != "territoires":
                    setattr(candidat, champ, valeur)
        for champ, valeur in valeurs.items():
            if champ != "territoires":
                setattr(candidat, champ, valeur)
        try:
            candidat.full_clean(validate_unique=existant is None)
        except ValidationError as exc:
            for champ, messages in exc.message_dict.items():
                colonne = champ if champ in COLONNES else None
                for message in messages:
                    if champ == NON_FIELD_ERRORS:
                        colonne = next(
                            (c for nom, c in COLONNE_DES_CONTRAINTES.items() if nom in message),
                            _colonne_du_message(message),
                        )
                    erreurs.append(_erreur(ligne, colonne, message))
            continue

        if avant is None:
            changements.append(Changement(reference, True, {c: (None, valeurs[c]) for c in valeurs}))
        else:
            diff = {c: (avant[c], valeurs[c]) for c in valeurs if avant[c] != valeurs[c]}
            if diff:
                changements.append(Changement(reference, False, diff))
            else:
                inchanges += 1
        lignes_valides[reference] = valeurs

    if erreurs:
        raise FichierInvalide(erreurs)
    return Plan(changements=changements, inchanges=inchanges, lignes=lignes_valides)


def _colonne_du_message(message: str) -> str | None:
    """Constraint errors carry their French message, not their name: find the column by it."""
    for contrainte in Engagement._meta.constraints:
        if str(getattr(contrainte, "violation_error_message", "")) == message:
            return COLONNE_DES_CONTRAINTES.get(contrainte.name)
    return None


@transaction.atomic
def appliquer(plan: Plan, *, by, raison: str) -> Plan:
    """Write the plan's changes through the commitment services (versions and history)."""
    engagements = {e.reference: e for e in Engagement.objects.filter(reference__in=plan.lignes)}
    for changement in plan.changements:
        valeurs = dict(plan.lignes[changement.reference])
        if changement.creation:
            territoires = valeurs.pop("territoires", ())
            action = valeurs.pop("action")
            services.creer_engagement(
                action=action,
                par=by,
                motif=raison,
                territoires=list(territoires),
                reference=changement.reference,
                **valeurs,
            )
        else:
            data = {champ: valeurs[champ] for champ in changement.champs}
            if "territoires" in data:
                data["territoires"] = list(data["territoires"])
            services.modifier_engagement(
                engagement=engagements[changement.reference], data=data, par=by, motif=raison
            )
    return plan


def importer(*, contenu: bytes, nom: str, by, dry_run: bool = False, empreinte: str | None = None) -> Plan:
    """Read, check and (unless `dry_run`) apply a file, all or nothing. With `empreinte`, refuse
    to apply a plan that differs from the one previewed."""
    plan = planifier(lire(contenu, nom))
    if empreinte is not None and plan.empreinte != empreinte:
        raise FichierInvalide(
            [_("Les engagements ont changé depuis l'aperçu : relancez l'aperçu avant d'appliquer.")]
        )
    if not dry_run and plan.changements:
        raison = (_("Import du fichier %(nom)s") % {"nom": PurePath(nom).name})[:100]
        try:
            appliquer(plan, by=by, raison=raison)
        except (IntegrityError, ValidationError, services.ConflitDeVersion) as exc:
            # Someone created or changed one of these commitments between the file's checks (which
            # validated every row) and its writing: `appliquer` is rolled back whole; the user is
            # told, in French, to preview again.
            raise FichierInvalide(
                [
                    _(
                        "Un autre utilisateur a créé ou modifié l'un de ces engagements pendant "
                        "l'import : rien n'a été enregistré. Relancez l'aperçu puis l'import."
                    )
                ]
            ) from exc
    return plan
