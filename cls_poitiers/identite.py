"""The council's identity, in one place: the platform's name (page titles, header, e-mails'
sender and signature, PDF headers, calendars' PRODID and ORGANIZER) and its public address (every
absolute link in an e-mail or a calendar feed, the calendars' UID domain).

The name is the setting `CLS_PLATEFORME_NOM` when set, else the current contract's short name
(`Contrat.nom_court`), else a neutral "Plateforme CLS". The address is the setting
`CLS_ADRESSE_PUBLIQUE`; in development (DEBUG) without it, the address the request came to, else
http://localhost:8000.

Cheap: the current contract is read once per request (kept on the request object) and not at all
when the setting names the platform. A caller without a request (a background task sending
e-mails) reads it at each call: such a caller computes the identity once per batch.
"""

from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

ADRESSE_DE_DEVELOPPEMENT = "http://localhost:8000"
_CONTRAT_DE_LA_REQUETE = "_cls_contrat_courant"


def _contrat_courant(request=None):
    """The current contract, read at most once per request."""
    if request is not None and hasattr(request, _CONTRAT_DE_LA_REQUETE):
        return getattr(request, _CONTRAT_DE_LA_REQUETE)
    from .models import Contrat

    contrat = Contrat.objects.courant()
    if request is not None:
        setattr(request, _CONTRAT_DE_LA_REQUETE, contrat)
    return contrat


def nom_plateforme(request=None) -> str:
    """The platform's name: the setting, else the current contract's short name, else neutral."""
    if settings.CLS_PLATEFORME_NOM:
        return settings.CLS_PLATEFORME_NOM
    contrat = _contrat_courant(request)
    return contrat.nom_court if contrat is not None else _("Plateforme CLS")


def adresse_expediteur() -> str:
    """The bare address e-mails come from (DEFAULT_FROM_EMAIL's; the calendars' ORGANIZER)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def expediteur(request=None) -> str:
    """The e-mails' From: the platform's name and the address of DEFAULT_FROM_EMAIL."""
    return str(Address(display_name=nom_plateforme(request), addr_spec=adresse_expediteur()))


def adresse_publique(request=None) -> str:
    """The platform's public address, without trailing slash (https://clspd.example.fr)."""
    if settings.CLS_ADRESSE_PUBLIQUE:
        return settings.CLS_ADRESSE_PUBLIQUE.rstrip("/")
    if settings.DEBUG and request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ADRESSE_DE_DEVELOPPEMENT


def url_absolue(chemin: str, request=None) -> str:
    """An absolute link to a path of the platform (`reverse()`, `get_absolute_url()`)."""
    return adresse_publique(request) + chemin


def domaine() -> str:
    """The host of the public address: the calendars' UID domain. Never the request's host, so
    that a meeting keeps one UID whatever address its feed was read from."""
    return urlsplit(adresse_publique()).hostname or "localhost"


def contexte_courriel(request=None) -> dict:
    """What the e-mail templates read of the identity (name, address, signature), computed once."""
    nom, adresse = nom_plateforme(request), adresse_publique(request)
    return {"plateforme_nom": nom, "plateforme_url": adresse, "signature": f"{nom}\n{adresse}"}


def signature(request=None) -> str:
    """The last lines of every e-mail: the platform's name and its address."""
    return contexte_courriel(request)["signature"]
