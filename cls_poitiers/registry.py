"""How the apps plug into the core without the core importing them.

Each app registers, in its `AppConfig.ready()`:
- navigation entries (`register_nav`), shown in the top bar to the roles given;
- home-page panels (`register_panel`) for one of the home page's slots;
- its demo loader is found by convention: a module `<app>.demo` with `load(*, stdout)`.

A slot with no panel shows a placeholder, so the home page is complete before every app exists.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import COORDINATION, OBSERVATOIRE, PARTENAIRE, SECRETARIAT, has_role

# The home page's slots, in display order, and who sees each.
SLOTS = {
    "engagements": {
        "titre": _("Engagements"),
        "roles": (COORDINATION, PARTENAIRE),
    },
    "reunions": {
        "titre": _("Prochaines réunions"),
        "roles": (COORDINATION, PARTENAIRE, SECRETARIAT),
    },
    "observatoire": {
        "titre": _("Tableaux de bord de l'observatoire"),
        "roles": (COORDINATION, PARTENAIRE, OBSERVATOIRE),
    },
}


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()
    ordre: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: Callable = field(default=lambda request: {})
    roles: tuple[str, ...] = ()
    ordre: int = 100


_nav: list[NavEntry] = []
_panels: list[Panel] = []


def register_nav(entry: NavEntry) -> None:
    if entry not in _nav:
        _nav.append(entry)


def register_panel(panel: Panel) -> None:
    if panel.slot not in SLOTS:
        raise ValueError(f"Unknown home slot {panel.slot!r}; known: {', '.join(SLOTS)}")
    if panel not in _panels:
        _panels.append(panel)


def nav_for(user) -> list[NavEntry]:
    if not user.is_authenticated:
        return []
    entries = [e for e in _nav if not e.roles or has_role(user, *e.roles)]
    return sorted(entries, key=lambda e: e.ordre)


def home_slots_for(request) -> list[dict]:
    """The slots this user sees, each with its rendered-ready panels (or none: a placeholder)."""
    user = request.user
    slots = []
    for key, meta in SLOTS.items():
        if not has_role(user, *meta["roles"]):
            continue
        panels = [
            {"template": p.template, "context": p.context(request)}
            for p in sorted(_panels, key=lambda p: p.ordre)
            if p.slot == key and (not p.roles or has_role(user, *p.roles))
        ]
        slots.append({"key": key, "titre": meta["titre"], "panels": panels})
    return slots


@dataclass(frozen=True)
class DetailPanel:
    """A section another app adds to an object's page: the commitments and meetings of a
    territory, the amendments that changed a commitment… `model` is "app_label.ModelName";
    `context(request, obj)` returns the template's `panel` context, or None to show nothing."""

    model: str
    template: str
    context: Callable = field(default=lambda request, obj: {})
    roles: tuple[str, ...] = ()
    ordre: int = 100


_detail_panels: list[DetailPanel] = []


def register_detail_panel(panel: DetailPanel) -> None:
    if panel not in _detail_panels:
        _detail_panels.append(panel)


def detail_panels_for(request, obj) -> list[dict]:
    label = obj._meta.label
    rendered = []
    for panel in sorted(_detail_panels, key=lambda p: p.ordre):
        if panel.model != label or (panel.roles and not has_role(request.user, *panel.roles)):
            continue
        context = panel.context(request, obj)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered


# Models the coordination manages in the admin ("app_label.ModelName"): the contract's referential.
_admin_coordination: set[str] = {
    "cls_poitiers.Partenaire",
    "cls_poitiers.Territoire",
    "cls_poitiers.Population",
    "cls_poitiers.Contrat",
    "cls_poitiers.Signataire",
    "cls_poitiers.Priorite",
    "cls_poitiers.Utilisateur",
}


def register_admin_coordination(*labels: str) -> None:
    """An app lets the coordination manage these models in the admin (view, add, change)."""
    _admin_coordination.update(labels)


def admin_coordination() -> set[str]:
    return set(_admin_coordination)


@dataclass(frozen=True)
class EtapeMiseEnPlace:
    """A step of the set-up journey (cls_poitiers.mise_en_place) an app contributes: the instances
    come from comites. `formulaire(contrat, data=None)` returns the step's form or formset (bound to
    `data` when given, else showing what is saved); `enregistrer(contrat, formulaire)` saves a
    valid one (inside the journey's transaction); `faite(contrat)` says whether the step holds
    anything yet. The same functions serve the browser and `creer_contrat` (`cle` is the JSON key)."""

    cle: str
    titre: str
    formulaire: Callable
    enregistrer: Callable
    faite: Callable = field(default=lambda contrat: False)
    aide: str = ""
    ordre: int = 100


_etapes_mise_en_place: list[EtapeMiseEnPlace] = []


def register_etape_mise_en_place(etape: EtapeMiseEnPlace) -> None:
    if all(e.cle != etape.cle for e in _etapes_mise_en_place):
        _etapes_mise_en_place.append(etape)


def etapes_mise_en_place() -> list[EtapeMiseEnPlace]:
    return sorted(_etapes_mise_en_place, key=lambda e: e.ordre)
