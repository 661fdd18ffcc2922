"""Numbers as French writes them: a stored 5.00 reads 5, a file of 24.5 MB reads 24,5 Mo."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cls_poitiers import formats
from cls_poitiers.fichiers import verifier_fichier
from observatoire.models import LotImport
from observatoire.services import trop_gros
from tests.engagements.factories import PointEtapeFactory

MO = 1024 * 1024


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (Decimal("5.00"), "5"),
        (Decimal("24.50"), "24,5"),
        (Decimal("1234.25"), "1\u202f234,25"),
        (Decimal("500"), "500"),
        (Decimal("-3.10"), "-3,1"),
        (51.0, "51"),
        (None, ""),
    ],
)
def test_a_stored_decimal_shows_its_digits_without_trailing_zeros(valeur, attendu):
    assert formats.nombre_exact(valeur) == attendu


@pytest.mark.parametrize(
    ("octets", "attendu"),
    [(int(24.5 * MO), "24,5"), (20 * MO, "20"), (20 * MO + 1, "20"), (1536 * MO, "1\u202f536")],
)
def test_a_file_size_reads_in_megabytes_with_a_decimal_comma(octets, attendu):
    assert formats.mega_octets(octets) == attendu


def test_an_upload_over_the_limit_gives_its_size_with_a_decimal_comma():
    upload = SimpleNamespace(size=int(24.5 * MO), name="gros.csv")
    with pytest.raises(ValidationError) as erreur:
        verifier_fichier(upload, types=("csv",), taille_max=20 * MO)
    assert erreur.value.messages == ["Le fichier pèse 24,5 Mo : la limite est de 20 Mo."]


def test_an_import_over_the_cap_gives_its_size_with_a_decimal_comma(settings):
    settings.CLS_IMPORT_TAILLE_MAX = 20 * MO
    message = trop_gros(type_lot=LotImport.Type.FIGURES, taille=int(24.5 * MO))
    assert message.startswith(
        "Fichier trop volumineux (24,5 Mo) : la limite est de 20 Mo pour ce type d'import."
    )


@pytest.mark.django_db
def test_a_progress_report_is_labelled_with_its_value_as_french_writes_it():
    point = PointEtapeFactory(valeur=Decimal("5.00"))
    point.refresh_from_db()
    assert str(point).endswith("30/06/1999 : 5")
    point.valeur = Decimal("12.50")
    assert str(point).endswith("30/06/1999 : 12,5")


@pytest.mark.django_db
def test_the_journal_shows_progress_reports_without_raw_decimals(coordination):
    PointEtapeFactory(valeur=Decimal("5.00"))
    client = Client()
    client.force_login(coordination)
    page = client.get(reverse("journal_modele", args=["engagements.pointetape"])).content.decode()
    assert "30/06/1999 : 5" in page
    assert "5.00" not in page


@pytest.mark.django_db
def test_every_section_of_the_journal_opens_and_none_is_a_link_table(coordination):
    client = Client()
    client.force_login(coordination)
    response = client.get(reverse("journal"))
    sections = response.context["sections"]
    assert sections
    assert not [s for s in sections if "_" in s["label"].split(".")[1]]
    assert "Relation" not in response.content.decode()
    for section in sections:
        assert client.get(reverse("journal_modele", args=[section["label"]])).status_code == 200, section


@pytest.mark.django_db
def test_the_correction_choices_of_a_commitment_show_values_as_french_writes_them(coordination):
    point = PointEtapeFactory(valeur=Decimal("5.00"))
    client = Client()
    client.force_login(coordination)
    page = client.get(
        reverse("engagements:engagement_detail", args=[point.engagement.reference])
    ).content.decode()
    assert ">30/06/1999 : 5</option>" in page
    assert "5.00" not in page


def test_zero_takes_the_singular_as_french_writes_it():
    """French writes « 0 ligne lue », « 1 ligne lue », « 2 lignes lues »: the catalogue carries the
    platform's own plurals so that the French rule applies (gettext's default is the English one)."""
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("fr"):
        formes = [ngettext("%(n)s ligne lue", "%(n)s lignes lues", n) % {"n": n} for n in (0, 1, 2)]
    assert formes == ["0 ligne lue", "1 ligne lue", "2 lignes lues"]
