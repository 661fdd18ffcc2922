"""The set-up's writes, shared by the browser journey and `creer_contrat`.

Every function writes inside the caller's transaction and raises a French ValidationError on bad
input, so a step is saved whole or not at all.

Perimeter and tree: a contract on one commune has that commune as its territory, and the commune
keeps its département as parent (a commune is its own contract territory, its quartiers hang under
it). A contract on one EPCI has the EPCI as its territory; on several communes (a CISPD), a
"district" territory is created for the contract. In those two cases the communes' `parent`
becomes the contract territory (the referential's loader never moves them back), so figures roll up
into it; `departement` keeps their administrative link."""

import datetime
import hashlib
import re
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import identite, invitations
from ..modeles_communs import cle_de_recherche
from ..models import Contrat, JetonMiseEnPlace, Partenaire, Priorite, Territoire, Utilisateur
from ..permissions import COORDINATION

DUREE_DU_LIEN = datetime.timedelta(hours=24)
NIVEAUX_DU_PERIMETRE = ("commune", "epci")


# The one-time link ------------------------------------------------------------------------------


def empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def creer_jeton() -> str:
    """A new set-up token (only its hash is stored), valid DUREE_DU_LIEN. Refused once a contract
    exists: the platform is set up, its Coordination manages it in the application."""
    if Contrat.objects.exists():
        raise ValidationError(
            _(
                "La plateforme a déjà un contrat : elle est mise en place. La coordination gère le "
                "conseil dans l'application ; aucun lien n'a été créé."
            )
        )
    jeton = secrets.token_urlsafe(32)
    JetonMiseEnPlace.objects.create(empreinte=empreinte(jeton), expire_le=timezone.now() + DUREE_DU_LIEN)
    return jeton


def lien(jeton: str) -> str:
    return identite.url_absolue(reverse("mise_en_place:compte", kwargs={"jeton": jeton}))


def jeton_valable(jeton: str, *, verrouiller: bool = False) -> JetonMiseEnPlace | None:
    """The unused, unexpired token, or None. `verrouiller` locks its row (select_for_update): two
    tabs posting the same link at once, only one gets it."""
    jetons = JetonMiseEnPlace.objects.filter(
        empreinte=empreinte(jeton), utilise_le__isnull=True, expire_le__gt=timezone.now()
    )
    if verrouiller:
        jetons = jetons.select_for_update()
    return jetons.first()


LIEN_INVALIDE = gettext_lazy(
    "Ce lien de mise en place n'est plus valable : il a déjà servi ou il a expiré (24 heures). "
    "Demandez-en un nouveau avec « manage.py mise_en_place »."
)


@transaction.atomic
def ouvrir_coordination(jeton: str, donnees: dict) -> Utilisateur:
    """Uses the token once: creates the first Coordination account (with the password its owner
    chose) and its organisation. Raises ValidationError if the link is used or expired."""
    trouve = jeton_valable(jeton, verrouiller=True)
    if trouve is None or Contrat.objects.exists():
        raise ValidationError(LIEN_INVALIDE, code="lien_invalide")
    organisation = enregistrer_partenaire(
        {"nom": donnees["organisation"], "sigle": "", "nature": donnees["nature"]}
    )
    utilisateur = Utilisateur(
        username=donnees["identifiant"],
        first_name=donnees["prenom"],
        last_name=donnees["nom"],
        email=donnees["email"],
        partenaire=organisation,
    )
    utilisateur.set_password(donnees["mot_de_passe"])
    utilisateur.save()
    utilisateur.groups.add(Group.objects.get_or_create(name=COORDINATION)[0])
    trouve.utilise_le = timezone.now()
    trouve.save(update_fields=["utilise_le"])
    return utilisateur


# The perimeter ---------------------------------------------------------------------------------


def rechercher(terme: str) -> list[Territoire]:
    """Communes and EPCI of the referential matching `terme`: an INSEE code (5 characters, 2A/2B
    for Corsica), a SIREN (9 digits), or a name (without caring for accents, case or hyphens; an
    exact name first, else names beginning with it)."""
    terme = terme.strip()
    territoires = Territoire.objects.filter(niveau__in=NIVEAUX_DU_PERIMETRE).select_related("departement")
    if re.fullmatch(r"\d{9}", terme):
        return list(territoires.filter(niveau="epci", code=terme))
    if re.fullmatch(r"(\d{5}|2[ABab]\d{3})", terme):
        return list(territoires.filter(niveau="commune", code=terme.upper()))
    cle = cle_de_recherche(terme)
    if not cle:
        return []
    exacts = list(territoires.filter(nom_recherche=cle).order_by("niveau", "code"))
    return exacts or list(territoires.filter(nom_recherche__startswith=cle).order_by("nom", "code")[:20])


def communes_du_perimetre(elements: list[Territoire]) -> list[Territoire]:
    communes = {}
    for element in elements:
        membres = element.communes_membres.all() if element.niveau == "epci" else [element]
        for commune in membres:
            communes[commune.pk] = commune
    return sorted(communes.values(), key=lambda c: c.code)


def territoire_du_contrat(
    elements: list[Territoire], nom: str, actuel: Territoire | None = None
) -> Territoire:
    """The contract's territory for the chosen perimeter (see the module's docstring), with its
    communes attached under it when it is an EPCI or a district."""
    if not elements:
        raise ValidationError(_("Choisissez au moins une commune ou une intercommunalité."))
    if len(elements) == 1:
        racine = elements[0]
    else:
        communes = communes_du_perimetre(elements)
        racine = (
            actuel if actuel is not None and actuel.niveau == "district" else Territoire(niveau="district")
        )
        if racine.pk is None:
            racine.code = _code_libre("district", "contrat-" + slugify(nom))
        racine.nom = nom
        racine.parent = communes[0].departement
        racine.departement = communes[0].departement
        racine.region = communes[0].region
        racine.population_legale = sum(c.population_legale or 0 for c in communes) or None
        racine.annee_population_legale = communes[0].annee_population_legale
        racine.save()
    # The communes that roll up into the contract territory (none when it is a commune itself).
    communes = [c.pk for c in communes_du_perimetre(elements)] if racine.niveau != "commune" else []
    if actuel is not None and actuel != racine and actuel.niveau in ("epci", "district"):
        # A perimeter changed on a second visit: the communes it no longer holds go back under
        # their département.
        Territoire.objects.filter(parent=actuel, niveau="commune").exclude(pk__in=communes).update(
            parent=models.F("departement")
        )
    Territoire.objects.filter(pk__in=communes).update(parent=racine)
    return racine


def _code_libre(niveau: str, base: str) -> str:
    base = base[:20] or niveau
    code, n = base, 1
    while Territoire.objects.filter(niveau=niveau, code=code).exists():
        n += 1
        code = f"{base[: 20 - len(str(n)) - 1]}-{n}"
    return code


# The council -----------------------------------------------------------------------------------


def enregistrer_conseil(donnees: dict, contrat: Contrat | None = None) -> Contrat:
    """Creates (or, `contrat` given, updates) the contract. `donnees` holds the ConseilForm's
    fields, `elements` the chosen communes and EPCI. Overlapping another contract of the same
    council is refused (Contrat.clean)."""
    actuel = contrat.territoire if contrat is not None else None
    territoire = territoire_du_contrat(donnees["elements"], donnees["nom_conseil"], actuel)
    contrat = contrat or Contrat()
    for champ in (
        "nature",
        "titre",
        "nom_conseil",
        "date_signature",
        "date_debut",
        "date_fin",
        "annee_diagnostic",
    ):
        setattr(contrat, champ, donnees[champ])
    contrat.territoire = territoire
    contrat.full_clean()
    contrat.save()
    return contrat


def contrat_identique(donnees: dict) -> Contrat | None:
    """The contract a re-run of the same set-up file finds again: same council name and start."""
    return Contrat.objects.filter(
        nom_conseil=donnees["nom_conseil"], date_debut=donnees["date_debut"], nature=donnees["nature"]
    ).first()


def communes_du_contrat(contrat: Contrat):
    return Territoire.objects.du_contrat(contrat).filter(niveau="commune").order_by("nom")


# Priority neighbourhoods, partners, priorities, accounts ---------------------------------------


def enregistrer_quartier(ligne: dict) -> Territoire:
    """A priority neighbourhood under its commune: a QPV by its code, or a free quartier (a code
    is made from the commune's and the name)."""
    commune = ligne["commune"]
    code = ligne.get("code") or f"{commune.code}-{slugify(ligne['nom'])}"[:20]
    quartier, _cree = Territoire.objects.update_or_create(
        niveau="quartier",
        code=code,
        defaults={"nom": ligne["nom"], "parent": commune, "prioritaire": True},
    )
    return quartier


def code_de_partenaire(nom: str) -> str:
    return slugify(nom)[:40] or "partenaire"


def enregistrer_partenaire(ligne: dict, territoire: Territoire | None = None) -> Partenaire:
    """A partner, found again by its name (or its code, made from the name)."""
    partenaire = Partenaire.objects.filter(nom=ligne["nom"]).first() or Partenaire(
        code=code_de_partenaire(ligne["nom"])
    )
    if partenaire.pk is None and Partenaire.objects.filter(code=partenaire.code).exists():
        partenaire.code = f"{partenaire.code[:34]}-{secrets.token_hex(2)}"
    partenaire.nom = ligne["nom"]
    partenaire.sigle = ligne.get("sigle", "")
    partenaire.nature = ligne["nature"]
    partenaire.actif = True
    if territoire is not None and partenaire.territoire_id is None:
        partenaire.territoire = territoire
    partenaire.full_clean()
    partenaire.save()
    return partenaire


def enregistrer_priorites(contrat: Contrat, lignes: list[dict]) -> list[Priorite]:
    """The priorities in their order, numbered from 1; an existing number is updated."""
    priorites = []
    for numero, ligne in enumerate(lignes, start=1):
        priorite, _cree = Priorite.objects.update_or_create(
            contrat=contrat,
            numero=numero,
            defaults={"titre": ligne["titre"], "texte": ligne.get("texte", "")},
        )
        priorites.append(priorite)
    return priorites


def enregistrer_compte(ligne: dict, *, request=None, par=None) -> tuple[Utilisateur, bool]:
    """An account by invitation, found again by its e-mail address: a new one receives the e-mail
    with its link to choose a password (nobody types someone else's). Returns (account, invited)."""
    utilisateur = Utilisateur.objects.filter(email__iexact=ligne["email"]).first()
    nouveau = utilisateur is None
    if nouveau:
        utilisateur = Utilisateur(username=ligne["email"].lower(), email=ligne["email"])
    utilisateur.first_name = ligne["prenom"]
    utilisateur.last_name = ligne["nom"]
    utilisateur.partenaire = ligne["partenaire"]
    invitations.verifier_invitable(utilisateur)
    utilisateur.save()
    utilisateur.groups.add(Group.objects.get_or_create(name=ligne["role"])[0])
    if nouveau:
        invitations.inviter(utilisateur, request=request, par=par)
    return utilisateur, nouveau
