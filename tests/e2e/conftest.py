"""Browser test harness: Playwright for Python drives Debian's Chromium against the live server.

Browser tests skip only when no Chromium is present *and* CI is unset; in CI a missing
browser is a failure, never a silent skip. Later journeys reuse `page`, `login` and `axe`.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


@pytest.fixture(autouse=True)
def _donnees_de_reference(donnees_de_reference):
    """Live-server tests run outside a transaction and empty the tables afterwards."""


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium est introuvable alors que CI est défini : installez le paquet Debian 'chromium'."
            )
        pytest.skip("Chromium absent (hors CI) : parcours navigateur non exécutés.")
    if not AXE_JS.exists():
        pytest.fail("axe-core est introuvable : lancez `npm ci` (make install).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp only lets the test inject axe-core; the pages' own CSP is asserted elsewhere.
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login():
    def _login(page, username, password):
        page.goto(page.base_url + "/compte/connexion/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    return _login


@pytest.fixture
def logout():
    def _logout(page):
        page.locator("#menu-principal .dropdown-toggle").click()
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url("**/compte/connexion/")

    return _logout


@pytest.fixture
def axe():
    """Run axe-core in the page; fail on any serious or critical violation."""

    def _axe(page, context_label=""):
        page.add_script_tag(path=str(AXE_JS))
        results = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', "
            "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        graves = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        details = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "cibles": [n["target"] for n in v["nodes"][:5]],
            }
            for v in graves
        ]
        assert not graves, f"axe ({context_label or page.url}) : " + json.dumps(
            details, ensure_ascii=False, indent=1
        )
        return results

    return _axe
