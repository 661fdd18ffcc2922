"""The older police statistics, "État 4001": monthly counts by département in 107 numbered index
categories (1996 onwards), as the 1998 observatory worked from them.

Two files:
- the index nomenclature (`charger_index`): one line per index, "number<TAB>label", UTF-8 or
  Latin-1; the unused index numbers are skipped;
- the monthly counts (`importer`): `;`-separated CSV (Latin-1/Windows-1252 or UTF-8) or XLSX, one
  line per département and index, one column per month (`1996_01`, `_1996_01` or `1996-01`),
  thousands separated by a space ("17 369"). In an XLSX without a département column, each sheet
  is a département named by its code (the national "France" sheets are skipped).

Counts are stored per département × index × month, in the units of the 4001 (faits constatés);
they are never added to the national base's indicators, whose units differ (the mapping between
the two nomenclatures is data: `nomenclatures.INDEX_4001`).
"""

import re
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from cls_poitiers.enregistrement import update_or_create_si_change
from cls_poitiers.models import Territoire
from cls_poitiers.tableurs import detecter_encodage, est_manquant, lire_feuilles, serie_numerique

from ..models import Indicateur
from .base import (
    ImportRefuse,
    Rapport,
    lire_tableau,
    message_nombre_trop_grand,
    nombre_trop_grand,
    normaliser,
)
from .ecriture import EcritureDonnees
from .territoires import (
    codes_du_niveau,
    exiger_le_referentiel,
    message_inconnu_du_referentiel,
    noter_inconnu,
    signaler_inconnus,
)

MOIS = re.compile(r"^_?(\d{4})[_-](\d{1,2})$")
COLONNES_DEPARTEMENT = ("departement", "code_departement", "dep", "code_dep", "departements")
COLONNES_INDEX = ("index", "numero_index", "index_4001")
INUTILISE = "index non utilise"

# Families of the 107 index numbers (ranges of the État 4001 nomenclature).
FAMILLES = [
    (range(1, 15), Indicateur.Famille.PERSONNES),
    (range(15, 45), Indicateur.Famille.BIENS),
    (range(45, 55), Indicateur.Famille.PERSONNES),
    (range(55, 59), Indicateur.Famille.STUPEFIANTS),
    (range(59, 62), Indicateur.Famille.ORDRE_PUBLIC),
    (range(62, 69), Indicateur.Famille.BIENS),
    (range(69, 81), Indicateur.Famille.ORDRE_PUBLIC),
    (range(81, 108), Indicateur.Famille.ECONOMIQUE),
]


def code_indicateur(numero: int) -> str:
    return f"etat4001-{numero:03d}"


def famille(numero: int) -> str:
    return next(f for plage, f in FAMILLES if numero in plage)


def charger_index(chemin: Path) -> Rapport:
    """Create or update the indicators of the 107 index categories. All or nothing."""
    rapport = Rapport(edition=_("nomenclature de l'État 4001"))
    try:
        with rapport.refuser_si_invalide():
            encodage, _lignes = detecter_encodage(Path(chemin))
        lignes = Path(chemin).read_text(encoding=encodage).splitlines()
    except ImportRefuse:
        return rapport
    index = []
    for numero_ligne, texte in enumerate(lignes, start=1):
        if not texte.strip():
            continue
        rapport.lignes_lues += 1
        numero, _tab, libelle = texte.partition("\t")
        if not numero.strip().isdigit() or not 1 <= int(numero) <= 107:
            rapport.erreur(
                numero_ligne, 1, _("Numéro d'index attendu entre 1 et 107, lu : « %(v)s ».") % {"v": numero}
            )
            continue
        if not libelle.strip():
            rapport.erreur(numero_ligne, 2, _("Libellé manquant pour l'index %(n)s.") % {"n": numero})
            continue
        index.append((int(numero), libelle.strip()))
    if not index and not rapport.a_des_erreurs:
        rapport.erreur(None, None, _("Aucun index dans le fichier."))
    if rapport.a_des_erreurs:
        return rapport
    with transaction.atomic():
        for numero, libelle in index:
            if normaliser(libelle).replace("_", " ") == INUTILISE:
                rapport.rejetees += 1
                continue
            _indicateur, cree = update_or_create_si_change(
                Indicateur,
                code=code_indicateur(numero),
                defaults={
                    "libelle": f"{numero} — {libelle}",
                    "famille": famille(numero),
                    "unite": Indicateur.Unite.FAIT,
                    "denominateur": Indicateur.Denominateur.HABITANTS,
                    "nomenclature": "etat4001",
                    "index_4001": numero,
                    "ordre": 1000 + numero,
                },
            )
            rapport.creees += int(cree)
    return rapport


def _feuilles(chemin: Path, rapport: Rapport) -> list[tuple[str | None, pd.DataFrame]]:
    """(département code when given by the sheet name, frame) pairs."""
    if chemin.suffix.lower() == ".xlsx":
        with rapport.refuser_si_invalide():
            classeur = lire_feuilles(chemin)
        feuilles = []
        for nom, df in classeur.items():
            df.columns = [normaliser(c) for c in df.columns]
            if any(c in df.columns for c in COLONNES_DEPARTEMENT):
                feuilles.append((None, df))
            elif re.fullmatch(r"\d{2,3}|2[AB]", nom.strip()):
                feuilles.append((nom.strip(), df))
        if not feuilles:
            rapport.refuser(_("Aucune feuille de département (nommée par son code, par exemple « 86 »)."))
        return feuilles
    df, _entete = lire_tableau(chemin, rapport)
    return [(None, df)]


def importer(chemin, *, rapport: Rapport, lot, source, progression=None, creer_territoires=False, **_options):
    chemin = Path(chemin)
    rapport.edition = _("État 4001 mensuel par département")
    departements = codes_du_niveau(Territoire.Niveau.DEPARTEMENT)
    indicateurs = dict(Indicateur.objects.filter(nomenclature="etat4001").values_list("index_4001", "pk"))
    ecriture = EcritureDonnees(lot=lot, source=source, rapport=rapport)
    vus = {}
    a_ecrire = []
    for feuille, df in _feuilles(chemin, rapport):
        col_dep = next((c for c in COLONNES_DEPARTEMENT if c in df.columns), None)
        col_index = next((c for c in COLONNES_INDEX if c in df.columns), None)
        mois = [(c, MOIS.match(c)) for c in df.columns]
        mois = [(c, int(m[1]), int(m[2])) for c, m in mois if m]
        for colonne, annee, numero_mois in mois:
            if not 1 <= numero_mois <= 12 or not 1900 <= annee <= 2200:
                rapport.erreur(
                    1,
                    colonne,
                    _("Colonne de mois illisible : « %(v)s » (attendu 1996_01 à 1996_12).") % {"v": colonne},
                )
        if rapport.a_des_erreurs:
            rapport.refuser(_("En-tête refusé : colonnes de mois illisibles."), ligne=1)
        if col_index is None or (col_dep is None and feuille is None) or not mois:
            rapport.refuser(
                _(
                    "En-tête non reconnu : il faut une colonne « departement » (ou une feuille par "
                    "département), une colonne « index » et une colonne par mois (1996_01, 1996_02…)."
                ),
                ligne=1,
            )
        for index, ligne_df in df.iterrows():
            ligne = int(index) + 2
            rapport.lignes_lues += 1
            code_dep = feuille or str(ligne_df[col_dep]).strip().zfill(2)
            texte_index = str(ligne_df[col_index]).strip()
            if not texte_index.isdigit() or not 1 <= int(texte_index) <= 107:
                rapport.erreur(ligne, col_index, _("Index inconnu : « %(v)s ».") % {"v": texte_index})
                continue
            numero = int(texte_index)
            if numero not in indicateurs:
                rapport.erreur(
                    ligne,
                    col_index,
                    _(
                        "L'index %(n)s n'est pas dans la nomenclature : "
                        "chargez-la d'abord (importer_etat4001 --index)."
                    )
                    % {"n": numero},
                )
                continue
            if code_dep not in departements:
                colonne_dep = col_dep or _("feuille %(f)s") % {"f": feuille}
                if creer_territoires:
                    # Départements come from the national referential, never invented.
                    exiger_le_referentiel(rapport, ligne=ligne, colonne=colonne_dep)
                    rapport.erreur(
                        ligne,
                        colonne_dep,
                        message_inconnu_du_referentiel(code_dep, Territoire.Niveau.DEPARTEMENT),
                    )
                else:
                    noter_inconnu(rapport, code_dep, ligne)
                continue
            valeurs = pd.Series([ligne_df[c] for c, _a, _m in mois])
            manquant = est_manquant(valeurs).to_numpy()
            nombres = serie_numerique(valeurs).to_numpy()
            for (colonne, annee, numero_mois), absent, nombre in zip(mois, manquant, nombres, strict=True):
                if absent:
                    continue
                if nombre != nombre or nombre < 0 or nombre != int(nombre):  # NaN, negative, decimal
                    rapport.erreur(
                        ligne,
                        colonne,
                        _("Nombre de faits attendu (entier positif), lu : « %(v)s ».")
                        % {"v": str(ligne_df[colonne]).strip()},
                    )
                    continue
                if nombre_trop_grand(nombre):
                    rapport.erreur(ligne, colonne, message_nombre_trop_grand(str(ligne_df[colonne]).strip()))
                    continue
                cle = (departements[code_dep], indicateurs[numero], annee, numero_mois)
                if cle in vus:
                    rapport.erreur(
                        ligne,
                        colonne,
                        _("Doublon : département %(d)s, index %(n)s, %(m)02d/%(a)s déjà lu ligne %(l)s.")
                        % {"d": code_dep, "n": numero, "m": numero_mois, "a": annee, "l": vus[cle]},
                    )
                    continue
                vus[cle] = ligne
                a_ecrire.append((*cle, int(nombre), False))
    signaler_inconnus(rapport, None)
    if rapport.a_des_erreurs:
        return
    ecriture.ecrire(a_ecrire)
    ecriture.terminer()
