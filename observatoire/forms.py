"""Forms of the observatory: uploading a file to import, a partner's monthly declaration."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cls_poitiers import fichiers, formats
from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES
from cls_poitiers.fichiers import verifier_fichier
from cls_poitiers.forms import ControleDonneesPersonnelles
from cls_poitiers.limites import ANNEE_PLANCHER, NOMBRE_FAITS_MAX, TEXTE_COURT_MAX, annee_declarable_max
from cls_poitiers.models import Territoire

from . import services
from .models import AnnexeDiagnostic, Diagnostic, LotImport, Source

MOIS = [(m, timezone.datetime(2000, m, 1).strftime("%m")) for m in range(1, 13)]


class TeleversementForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type de fichier"),
        choices=[c for c in LotImport.Type.choices if c[0] != LotImport.Type.DEMO],
    )
    fichier = forms.FileField(
        label=_("Fichier"), help_text=_("CSV (séparateur ;, UTF-8 ou Windows-1252), XLSX ou GeoJSON.")
    )
    source = forms.ModelChoiceField(
        label=_("Source des chiffres (modèle local)"),
        queryset=Source.objects.all(),
        required=False,
        to_field_name="code",
        help_text=_("Par défaut : relevés locaux de l'observatoire."),
    )
    creer_territoires = forms.BooleanField(
        label=_("Créer les communes ou départements inconnus (base SSMSI)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("deposer", _("Vérifier le fichier (aperçu)")))

    # What each kind of import accepts (content checked against the extension, archives bounded).
    TYPES_FICHIER = {
        LotImport.Type.SSMSI: ("csv",),
        LotImport.Type.FIGURES: ("csv", "xlsx"),
        LotImport.Type.POPULATION: ("csv", "xlsx"),
        LotImport.Type.GEOJSON: ("geojson",),
        LotImport.Type.ETAT4001: ("csv", "xlsx"),
    }

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > settings.CLS_IMPORT_TAILLE_MAX:
            raise forms.ValidationError(
                services.trop_gros(type_lot=LotImport.Type.FIGURES, taille=fichier.size)
            )
        if fichier.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        types = self.TYPES_FICHIER.get(self.data.get("type"), ("csv", "xlsx", "geojson"))
        verifier_fichier(fichier, types=types, taille_max=settings.CLS_IMPORT_TAILLE_MAX)
        return fichier


class DeclarationForm(ControleDonneesPersonnelles, forms.Form):
    """One month, one territory, one count per category of the partner (empty: not declared)."""

    territoire = forms.ModelChoiceField(label=_("Territoire"), queryset=Territoire.objects.none())
    annee = forms.IntegerField(label=_("Année"), min_value=ANNEE_PLANCHER)
    mois = forms.TypedChoiceField(label=_("Mois"), choices=MOIS, coerce=int)
    commentaire = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXTE_COURT_MAX,
        help_text=AIDE_DONNEES_PERSONNELLES,
    )

    def __init__(self, *args, partenaire, territoires, indicateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires
        self.fields["annee"].validators.append(MaxValueValidator(annee_declarable_max()))
        self.fields["annee"].widget.attrs["max"] = annee_declarable_max()
        self.indicateurs = list(indicateurs)
        for indicateur in self.indicateurs:
            self.fields[f"nombre_{indicateur.code}"] = forms.IntegerField(
                label=indicateur.libelle,
                min_value=0,
                max_value=NOMBRE_FAITS_MAX,
                required=False,
                help_text=_("Nombre d'incidents (%(u)s) ; vide si non déclaré.")
                % {"u": indicateur.get_unite_display()},
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("enregistrer", _("Enregistrer la déclaration")))

    def clean(self):
        donnees = super().clean()
        aujourd_hui = timezone.localdate()
        annee, mois = donnees.get("annee"), donnees.get("mois")
        if annee is not None and mois is not None and (annee, mois) > (aujourd_hui.year, aujourd_hui.month):
            self.add_error("mois", _("Ce mois n'est pas encore passé : on déclare ce qui a eu lieu."))
        if self.indicateurs and all(donnees.get(f"nombre_{i.code}") is None for i in self.indicateurs):
            raise forms.ValidationError(_("Indiquez au moins un nombre."))
        return donnees

    def comptes(self) -> dict:
        return {i: self.cleaned_data.get(f"nombre_{i.code}") for i in self.indicateurs}


# What a diagnostic's documents may be, and how heavy each kind may get (octets).
TAILLES_DIAGNOSTIC = {
    "pdf": 20 * 1024 * 1024,
    "odt": 20 * 1024 * 1024,
    "docx": 20 * 1024 * 1024,
    "xlsx": 10 * 1024 * 1024,
    "csv": 5 * 1024 * 1024,
    "png": 8 * 1024 * 1024,
    "jpeg": 8 * 1024 * 1024,
}
AIDE_FICHIER_DIAGNOSTIC = _(
    "PDF, ODT ou DOCX (20 Mo au plus), XLSX (10 Mo), CSV (5 Mo), image PNG ou JPEG (8 Mo)."
)


def verifier_document(upload) -> str:
    """Check an upload of the diagnostic against the accepted types and its own type's limit;
    return the type code or raise ValidationError (French message)."""
    code = fichiers.verifier_fichier(
        upload, types=tuple(TAILLES_DIAGNOSTIC), taille_max=max(TAILLES_DIAGNOSTIC.values())
    )
    limite = TAILLES_DIAGNOSTIC[code]
    if upload.size > limite:
        raise ValidationError(
            _("Un fichier %(type)s pèse au plus %(max)s Mo : celui-ci pèse %(taille)s Mo.")
            % {
                "type": fichiers.TYPES[code].libelle,
                "max": formats.mega_octets(limite),
                "taille": formats.mega_octets(upload.size),
            }
        )
    return code


class DiagnosticForm(ControleDonneesPersonnelles, forms.ModelForm):
    fichier = forms.FileField(label=_("Texte principal"), required=False, help_text=AIDE_FICHIER_DIAGNOSTIC)

    class Meta:
        model = Diagnostic
        fields = [
            "titre",
            "date",
            "annee",
            "auteurs",
            "resume",
            "nombre_pages",
            "mise_a_jour_de",
            "territoires_prioritaires",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoires_prioritaires"].queryset = Territoire.objects.order_by("niveau", "nom")
        if self.instance.pk:
            self.fields["mise_a_jour_de"].queryset = self.fields["mise_a_jour_de"].queryset.exclude(
                pk=self.instance.pk
            )
        self.type_fichier = ""
        self.helper = FormHelper()
        self.helper.add_input(Submit("enregistrer", _("Enregistrer")))

    def clean_fichier(self):
        fichier = self.cleaned_data.get("fichier")
        if fichier:
            self.type_fichier = verifier_document(fichier)
        return fichier


class AnnexeForm(ControleDonneesPersonnelles, forms.Form):
    type = forms.ChoiceField(label=_("Type d'annexe"), choices=AnnexeDiagnostic.Type.choices)
    titre = forms.CharField(label=_("Titre"), max_length=300)
    fichier = forms.FileField(label=_("Fichier"), help_text=AIDE_FICHIER_DIAGNOSTIC)

    def __init__(self, *args, diagnostic=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.diagnostic = diagnostic
        self.type_fichier = ""
        self.helper = FormHelper()
        self.helper.add_input(Submit("deposer", _("Déposer l'annexe")))

    def clean_titre(self):
        titre = self.cleaned_data["titre"]
        if self.diagnostic and self.diagnostic.annexes.filter(titre=titre).exists():
            raise forms.ValidationError(_("Ce diagnostic a déjà une annexe de ce titre."))
        return titre

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        self.type_fichier = verifier_document(fichier)
        return fichier
