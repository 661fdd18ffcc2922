"""The coordination's pages to manage the council: partners, accounts and roles, territories and
priorities, the contract and the platform's name. Coordination only (other roles: 403, anonymous:
the login page); every change is kept in the models' history and confirmed by a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import invitations
from ..models import Contrat, Partenaire, Territoire, Utilisateur
from ..permissions import COORDINATION, role_required
from . import forms

coordination_seule = role_required(COORDINATION)


def contrat_courant() -> Contrat:
    contrat = Contrat.objects.courant()
    if contrat is None:
        raise Http404(_("Aucun contrat n'est encore enregistré."))
    return contrat


def page_formulaire(request, form, *, titre, retour, bouton=None, message=None, enregistrer=None):
    """A form page: on a valid POST, save (`enregistrer(form)`, else `form.save()`), say
    `message` and go back to `retour`; otherwise show the form (again, with its errors)."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            objet = enregistrer(form) if enregistrer else form.save()
        messages.success(request, message % {"objet": objet} if message else _("Modification enregistrée."))
        return redirect(retour)
    return render(
        request,
        "cls_poitiers/gestion/formulaire.html",
        {"form": form, "titre": titre, "retour": retour, "bouton": bouton or _("Enregistrer")},
    )


def donnees_postees(request):
    return request.POST if request.method == "POST" else None


def page_objet(request, form_class, instance, *, nouveau, retour, message, **kwargs):
    """The form page creating an object (titled `nouveau`) or changing `instance`."""
    form = form_class(donnees_postees(request), instance=instance, **kwargs)
    titre = _("Modifier « %(nom)s »") % {"nom": instance} if instance else nouveau
    return page_formulaire(request, form, titre=titre, retour=retour, message=message)


@coordination_seule
def accueil(request):
    return render(request, "cls_poitiers/gestion/accueil.html", {"contrat": Contrat.objects.courant()})


# Partners -----------------------------------------------------------------------------------------


@coordination_seule
def partenaires(request):
    liste = Partenaire.objects.select_related("territoire").annotate(
        nb_comptes=Count("utilisateurs", distinct=True)
    )
    return render(request, "cls_poitiers/gestion/partenaires.html", {"partenaires": liste})


@coordination_seule
def partenaire(request, pk=None):
    """Create a partner (without `pk`) or change one; its code comes from its acronym or name."""
    contrat = contrat_courant()
    return page_objet(
        request,
        forms.PartenaireForm,
        get_object_or_404(Partenaire, pk=pk) if pk else None,
        nouveau=_("Nouveau partenaire"),
        retour=reverse("gestion:partenaires"),
        message=_("Partenaire « %(objet)s » enregistré."),
        contrat=contrat,
    )


@coordination_seule
@require_POST
def partenaire_activer(request, pk):
    """Deactivate a partner (or reactivate it): it is never deleted, its accounts, commitments and
    history stay; an inactive partner is no longer offered for new accounts or members."""
    partenaire = get_object_or_404(Partenaire, pk=pk)
    partenaire.actif = not partenaire.actif
    partenaire.save(update_fields=["actif"])
    if partenaire.actif:
        messages.success(request, _("Partenaire « %(nom)s » réactivé.") % {"nom": partenaire.nom})
    else:
        messages.success(request, _("Partenaire « %(nom)s » désactivé.") % {"nom": partenaire.nom})
    return redirect("gestion:partenaires")


# Accounts and roles -------------------------------------------------------------------------------


def comptes_geres():
    """The accounts the coordination manages: everyone but the superusers (theirs alone)."""
    return Utilisateur.objects.filter(is_superuser=False)


@coordination_seule
def comptes(request):
    liste = comptes_geres().select_related("partenaire").prefetch_related("groups")
    lignes = [(c, invitations.attend_son_mot_de_passe(c)) for c in liste]
    return render(request, "cls_poitiers/gestion/comptes.html", {"lignes": lignes})


def _inviter(request, compte) -> None:
    try:
        invitations.inviter(compte, request=request, par=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, _("Invitation envoyée à %(courriel)s.") % {"courriel": compte.email})


@coordination_seule
def compte_inviter(request):
    form = forms.CompteForm(donnees_postees(request), demandeur=request.user)

    def enregistrer(form):
        compte = form.save()
        _inviter(request, compte)
        return compte

    return page_formulaire(
        request,
        form,
        titre=_("Inviter une personne"),
        retour=reverse("gestion:comptes"),
        bouton=_("Créer le compte et envoyer l'invitation"),
        message=_("Compte de %(objet)s créé."),
        enregistrer=enregistrer,
    )


@coordination_seule
def compte_modifier(request, pk):
    compte = get_object_or_404(comptes_geres(), pk=pk)
    form = forms.CompteForm(donnees_postees(request), instance=compte, demandeur=request.user)
    return page_formulaire(
        request,
        form,
        titre=_("Compte de %(nom)s") % {"nom": compte},
        retour=reverse("gestion:comptes"),
        message=_("Compte de %(objet)s enregistré."),
    )


@coordination_seule
@require_POST
def compte_reinviter(request, pk):
    compte = get_object_or_404(comptes_geres(), pk=pk)
    if invitations.attend_son_mot_de_passe(compte):
        _inviter(request, compte)
    else:
        messages.error(
            request, _("Ce compte a déjà choisi son mot de passe : il n'attend plus d'invitation.")
        )
    return redirect("gestion:comptes")


@coordination_seule
@require_POST
def compte_activer(request, pk):
    compte = get_object_or_404(comptes_geres(), pk=pk)
    if compte.pk == request.user.pk:
        messages.error(request, _("Vous ne pouvez pas désactiver votre propre compte."))
        return redirect("gestion:comptes")
    compte.is_active = not compte.is_active
    compte.save(update_fields=["is_active"])
    if compte.is_active:
        messages.success(request, _("Compte de %(nom)s réactivé.") % {"nom": compte})
    else:
        messages.success(
            request, _("Compte de %(nom)s désactivé : il ne peut plus se connecter.") % {"nom": compte}
        )
    return redirect("gestion:comptes")


# Territories --------------------------------------------------------------------------------------


def _communes_du_contrat(contrat):
    quartiers = Prefetch("enfants", queryset=Territoire.objects.quartiers().order_by("nom"))
    return Territoire.objects.du_contrat(contrat).communes().order_by("nom").prefetch_related(quartiers)


def _perimetre_extensible(contrat) -> bool:
    return contrat.territoire.niveau == Territoire.Niveau.DISTRICT


@coordination_seule
def territoires(request):
    contrat = contrat_courant()
    return render(
        request,
        "cls_poitiers/gestion/territoires.html",
        {
            "contrat": contrat,
            "communes": _communes_du_contrat(contrat),
            "form_commune": forms.CommuneAjoutForm() if _perimetre_extensible(contrat) else None,
        },
    )


@coordination_seule
def quartier(request, pk=None):
    """Create a quartier under one of the contract's communes (without `pk`) or change one."""
    contrat = contrat_courant()
    quartiers = Territoire.objects.du_contrat(contrat).quartiers()
    return page_objet(
        request,
        forms.QuartierForm,
        get_object_or_404(quartiers, pk=pk) if pk else None,
        nouveau=_("Nouveau quartier"),
        retour=reverse("gestion:territoires"),
        message=_("Quartier « %(objet)s » enregistré."),
        contrat=contrat,
    )


@coordination_seule
@require_POST
def commune_ajouter(request):
    """Bring a commune of the referential into the contract's perimeter (a district's): it rolls up
    into the contract's territory from now on."""
    contrat = contrat_courant()
    if not _perimetre_extensible(contrat):
        messages.error(
            request, _("Le territoire du contrat est une seule collectivité : son périmètre est fixé.")
        )
        return redirect("gestion:territoires")
    form = forms.CommuneAjoutForm(request.POST)
    if not form.is_valid():
        for erreur in form.errors["recherche"]:
            messages.error(request, erreur)
        return redirect("gestion:territoires")
    commune = form.cleaned_data["recherche"]
    if Territoire.objects.du_contrat(contrat).filter(pk=commune.pk).exists():
        messages.info(request, _("%(nom)s fait déjà partie du périmètre du contrat.") % {"nom": commune.nom})
    else:
        commune.parent = contrat.territoire
        commune.save(update_fields=["parent"])
        messages.success(
            request,
            _("%(nom)s (%(code)s) rejoint le périmètre du contrat.")
            % {"nom": commune.nom, "code": commune.code},
        )
    return redirect("gestion:territoires")


# Priorities ---------------------------------------------------------------------------------------


@coordination_seule
def priorites(request):
    contrat = contrat_courant()
    liste = contrat.priorites.order_by("numero")
    return render(
        request,
        "cls_poitiers/gestion/priorites.html",
        {"contrat": contrat, "priorites": liste, "form": forms.RenumerotationForm(priorites=liste)},
    )


@coordination_seule
def priorite(request, pk=None):
    """Add a priority to the current contract (numbered next by default) or change one."""
    contrat = contrat_courant()
    instance = get_object_or_404(contrat.priorites, pk=pk) if pk else None
    return page_objet(
        request,
        forms.PrioriteForm,
        instance,
        nouveau=_("Nouvelle priorité"),
        retour=reverse("gestion:priorites"),
        message=_("%(objet)s enregistrée."),
        initial=None if instance else {"numero": contrat.priorites.count() + 1},
        contrat=contrat,
    )


@coordination_seule
@require_POST
def priorites_renumeroter(request):
    contrat = contrat_courant()
    form = forms.RenumerotationForm(request.POST, priorites=contrat.priorites.order_by("numero"))
    if not form.is_valid():
        for erreur in form.non_field_errors() or [_("Chaque numéro est un nombre entier entre 1 et 999.")]:
            messages.error(request, erreur)
        return redirect("gestion:priorites")
    numeros = form.numeros()
    with transaction.atomic():
        # Out of the way first, so that swapping two numbers never meets the unique constraint.
        # (no history for this step: only the final numbers are a change).
        contrat.priorites.update(numero=F("numero") + 1000)
        for priorite, numero in numeros.items():
            priorite.numero = numero
            priorite.save(update_fields=["numero"])
    messages.success(request, _("Priorités renumérotées."))
    return redirect("gestion:priorites")


# The contract and the platform's name -------------------------------------------------------------


@coordination_seule
def contrat(request):
    courant = contrat_courant()
    form = forms.ContratForm(donnees_postees(request), instance=courant)
    return page_formulaire(
        request,
        form,
        titre=_("Le contrat et le nom de la plateforme"),
        retour=reverse("gestion:accueil"),
        message=_("Contrat « %(objet)s » enregistré."),
    )
