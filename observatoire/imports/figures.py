"""The local template: one figure per line (territory code, indicator code, period, count), as
partners' spreadsheets really are: CSV `;` in Windows-1252 or UTF-8 (BOM or not), decimal commas,
thousands separators (space, no-break space), dates as 31/12/1999, blank trailing lines and
columns, or XLSX. The whole file is checked before anything is written."""

import re
from array import array

import numpy as np
from django.utils.translation import gettext as _

from cls_poitiers.tableurs import est_manquant, serie_numerique

from ..models import Donnee, Indicateur
from .base import Rapport, lire_tableau, message_nombre_trop_grand, nombre_trop_grand
from .ecriture import EcritureDonnees
from .territoires import IndexTerritoires, colonne_niveau

COLONNES = {
    "territoire": ("territoire", "territoire_code", "code_territoire", "code", "codgeo"),
    "indicateur": ("indicateur", "indicateur_code", "code_indicateur"),
    "periode": ("periode", "mois", "date", "annee"),
    "nombre": ("nombre", "faits", "valeur"),
}
PERIODES = [
    (re.compile(r"^(\d{4})$"), lambda m: (int(m[1]), 0)),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^\d{1,2}/(\d{1,2})/(\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
    (re.compile(r"^(\d{4})-(\d{2})-\d{2}(?:[ T]00:00:00)?$"), lambda m: (int(m[1]), int(m[2]))),
]


ANNUEL, MENSUEL = 1, 2


def _cle(territoire_id: int, indicateur_id: int, annee: int, mois: int):
    """One int for a row's territory, indicator and period (a year is 1900 to 2200, a month 0 to
    12: 16 and 4 bits); a tuple past 2²⁰ indicators."""
    if indicateur_id >= 1 << 20:
        return (territoire_id, indicateur_id, annee, mois)
    return (((territoire_id << 20) | indicateur_id) << 16 | annee) << 4 | mois


def lire_periode(texte: str) -> tuple[int, int] | None:
    """'1999' → (1999, 0); '03/1999', '1999-03', '31/03/1999' → (1999, 3)."""
    texte = texte.strip()
    for motif, lire in PERIODES:
        trouve = motif.match(texte)
        if trouve:
            annee, mois = lire(trouve)
            if 1900 <= annee <= 2200 and 0 <= mois <= 12:
                return annee, mois
            return None
    return None


def colonnes_du_modele(df, rapport: Rapport) -> dict[str, str]:
    roles = {}
    for role, noms in COLONNES.items():
        for nom in noms:
            if nom in df.columns:
                roles[role] = nom
                break
    manquantes = [r for r in COLONNES if r not in roles]
    if manquantes:
        rapport.refuser(
            _(
                "Colonnes manquantes : %(c)s. Le modèle attend territoire ; indicateur ; periode ; nombre "
                "(séparateur point-virgule)."
            )
            % {"c": ", ".join(manquantes)},
            ligne=1,
        )
    return roles


def importer(chemin, *, rapport: Rapport, lot, source, progression=None, **_options):
    df, _entete = lire_tableau(chemin, rapport)
    roles = colonnes_du_modele(df, rapport)
    rapport.edition = _("modèle local (territoire ; indicateur ; periode ; nombre)")
    territoires = IndexTerritoires()
    col_niveau = colonne_niveau(df.columns)
    indicateurs = {code.lower(): pk for code, pk in Indicateur.objects.actifs().values_list("code", "pk")}
    lignes = df.index.to_numpy() + 2
    rapport.lignes_lues = len(df)
    valeurs = {role: df[nom].astype(str).str.strip() for role, nom in roles.items()}
    niveaux = df[col_niveau].astype(str).str.strip() if col_niveau else None
    manquant = est_manquant(valeurs["nombre"]).to_numpy()
    nombres = serie_numerique(valeurs["nombre"])
    # Memory (a 260 000-row sheet is checked in under 200 MB): a year is one int object; a row's
    # key is one int in a set (`_cle`), its line 4 bytes beside it; a (territory, indicator, year)
    # records its kinds of period as bits (1 yearly, 2 monthly) rather than as a set.
    a_ecrire, vues, lignes_vues, periodes, annees = [], set(), array("I"), {}, {}
    premieres = None
    for k in range(len(df)):
        ligne = int(lignes[k])
        code_t = valeurs["territoire"].iloc[k]
        code_i = valeurs["indicateur"].iloc[k].lower()
        periode = lire_periode(valeurs["periode"].iloc[k])
        territoire_id = territoires.lire(
            rapport,
            ligne,
            code_t,
            colonne=roles["territoire"],
            niveau=niveaux.iloc[k] if niveaux is not None else None,
            colonne_niveau=col_niveau,
        )
        indicateur_id = indicateurs.get(code_i)
        if indicateur_id is None:
            rapport.erreur(
                ligne,
                roles["indicateur"],
                _("Indicateur inconnu : « %(v)s ».") % {"v": valeurs["indicateur"].iloc[k]},
            )
        if periode is None:
            rapport.erreur(
                ligne,
                roles["periode"],
                _("Période illisible : « %(v)s » (attendu 1999, 12/1999 ou 31/12/1999).")
                % {"v": valeurs["periode"].iloc[k]},
            )
        nombre = None
        if not manquant[k]:
            valeur = nombres.iloc[k]
            if np.isnan(valeur):
                rapport.erreur(
                    ligne,
                    roles["nombre"],
                    _("Nombre attendu, texte trouvé : « %(v)s ».") % {"v": valeurs["nombre"].iloc[k]},
                )
                continue
            if valeur % 1 or valeur < 0:
                rapport.erreur(
                    ligne,
                    roles["nombre"],
                    _("Nombre de faits entier et positif attendu : « %(v)s ».")
                    % {"v": valeurs["nombre"].iloc[k]},
                )
                continue
            if nombre_trop_grand(valeur):
                rapport.erreur(ligne, roles["nombre"], message_nombre_trop_grand(valeurs["nombre"].iloc[k]))
                continue
            nombre = int(valeur)
        if territoire_id is None or indicateur_id is None or periode is None:
            continue
        periode = (annees.setdefault(periode[0], periode[0]), periode[1])
        cle = _cle(territoire_id, indicateur_id, *periode)
        if cle in vues:
            # Rare (a refused file): the first lines of the rows are indexed only then.
            if premieres is None:
                premieres = {
                    _cle(*r[:4]): ligne_vue for r, ligne_vue in zip(a_ecrire, lignes_vues, strict=True)
                }
            rapport.erreur(
                ligne,
                None,
                _("Ligne en double : même territoire, indicateur et période que la ligne %(l)s.")
                % {"l": premieres[cle]},
            )
            continue
        vues.add(cle)
        lignes_vues.append(ligne)
        if premieres is not None:
            premieres[cle] = ligne
        genre = (territoire_id, indicateur_id, periode[0])
        periodes[genre] = periodes.get(genre, 0) | (ANNUEL if periode[1] == 0 else MENSUEL)
        a_ecrire.append((territoire_id, indicateur_id, periode[0], periode[1], nombre, nombre is None))
    for (_territoire_id, _indicateur_id, annee), genres in periodes.items():
        if genres == ANNUEL | MENSUEL:
            rapport.erreur(
                None,
                None,
                _("Chiffre annuel et chiffres mensuels mêlés pour la même année %(a)s.") % {"a": annee},
            )
    _verifier_granularite(periodes, source, rapport)
    if rapport.a_des_erreurs:
        return
    rapport.apercu = [
        {"ligne": ligne, "territoire": t, "indicateur": i, "annee": a, "mois": m, "nombre": n}
        for (t, i, a, m, n, _s), ligne in zip(a_ecrire[:20], lignes_vues, strict=False)
    ]
    del df, valeurs, nombres, vues, lignes_vues, periodes  # the writing reuses their memory
    ecriture = EcritureDonnees(lot=lot, source=source, rapport=rapport)
    ecriture.ecrire(a_ecrire)
    ecriture.terminer()


def _verifier_granularite(periodes, source, rapport):
    """A source gives, for one territory, indicator and year, a yearly figure or monthly ones."""
    if not periodes:
        return
    stockees = Donnee.objects.filter(
        source=source,
        territoire_id__in={t for t, _i, _a in periodes},
        indicateur_id__in={i for _t, i, _a in periodes},
        annee__in={a for _t, _i, a in periodes},
    ).values_list("territoire_id", "indicateur_id", "annee", "mois")
    for territoire_id, indicateur_id, annee, mois in stockees:
        genres = periodes.get((territoire_id, indicateur_id, annee))
        if genres and not genres & (ANNUEL if mois == 0 else MENSUEL):
            rapport.erreur(
                None,
                None,
                _(
                    "L'année %(a)s est déjà enregistrée %(g)s pour ce territoire et cet indicateur "
                    "dans cette source : un fichier ne peut pas y mêler des chiffres %(autre)s."
                )
                % {
                    "a": annee,
                    "g": _("en chiffre annuel") if mois == 0 else _("par mois"),
                    "autre": _("mensuels") if mois == 0 else _("annuels"),
                },
            )
            return
