"""French everywhere: no English string of Django or of a library on the main pages of any role.

The English strings looked for are the libraries' own: every msgid of the French catalogues shipped
by Django and the installed apps that French writes with other words ("Search" → "Rechercher"),
and the msgids of the libraries without a French catalogue, which locale/fr translates
(cls_poitiers/traductions.py). Each main page is rendered as each role, its text and the
attributes read aloud or shown (title, aria-label, placeholder, alt, button values) searched.
"""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cls_poitiers import traductions
from cls_poitiers.models import Partenaire, Utilisateur
from tests.cls_poitiers.pages_principales import COMPTES, pages_principales

pytestmark = pytest.mark.django_db

PROJET = Path(settings.BASE_DIR)
CATALOGUE = PROJET / "locale" / "fr" / "LC_MESSAGES"
MARQUES = re.compile(r"%(\(\w+\))?[sdif]|\{\w*\}")
# Written in English in a library's template, outside any catalogue: nothing to translate.
TOLERES = {
    # alt of the admin's search icon, beside the "Rechercher" button (admin/search_form.html).
    "Search",
}


def _mots(texte: str) -> set[str]:
    return {mot.lower() for mot in re.findall(r"[^\W\d_]{3,}", texte)}


def _catalogues_des_bibliotheques():
    dossiers = [Path(django.__file__).parent / "conf" / "locale"]
    dossiers += [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        # A library, wherever its virtualenv lies (inside the project's folder with `make install`).
        if "site-packages" in Path(app.path).parts or not Path(app.path).is_relative_to(PROJET)
    ]
    return [
        d / "fr" / "LC_MESSAGES" / "django.mo"
        for d in dossiers
        if (d / "fr" / "LC_MESSAGES" / "django.mo").exists()
    ]


def _chaines_anglaises() -> set[str]:
    chaines = set()
    for chemin in _catalogues_des_bibliotheques():
        with chemin.open("rb") as fichier:
            catalogue = gettext.GNUTranslations(fichier)._catalog
        for cle, francais in catalogue.items():
            anglais = cle[0] if isinstance(cle, tuple) else cle
            # Strings with placeholders would match anything around them; those whose every word
            # is also in the French ("Pagination %(name)s") are not English on a page.
            if anglais and not MARQUES.search(anglais) and _mots(anglais) - _mots(francais):
                chaines.add(anglais.strip())
    chaines |= set(traductions.DJANGO_TASKS_DB)
    return chaines - TOLERES


class _Texte(HTMLParser):
    ATTRIBUTS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.morceaux, self._ignore = [], 0

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        self._ignore += tag in ("script", "style")
        self.morceaux += [attributs[a] for a in self.ATTRIBUTS if attributs.get(a)]
        if tag == "input" and attributs.get("type") in ("submit", "button") and attributs.get("value"):
            self.morceaux.append(attributs["value"])

    def handle_endtag(self, tag):
        self._ignore -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._ignore:
            self.morceaux.append(data)


def _anglais_sur(client, url, motif) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    analyse = _Texte()
    analyse.feed(response.content.decode())
    texte = "\n".join(analyse.morceaux)
    return sorted({m.group(0) for m in motif.finditer(texte)})


@pytest.fixture(scope="module")
def motif():
    assert (CATALOGUE / "django.mo").exists(), "Catalogue français non compilé : lancez `make install`."
    assert (CATALOGUE / "django.mo").stat().st_mtime >= (CATALOGUE / "django.po").stat().st_mtime, (
        "Catalogue français périmé : lancez `make install` (compilemessages)."
    )
    chaines = sorted(_chaines_anglaises(), key=len, reverse=True)
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, chaines)) + r")(?![\w'’-])")


def test_the_english_strings_looked_for_include_the_admins_and_the_librairies(motif):
    # The list is the libraries' (not a hand-picked one): the reported ones are in it.
    for anglais in ("Log in", "Change password", "Task Results", "Save and continue editing"):
        assert motif.fullmatch(anglais), anglais
    assert not motif.search("Rechercher un engagement")


def test_no_english_library_string_on_the_main_pages_of_any_role_nor_the_admin(demo, motif):
    # One test for every role: loading the demo is what costs.
    trouves = {}
    for role, username in COMPTES.items():
        client = Client()
        client.force_login(Utilisateur.objects.get(username=username))
        trouves |= {f"{role} {url}": _anglais_sur(client, url, motif) for url in pages_principales(role)}
    anonyme = Client()
    trouves |= {
        url: _anglais_sur(anonyme, url, motif) for url in (reverse("login"), reverse("password_reset"))
    }
    client = Client()
    client.force_login(Utilisateur.objects.create_superuser("super-admin", "admin@example.org", "x" * 16))
    partenaire = Partenaire.objects.order_by("pk").first()
    for url in (
        reverse("admin:index"),
        reverse("admin:cls_poitiers_partenaire_changelist"),
        reverse("admin:cls_poitiers_partenaire_change", args=[partenaire.pk]),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
    ):
        trouves[f"admin {url}"] = _anglais_sur(client, url, motif)

    assert len(trouves) > 100
    assert not {page: chaines for page, chaines in trouves.items() if chaines}


def _nom_de_la_bibliotheque(app_config) -> str:
    """The app's title as its library gives it (a class of ours may rename it), in English."""
    for classe in type(app_config).__mro__:
        if "verbose_name" in classe.__dict__ and not classe.__module__.startswith("cls_poitiers"):
            with translation.override("en"):
                return str(classe.__dict__["verbose_name"])
    return app_config.label.title()


def test_the_admin_names_every_librarys_app_and_model_in_french():
    anglais = []
    with translation.override("fr"):
        for model in admin.site._registry:
            app_config = model._meta.app_config
            if Path(app_config.path).is_relative_to(PROJET):
                continue
            if str(app_config.verbose_name) == _nom_de_la_bibliotheque(app_config):
                anglais.append(str(app_config.verbose_name))
            origine = model._meta.original_attrs.get("verbose_name_plural")
            origine = origine or f"{model._meta.original_attrs.get('verbose_name', model._meta.model_name)}s"
            with translation.override("en"):
                origine = str(origine)
            if str(model._meta.verbose_name_plural) == origine:
                anglais.append(origine)
    assert not anglais
