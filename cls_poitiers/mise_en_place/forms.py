"""The set-up journey's forms: one page, one form (or one formset of rows).

`donnees_de_lignes` turns a list of dicts (a `creer_contrat` file) into a formset's POST data, so
the file goes through the very forms, and their French messages, the browser does."""

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Contrat, Partenaire, Utilisateur
from ..permissions import PARTENAIRE, ROLES
from . import services

DUREE_STRATEGIE_ANNEES = 3


def donnees_de_lignes(prefixe: str, lignes: list[dict]) -> dict:
    """A formset's POST data for `lignes` (every row new: INITIAL_FORMS is 0)."""
    donnees = {f"{prefixe}-TOTAL_FORMS": str(len(lignes)), f"{prefixe}-INITIAL_FORMS": "0"}
    for i, ligne in enumerate(lignes):
        for cle, valeur in ligne.items():
            if isinstance(valeur, bool):
                if valeur:
                    donnees[f"{prefixe}-{i}-{cle}"] = "on"
            elif isinstance(valeur, list | tuple):
                donnees[f"{prefixe}-{i}-{cle}"] = list(valeur)
            else:
                donnees[f"{prefixe}-{i}-{cle}"] = "" if valeur is None else str(valeur)
    return donnees


class Donnees(dict):
    """POST data built from plain values that answers `getlist` as a QueryDict does."""

    def getlist(self, cle, defaut=None):
        valeur = self.get(cle, defaut if defaut is not None else [])
        return valeur if isinstance(valeur, list) else [valeur]


def lignes_remplies(formset, cle: str) -> list[dict]:
    """The cleaned rows that hold something (an untouched empty row is skipped)."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and f.cleaned_data.get(cle)]


class CompteCoordinationForm(forms.Form):
    identifiant = forms.CharField(label=gettext_lazy("Identifiant de connexion"), max_length=150)
    prenom = forms.CharField(label=gettext_lazy("Prénom"), max_length=150)
    nom = forms.CharField(label=gettext_lazy("Nom"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Adresse électronique"))
    organisation = forms.CharField(
        label=gettext_lazy("Votre organisation"),
        max_length=200,
        help_text=gettext_lazy("Par exemple : Ville de Châtellerault."),
    )
    nature = forms.ChoiceField(
        label=gettext_lazy("Nature de l'organisation"),
        choices=Partenaire.Nature.choices,
        initial=Partenaire.Nature.COLLECTIVITE,
    )
    mot_de_passe = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    mot_de_passe_confirmation = forms.CharField(
        label=gettext_lazy("Mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_identifiant(self):
        identifiant = self.cleaned_data["identifiant"]
        if Utilisateur.objects.filter(username__iexact=identifiant).exists():
            raise ValidationError(_("Cet identifiant est déjà pris."))
        return identifiant

    def clean(self):
        donnees = super().clean()
        mot, confirmation = donnees.get("mot_de_passe"), donnees.get("mot_de_passe_confirmation")
        if mot and confirmation and mot != confirmation:
            self.add_error("mot_de_passe_confirmation", _("Les deux mots de passe ne sont pas identiques."))
        elif mot:
            utilisateur = Utilisateur(
                username=donnees.get("identifiant", ""),
                first_name=donnees.get("prenom", ""),
                last_name=donnees.get("nom", ""),
                email=donnees.get("email", ""),
            )
            try:
                password_validation.validate_password(mot, utilisateur)
            except ValidationError as erreur:
                self.add_error("mot_de_passe", erreur)
        return donnees


class ConseilForm(forms.Form):
    nature = forms.ChoiceField(label=gettext_lazy("Nature du conseil"), choices=Contrat.Nature.choices)
    perimetre = forms.CharField(
        label=gettext_lazy("Périmètre"),
        max_length=1000,
        help_text=gettext_lazy(
            "Une commune (nom ou code INSEE) ou une intercommunalité (nom ou SIREN) ; pour un CISPD, "
            "plusieurs communes séparées par des virgules. Noms, codes et populations viennent du "
            "référentiel national."
        ),
    )
    precision = forms.CharField(
        label=gettext_lazy("Précisez le territoire"), required=False, widget=forms.RadioSelect
    )
    nom_conseil = forms.CharField(
        label=gettext_lazy("Nom du conseil"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Vide : proposé d'après la nature et le périmètre (« CLSPD de … »)."),
    )
    titre = forms.CharField(
        label=gettext_lazy("Titre du contrat ou de la stratégie"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Vide : le nom du conseil."),
    )
    date_signature = forms.DateField(label=gettext_lazy("Date de signature"))
    date_debut = forms.DateField(
        label=gettext_lazy("Début"), required=False, help_text=gettext_lazy("Vide : la date de signature.")
    )
    date_fin = forms.DateField(
        label=gettext_lazy("Fin"),
        required=False,
        help_text=gettext_lazy("Vide : trois ans après le début (une stratégie dure plusieurs années)."),
    )
    annee_diagnostic = forms.IntegerField(
        label=gettext_lazy("Année du diagnostic"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=gettext_lazy("Vide : l'année précédant le début."),
    )

    def __init__(self, *args, contrat=None, **kwargs):
        self.contrat = contrat
        super().__init__(*args, **kwargs)

    def clean(self):
        donnees = super().clean()
        if "perimetre" in donnees:
            donnees["elements"] = self._elements(donnees["perimetre"], donnees.get("precision") or "")
        if self.errors or "date_signature" not in donnees:
            return donnees
        debut = donnees["date_debut"] = donnees.get("date_debut") or donnees["date_signature"]
        if not donnees.get("date_fin"):
            donnees["date_fin"] = _plus_ans(debut, DUREE_STRATEGIE_ANNEES) - datetime.timedelta(days=1)
        donnees["annee_diagnostic"] = donnees.get("annee_diagnostic") or debut.year - 1
        if not donnees.get("nom_conseil"):
            donnees["nom_conseil"] = nom_propose(donnees["nature"], donnees["elements"])
        donnees["titre"] = donnees.get("titre") or donnees["nom_conseil"]
        return donnees

    def _elements(self, perimetre, precision):
        """The communes and EPCI the perimeter names, one search per comma-separated term. A term
        with several matches brings the form back with radio choices (`precision`)."""
        termes = [t.strip() for t in perimetre.split(",") if t.strip()]
        choisi = dict([precision.split(":", 1)]) if ":" in precision else {}
        elements = []
        for i, terme in enumerate(termes):
            trouves = services.rechercher(terme)
            if str(i) in choisi:
                trouves = [t for t in trouves if f"{t.niveau}-{t.code}" == choisi[str(i)]] or trouves
            if not trouves:
                self.add_error(
                    "perimetre",
                    _("« %(terme)s » : aucune commune ni intercommunalité du référentiel ne correspond.")
                    % {"terme": terme},
                )
            elif len(trouves) > 1:
                self.fields["precision"].widget.choices = [
                    (f"{i}:{t.niveau}-{t.code}", _libelle(t)) for t in trouves
                ]
                self.add_error(
                    "precision",
                    _("« %(terme)s » désigne plusieurs territoires : choisissez le bon.") % {"terme": terme},
                )
            else:
                elements.append(trouves[0])
        return elements


def _libelle(territoire) -> str:
    departement = territoire.departement.nom if territoire.departement_id else ""
    precisions = ", ".join(p for p in (territoire.get_niveau_display(), territoire.code, departement) if p)
    return f"{territoire.nom} ({precisions})"


def _plus_ans(jour: datetime.date, ans: int) -> datetime.date:
    try:
        return jour.replace(year=jour.year + ans)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + ans, day=28)


def nom_propose(nature: str, elements) -> str:
    """ "CLSPD de Châtellerault" from the kind and the perimeter."""
    sigle = {"cls": "CLS", "clspd": "CLSPD", "cispd": "CISPD", "strategie": _("Stratégie territoriale")}[
        nature
    ]
    lieu = elements[0].nom if len(elements) == 1 else ", ".join(e.nom for e in elements[:3])
    return f"{sigle} {_('de')} {lieu}"


class LigneForm(forms.Form):
    """A row of a step (laid out on one line by cls_poitiers/mise_en_place/_ligne.html)."""


class QuartierForm(LigneForm):
    code = forms.CharField(
        label=gettext_lazy("Code QPV"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Vide pour un quartier libre."),
    )
    nom = forms.CharField(label=gettext_lazy("Nom du quartier"), max_length=200, required=False)
    commune = forms.ModelChoiceField(
        label=gettext_lazy("Commune"), queryset=None, to_field_name="code", required=False
    )

    def __init__(self, *args, contrat=None, **kwargs):
        super().__init__(*args, **kwargs)
        communes = services.communes_du_contrat(contrat)
        self.fields["commune"].queryset = communes
        if len(communes) == 1:
            self.fields["commune"].initial = communes[0].code

    def clean(self):
        donnees = super().clean()
        if donnees.get("nom") and not donnees.get("commune"):
            self.add_error("commune", _("Un quartier doit être rattaché à une commune du contrat."))
        if donnees.get("code") and not donnees.get("nom"):
            self.add_error("nom", _("Donnez le nom du quartier."))
        return donnees


class PartenaireForm(LigneForm):
    retenu = forms.BooleanField(label=gettext_lazy("Retenu"), required=False, initial=True)
    nom = forms.CharField(label=gettext_lazy("Nom"), max_length=200, required=False)
    sigle = forms.CharField(label=gettext_lazy("Sigle"), max_length=30, required=False)
    nature = forms.ChoiceField(
        label=gettext_lazy("Nature"), choices=Partenaire.Nature.choices, initial="association"
    )

    def __init__(self, *args, contrat=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        donnees = super().clean()
        if not donnees.get("retenu"):
            donnees["retire"], donnees["nom"] = donnees.get("nom", ""), ""
        return donnees


class PrioriteForm(LigneForm):
    titre = forms.CharField(label=gettext_lazy("Intitulé de la priorité"), max_length=300, required=False)

    def __init__(self, *args, contrat=None, **kwargs):
        super().__init__(*args, **kwargs)


def choix_partenaires(contrat):
    return Partenaire.objects.actifs().order_by("nom")


class CompteForm(LigneForm):
    prenom = forms.CharField(label=gettext_lazy("Prénom"), max_length=150, required=False)
    nom = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Adresse électronique"), required=False)
    partenaire = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=None, to_field_name="nom", required=False
    )
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=[(r, r) for r in ROLES], initial=PARTENAIRE)

    def __init__(self, *args, contrat=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = choix_partenaires(contrat)

    def clean(self):
        donnees = super().clean()
        if not donnees.get("email"):
            if donnees.get("prenom") or donnees.get("nom"):
                self.add_error("email", _("L'invitation part par courriel : donnez l'adresse."))
            return donnees
        if not donnees.get("partenaire"):
            self.add_error("partenaire", _("Un compte doit appartenir à une organisation partenaire."))
        for champ in ("prenom", "nom"):
            if not donnees.get(champ):
                self.add_error(champ, _("Ce champ est obligatoire."))
        return donnees
