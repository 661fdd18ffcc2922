"""Each role logs in, lands on its home page and logs out; axe is clean on login and home."""

import pytest

from tests.conftest import MOT_DE_PASSE

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("persona", "slot"),
    [
        ("coordination", "Engagements"),
        ("partenaire", "Engagements"),
        ("secretariat", "Prochaines réunions"),
        ("analyste", "Tableaux de bord de l'observatoire"),
    ],
)
def test_role_logs_in_lands_home_and_logs_out(request, page, login, logout, axe, persona, slot):
    user = request.getfixturevalue(persona)
    page.goto(page.base_url + "/")
    assert "/compte/connexion/" in page.url
    axe(page, "page de connexion")

    login(page, user.username, MOT_DE_PASSE)
    assert page.url == page.base_url + "/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    assert page.get_by_role("heading", name=slot).is_visible()
    axe(page, f"accueil {persona}")

    logout(page)
    page.goto(page.base_url + "/")
    assert "/compte/connexion/" in page.url


def test_wrong_password_shows_french_error(page, login, partenaire):
    login(page, partenaire.username, "pas-le-bon")
    assert page.get_by_role("alert").inner_text().startswith("Identifiant ou mot de passe incorrect")
