"""The journey's steps after the first account: the council, its priority neighbourhoods, partners,
priorities and accounts (the core's), and those apps register (the instances, from comites), in
order. Each step is a `registry.EtapeMiseEnPlace`: the browser and `creer_contrat` run the same."""

from django import forms as django_forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import registry, suggestions
from ..models import Partenaire, Priorite, Territoire, Utilisateur
from . import forms, services

LIGNES_VIDES = 3


def formset(form_class, prefixe, contrat, data=None, initial=(), extra=LIGNES_VIDES):
    """A step's rows: the saved (or suggested) ones, then `extra` empty rows. Bound, the rows are
    what was posted: a posted row equal to a suggestion is still a row to save."""
    classe = django_forms.formset_factory(form_class, extra=extra)
    initial = None if data is not None else list(initial) or None
    return classe(data, initial=initial, prefix=prefixe, form_kwargs={"contrat": contrat})


# The council: a single form, not rows ------------------------------------------------------------


def _formulaire_conseil(contrat, data=None):
    initial = {}
    if contrat is not None:
        perimetre = (
            [contrat.territoire]
            if contrat.territoire.niveau != "district"
            else services.communes_du_contrat(contrat)
        )
        initial = {
            "nature": contrat.nature,
            "perimetre": ", ".join(t.code for t in perimetre),
            **{
                c: getattr(contrat, c)
                for c in (
                    "nom_conseil",
                    "titre",
                    "date_signature",
                    "date_debut",
                    "date_fin",
                    "annee_diagnostic",
                )
            },
        }
    return forms.ConseilForm(data, initial=initial, contrat=contrat)


def _enregistrer_conseil(contrat, formulaire, request=None):
    return services.enregistrer_conseil(formulaire.cleaned_data, contrat)


# Priority neighbourhoods --------------------------------------------------------------------------


def _quartiers(contrat):
    return (
        Territoire.objects.quartiers().prioritaires().filter(parent__in=services.communes_du_contrat(contrat))
    )


def _formulaire_quartiers(contrat, data=None):
    initial = [
        {"code": q.code, "nom": q.nom, "commune": q.parent.code}
        for q in _quartiers(contrat).select_related("parent")
    ]
    return formset(forms.QuartierForm, "quartiers", contrat, data, initial)


def _enregistrer_quartiers(contrat, formulaire, request=None):
    for ligne in forms.lignes_remplies(formulaire, "nom"):
        services.enregistrer_quartier(ligne)


# Partners ------------------------------------------------------------------------------------------


def _partenaires_faits(contrat):
    return Partenaire.objects.actifs().count() > 1


def _formulaire_partenaires(contrat, data=None):
    existants = [
        {"retenu": True, "nom": p.nom, "sigle": p.sigle, "nature": p.nature}
        for p in Partenaire.objects.actifs()
    ]
    if not _partenaires_faits(contrat):
        territoire = contrat.territoire
        departement = territoire.departement.de_nom if territoire.departement_id else ""
        lieu = (
            _("Ville %(de_t)s") % {"de_t": territoire.de_nom}
            if territoire.niveau == "commune"
            else territoire.nom
        )
        noms = {p["nom"] for p in existants}
        existants += [p for p in suggestions.partenaires_proposes(departement, lieu) if p["nom"] not in noms]
    return formset(forms.PartenaireForm, "partenaires", contrat, data, existants)


def _enregistrer_partenaires(contrat, formulaire, request=None):
    for form in formulaire.forms:
        ligne = form.cleaned_data
        if ligne.get("nom"):
            services.enregistrer_partenaire(ligne)
        elif ligne.get("retire"):
            Partenaire.objects.filter(nom=ligne["retire"], utilisateurs__isnull=True).update(actif=False)


# Priorities -----------------------------------------------------------------------------------------


def _formulaire_priorites(contrat, data=None, *, proposer=False):
    initial = [{"titre": p.titre} for p in contrat.priorites.all()]
    if proposer and not initial:
        initial = suggestions.axes_proposes()
    return formset(forms.PrioriteForm, "priorites", contrat, data, initial)


def _enregistrer_priorites(contrat, formulaire, request=None):
    services.enregistrer_priorites(contrat, forms.lignes_remplies(formulaire, "titre"))


# Accounts -----------------------------------------------------------------------------------------


def _invites():
    return (
        Utilisateur.objects.exclude(email="")
        .filter(is_superuser=False)
        .select_related("partenaire")
        .prefetch_related("groups")
    )


def _formulaire_comptes(contrat, data=None):
    initial = [
        {
            "prenom": u.first_name,
            "nom": u.last_name,
            "email": u.email,
            "partenaire": u.partenaire.nom if u.partenaire_id else "",
            "role": next(iter(g.name for g in u.groups.all()), ""),
        }
        for u in _invites()
    ]
    return formset(forms.CompteForm, "comptes", contrat, data, initial)


def _enregistrer_comptes(contrat, formulaire, request=None):
    par = request.user if request is not None else None
    for ligne in forms.lignes_remplies(formulaire, "email"):
        services.enregistrer_compte(ligne, request=request, par=par)


CONSEIL = registry.EtapeMiseEnPlace(
    cle="conseil",
    titre=gettext_lazy("Le conseil et son périmètre"),
    formulaire=_formulaire_conseil,
    enregistrer=_enregistrer_conseil,
    faite=lambda contrat: contrat is not None,
    ordre=20,
)

ETAPES_DU_SOCLE = (
    CONSEIL,
    registry.EtapeMiseEnPlace(
        cle="quartiers",
        titre=gettext_lazy("Les quartiers prioritaires"),
        formulaire=_formulaire_quartiers,
        enregistrer=_enregistrer_quartiers,
        faite=lambda contrat: _quartiers(contrat).exists(),
        aide=gettext_lazy(
            "Un quartier prioritaire de la politique de la ville (QPV) avec son code, ou un quartier "
            "libre sans code, rattaché à sa commune."
        ),
        ordre=30,
    ),
    registry.EtapeMiseEnPlace(
        cle="partenaires",
        titre=gettext_lazy("Les partenaires"),
        formulaire=_formulaire_partenaires,
        enregistrer=_enregistrer_partenaires,
        faite=_partenaires_faits,
        aide=gettext_lazy(
            "Proposés d'après la composition que la loi fixe pour un CLSPD : membres de droit (préfet, "
            "procureur de la République, président du conseil départemental), puis les membres "
            "habituels. Modifiez chaque ligne, décochez celles qui ne vous concernent pas, "
            "ajoutez les vôtres."
        ),
        ordre=40,
    ),
    registry.EtapeMiseEnPlace(
        cle="priorites",
        titre=gettext_lazy("Les priorités"),
        formulaire=_formulaire_priorites,
        enregistrer=_enregistrer_priorites,
        faite=lambda contrat: Priorite.objects.filter(contrat=contrat).exists(),
        aide=gettext_lazy("Autant de priorités que le conseil en retient, dans leur ordre."),
        ordre=50,
    ),
    registry.EtapeMiseEnPlace(
        cle="comptes",
        titre=gettext_lazy("Les comptes"),
        formulaire=_formulaire_comptes,
        enregistrer=_enregistrer_comptes,
        faite=lambda contrat: _invites().count() > 1,
        aide=gettext_lazy(
            "Chaque personne reçoit un courriel avec un lien pour choisir son mot de passe : personne "
            "ne tape celui d'un autre. Un compte appartient à une organisation partenaire."
        ),
        ordre=60,
    ),
)


def etapes() -> list[registry.EtapeMiseEnPlace]:
    return sorted((*ETAPES_DU_SOCLE, *registry.etapes_mise_en_place()), key=lambda e: e.ordre)


def etape(cle: str) -> registry.EtapeMiseEnPlace | None:
    return next((e for e in etapes() if e.cle == cle), None)
