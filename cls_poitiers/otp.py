"""Two-factor authentication (TOTP, django-otp): available to every user, required for the roles
listed in settings.CLS_2FA_ROLES (outside development, the coordination and the observatory by
default), which reach nothing before enrolling."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import has_role

# Pages an authenticated but not yet verified user may still reach.
EXEMPT_URL_NAMES = {"otp_verifier", "otp_configurer", "logout", "login"}


def requires_2fa(user) -> bool:
    """Superusers count as holding every role, so they must enrol too."""
    roles = getattr(settings, "CLS_2FA_ROLES", ())
    return bool(roles) and has_role(user, *roles)


def confirmed_device(user) -> TOTPDevice | None:
    return next(iter(devices_for_user(user, confirmed=True)), None)


def pending_device(user) -> TOTPDevice:
    """The user's device being enrolled (created on first visit, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_code_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class DoubleAuthentificationMiddleware:
    """After OTPMiddleware: a logged-in user who has a device must enter a code; a user whose role
    requires two factors must enrol first. Everything else answers with a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.url_name in EXEMPT_URL_NAMES:
            return None
        if confirmed_device(user) is not None:
            return redirect(f"{reverse('otp_verifier')}?next={request.get_full_path()}")
        if requires_2fa(user):
            return redirect(reverse("otp_configurer"))
        return None
