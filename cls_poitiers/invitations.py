"""Accounts are created by invitation: the coordination (or the set-up journey) creates the account
with no usable password, and the person receives an e-mail with a link to choose theirs. Nobody
types someone else's password.

The link is Django's password-reset token with its own salt: it holds a hash of the account's
password, so it stops working once the password is chosen (a link used twice is refused), and it
expires after PASSWORD_RESET_TIMEOUT (3 days by default). The coordination sends a new one from the
accounts page."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import courriels, identite
from .models import Utilisateur


class JetonInvitation(PasswordResetTokenGenerator):
    key_salt = "cls_poitiers.invitations.JetonInvitation"


jeton_invitation = JetonInvitation()


def duree_de_validite_jours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def lien(utilisateur: Utilisateur) -> str:
    """The invitation's path (without the host)."""
    return reverse(
        "invitation_accepter",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(utilisateur.pk)),
            "token": jeton_invitation.make_token(utilisateur),
        },
    )


def verifier_invitable(utilisateur: Utilisateur):
    """An invitation goes to an account with an e-mail address, attached to its organisation (a
    superuser excepted). Raises a French ValidationError otherwise."""
    if not utilisateur.email:
        raise ValidationError(
            _("Ce compte n'a pas d'adresse électronique : l'invitation ne peut lui parvenir.")
        )
    if utilisateur.partenaire_id is None and not utilisateur.is_superuser:
        raise ValidationError(_("Un compte doit appartenir à une organisation partenaire."))


def inviter(utilisateur: Utilisateur, *, request=None, par: Utilisateur | None = None):
    """Sends the account its invitation (again, if it was lost or expired): an e-mail in the
    outbox, stored as confidential (its link is a secret). The account keeps no usable password
    until its owner chooses one. Returns the Courriel."""
    verifier_invitable(utilisateur)
    if not utilisateur.password:
        utilisateur.set_unusable_password()
        utilisateur.save(update_fields=["password"])
    contexte = {
        "utilisateur": utilisateur,
        "par": par,
        "lien": identite.url_absolue(lien(utilisateur), request),
        "plateforme_nom": identite.nom_plateforme(request),
        "jours": duree_de_validite_jours(),
    }
    sujet = "".join(loader.render_to_string("registration/invitation_sujet.txt", contexte).splitlines())
    corps = loader.render_to_string("registration/invitation_courriel.txt", contexte)
    return courriels.envoyer(
        destinataires=[utilisateur.email], sujet=sujet, corps=corps, objet=utilisateur, confidentiel=True
    )


def attend_son_mot_de_passe(utilisateur: Utilisateur) -> bool:
    """Invited, not yet arrived: the account has no usable password."""
    return not utilisateur.has_usable_password()
