"""Bounds of the observatory's counts and years: a declaration or an imported file beyond them is
refused in French, with nothing written (a count of 2 147 483 648 used to be a server error on
PostgreSQL, "integer out of range"; a declaration of 2099 was accepted)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cls_poitiers.models import Partenaire
from observatoire.models import Declaration, Donnee
from tests.observatoire.factories import IndicateurFactory
from tests.observatoire.test_import_ssmsi import ENTETE_2016

pytestmark = pytest.mark.django_db


@pytest.fixture
def declarant(partenaire):
    partenaire.partenaire.nature = Partenaire.Nature.TRANSPORT
    partenaire.partenaire.save()
    IndicateurFactory(
        code="bus-degrades",
        libelle="Bus dégradés",
        nomenclature="partenaire",
        partenaire=partenaire.partenaire,
        unite="incident",
        famille="incivilites",
    )
    client = Client()
    client.force_login(partenaire)
    return client


@pytest.fixture
def milieu_d_annee(monkeypatch):
    """Today is 15/06/2026 for the forms and the limits."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 6, 15))


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"nombre_bus-degrades": 2_147_483_648}, "inférieure ou égale à 1000000000"),
        ({"nombre_bus-degrades": 10**12}, "inférieure ou égale à 1000000000"),
        ({"nombre_bus-degrades": -1}, "supérieure ou égale à 0"),
        ({"annee": 2099}, "inférieure ou égale à 2026"),
        ({"annee": 2027}, "inférieure ou égale à 2026"),
        ({"annee": 1989}, "supérieure ou égale à 1990"),
        ({"annee": 2026, "mois": 7}, "Ce mois n&#x27;est pas encore passé"),
        ({"commentaire": "x" * 2_001}, "au plus 2000 caractères"),
    ],
    ids=["2^31", "10^12", "négatif", "2099", "l'an prochain", "1989", "mois à venir", "commentaire"],
)
def test_declaration_out_of_bounds_is_refused_in_french(
    declarant,
    perimetre,
    milieu_d_annee,
    champs,
    message,
):
    donnees = {"territoire": perimetre["q"].pk, "annee": 2025, "mois": 3, "nombre_bus-degrades": 7, **champs}
    page = declarant.post(reverse("observatoire:declaration_nouvelle"), donnees)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Declaration.objects.exists()
    assert not Donnee.objects.exists()


def test_declaration_of_the_current_month_is_accepted(declarant, perimetre, milieu_d_annee):
    donnees = {
        "territoire": perimetre["q"].pk,
        "annee": 2026,
        "mois": 6,
        "nombre_bus-degrades": 1_000_000_000,
    }
    assert declarant.post(reverse("observatoire:declaration_nouvelle"), donnees).status_code == 302
    assert Donnee.objects.get().nombre == 1_000_000_000


@pytest.mark.parametrize("nombre", ["2147483648", "1 000 000 000 000"])
def test_imported_count_out_of_bounds_is_refused_with_its_line_and_column(tmp_path, perimetre, nombre):
    chemin = tmp_path / "releves.csv"
    chemin.write_text(
        f"territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;12\n"
        f"86041;total-faits-constates;1997;{nombre}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"ligne 3, colonne « nombre » : Nombre de faits hors limites"):
        call_command("importer_chiffres", str(chemin), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Donnee.objects.exists()


def test_national_base_count_out_of_bounds_is_refused(tmp_path, perimetre):
    chemin = tmp_path / "ssmsi.csv"
    chemin.write_text(
        ENTETE_2016
        + "86194;2016;Violences sexuelles;Victime;84;0,9549687;diff;87961;86194;POITIERS\n"
        + "86194;2016;Vols avec armes;Infraction;2147483648;0,0909494;diff;87961;86194;POITIERS\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Nombre de faits hors limites"):
        call_command("importer_ssmsi", str(chemin), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Donnee.objects.exists()


@pytest.mark.parametrize(
    ("modele", "champ", "limite"),
    [
        ("cls_poitiers.Contrat", "resume_diagnostic", 20_000),
        ("cls_poitiers.Contrat", "suivi_evaluation", 20_000),
        ("cls_poitiers.Priorite", "texte", 20_000),
        ("observatoire.Declaration", "commentaire", 2_000),
        ("observatoire.Enquete", "methode", 2_000),
        ("observatoire.Diagnostic", "resume", 20_000),
    ],
)
def test_free_texts_of_the_core_and_the_observatory_are_bounded_in_model_and_form(modele, champ, limite):
    from django.apps import apps
    from django.core.exceptions import ValidationError

    champ_modele = apps.get_model(modele)._meta.get_field(champ)
    assert champ_modele.formfield().max_length == limite
    with pytest.raises(ValidationError):
        champ_modele.clean("x" * (limite + 1), None)
    champ_modele.clean("x" * limite, None)
