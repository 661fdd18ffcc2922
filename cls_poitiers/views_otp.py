"""Two-factor authentication pages: enrol an authenticator application, enter a code, remove it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import otp
from .forms import CodeOTPForm


@login_required
def configurer(request):
    user = request.user
    device = otp.confirmed_device(user)
    if device is not None:
        return render(
            request,
            "registration/otp_statut.html",
            {"device": device, "obligatoire": otp.requires_2fa(user)},
        )
    device = otp.pending_device(user)
    form = CodeOTPForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("La double authentification est activée sur votre compte."))
        return redirect("accueil")
    return render(
        request,
        "registration/otp_configurer.html",
        {
            "form": form,
            "qr_code": otp.qr_code_data_uri(device),
            "secret": otp.secret_base32(device),
            "obligatoire": otp.requires_2fa(user),
        },
    )


@login_required
def verifier(request):
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect("otp_configurer")
    form = CodeOTPForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(otp.safe_next(request, reverse("accueil")))
    return render(
        request, "registration/otp_verifier.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
@login_required
def desactiver(request):
    if otp.requires_2fa(request.user):
        raise PermissionDenied(_("Votre rôle impose la double authentification."))
    TOTPDevice.objects.filter(user=request.user).delete()
    messages.success(request, _("La double authentification est désactivée."))
    return redirect("otp_configurer")
