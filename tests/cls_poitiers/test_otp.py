"""Two-factor authentication: available to everyone, required for the coordination."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import MOT_DE_PASSE

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(user):
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": MOT_DE_PASSE})
    return client


@pytest.fixture
def deux_facteurs_coordination(settings):
    settings.CLS_2FA_ROLES = ["Coordination"]


def test_coordination_must_enrol_before_reaching_anything(deux_facteurs_coordination, coordination):
    client = _login(coordination)
    response = client.get(reverse("territoire_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("otp_configurer")
    page = client.get(reverse("otp_configurer")).content.decode()
    assert "Votre rôle impose la double authentification" in page
    assert "data:image/svg+xml;base64," in page


def test_coordination_enrols_with_a_valid_code_then_reaches_pages(deux_facteurs_coordination, coordination):
    client = _login(coordination)
    client.get(reverse("otp_configurer"))
    device = TOTPDevice.objects.get(user=coordination)
    response = client.post(
        reverse("otp_configurer"), {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "Code incorrect ou expiré" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # A failure throttles the device for a moment (django-otp); the user waits, then retries.
    device.throttle_reset()
    client.post(reverse("otp_configurer"), {"code": _code(device)})
    assert TOTPDevice.objects.get(user=coordination).confirmed
    assert client.get(reverse("territoire_list")).status_code == 200


def test_enrolled_user_must_enter_a_code_at_each_login(partenaire):
    device = TOTPDevice.objects.create(user=partenaire, name="app", confirmed=True)
    client = _login(partenaire)
    response = client.get(reverse("territoire_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verifier"))
    client.post(reverse("otp_verifier"), {"code": _code(device), "next": reverse("territoire_list")})
    assert client.get(reverse("territoire_list")).status_code == 200


def test_partner_without_device_is_not_forced(deux_facteurs_coordination, partenaire):
    client = _login(partenaire)
    assert client.get(reverse("territoire_list")).status_code == 200


def test_coordination_cannot_remove_its_second_factor(deux_facteurs_coordination, coordination):
    device = TOTPDevice.objects.create(user=coordination, name="app", confirmed=True)
    client = _login(coordination)
    client.post(reverse("otp_verifier"), {"code": _code(device)})
    assert client.post(reverse("otp_desactiver")).status_code == 403
    assert TOTPDevice.objects.filter(user=coordination).exists()


def test_partner_can_remove_its_second_factor(partenaire):
    device = TOTPDevice.objects.create(user=partenaire, name="app", confirmed=True)
    client = _login(partenaire)
    client.post(reverse("otp_verifier"), {"code": _code(device)})
    client.post(reverse("otp_desactiver"))
    assert not TOTPDevice.objects.filter(user=partenaire).exists()


def test_next_parameter_cannot_send_elsewhere(partenaire):
    device = TOTPDevice.objects.create(user=partenaire, name="app", confirmed=True)
    client = _login(partenaire)
    response = client.post(
        reverse("otp_verifier"), {"code": _code(device), "next": "https://exemple.invalid/"}
    )
    assert response["Location"] == reverse("accueil")
