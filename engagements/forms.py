"""Forms of the engagements pages (crispy, bootstrap5)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cls_poitiers import formats
from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES
from cls_poitiers.fichiers import verifier_fichier
from cls_poitiers.forms import ControleDonneesPersonnelles
from cls_poitiers.models import Contrat, Territoire

from .models import Action, Engagement, PointEtape, erreur_chiffre_dans_le_libelle


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _helper(libelle: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", libelle))
    return helper


class PointEtapeForm(ControleDonneesPersonnelles, forms.ModelForm):
    """A new progress report on one commitment; optionally the correction of an earlier one."""

    class Meta:
        model = PointEtape
        fields = ["date", "valeur", "commentaire", "corrige"]
        widgets = {"date": DateInput(), "commentaire": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"commentaire": AIDE_DONNEES_PERSONNELLES}

    def __init__(self, *args, engagement: Engagement, points=None, **kwargs):
        kwargs.setdefault("prefix", f"point-{engagement.reference}")
        super().__init__(*args, **kwargs)
        self.engagement = engagement
        # The model's own bounds (not before the contract, no negative count) run in validation.
        self.instance.engagement = engagement
        self.fields["date"].initial = timezone.localdate()
        self.fields["valeur"].label = _("Valeur atteinte (%(unite)s)") % {"unite": engagement.unite}
        self.fields["corrige"].queryset = engagement.points.filter(correction__isnull=True).order_by("-date")
        self.fields["corrige"].required = False
        self.fields["corrige"].label = _("Corrige le point d'étape (facultatif)")
        self.fields["corrige"].empty_label = _("— nouveau point, pas une correction —")
        self.fields["corrige"].label_from_instance = lambda p: (
            f"{p.date:%d/%m/%Y} : {formats.nombre_exact(p.valeur)}"
        )
        if points is not None:
            # Reports prefetched by a list page: render the choices without one query per form.
            self.fields["corrige"].widget.choices = [("", self.fields["corrige"].empty_label)] + [
                (p.pk, self.fields["corrige"].label_from_instance(p)) for p in points
            ]
        # Several of these forms share a page (one per commitment): the template writes the
        # <form> and its button, the helper only the fields.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Un point d'étape ne peut pas être daté dans le futur."))
        return date


def _champ_motif() -> forms.CharField:
    """Why the plan changes, written in the object's history."""
    return forms.CharField(
        label=_("Motif de la modification"),
        max_length=100,
        required=False,
        help_text=_("Gardé dans l'historique (par exemple : avenant n°2)."),
    )


class ActionForm(ControleDonneesPersonnelles, forms.ModelForm):
    motif = _champ_motif()

    class Meta:
        model = Action
        fields = [
            "priorite",
            "reference",
            "titre",
            "description",
            "pilote",
            "territoires",
            "ordre",
            "illustratif",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new action goes under the current contract's priorities; one of an earlier contract
        # keeps its own.
        priorites = self.fields["priorite"].queryset
        self.fields["priorite"].queryset = priorites.filter(
            Q(contrat=Contrat.objects.courant_sql()) | Q(pk=self.instance.priorite_id)
        ).select_related("contrat")
        self.fields["territoires"].queryset = Territoire.objects.du_contrat_courant().order_by(
            "niveau", "nom"
        )
        self.helper = _helper(_("Enregistrer"))


class EngagementForm(ControleDonneesPersonnelles, forms.ModelForm):
    """The terms of a commitment, edited by the coordination. `version` carries the version the
    editor started from: a save over a newer version is refused (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    motif = _champ_motif()

    class Meta:
        model = Engagement
        fields = [
            "action",
            "reference",
            "partenaire",
            "description",
            "unite",
            "valeur_initiale",
            "valeur_cible",
            "echeance",
            "territoires",
            "poids",
            "illustratif",
            "abandonne_le",
            "motif_abandon",
        ]
        widgets = {
            "echeance": DateInput(),
            "abandonne_le": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "motif_abandon": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"motif_abandon": AIDE_DONNEES_PERSONNELLES}

    # What a partner leaves to the coordination when proposing its own organisation's commitment.
    CHAMPS_DE_LA_COORDINATION = ("illustratif", "abandonne_le", "motif_abandon", "poids")

    def __init__(self, *args, partenaire_impose=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.filter(
            Q(priorite__contrat=Contrat.objects.courant_sql()) | Q(pk=self.instance.action_id)
        ).select_related("priorite")
        self.fields["territoires"].queryset = Territoire.objects.du_contrat_courant().order_by(
            "niveau", "nom"
        )
        if partenaire_impose is not None:
            # A partner enters its own organisation's commitments: the organisation is not a choice.
            champ = self.fields["partenaire"]
            champ.queryset = champ.queryset.filter(pk=partenaire_impose.pk)
            champ.initial = partenaire_impose.pk
            champ.disabled = True
            for nom in self.CHAMPS_DE_LA_COORDINATION:
                self.fields.pop(nom, None)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # The reference is the stable key of imports and links: it does not change.
            self.fields["reference"].disabled = True
        self.helper = _helper(_("Enregistrer"))

    def clean_version(self):
        return self.cleaned_data.get("version") or None

    def clean(self):
        cleaned = super().clean()
        erreur = erreur_chiffre_dans_le_libelle(
            cleaned.get("description", ""), cleaned.get("valeur_initiale"), cleaned.get("valeur_cible")
        )
        if erreur:
            self.add_error("description", erreur)
        return cleaned

    def donnees(self) -> dict:
        """The model fields as the services take them."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields if f in self.cleaned_data}
        data["territoires"] = list(data.get("territoires") or [])
        return data


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label=_("Fichier d'engagements (.csv ou .xlsx)"),
        help_text=_(
            "Le format de l'export : séparateur « ; », virgule décimale, dates JJ/MM/AAAA. "
            "Les engagements sont reconnus par leur référence."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Voir l'aperçu des changements"))

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Format non reconnu : envoyez un fichier .csv ou .xlsx."))
        verifier_fichier(fichier, types=("csv", "xlsx"), taille_max=settings.CLS_IMPORT_TAILLE_MAX)
        return fichier
