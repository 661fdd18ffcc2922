"""The coordination's forms for the council. None holds `is_staff`, `is_superuser`, individual
permissions or a password: rights come from roles only, granted under the rule of `roles`, and
each person chooses their own password from their invitation."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..grammaire import Article
from ..mise_en_place.services import rechercher
from ..models import Contrat, Partenaire, Priorite, Territoire, Utilisateur
from ..permissions import ROLES
from .roles import RolesAccordablesMixin

ORGANISATION_OBLIGATOIRE = _("Un compte doit appartenir à une organisation partenaire.")


class _SansBalise:
    """Crispy renders the fields; the template writes the <form> tag and its buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def territoires_proposes(contrat, actuel_id=None):
    """The contract's perimeter, and the territory already chosen if it lies outside it."""
    return Territoire.objects.filter(
        Q(pk__in=Territoire.objects.du_contrat(contrat).values("pk")) | Q(pk=actuel_id)
    ).hierarchie()


def code_libre(modele, base: str, champ: str = "code", reserves=(), max_length: int = 40) -> str:
    """A slug of `base` that no row of `modele` uses yet (and not in `reserves`): "cellule-de-veille",
    then "cellule-de-veille-2"…"""
    racine = slugify(base)[: max_length - 4] or "sans-nom"
    code, n = racine, 1
    while code in reserves or modele.objects.filter(**{champ: code}).exists():
        n += 1
        code = f"{racine}-{n}"
    return code


class PartenaireForm(_SansBalise, forms.ModelForm):
    class Meta:
        model = Partenaire
        fields = ["nom", "sigle", "nature", "territoire"]

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires_proposes(contrat, self.instance.territoire_id)

    def save(self, commit=True):
        if not self.instance.pk:
            self.instance.code = code_libre(
                Partenaire, self.cleaned_data["sigle"] or self.cleaned_data["nom"]
            )
        return super().save(commit)


def _roles():
    return Group.objects.filter(name__in=ROLES).order_by("name")


class CompteForm(_SansBalise, RolesAccordablesMixin, forms.ModelForm):
    """An account's identity, organisation and roles. The organisation is required: an account
    belongs to a partner. A new account is invited (`cls_poitiers.invitations`)."""

    groups = forms.ModelMultipleChoiceField(
        label=_("Rôles"), queryset=Group.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Utilisateur
        fields = ["first_name", "last_name", "email", "partenaire", "fonction", "groups"]

    def __init__(self, *args, demandeur, **kwargs):
        super().__init__(*args, **kwargs)
        self.demandeur = demandeur
        self.identifiant_est_le_courriel = (
            not self.instance.pk or self.instance.username == self.instance.email
        )
        self.fields["groups"].queryset = _roles()
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].required = True
        organisation = self.fields["partenaire"]
        organisation.required = True
        organisation.error_messages["required"] = ORGANISATION_OBLIGATOIRE
        organisation.queryset = Partenaire.objects.filter(Q(actif=True) | Q(pk=self.instance.partenaire_id))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        autres = Utilisateur.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        if autres.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Un compte utilise déjà cette adresse électronique."))
        return email

    def save(self, commit=True):
        compte = super().save(commit=False)
        if self.identifiant_est_le_courriel:
            compte.username = compte.email  # the login follows the address it was made from
        if not compte.pk:
            compte.set_unusable_password()
        if commit:
            compte.save()
            self.save_m2m()
        return compte


class QuartierForm(_SansBalise, forms.ModelForm):
    """A quartier (or QPV) under one of the contract's communes."""

    class Meta:
        model = Territoire
        fields = ["parent", "code", "nom", "article", "prioritaire"]
        labels = {"parent": _("Commune")}

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.niveau = Territoire.Niveau.QUARTIER
        self.fields["parent"].queryset = Territoire.objects.du_contrat(contrat).communes().order_by("nom")
        self.fields["parent"].required = True
        # Empty, the article is read off the name (« Les Couronneries »: « des Couronneries »).
        self.fields["article"].choices = [("", _("(lu sur le nom)")), *Article.choices]


class CommuneAjoutForm(_SansBalise, forms.Form):
    """A commune of the national referential, found by its INSEE code or its name."""

    recherche = forms.CharField(
        label=_("Commune (nom ou code INSEE)"), max_length=200, help_text=_("Par exemple « 86066 ».")
    )

    def clean_recherche(self):
        saisie = self.cleaned_data["recherche"].strip()
        # The set-up journey's search of the referential, its communes only (one home for it).
        trouvees = [t for t in rechercher(saisie) if t.niveau == Territoire.Niveau.COMMUNE]
        if not trouvees:
            raise forms.ValidationError(
                _("Aucune commune du référentiel national ne porte ce nom ou ce code : « %(saisie)s »."),
                params={"saisie": saisie},
            )
        if len(trouvees) > 1:
            raise forms.ValidationError(
                _("Plusieurs communes portent ce nom ; indiquez son code INSEE : %(codes)s."),
                params={"codes": ", ".join(f"{c.nom} ({c.code})" for c in trouvees)},
            )
        return trouvees[0]


class PrioriteForm(_SansBalise, forms.ModelForm):
    class Meta:
        model = Priorite
        fields = ["numero", "titre", "texte"]

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.contrat = contrat

    def clean_numero(self):
        numero = self.cleaned_data["numero"]
        autres = Priorite.objects.filter(contrat=self.instance.contrat, numero=numero)
        if autres.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Ce numéro de priorité existe déjà dans le contrat."))
        return numero


class RenumerotationForm(_SansBalise, forms.Form):
    """One number per priority of the contract; all distinct."""

    def __init__(self, *args, priorites, **kwargs):
        super().__init__(*args, **kwargs)
        self.priorites = list(priorites)
        for p in self.priorites:
            self.fields[f"p{p.pk}"] = forms.IntegerField(
                label=p.titre, min_value=1, max_value=999, initial=p.numero
            )

    def clean(self):
        donnees = super().clean()
        numeros = [donnees.get(f"p{p.pk}") for p in self.priorites]
        if None not in numeros and len(set(numeros)) != len(numeros):
            raise forms.ValidationError(_("Deux priorités ne peuvent porter le même numéro."))
        return donnees

    def numeros(self) -> dict:
        return {p: self.cleaned_data[f"p{p.pk}"] for p in self.priorites}


class ContratForm(_SansBalise, forms.ModelForm):
    """The current contract: the council's name (the platform's), its kind, title and dates. The
    model refuses, in French, dates overlapping another contract of the same council."""

    class Meta:
        model = Contrat
        fields = [
            "nom_conseil",
            "titre",
            "nature",
            "date_signature",
            "date_debut",
            "date_fin",
            "annee_diagnostic",
        ]
        widgets = {
            champ: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for champ in ("date_signature", "date_debut", "date_fin")
        }
