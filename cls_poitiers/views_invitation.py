"""The invited person's page: the link of their invitation e-mail, where they choose a password."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .invitations import jeton_invitation
from .models import Utilisateur


def _invite(uidb64: str, token: str) -> Utilisateur | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    utilisateur = Utilisateur.objects.filter(pk=pk, is_active=True).first()
    if utilisateur is None or not jeton_invitation.check_token(utilisateur, token):
        return None
    return utilisateur


@never_cache
@sensitive_post_parameters()
def accepter(request, uidb64, token):
    """One use only: the token holds the password's hash, which choosing a password changes."""
    utilisateur = _invite(uidb64, token)
    if utilisateur is None:
        return render(request, "registration/invitation_accepter.html", {"validlink": False}, status=400)
    form = SetPasswordForm(utilisateur, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, utilisateur, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Votre mot de passe est enregistré : vous êtes connecté."))
        return redirect("accueil")
    return render(
        request,
        "registration/invitation_accepter.html",
        {"validlink": True, "form": form, "utilisateur": utilisateur},
    )
