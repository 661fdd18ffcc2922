"""Forms of the observatory: uploading a file to import, a partner's monthly declaration, the
diagnostic and its annexes, a perceived-insecurity survey and its answers."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from cls_poitiers import fichiers, formats
from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES
from cls_poitiers.fichiers import verifier_fichier
from cls_poitiers.forms import ControleDonneesPersonnelles
from cls_poitiers.limites import (
    ANNEE_PLANCHER,
    DATE_PLANCHER,
    NOMBRE_FAITS_MAX,
    TEXTE_COURT_MAX,
    annee_declarable_max,
)
from cls_poitiers.models import Territoire

from . import services
from .models import (
    AnnexeDiagnostic,
    Diagnostic,
    Enquete,
    Indicateur,
    LotImport,
    Nomenclature,
    ResultatEnquete,
    Source,
)

MOIS = list(MONTHS.items())  # janvier… décembre


class TeleversementForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type de fichier"),
        choices=[c for c in LotImport.Type.choices if c[0] != LotImport.Type.DEMO],
    )
    fichier = forms.FileField(
        label=_("Fichier"),
        help_text=_("CSV (séparateur ;, UTF-8 ou Windows-1252), XLSX ou GeoJSON."),
        # An upload cut off halfway reaches the form without its file.
        error_messages={
            "required": _(
                "Aucun fichier complet n'a été reçu : choisissez un fichier, ou déposez-le à nouveau "
                "si son envoi a été interrompu. Rien n'a été enregistré."
            )
        },
    )
    source = forms.ModelChoiceField(
        label=_("Source des chiffres (modèle local)"),
        queryset=Source.objects.all(),
        required=False,
        to_field_name="code",
        help_text=_("Par défaut : relevés locaux de l'observatoire."),
    )
    creer_territoires = forms.BooleanField(
        label=_("Rattacher chaque code au référentiel national (base SSMSI)"),
        help_text=_(
            "Un code que le référentiel ne connaît pas refuse le fichier, en nommant sa ligne. "
            "Sans cette case, ses lignes sont ignorées et comptées."
        ),
        required=False,
    )
    annee = forms.IntegerField(
        label=_("Année des populations (fichier DEMO des QPV)"),
        help_text=_("Par défaut : l'année du nom du fichier publié (DEMO_2020.csv)."),
        required=False,
        min_value=ANNEE_PLANCHER,
        max_value=2200,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("deposer", _("Vérifier le fichier (aperçu)")))

    def options_du_lot(self) -> dict:
        """The batch's options for its kind of file."""
        type_lot = self.cleaned_data["type"]
        if type_lot == LotImport.Type.SSMSI:
            return {"creer_territoires": self.cleaned_data["creer_territoires"]}
        if type_lot == LotImport.Type.QPV and self.cleaned_data.get("annee"):
            return {"annee": self.cleaned_data["annee"]}
        return {}

    # What each kind of import accepts (content checked against the extension, archives bounded).
    TYPES_FICHIER = {
        LotImport.Type.SSMSI: ("csv",),
        LotImport.Type.FIGURES: ("csv", "xlsx"),
        LotImport.Type.POPULATION: ("csv", "xlsx"),
        LotImport.Type.GEOJSON: ("geojson",),
        LotImport.Type.ETAT4001: ("csv", "xlsx"),
        LotImport.Type.QPV: ("csv", "xlsx"),
    }

    @staticmethod
    def taille_max(type_lot: str | None) -> int:
        """The cap on an upload of this kind: the national formats (read in chunks) have theirs."""
        if type_lot in services.LUS_EN_ENTIER or type_lot not in LotImport.Type.values:
            return settings.CLS_IMPORT_TAILLE_MAX
        return settings.CLS_IMPORT_TAILLE_MAX_NATIONALE

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        type_lot = self.data.get("type")
        limite = self.taille_max(type_lot)
        if fichier.size > limite:
            connu = type_lot if type_lot in LotImport.Type.values else LotImport.Type.FIGURES
            raise forms.ValidationError(
                services.trop_gros(type_lot=connu, taille=fichier.size)
                or _("Fichier trop volumineux (%(t)s Mo) : la limite est de %(m)s Mo pour ce type d'import.")
                % {"t": formats.mega_octets(fichier.size), "m": formats.mega_octets(limite)}
            )
        if fichier.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        types = self.TYPES_FICHIER.get(type_lot, ("csv", "xlsx", "geojson"))
        verifier_fichier(fichier, types=types, taille_max=limite)
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
        self.fields["territoires_prioritaires"].queryset = Territoire.objects.du_contrat_courant().order_by(
            "niveau", "nom"
        )
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


class CorrespondanceForm(forms.Form):
    """From an import's preview: which platform indicator an unknown label of the file counts."""

    libelle = forms.ChoiceField(
        label=_("Libellé du fichier"), widget=forms.Select(attrs={"class": "form-select"})
    )
    indicateur = forms.ModelChoiceField(
        label=_("Indicateur de la plateforme"),
        queryset=Indicateur.objects.none(),
        empty_label=_("— choisir —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, libelles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["libelle"].choices = [(libelle, libelle) for libelle in libelles]
        self.fields["indicateur"].queryset = Indicateur.objects.actifs().filter(
            nomenclature=Nomenclature.SSMSI
        )


# --- perceived-insecurity surveys -----------------------------------------------------------------

# A survey's sample, and each territory's, stays below this many respondents.
REPONDANTS_MAX = 10_000_000
LIGNES_NOUVELLE_ENQUETE = 8
LIGNES_AJOUTEES = 3


class EnqueteForm(ControleDonneesPersonnelles, forms.ModelForm):
    """A perceived-insecurity survey: when, how, by whom, on how many respondents, where."""

    territoires = forms.ModelMultipleChoiceField(
        label=_("Territoires enquêtés"),
        queryset=Territoire.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les territoires sur lesquels l'échantillon a été tiré. Une enquête ne couvre le "
            "territoire du contrat ou une commune que si elle y a été menée : les parts de ses "
            "quartiers ne s'additionnent ni ne se moyennent."
        ),
        error_messages={"required": _("Choisissez au moins un territoire enquêté.")},
    )

    class Meta:
        model = Enquete
        fields = ["titre", "date_debut", "date_fin", "methode", "realisee_par", "repondants", "illustratif"]
        labels = {"repondants": _("Taille de l'échantillon (répondants)")}
        widgets = {
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "methode": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, territoires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoires"].queryset = territoires
        if self.instance.pk:
            self.fields["territoires"].initial = list(
                self.instance.resultats.values_list("territoire_id", flat=True).distinct()
            )
        repondants = self.fields["repondants"]
        repondants.required = True
        repondants.min_value = 1
        repondants.error_messages["required"] = _("Indiquez la taille de l'échantillon.")
        repondants.validators += [
            MinValueValidator(1, _("L'échantillon compte au moins un répondant.")),
            MaxValueValidator(REPONDANTS_MAX, _("L'échantillon compte au plus 10 000 000 répondants.")),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        for champ in ("date_debut", "date_fin"):
            date = donnees.get(champ)
            if date is not None and date < DATE_PLANCHER:
                self.add_error(
                    champ, _("La date ne peut pas précéder le 01/01/%(a)s.") % {"a": ANNEE_PLANCHER}
                )
            elif date is not None and date > timezone.localdate():
                self.add_error(
                    champ, _("Une enquête se saisit une fois menée : la date ne peut pas être à venir.")
                )
        if debut and fin and fin < debut:
            self.add_error("date_fin", _("La fin de l'enquête ne peut précéder son début."))
        return donnees


class ResultatForm(forms.ModelForm):
    """One answer on one territory: the share of its respondents who gave it."""

    pourcentage = forms.DecimalField(
        label=_("Part des répondants (%)"),
        max_digits=4,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("Écrivez une part en pourcentage, par exemple 42,5."),
            "max_decimal_places": _("Une part s'écrit avec une décimale au plus (42,5)."),
            "max_digits": _("Une part de répondants est comprise entre 0 et 100 %."),
            "max_whole_digits": _("Une part de répondants est comprise entre 0 et 100 %."),
        },
        validators=[
            # A validator formats its message: "%%" writes "%".
            MinValueValidator(0, _("Une part de répondants est comprise entre 0 et 100 %%.")),
            MaxValueValidator(100, _("Une part de répondants est comprise entre 0 et 100 %%.")),
        ],
    )

    class Meta:
        model = ResultatEnquete
        fields = ["territoire", "question", "pourcentage", "repondants"]
        labels = {
            "territoire": _("Territoire"),
            "question": _("Question ou réponse"),
            "repondants": _("Répondants sur ce territoire"),
        }

    def __init__(self, *args, territoires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires
        self.fields["territoire"].empty_label = _("(territoire)")
        for nom, champ in self.fields.items():
            champ.widget.attrs["class"] = "form-select" if nom == "territoire" else "form-control"

    def marquer_erreurs(self):
        """Fields in error say so to assistive technologies and point to their message."""
        for nom in self._errors or {}:
            if nom in self.fields:
                attrs = self.fields[nom].widget.attrs
                attrs["class"] = attrs.get("class", "").replace(" is-invalid", "") + " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self.auto_id % self.add_prefix(nom)}_erreur"
        repondants = self.fields["repondants"]
        repondants.validators += [
            MinValueValidator(1, _("Un territoire enquêté compte au moins un répondant.")),
            MaxValueValidator(REPONDANTS_MAX, _("L'échantillon compte au plus 10 000 000 répondants.")),
        ]


class BaseResultats(forms.BaseInlineFormSet):
    """The answers of a survey, checked together against its territories and its sample."""

    def __init__(self, *args, enquete_form=None, **kwargs):
        self.enquete_form = enquete_form
        super().__init__(*args, **kwargs)

    def gardes(self) -> list:
        """The answers filled in that stay (neither empty extra rows nor ticked for removal)."""
        return [
            f for f in self.forms if f.cleaned_data and not (self.can_delete and self._should_delete_form(f))
        ]

    def clean(self):
        try:
            self._verifier()
        finally:
            for form in self.forms:
                form.marquer_erreurs()

    def _verifier(self):
        super().clean()
        if any(self.errors):
            return
        gardes = self.gardes()
        if not gardes:
            raise forms.ValidationError(_("Saisissez au moins une réponse (territoire, question, part)."))
        vus = set()
        for form in gardes:
            cle = (form.cleaned_data["territoire"].pk, form.cleaned_data["question"].strip().casefold())
            if cle in vus:
                form.add_error("question", _("Cette question a déjà une réponse pour ce territoire."))
            vus.add(cle)
        donnees = (
            self.enquete_form.cleaned_data if self.enquete_form and self.enquete_form.is_valid() else None
        )
        if donnees is None:
            return
        choisis = set(donnees["territoires"])
        repondus = {f.cleaned_data["territoire"] for f in gardes}
        for form in gardes:
            territoire = form.cleaned_data["territoire"]
            if territoire not in choisis:
                form.add_error(
                    "territoire",
                    _("%(t)s n'est pas parmi les territoires enquêtés : cochez-le ou choisissez-en un autre.")
                    % {"t": territoire.nom},
                )
            repondants = form.cleaned_data.get("repondants")
            if repondants and repondants > donnees["repondants"]:
                form.add_error(
                    "repondants",
                    _("Plus de répondants sur ce territoire (%(n)s) que dans tout l'échantillon (%(e)s).")
                    % {"n": repondants, "e": donnees["repondants"]},
                )
        sans_reponse = sorted(t.nom for t in choisis - repondus)
        if sans_reponse:
            raise forms.ValidationError(
                _("Territoire enquêté sans réponse : %(t)s. Saisissez ses réponses ou décochez-le.")
                % {"t": ", ".join(sans_reponse)}
            )

    def a_enregistrer(self) -> tuple[list, list]:
        """(answers to save, numbered by their question's first appearance; answers to remove)."""
        supprimes = [f.instance for f in self.deleted_forms if f.instance.pk]
        ordres: dict[str, int] = {}
        resultats = []
        for form in self.gardes():
            resultat = form.save(commit=False)
            ordre = ordres.setdefault(resultat.question.strip().casefold(), len(ordres))
            if form.has_changed() or resultat.pk is None or resultat.ordre != ordre:
                resultat.ordre = ordre
                resultats.append(resultat)
        return resultats, supprimes


def formulaires_enquete(data=None, *, enquete=None, territoires):
    """The survey's form and its answers' formset, bound to `data` when posted."""
    enquete = enquete or Enquete()
    form = EnqueteForm(data, instance=enquete, territoires=territoires)
    Resultats = forms.inlineformset_factory(
        Enquete,
        ResultatEnquete,
        form=ResultatForm,
        formset=BaseResultats,
        extra=LIGNES_AJOUTEES if enquete.pk else LIGNES_NOUVELLE_ENQUETE,
        can_delete=bool(enquete.pk),
    )
    resultats = Resultats(
        data,
        instance=enquete,
        prefix="resultats",
        queryset=ResultatEnquete.objects.filter(enquete=enquete).select_related("territoire")
        if enquete.pk
        else ResultatEnquete.objects.none(),
        form_kwargs={"territoires": territoires},
        enquete_form=form,
    )
    return form, resultats
