"""Exchange of commitments with spreadsheets: export (CSV or XLSX) and import, keyed by the
commitment's stable reference. Files are read and written by the core (`cls_poitiers.tableurs`:
`;`, UTF-8 with BOM or Windows-1252, decimal comma, thousands separators, dates 31/12/1999,
formulas neutralised on export and restored on import).

- The import reads each row through a form (`LigneEngagement`): a field's error comes out under
  its column, "Ligne 4, colonne « echeance » : …".
- The import is all-or-nothing: every problem is listed, and nothing is written until the whole
  file is valid. A row equal to the stored commitment changes nothing (no new version, no history
  entry), so exporting then re-importing changes nothing.
- The columns after `illustratif` (current value, last report, status, progress) are computed:
  exported for reading, ignored on import.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cls_poitiers import tableurs
from cls_poitiers.models import Partenaire, Territoire
from cls_poitiers.tableurs import FichierInvalide, Probleme, refuser

from . import services
from .models import Action, Engagement, erreur_chiffre_dans_le_libelle

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
# Fields compared and written by the import, in the order of the file.
CHAMPS = [c for c in COLONNES_DONNEES if c != "reference"]
# Which column a model-level constraint is about, to give its error a column.
COLONNE_DES_CONTRAINTES = {
    "engagement_cible_differente_du_depart": "valeur_cible",
    "engagement_abandon_motive": "motif_abandon",
    "engagement_poids_positif": "poids",
}


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


def export(engagements, *, format: str) -> bytes:
    rows = [[ligne[c] for c in COLONNES] for ligne in lignes(engagements)]
    if format == "xlsx":
        return tableurs.xlsx_bytes({"Engagements": (COLONNES, rows)})
    return tableurs.csv_bytes(COLONNES, rows)


# ---------------------------------------------------------------- import


def lire(contenu: bytes, nom: str) -> pd.DataFrame:
    """The file as a table of strings (header on line 1), or FichierInvalide. Only the export's
    formats are accepted."""
    if PurePath(nom).suffix.lower() not in (".csv", ".xlsx"):
        refuser(_("Format non reconnu : envoyez un fichier .csv ou .xlsx."))
    return tableurs.lire_tableau(contenu, nom=nom)


class ChampTerritoires(forms.ModelMultipleChoiceField):
    """Territory codes separated by commas in one cell, as the export writes them, among the
    current contract's territories: every unknown code is named, and so is every code of a
    territory outside the contract's perimeter (a commune of the referential that is not the
    council's)."""

    def clean(self, value):
        codes = [c.strip() for c in (value or "").split(",") if c.strip()]
        territoires = {t.code: t for t in self.queryset.filter(code__in=codes)}
        manquants = [c for c in codes if c not in territoires]
        if not manquants:
            return frozenset(territoires.values())
        connus = set(Territoire.objects.filter(code__in=manquants).values_list("code", flat=True))
        erreurs = []
        if inconnus := [c for c in manquants if c not in connus]:
            erreurs.append(
                ValidationError(
                    _("territoire(s) inconnu(s) : %(v)s."),
                    code="invalid_choice",
                    params={"v": ", ".join(inconnus)},
                )
            )
        if hors := [c for c in manquants if c in connus]:
            erreurs.append(
                ValidationError(
                    _("territoire(s) hors du périmètre du contrat : %(v)s."),
                    code="hors_perimetre",
                    params={"v": ", ".join(hors)},
                )
            )
        raise ValidationError(erreurs)


class LigneEngagement(forms.ModelForm):
    """One row of the file, read as the commitment it describes. A blank cell of a field that
    has a default (starting value, weight) takes the default."""

    action = forms.ModelChoiceField(
        Action.objects.all(),
        to_field_name="reference",
        error_messages={"invalid_choice": _("la fiche-action « %(value)s » n'existe pas.")},
    )
    partenaire = forms.ModelChoiceField(
        Partenaire.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": _("le partenaire « %(value)s » n'existe pas.")},
    )
    # The current contract's perimeter, set per form: the current contract is read when the file is.
    territoires = ChampTerritoires(Territoire.objects.none(), to_field_name="code", required=False)

    class Meta:
        model = Engagement
        fields = COLONNES_DONNEES
        field_classes = {
            "valeur_initiale": tableurs.ChampNombre,
            "valeur_cible": tableurs.ChampNombre,
            "echeance": tableurs.ChampDate,
            "abandonne_le": tableurs.ChampDate,
            "poids": tableurs.ChampEntier,
            "illustratif": tableurs.ChampOuiNon,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "territoires" in self.fields:
            self.fields["territoires"].queryset = Territoire.objects.du_contrat_courant()
        for nom, champ in self.fields.items():
            champ.error_messages["required"] = _("cette valeur est obligatoire.")
            if Engagement._meta.get_field(nom).has_default():
                champ.required = False

    def clean(self):
        for nom, valeur in self.cleaned_data.items():
            if valeur is None and Engagement._meta.get_field(nom).has_default():
                self.cleaned_data[nom] = Engagement._meta.get_field(nom).get_default()
        erreur = erreur_chiffre_dans_le_libelle(
            self.cleaned_data.get("description", ""),
            self.cleaned_data.get("valeur_initiale"),
            self.cleaned_data.get("valeur_cible"),
        )
        if erreur and "description" in self.fields:
            self.add_error("description", erreur)
        return super().clean()

    def validate_constraints(self):
        """Each constraint is checked against the commitment as it would be (columns absent from
        the file keep their value) and its error is given to the column it is about."""
        for contrainte in Engagement._meta.constraints:
            try:
                contrainte.validate(Engagement, self.instance, exclude=set(self.errors))
            except ValidationError as exc:
                colonne = COLONNE_DES_CONTRAINTES.get(contrainte.name)
                self.add_error(colonne if colonne in self.fields else None, exc)


def _problemes(ligne: int, form: LigneEngagement) -> list[Probleme]:
    return [
        Probleme(ligne, None if colonne == NON_FIELD_ERRORS else colonne, message)
        for colonne, erreurs in form.errors.items()
        for message in erreurs
    ]


def _valeurs_actuelles(engagement: Engagement, champs) -> dict:
    return {
        c: frozenset(engagement.territoires.all()) if c == "territoires" else getattr(engagement, c)
        for c in champs
    }


def planifier(frame: pd.DataFrame) -> Plan:
    """Check every row and compute what the import would change, or raise FichierInvalide."""
    manquantes = [c for c in OBLIGATOIRES if c not in frame.columns]
    if manquantes:
        refuser(
            _("colonne(s) manquante(s) : %(colonnes)s.")
            % {"colonnes": ", ".join(f"« {c} »" for c in manquantes)},
            ligne=1,
        )
    present = [c for c in CHAMPS if c in frame.columns]
    formulaire = forms.modelform_factory(Engagement, form=LigneEngagement, fields=["reference", *present])
    existants = {
        e.reference: e
        for e in Engagement.objects.select_related("action", "partenaire").prefetch_related("territoires")
    }
    problemes: list[Probleme] = []
    vues: dict[str, int] = {}
    changements: list[Changement] = []
    lignes_valides: dict[str, dict] = {}
    inchanges = 0

    for index, brute in frame.iterrows():
        ligne = int(index) + 2
        donnees = {c: tableurs.retablir(str(brute[c])) for c in ["reference", *present]}
        reference = donnees["reference"]
        if not reference:
            problemes.append(Probleme(ligne, "reference", _("la référence est obligatoire.")))
            continue
        if reference in vues:
            problemes.append(
                Probleme(
                    ligne,
                    "reference",
                    _("la référence « %(ref)s » figure déjà ligne %(autre)s.")
                    % {"ref": reference, "autre": vues[reference]},
                )
            )
            continue
        vues[reference] = ligne
        existant = existants.get(reference)
        avant = _valeurs_actuelles(existant, present) if existant else None
        form = formulaire(donnees, instance=existant)
        if not form.is_valid():
            problemes.extend(_problemes(ligne, form))
            continue
        valeurs = {c: form.cleaned_data[c] for c in present}
        if avant is None:
            changements.append(Changement(reference, True, {c: (None, valeurs[c]) for c in valeurs}))
        else:
            diff = {c: (avant[c], valeurs[c]) for c in valeurs if avant[c] != valeurs[c]}
            if diff:
                changements.append(Changement(reference, False, diff))
            else:
                inchanges += 1
        lignes_valides[reference] = valeurs

    if problemes:
        raise FichierInvalide(problemes)
    return Plan(changements=changements, inchanges=inchanges, lignes=lignes_valides)


@transaction.atomic
def appliquer(plan: Plan, *, par, motif: str) -> Plan:
    """Write the plan's changes through the commitment services (versions and history)."""
    engagements = {e.reference: e for e in Engagement.objects.filter(reference__in=plan.lignes)}
    for changement in plan.changements:
        valeurs = dict(plan.lignes[changement.reference])
        if changement.creation:
            territoires = valeurs.pop("territoires", ())
            action = valeurs.pop("action")
            services.creer_engagement(
                action=action,
                par=par,
                motif=motif,
                territoires=list(territoires),
                reference=changement.reference,
                **valeurs,
            )
        else:
            data = {champ: valeurs[champ] for champ in changement.champs}
            if "territoires" in data:
                data["territoires"] = list(data["territoires"])
            services.modifier_engagement(
                engagement=engagements[changement.reference], data=data, par=par, motif=motif
            )
    return plan


def importer(*, contenu: bytes, nom: str, par, apercu: bool = False, empreinte: str | None = None) -> Plan:
    """Read, check and (unless `apercu`) apply a file, all or nothing. With `empreinte`, refuse
    to apply a plan that differs from the one previewed."""
    plan = planifier(lire(contenu, nom))
    if empreinte is not None and plan.empreinte != empreinte:
        refuser(_("Les engagements ont changé depuis l'aperçu : relancez l'aperçu avant d'appliquer."))
    if not apercu and plan.changements:
        motif = (_("Import du fichier %(nom)s") % {"nom": PurePath(nom).name})[:100]
        try:
            appliquer(plan, par=par, motif=motif)
        except (IntegrityError, ValidationError, services.ConflitDeVersion) as exc:
            # Someone created or changed one of these commitments between the file's checks (which
            # validated every row) and its writing: `appliquer` is rolled back whole; the user is
            # told, in French, to preview again.
            raise FichierInvalide(
                [
                    Probleme(
                        None,
                        None,
                        _(
                            "Un autre utilisateur a créé ou modifié l'un de ces engagements pendant "
                            "l'import : rien n'a été enregistré. Relancez l'aperçu puis l'import."
                        ),
                    )
                ]
            ) from exc
    return plan
