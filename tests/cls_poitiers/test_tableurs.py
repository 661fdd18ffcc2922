"""French spreadsheets, read and written in one place: each rule of `cls_poitiers.tableurs`, and
the same rule seen from both imports (engagements and observatory)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.core.management import call_command
from django.test import RequestFactory

from cls_poitiers import tableurs
from cls_poitiers.tableurs import FichierInvalide, Probleme


def _refus(fichier, **options) -> list[Probleme]:
    with pytest.raises(FichierInvalide) as exc:
        tableurs.lire_tableau(fichier, **options)
    return exc.value.problemes


# ---------------------------------------------------------------- problems


def test_a_problem_says_its_line_and_column_in_french():
    assert (
        str(Probleme(4, "echeance", "date illisible.")) == "Ligne 4, colonne « echeance » : date illisible."
    )
    assert str(Probleme(2, None, "ligne en double.")) == "Ligne 2 : ligne en double."
    assert str(Probleme(None, "nombre", "vide.")) == "Colonne « nombre » : vide."
    assert str(Probleme(None, None, "Le fichier est vide.")) == "Le fichier est vide."
    assert (
        Probleme(3, "x", "Nombre attendu.").texte(majuscule=False)
        == "ligne 3, colonne « x » : Nombre attendu."
    )


def test_a_refused_file_lists_every_problem():
    exc = FichierInvalide([Probleme(2, "a", "un."), Probleme(3, None, "deux.")])
    assert exc.erreurs == ["Ligne 2, colonne « a » : un.", "Ligne 3 : deux."]
    assert str(exc) == "Ligne 2, colonne « a » : un.\nLigne 3 : deux."


# ---------------------------------------------------------------- encodings and separator


@pytest.mark.parametrize(
    ("contenu", "encodage"),
    [
        ("a;b\né;1\n".encode(), "utf-8"),
        ("\ufeffa;b\né;1\n".encode(), "utf-8-sig"),
        ("a;b\né;1\n".encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "bom", "windows-1252"],
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read(contenu, encodage):
    assert tableurs.detecter_encodage(contenu) == (encodage, 3)
    assert tableurs.lire_tableau(contenu, nom="f.csv").to_dict("records") == [{"a": "é", "b": "1"}]


def test_utf16_without_bom_is_refused_saying_so():
    # With its BOM, UTF-16 is read (tests/securite/test_observatoire_fichiers.py).
    (probleme,) = _refus("a;b\n1;2\n".encode("utf-16-le"), nom="f.csv")
    assert "UTF-16 sans marque" in probleme.message


def test_a_byte_that_is_neither_utf8_nor_windows_1252_is_refused_with_its_line():
    (probleme,) = _refus(b"a;b\n1;2\n3;\x81\n", nom="f.csv")
    assert (probleme.ligne, "0x81" in probleme.message) == (3, True)


def test_windows_1252_can_be_refused_where_only_utf8_is_published(tmp_path):
    chemin = tmp_path / "national.csv"
    chemin.write_bytes("a;b\n1;2\né;3\n".encode("cp1252"))
    with pytest.raises(FichierInvalide) as exc:
        tableurs.detecter_encodage(chemin, windows_accepte=False)
    assert exc.value.problemes[0].ligne == 3
    assert "n'est pas en UTF-8" in exc.value.problemes[0].message


def test_an_empty_file_is_refused():
    assert _refus(b"\xef\xbb\xbf \r\n", nom="f.csv")[0].message == "Le fichier est vide."


@pytest.mark.parametrize(("entete", "nomme"), [("a,b", "« , »"), ("a\tb", "« tabulation »"), ("ab", "")])
def test_another_separator_is_refused_and_named(entete, nomme):
    (probleme,) = _refus(f"{entete}\n1\n".encode(), nom="f.csv")
    assert probleme.ligne == 1
    assert probleme.message.startswith("Séparateur attendu : le point-virgule (;)")
    assert nomme in probleme.message


# ---------------------------------------------------------------- numbers, dates, booleans, formulas


@pytest.mark.parametrize(
    "texte", ["1234,5", "1 234,5", "1\u00a0234,5", "1\u202f234,5", "1'234,5", "1’234,5", '"1 234,5"']
)
def test_one_rule_for_thousands_separators_and_the_decimal_comma(texte):
    assert tableurs.nettoyer_nombre(texte) == "1234.5"
    assert tableurs.lire_nombre(texte) == Decimal("1234.5")
    assert tableurs.serie_numerique(pd.Series([texte])).iloc[0] == 1234.5


@pytest.mark.parametrize("texte", ["beaucoup", "inf", "NaN", "1,2,3"])
def test_what_is_not_a_number_is_refused_quoting_the_cell(texte):
    with pytest.raises(ValueError, match=f"« {texte} » n'est pas un nombre."):
        tableurs.lire_nombre(texte)
    assert tableurs.lire_nombre("  ") is None


def test_an_integer_must_be_whole():
    assert tableurs.lire_entier("1 000") == 1000
    with pytest.raises(ValueError, match="« 2,5 » n'est pas un nombre entier."):
        tableurs.lire_entier("2,5")


def test_missing_figures_are_told_apart_from_mistakes():
    manquants = tableurs.est_manquant(pd.Series(["", " nd ", "S", "secret", "n/a", "0", "dix"]))
    assert manquants.tolist() == [True, True, True, True, True, False, False]


@pytest.mark.parametrize("texte", ["31/12/1999", "1999-12-31", " 31/12/1999 "])
def test_dates_are_french_or_iso(texte):
    assert tableurs.lire_date(texte) == datetime.date(1999, 12, 31)


def test_a_wrong_date_is_refused_and_a_blank_one_is_none():
    assert tableurs.lire_date("") is None
    with pytest.raises(ValueError, match=r"« 31/13/2000 » n'est pas une date \(attendu JJ/MM/AAAA\)."):
        tableurs.lire_date("31/13/2000")


def test_the_situation_date_of_the_commitment_pages_is_read_by_the_same_parser():
    from engagements.views import _date_reference

    requetes = RequestFactory()
    assert _date_reference(requetes.get("/", {"au": "31/12/2000"})) == datetime.date(2000, 12, 31)
    assert _date_reference(requetes.get("/", {"au": "2000-12-31"})) == datetime.date(2000, 12, 31)
    aujourd_hui = datetime.date.today()
    assert abs(_date_reference(requetes.get("/", {"au": "demain"})) - aujourd_hui) <= datetime.timedelta(
        days=1
    )


@pytest.mark.parametrize(("texte", "valeur"), [("oui", True), ("X", True), ("non", False), ("", False)])
def test_booleans_are_oui_or_non(texte, valeur):
    assert tableurs.lire_oui_non(texte) is valeur


def test_a_boolean_that_is_neither_is_refused():
    with pytest.raises(ValueError, match="« peut-être » : répondez oui ou non."):
        tableurs.lire_oui_non("peut-être")


@pytest.mark.parametrize("texte", ["=1+1", "+33 5 49", "-2", "@SOMME(A1)", "\tx", "\rx"])
def test_a_neutralised_formula_is_restored_on_import(texte):
    assert tableurs.neutraliser(texte) == "'" + texte
    assert tableurs.retablir(tableurs.neutraliser(texte)) == texte


def test_an_apostrophe_that_neutralises_nothing_is_kept():
    assert tableurs.retablir("'quartier'") == "'quartier'"


def test_form_fields_refuse_a_cell_quoting_it():
    assert tableurs.ChampNombre().clean("1'002,5") == Decimal("1002.5")
    assert tableurs.ChampEntier().clean("1 000") == 1000
    assert tableurs.ChampDate().clean("31/12/1999") == datetime.date(1999, 12, 31)
    assert tableurs.ChampOuiNon(required=False).clean("non") is False
    with pytest.raises(Exception, match="« douze » n'est pas un nombre."):
        tableurs.ChampNombre().clean("douze")


# ---------------------------------------------------------------- reading


def test_blank_lines_and_blank_unnamed_columns_are_dropped_and_rows_keep_their_line():
    texte = "a;b;;\r\n1;2;;\r\n;;;\r\n\r\n3;4;;\r\n;;;\r\n"
    frame = tableurs.lire_tableau(texte.encode(), nom="f.csv")
    assert list(frame.columns) == ["a", "b"]
    assert [int(i) + 2 for i in frame.index] == [2, 5]  # line numbers in the file
    assert frame.to_dict("records") == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_repeated_and_blank_headers_are_named_as_pandas_names_them():
    frame = tableurs.lire_tableau(b"a;a; ;\n1;2;3;\n", nom="f.csv")
    assert list(frame.columns) == ["a", "a.1", "Unnamed: 2"]


def test_a_line_wider_than_the_header_is_refused_with_its_number():
    (probleme,) = _refus(b"a;b\n1;2\n1;2;3\n", nom="f.csv")
    assert str(probleme) == "Ligne 3 : 3 colonnes au lieu de 2 (séparateur « ; »)."


def test_a_damaged_workbook_is_refused():
    (probleme,) = _refus(b"PK\x03\x04pas un classeur", nom="f.xlsx")
    assert probleme.message == "Le fichier n'est pas un classeur XLSX lisible."


def test_a_workbook_is_read_as_strings_with_iso_dates_and_every_sheet_can_be_read(tmp_path):
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "86"
    feuille.append(["code", "date", "nombre", None])
    feuille.append(["86194", datetime.date(1999, 12, 31), 12, None])
    feuille.append([None, None, None, None])
    classeur.create_sheet("79").append(["code"])
    chemin = tmp_path / "c.xlsx"
    classeur.save(chemin)
    assert tableurs.lire_tableau(chemin).to_dict("records") == [
        {"code": "86194", "date": "1999-12-31", "nombre": "12"}
    ]
    assert list(tableurs.lire_feuilles(chemin)) == ["86", "79"]


# ---------------------------------------------------------------- writing, and reading back

ENTETES = ["territoire", "taux", "nombre", "date", "publie"]
LIGNES = [
    ["=Bel-Air", Decimal("85.40"), 1234, datetime.date(1999, 12, 31), True],
    ["Poitiers", 85.3973, None, None, False],
]


def test_csv_is_written_the_french_way():
    texte = tableurs.csv_bytes(ENTETES, LIGNES).decode("utf-8")
    assert texte == (
        "\ufeffterritoire;taux;nombre;date;publie\r\n"
        "'=Bel-Air;85,4;1234;31/12/1999;oui\r\n"
        "Poitiers;85,3973;;;non\r\n"
    )


def test_floats_keep_their_full_precision_without_exponent():
    texte = tableurs.csv_bytes(["x", "y"], [[10.0, 0.1], [1e-07, float("nan")]]).decode("utf-8-sig")
    assert texte.splitlines()[1:] == ["10,0;0,1", "0,0000001;"]


def test_what_the_csv_writer_writes_the_reader_reads_back():
    frame = tableurs.lire_tableau(tableurs.csv_bytes(ENTETES, LIGNES), nom="export.csv")
    assert list(frame.columns) == ENTETES
    premiere = frame.iloc[0]
    assert tableurs.retablir(premiere["territoire"]) == "=Bel-Air"
    assert tableurs.lire_nombre(premiere["taux"]) == Decimal("85.4")
    assert tableurs.lire_date(premiere["date"]) == datetime.date(1999, 12, 31)
    assert tableurs.lire_oui_non(premiere["publie"]) is True
    assert tableurs.lire_nombre(frame.iloc[1]["taux"]) == Decimal("85.3973")


def test_what_the_xlsx_writer_writes_the_reader_reads_back():
    contenu = tableurs.xlsx_bytes({"Chiffres": (ENTETES, LIGNES)})
    feuille = openpyxl.load_workbook(io.BytesIO(contenu)).active
    assert feuille["B2"].value == 85.4 and feuille["C2"].value == 1234
    assert feuille["D2"].number_format == "DD/MM/YYYY"
    frame = tableurs.lire_tableau(contenu, nom="export.xlsx")
    assert frame.iloc[0].tolist() == ["'=Bel-Air", "85.4", "1234", "1999-12-31", "True"]
    assert tableurs.lire_date(frame.iloc[0]["date"]) == datetime.date(1999, 12, 31)


def test_http_responses_are_attachments():
    reponse = tableurs.reponse_csv("chiffres.csv", ENTETES, LIGNES)
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == 'attachment; filename="chiffres.csv"'
    reponse = tableurs.reponse_xlsx("chiffres.xlsx", {"Chiffres": (ENTETES, LIGNES)})
    assert reponse["Content-Type"] == tableurs.XLSX_MIME


# ---------------------------------------------------------------- one rule, both imports


@pytest.mark.django_db
def test_an_apostrophe_thousands_separator_is_accepted_by_the_engagements_import():
    from engagements import exchange
    from engagements.models import Engagement
    from tests.engagements.factories import ActionFactory
    from tests.factories import PartenaireFactory

    ActionFactory(reference="p3-alms")
    PartenaireFactory(code="stp")
    texte = (
        "reference;action;partenaire;description;unite;valeur_initiale;valeur_cible;echeance\n"
        "p3-mediation;p3-alms;stp;Médiation;heures;1'000;1’250,5;31/12/2000\n"
    )
    plan = exchange.importer(contenu=texte.encode(), nom="e.csv", par=None)
    assert len(plan.creations) == 1
    engagement = Engagement.objects.get(reference="p3-mediation")
    assert (engagement.valeur_initiale, engagement.valeur_cible) == (Decimal("1000"), Decimal("1250.5"))


@pytest.mark.django_db
def test_an_apostrophe_thousands_separator_is_accepted_by_the_observatory_import(tmp_path):
    from observatoire.models import Donnee
    from tests.factories import TerritoireFactory

    TerritoireFactory(code="86194")

    chemin = tmp_path / "partenaire.csv"
    chemin.write_text("territoire;indicateur;periode;nombre\n86194;total-faits-constates;1997;1'234\n")
    call_command("importer_chiffres", str(chemin), stdout=io.StringIO())
    assert Donnee.objects.get(territoire__code="86194", annee=1997).nombre == 1234


@pytest.mark.parametrize(
    ("titre", "attendu"),
    [
        ("Chiffres", "Chiffres"),
        ("Taux par territoire et par année", "Taux par territoire et par…"),
        ("Contexte : département/région", "Contexte - département-région"),
        ("Anticonstitutionnellementissimement", "Anticonstitutionnellementissim…"),
    ],
)
def test_a_sheet_title_keeps_excels_rules_and_is_cut_at_a_word(titre, attendu):
    assert tableurs.titre_de_feuille(titre) == attendu
    assert len(tableurs.titre_de_feuille(titre)) <= 31
