"""Exports seen by a partner of another organisation: the same masking as the pages, and no
cell a spreadsheet would run as a formula."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from cls_poitiers.models import Territoire, Utilisateur

pytestmark = pytest.mark.django_db

PIEGE = '=HYPERLINK("http://exemple.invalid","Bel-Air")'


def test_observatory_exports_neutralise_formulas_for_any_reader(demo):
    Territoire.objects.filter(code="QP086003").update(nom=PIEGE)
    client = Client()
    client.force_login(Utilisateur.objects.get(username="oparc"))
    url = reverse("observatoire:par_territoire") + "?annee=1997&niveau=quartier&export=classement&format="
    csv = client.get(url + "csv")
    assert csv.status_code == 200
    texte = csv.content.decode("utf-8-sig")
    assert "'" + PIEGE.replace('"', '""') in texte or "'" + PIEGE in texte
    assert "\n" + PIEGE not in texte and ";" + PIEGE not in texte
    feuille = openpyxl.load_workbook(io.BytesIO(client.get(url + "xlsx").content)).active
    valeurs = [c.value for ligne in feuille.iter_rows() for c in ligne]
    assert "'" + PIEGE in valeurs
    assert PIEGE not in valeurs


def test_engagements_export_neutralises_formulas(demo):
    from engagements.models import Engagement

    Engagement.objects.filter(reference="p3-alms-stp").update(description="@SOMME(A1:A9)")
    client = Client()
    client.force_login(Utilisateur.objects.get(username="oparc"))
    texte = client.get(reverse("engagements:export") + "?format=csv").content.decode("utf-8-sig")
    assert "'@SOMME(A1:A9)" in texte
