"""Forms of the secretariat: schedule, change, urgent meeting, agenda, attendance, minutes,
decisions and amendments, cancellation; and the members' answer to a convocation.

Dates and times use the browser's native pickers (input type=datetime-local)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cls_poitiers.donnees_personnelles import AIDE_DONNEES_PERSONNELLES, avec_aide_donnees_personnelles
from cls_poitiers.forms import ControleDonneesPersonnelles
from cls_poitiers.limites import COMPTE_RENDU_MAX, TEXTE_COURT_MAX, TEXTE_LONG_MAX, TITRE_MAX
from cls_poitiers.models import Partenaire, Territoire
from engagements.models import Action, Engagement

from .models import Avenant, Presence, erreurs_de_plage

FORMAT_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateHeureInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=FORMAT_DATETIME_LOCAL)


def _champ_date_heure(label):
    return forms.DateTimeField(label=label, widget=DateHeureInput(), input_formats=[FORMAT_DATETIME_LOCAL])


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Territory choices are the current contract's perimeter, read when the form is made.
        for champ in self.fields.values():
            if isinstance(champ, forms.ModelChoiceField) and champ.queryset.model is Territoire:
                champ.queryset = _territoires()
        self.helper = FormHelper()
        self.helper.form_tag = False


def _verifier_plage(form, data, comite) -> bool:
    """Add the bounds of a meeting's time (cls_poitiers.limites) as field errors; True if none."""
    debut, fin = data.get("debut"), data.get("fin")
    erreurs = erreurs_de_plage(debut, fin, date_signature=comite.contrat.date_signature)
    for champ, message in erreurs.items():
        form.add_error(champ, message)
    return not erreurs


def _territoires():
    """The current contract's territories (never the whole referential)."""
    return Territoire.objects.du_contrat_courant().order_by("niveau", "nom")


class ReunionForm(ControleDonneesPersonnelles, _Form):
    """Schedule or change a meeting. When the chosen time overlaps other meetings with the same
    members, the form says so and asks for a confirmation before saving."""

    titre = forms.CharField(
        label=_("Titre"),
        max_length=TITRE_MAX,
        required=False,
        help_text=avec_aide_donnees_personnelles(_("Laissé vide : « nom du comité du JJ/MM/AAAA ».")),
    )
    debut = _champ_date_heure(_("Début"))
    fin = _champ_date_heure(_("Fin"))
    adresse = forms.CharField(
        label=_("Adresse"),
        max_length=300,
        required=False,
        help_text=avec_aide_donnees_personnelles(_("Sur le terrain : salle, rue, quartier.")),
    )
    territoire = forms.ModelChoiceField(
        label=_("Territoire du lieu"), queryset=Territoire.objects.none(), required=False
    )
    confirmer_chevauchement = forms.BooleanField(label=_("Planifier malgré le chevauchement"), required=False)

    def __init__(self, *args, comite, chevauchements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.comite = comite
        self.chevauchements_fn = chevauchements
        self.chevauchements = []
        if comite.territoire_id:
            self.initial.setdefault("territoire", comite.territoire_id)

    def clean(self):
        data = super().clean()
        debut, fin = data.get("debut"), data.get("fin")
        if debut and fin:
            if fin <= debut:
                self.add_error("fin", _("La fin de la réunion doit suivre son début."))
            elif _verifier_plage(self, data, self.comite) and self.chevauchements_fn is not None:
                self.chevauchements = list(self.chevauchements_fn(debut, fin))
                if self.chevauchements and not data.get("confirmer_chevauchement"):
                    raise forms.ValidationError(
                        _(
                            "Cette plage horaire chevauche d'autres réunions avec les mêmes membres. "
                            "Cochez « Planifier malgré le chevauchement » pour confirmer."
                        ),
                        code="chevauchement",
                    )
        return data

    def donnees(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirmer_chevauchement"}


class ReunionPasseeForm(ReunionForm):
    """A meeting that took place without a convocation through the platform, recorded afterwards.
    It must have started; no overlap warning (what happened, happened)."""

    def __init__(self, *args, comite, **kwargs):
        super().__init__(*args, comite=comite, **kwargs)
        del self.fields["confirmer_chevauchement"]
        self.fields["debut"].help_text = _("La réunion a déjà eu lieu : son début est passé.")

    def clean(self):
        data = super().clean()
        if data.get("debut") and data["debut"] > timezone.now():
            self.add_error(
                "debut", _("Cette réunion n'a pas encore eu lieu : planifiez-la, puis convoquez les membres.")
            )
        return data


class ReunionUrgenteForm(ControleDonneesPersonnelles, _Form):
    """A crisis meeting of `comite`, convened at once."""

    objet = forms.CharField(
        label=_("Objet de la réunion"), max_length=TITRE_MAX, help_text=AIDE_DONNEES_PERSONNELLES
    )
    debut = _champ_date_heure(_("Début"))
    fin = _champ_date_heure(_("Fin"))
    adresse = forms.CharField(
        label=_("Adresse"), max_length=300, required=False, help_text=AIDE_DONNEES_PERSONNELLES
    )
    territoire = forms.ModelChoiceField(
        label=_("Territoire du lieu"), queryset=Territoire.objects.none(), required=False
    )

    def __init__(self, *args, comite, **kwargs):
        super().__init__(*args, **kwargs)
        self.comite = comite

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin"):
            if data["fin"] <= data["debut"]:
                self.add_error("fin", _("La fin de la réunion doit suivre son début."))
            else:
                _verifier_plage(self, data, self.comite)
        return data


class PointForm(ControleDonneesPersonnelles, _Form):
    titre = forms.CharField(
        label=_("Intitulé du point"), max_length=TITRE_MAX, help_text=AIDE_DONNEES_PERSONNELLES
    )
    duree_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=1, max_value=600, initial=15)
    engagements = forms.ModelMultipleChoiceField(
        label=_("Engagements concernés"),
        queryset=Engagement.objects.select_related("partenaire").order_by("reference"),
        required=False,
    )
    territoires = forms.ModelMultipleChoiceField(
        label=_("Territoires concernés"), queryset=Territoire.objects.none(), required=False
    )


class AnnulationForm(ControleDonneesPersonnelles, _Form):
    motif = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXTE_COURT_MAX,
        help_text=AIDE_DONNEES_PERSONNELLES,
    )


class CompteRenduForm(ControleDonneesPersonnelles, _Form):
    texte = forms.CharField(
        label=_("Compte rendu"),
        max_length=COMPTE_RENDU_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=AIDE_DONNEES_PERSONNELLES,
    )


class DecisionForm(ControleDonneesPersonnelles, _Form):
    texte = forms.CharField(
        label=_("Décision"),
        max_length=TEXTE_LONG_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=AIDE_DONNEES_PERSONNELLES,
    )


class PresenceForm(forms.Form):
    """One line of the attendance sheet."""

    statut = forms.ChoiceField(label=_("Présence"), choices=Presence.Statut.choices)
    represente_par = forms.CharField(label=_("Représenté par"), max_length=200, required=False)

    def __init__(self, *args, presence: Presence, **kwargs):
        super().__init__(*args, **kwargs)
        self.presence = presence

    def clean(self):
        data = super().clean()
        if data.get("statut") == Presence.Statut.REPRESENTE and not data.get("represente_par", "").strip():
            self.add_error("represente_par", _("Indiquez qui représentait le membre."))
        return data


def formulaires_presences(reunion, data=None) -> list[PresenceForm]:
    forms_ = []
    for presence in reunion.presences.select_related("membre__partenaire"):
        initial = {
            "statut": presence.statut
            if presence.statut != Presence.Statut.NON_RENSEIGNE
            else _statut_depuis_reponse(presence),
            "represente_par": presence.represente_par or presence.reponse_represente_par,
        }
        forms_.append(PresenceForm(data, presence=presence, prefix=f"p{presence.pk}", initial=initial))
    return forms_


def _statut_depuis_reponse(presence: Presence) -> str:
    return {
        Presence.Reponse.PARTICIPERA: Presence.Statut.PRESENT,
        Presence.Reponse.EXCUSE: Presence.Statut.EXCUSE,
        Presence.Reponse.REPRESENTE: Presence.Statut.REPRESENTE,
    }.get(presence.reponse, Presence.Statut.NON_RENSEIGNE)


class AvenantForm(ControleDonneesPersonnelles, _Form):
    """An amendment: the decision's text, what it changes and the new value."""

    texte = forms.CharField(
        label=_("Texte de la décision"),
        max_length=TEXTE_LONG_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=AIDE_DONNEES_PERSONNELLES,
    )
    objet = forms.ChoiceField(label=_("Objet de l'avenant"), choices=Avenant.Objet.choices)
    engagement = forms.ModelChoiceField(
        label=_("Engagement modifié"),
        queryset=Engagement.objects.select_related("partenaire").order_by("reference"),
        required=False,
        help_text=_("Sauf pour l'ajout d'un engagement."),
    )
    valeur_cible = forms.DecimalField(
        label=_("Nouvelle valeur cible"), required=False, max_digits=12, decimal_places=2
    )
    echeance = forms.DateField(
        label=_("Nouvelle échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    partenaire = forms.ModelChoiceField(
        label=_("Nouveau partenaire"), queryset=Partenaire.objects.actifs(), required=False
    )
    # Adding a commitment.
    action = forms.ModelChoiceField(
        label=_("Fiche-action (ajout)"), queryset=Action.objects.all(), required=False
    )
    reference = forms.SlugField(label=_("Référence du nouvel engagement"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description du nouvel engagement"),
        required=False,
        max_length=TEXTE_COURT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=AIDE_DONNEES_PERSONNELLES,
    )
    unite = forms.CharField(label=_("Unité de mesure"), max_length=60, required=False)

    def clean(self):
        data = super().clean()
        objet = data.get("objet")
        requis = {
            Avenant.Objet.CIBLE: ["engagement", "valeur_cible"],
            Avenant.Objet.ECHEANCE: ["engagement", "echeance"],
            Avenant.Objet.PARTENAIRE: ["engagement", "partenaire"],
            Avenant.Objet.CLOTURE: ["engagement"],
            Avenant.Objet.AJOUT: [
                "action",
                "reference",
                "description",
                "unite",
                "valeur_cible",
                "echeance",
                "partenaire",
            ],
        }.get(objet, [])
        for champ in requis:
            if data.get(champ) in (None, ""):
                self.add_error(champ, _("Ce champ est obligatoire pour cet objet d'avenant."))
        return data

    def arguments_service(self) -> dict:
        data = self.cleaned_data
        objet = data["objet"]
        nouvelle_valeur = {
            Avenant.Objet.CIBLE: data.get("valeur_cible"),
            Avenant.Objet.ECHEANCE: data.get("echeance"),
            Avenant.Objet.PARTENAIRE: data.get("partenaire"),
        }.get(objet)
        nouvel = None
        if objet == Avenant.Objet.AJOUT:
            nouvel = {
                "action": data["action"],
                "reference": data["reference"],
                "description": data["description"],
                "unite": data["unite"],
                "valeur_cible": data["valeur_cible"],
                "echeance": data["echeance"],
                "partenaire": data["partenaire"],
            }
        return {
            "texte": data["texte"],
            "objet": objet,
            "engagement": data.get("engagement"),
            "nouvelle_valeur": nouvelle_valeur,
            "nouvel_engagement": nouvel,
        }


class ReponseForm(_Form):
    """A member's answer to a convocation, from the e-mail's link or from the meeting's page."""

    reponse = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[c for c in Presence.Reponse.choices if c[0] != Presence.Reponse.SANS_REPONSE],
        widget=forms.RadioSelect,
    )
    represente_par = forms.CharField(
        label=_("Représenté par (nom et fonction)"), max_length=200, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("reponse") == Presence.Reponse.REPRESENTE and not data.get("represente_par", "").strip():
            self.add_error("represente_par", _("Indiquez qui représentera votre organisation."))
        return data


class BilanNouveauForm(forms.Form):
    annee = forms.IntegerField(label=_("Année du bilan"), min_value=1900, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse_lazy("comites:bilan_rediger")
        self.helper.add_input(Submit("rediger", _("Rédiger le bilan")))


class BilanForm(ControleDonneesPersonnelles, forms.Form):
    """The coordination's qualitative review: one text per priority, and the year's key events."""

    evenements = forms.CharField(
        label=_("Faits marquants de l'année"),
        required=False,
        max_length=TEXTE_LONG_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=AIDE_DONNEES_PERSONNELLES,
    )

    def __init__(self, *args, priorites, bilan, **kwargs):
        initial = {f"priorite_{p.numero}": bilan.textes.get(str(p.numero), "") for p in priorites}
        initial["evenements"] = bilan.evenements
        super().__init__(*args, initial=initial, **kwargs)
        self.priorites = list(priorites)
        for p in self.priorites:
            self.fields[f"priorite_{p.numero}"] = forms.CharField(
                label=str(p),
                required=False,
                max_length=TEXTE_LONG_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_(
                    "Texte simple : une ligne vide sépare les paragraphes, « - » en début de ligne fait une "
                    "liste, **gras**, _italique_. Aucune donnée nominative."
                ),
            )
        self.order_fields([f"priorite_{p.numero}" for p in self.priorites] + ["evenements"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("enregistrer", _("Enregistrer le projet")))

    def textes(self) -> dict[str, str]:
        return {str(p.numero): self.cleaned_data.get(f"priorite_{p.numero}", "") for p in self.priorites}


class AdoptionBilanForm(forms.Form):
    reunion = forms.ModelChoiceField(label=_("Réunion du comité d'évaluation"), queryset=None)

    def __init__(self, *args, reunions, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reunion"].queryset = reunions
        self.fields["reunion"].label_from_instance = lambda r: f"{r.titre} ({r.debut:%d/%m/%Y})"
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("adopter", _("Adopter le bilan et figer ses chiffres")))


# The coordination's management of the instances (comites.views.gestion) -------------------------

from cls_poitiers.gestion.forms import code_libre, territoires_proposes  # noqa: E402
from cls_poitiers.models import Utilisateur  # noqa: E402

from .models import Comite, Membre  # noqa: E402

# Path segments of /comites/ that an instance's code must not take.
CODES_RESERVES = {"gestion", "reunions", "reponse", "calendrier", "flux", "rythme", "bilans"}


class ComiteGestionForm(forms.ModelForm):
    """An instance of the council: its kind, rhythm (required), confidentiality, territory,
    description and secretaries. Its code comes from its name when it is created."""

    class Meta:
        model = Comite
        fields = ["nom", "type", "rythme", "confidentiel", "territoire", "description", "secretaires"]
        widgets = {"secretaires": forms.CheckboxSelectMultiple}

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if not self.instance.pk:
            self.instance.contrat = contrat
        self.fields["rythme"].error_messages["required"] = _(
            "Une instance doit avoir un rythme : chaque semestre, chaque année ou selon les besoins."
        )
        self.fields["territoire"].queryset = territoires_proposes(contrat, self.instance.territoire_id)
        self.fields["secretaires"].queryset = Utilisateur.objects.filter(is_active=True, is_superuser=False)

    def save(self, commit=True):
        if not self.instance.pk:
            self.instance.code = code_libre(Comite, self.instance.nom, reserves=CODES_RESERVES, max_length=60)
        return super().save(commit)


class MembreForm(forms.ModelForm):
    """A member of an instance: an organisation, its representative, quality and e-mail."""

    class Meta:
        model = Membre
        fields = ["partenaire", "representant", "qualite", "email"]

    def __init__(self, *args, comite, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.instance.comite = comite
        self.fields["partenaire"].queryset = Partenaire.objects.actifs()

    def clean_partenaire(self):
        partenaire = self.cleaned_data["partenaire"]
        deja = self.instance.comite.membres.filter(partenaire=partenaire).exclude(pk=self.instance.pk)
        if deja.exists():
            raise forms.ValidationError(_("Cette organisation est déjà membre de l'instance."))
        return partenaire
