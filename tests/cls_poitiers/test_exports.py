"""Exports: French CSV and XLSX, with formula injection neutralised."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from cls_poitiers.tableurs import csv_bytes, neutraliser, xlsx_bytes


@pytest.mark.parametrize("dangereux", ["=1+1", "+33 5 49", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_starting_like_a_formula_are_neutralised(dangereux):
    assert neutraliser(dangereux) == "'" + dangereux


def test_numbers_are_not_neutralised():
    assert neutraliser(-2) == -2


def test_csv_is_semicolon_utf8_bom_decimal_comma_french_dates():
    data = csv_bytes(
        ["territoire", "taux", "date"],
        [["Poitiers", Decimal("85.40"), datetime.date(1999, 12, 31)], ["=cmd|' /C calc'!A0", 3.0, None]],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "territoire;taux;date"
    assert lines[1] == "Poitiers;85,4;31/12/1999"
    assert lines[2] == "'=cmd|' /C calc'!A0;3,0;"  # a float keeps the digits of its shortest exact form


def test_xlsx_keeps_numbers_and_neutralises_text():
    data = xlsx_bytes({"Chiffres": (["territoire", "nombre"], [["@danger", Decimal("12")], ["Bel-Air", 5]])})
    feuille = openpyxl.load_workbook(io.BytesIO(data)).active
    assert feuille.title == "Chiffres"
    assert feuille["A2"].value == "'@danger"
    assert feuille["B2"].value == 12
    assert feuille["B3"].value == 5
