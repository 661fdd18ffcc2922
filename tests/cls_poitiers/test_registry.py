"""Apps plug sections into core pages through the registry, for the roles they name."""

import pytest
from django.test import Client

from cls_poitiers import registry
from cls_poitiers.permissions import COORDINATION
from tests.factories import commune_du_contrat

pytestmark = pytest.mark.django_db


@pytest.fixture
def panneau_territoire(monkeypatch):
    monkeypatch.setattr(registry, "_detail_panels", [])
    registry.register_detail_panel(
        registry.DetailPanel(
            model="cls_poitiers.Territoire",
            template="cls_poitiers/_test_panel.html",
            context=lambda request, obj: {"texte": f"Panneau de {obj.nom}"},
            roles=(COORDINATION,),
        )
    )


def test_detail_panel_is_shown_to_its_roles_only(
    panneau_territoire, coordination, partenaire, tmp_path, settings
):
    (tmp_path / "cls_poitiers").mkdir()
    (tmp_path / "cls_poitiers" / "_test_panel.html").write_text("<p>{{ panel.texte }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    territoire = commune_du_contrat(nom="Bel-Air")
    client = Client()
    client.force_login(coordination)
    assert "Panneau de Bel-Air" in client.get(territoire.get_absolute_url()).content.decode()
    client.force_login(partenaire)
    assert "Panneau de Bel-Air" not in client.get(territoire.get_absolute_url()).content.decode()


def test_unknown_home_slot_is_refused():
    with pytest.raises(ValueError, match="Unknown home slot"):
        registry.register_panel(registry.Panel(slot="inconnu", template="x.html"))
