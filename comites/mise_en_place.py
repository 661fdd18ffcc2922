"""The set-up journey's instances step (cls_poitiers.mise_en_place), registered in ComitesConfig:
each instance with its kind, rhythm, confidentiality, member organisations and secretaries, stored
as data. It comes after the accounts step, so the secretaries are chosen among the accounts just
invited with the Secrétariat role."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cls_poitiers import registry
from cls_poitiers.mise_en_place.etapes import formset
from cls_poitiers.mise_en_place.forms import LigneForm, choix_partenaires, lignes_remplies
from cls_poitiers.models import Utilisateur
from cls_poitiers.permissions import SECRETARIAT

from .models import Comite, Membre


def _secretaires():
    return Utilisateur.objects.filter(groups__name=SECRETARIAT, is_active=True).order_by("last_name")


class InstanceForm(LigneForm):
    nom = forms.CharField(label=gettext_lazy("Nom de l'instance"), max_length=200, required=False)
    type = forms.ChoiceField(label=gettext_lazy("Nature"), choices=Comite.Type.choices)
    rythme = forms.ChoiceField(
        label=gettext_lazy("Rythme"), choices=[("", "---------"), *Comite.Rythme.choices], required=False
    )
    confidentiel = forms.BooleanField(label=gettext_lazy("Confidentielle"), required=False)
    membres = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organisations membres"),
        queryset=None,
        to_field_name="nom",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    secretaires = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Secrétaires"),
        queryset=None,
        to_field_name="username",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, contrat=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membres"].queryset = choix_partenaires(contrat)
        self.fields["secretaires"].queryset = _secretaires()

    def clean(self):
        donnees = super().clean()
        if donnees.get("nom") and not donnees.get("rythme"):
            self.add_error(
                "rythme",
                _("Choisissez le rythme de l'instance : chaque semestre, chaque année ou selon les besoins."),
            )
        return donnees


def _proposees(contrat):
    return [
        {
            "nom": _("Assemblée plénière"),
            "type": Comite.Type.PLENIERE,
            "rythme": Comite.Rythme.ANNUEL,
            "membres": list(choix_partenaires(contrat).values_list("nom", flat=True)),
            "secretaires": list(_secretaires().values_list("username", flat=True)),
        },
        {
            "nom": _("Cellule de veille"),
            "type": Comite.Type.VEILLE,
            "rythme": Comite.Rythme.BESOIN,
            "confidentiel": True,
        },
    ]


def formulaire(contrat, data=None):
    comites = contrat.comites.prefetch_related("membres__partenaire", "secretaires")
    initial = [
        {
            "nom": c.nom,
            "type": c.type,
            "rythme": c.rythme,
            "confidentiel": c.confidentiel,
            "membres": [m.partenaire.nom for m in c.membres.all()],
            "secretaires": [s.username for s in c.secretaires.all()],
        }
        for c in comites
    ]
    return formset(InstanceForm, "instances", contrat, data, initial or _proposees(contrat), extra=2)


def enregistrer(contrat, formulaire, request=None):
    for ligne in lignes_remplies(formulaire, "nom"):
        enregistrer_instance(contrat, ligne)


def enregistrer_instance(contrat, ligne) -> Comite:
    """An instance found again by its name in the contract; a local group (cellule de veille, GLTD)
    covers the contract's territory."""
    comite = contrat.comites.filter(nom=ligne["nom"]).first() or Comite(
        contrat=contrat, code=_code(ligne["nom"])
    )
    comite.nom = ligne["nom"]
    comite.type = ligne["type"]
    comite.rythme = ligne["rythme"]
    comite.confidentiel = ligne.get("confidentiel", False)
    if comite.type in Comite.TYPES_CONFIDENTIELS and comite.territoire_id is None:
        comite.territoire = contrat.territoire
    comite.save()
    membres = list(ligne.get("membres") or [])
    comite.membres.exclude(partenaire__in=membres).delete()
    for ordre, partenaire in enumerate(membres, start=1):
        Membre.objects.get_or_create(comite=comite, partenaire=partenaire, defaults={"ordre": ordre})
    comite.secretaires.set(ligne.get("secretaires") or [])
    return comite


def _code(nom: str) -> str:
    base = slugify(nom)[:55] or "instance"
    code, n = base, 1
    while Comite.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


ETAPE = registry.EtapeMiseEnPlace(
    cle="instances",
    titre=gettext_lazy("Les instances"),
    formulaire=formulaire,
    enregistrer=enregistrer,
    faite=lambda contrat: contrat.comites.exists(),
    aide=gettext_lazy(
        "La plénière se réunit au moins une fois par an ; la cellule de veille est confidentielle "
        "(réunions et comptes rendus réservés à ses membres et à la coordination)."
    ),
    ordre=70,
)
