"""Security headers on real responses."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_carries_security_headers():
    response = Client().get(reverse("login"))
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_over_https_in_production(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_http_only_and_expires(settings, partenaire):
    from tests.conftest import MOT_DE_PASSE

    client = Client()
    client.post(reverse("login"), {"username": partenaire.username, "password": MOT_DE_PASSE})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < client.session.get_expiry_age() <= 8 * 3600
