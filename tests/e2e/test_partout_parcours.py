"""Everywhere, in a browser: no main page scrolls sideways on a phone (390 × 844) for any role, its
tables scroll inside their own box and its forms stack, axe finds nothing serious, the map's zoom
buttons speak French; the keyboard focus is a visible ring on the dark menu and on the white page
(WCAG 2.4.7)."""

import re

import pytest
from playwright.sync_api import expect

from tests.cls_poitiers.pages_principales import COMPTES, MOT_DE_PASSE, pages_principales
from tests.conftest import MOT_DE_PASSE as MOT_DE_PASSE_PERSONAS

pytestmark = pytest.mark.e2e

TELEPHONE = {"width": 390, "height": 844}


def _luminance(couleur: str) -> float:
    rouge, vert, bleu = (int(c) / 255 for c in re.findall(r"\d+(?:\.\d+)?", couleur)[:3])

    def lineaire(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lineaire(rouge) + 0.7152 * lineaire(vert) + 0.0722 * lineaire(bleu)


def _contraste(a: str, b: str) -> float:
    clair, sombre = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (clair + 0.05) / (sombre + 0.05)


def test_no_main_page_scrolls_sideways_on_a_phone_for_any_role(demo, page, login, axe):
    page.set_viewport_size(TELEPHONE)
    debordements, deja_analysees = {}, set()
    for role, username in COMPTES.items():
        page.context.clear_cookies()
        login(page, username, MOT_DE_PASSE)
        for url in pages_principales(role):
            reponse = page.goto(page.base_url + url)
            assert reponse.status == 200, (role, url)
            largeur = page.evaluate("document.documentElement.scrollWidth")
            if largeur > TELEPHONE["width"]:
                debordements[f"{role} {url}"] = largeur
            if url not in deja_analysees:
                deja_analysees.add(url)
                axe(page, f"{role} {url} (390 px)")
    assert not debordements
    assert len(deja_analysees) > 30

    # The commitments' table is wider than the phone: it scrolls inside its box, which the keyboard
    # reaches and which is named after the table's caption; the page itself does not move.
    page.goto(page.base_url + "/engagements/")
    boite = page.locator(".table-responsive").filter(has=page.locator("table")).first
    assert boite.evaluate("b => b.scrollWidth > b.clientWidth")
    expect(boite).to_have_attribute("tabindex", "0")
    expect(boite).to_have_attribute("role", "region")
    expect(boite).to_have_attribute("aria-label", re.compile(r"^Engagements, avancement et état au "))
    boite.evaluate("b => { b.scrollLeft = 400; }")
    assert page.evaluate("window.scrollX") == 0
    # Its filters stack: each field under the previous one, all from the same left edge.
    champs = page.locator("form.filtres .row > div").all()
    boites = [c.bounding_box() for c in champs[:3]]
    assert len({round(b["x"]) for b in boites}) == 1
    assert boites[0]["y"] < boites[1]["y"] < boites[2]["y"]
    assert all(b["x"] + b["width"] <= TELEPHONE["width"] for b in boites)

    # The map's zoom buttons (Leaflet's, English by default) are titled in French.
    page.goto(page.base_url + "/observatoire/territoires/")
    zoom_avant = page.locator(".leaflet-control-zoom-in")
    expect(zoom_avant).to_have_attribute("title", "Zoom avant")
    expect(zoom_avant).to_have_attribute("aria-label", "Zoom avant")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Zoom arrière")


def _focus_par_tabulation(page, selecteur: str, essais: int = 40):
    """Press Tab until the focused element matches `selecteur` (keyboard focus, so :focus-visible)."""
    for _ in range(essais):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selecteur):
            return page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                  let fond = e, couleur = 'rgba(0, 0, 0, 0)';
                  while (fond && /rgba\\(0, 0, 0, 0\\)|transparent/.test(couleur)) {
                    couleur = getComputedStyle(fond).backgroundColor; fond = fond.parentElement; }
                  if (/rgba\\(0, 0, 0, 0\\)/.test(couleur)) { couleur = 'rgb(255, 255, 255)'; }
                  return {style: s.outlineStyle, largeur: parseFloat(s.outlineWidth), couleur: s.outlineColor,
                          ombre: s.boxShadow, fond: couleur, texte: e.textContent.trim()}; }"""
            )
    raise AssertionError(f"aucun élément « {selecteur} » atteint au clavier")


def test_the_keyboard_focus_is_a_visible_ring_on_the_dark_menu_and_on_the_page(page, login, coordination):
    login(page, coordination.username, MOT_DE_PASSE_PERSONAS)
    page.goto(page.base_url + "/engagements/")

    menu = _focus_par_tabulation(page, ".navbar-cls .nav-link")
    assert menu["texte"] == "Accueil"
    assert menu["style"] == "solid" and menu["largeur"] >= 2
    assert _contraste(menu["couleur"], menu["fond"]) >= 3, menu
    # The double ring: a dark line on each side of the white one, for a menu of any colour.
    assert "rgb(22, 22, 22)" in menu["ombre"]

    contenu = _focus_par_tabulation(page, "main a")
    assert contenu["style"] == "solid" and contenu["largeur"] >= 2
    assert _contraste(contenu["couleur"], contenu["fond"]) >= 3, contenu
    assert "rgb(255, 255, 255)" in contenu["ombre"]

    bouton = _focus_par_tabulation(page, "main .btn-primary")
    assert bouton["style"] == "solid" and bouton["largeur"] >= 2
    assert _contraste(bouton["couleur"], "rgb(255, 255, 255)") >= 3, bouton

    # On a phone, the menu's button is the first stop after the platform's name.
    page.set_viewport_size(TELEPHONE)
    page.goto(page.base_url + "/engagements/")
    bascule = _focus_par_tabulation(page, ".navbar-toggler")
    assert bascule["style"] == "solid" and _contraste(bascule["couleur"], bascule["fond"]) >= 3, bascule
