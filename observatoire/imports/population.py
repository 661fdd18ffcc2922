"""Populations and dwellings per territory and year: a long table (territoire ; annee ; habitants ;
logements) or INSEE's wide one (CODGEO ; P21_POP ; P21_LOG ; P99_POP …)."""

import re

import numpy as np
from django.utils.translation import gettext as _

from cls_poitiers.models import Population
from cls_poitiers.tableurs import est_manquant, serie_numerique

from .base import Rapport, lire_tableau
from .ecriture import logements_decimaux, noter_remplacement, texte_population
from .territoires import IndexTerritoires, colonne_niveau

LARGE = re.compile(r"^p(\d{2})_(pop|log)$")


def _annee(deux_chiffres: str) -> int:
    n = int(deux_chiffres)
    return 1900 + n if n > 50 else 2000 + n


def importer(chemin, *, rapport: Rapport, lot, source=None, progression=None, **_options):
    df, _entete = lire_tableau(chemin, rapport)
    code_col = next(
        (c for c in ("territoire", "territoire_code", "codgeo", "code", "com") if c in df.columns), None
    )
    if code_col is None:
        rapport.refuser(_("Colonne du code de territoire manquante (territoire ou CODGEO)."), ligne=1)
    larges = {c: LARGE.match(c) for c in df.columns if LARGE.match(c)}
    territoires = IndexTerritoires()
    col_niveau = colonne_niveau(df.columns)
    niveaux = df[col_niveau].astype(str).str.strip() if col_niveau else None
    lignes = df.index.to_numpy() + 2
    rapport.lignes_lues = len(df)
    libelle_source = df["source"] if "source" in df.columns else None
    if larges:
        rapport.edition = _("populations INSEE (colonnes Paa_POP / Paa_LOG)")
        par_annee: dict[int, dict[str, str]] = {}
        for colonne, m in larges.items():
            par_annee.setdefault(_annee(m[1]), {})[m[2]] = colonne
        colonnes = [(annee, cols.get("pop"), cols.get("log")) for annee, cols in sorted(par_annee.items())]
    else:
        manquantes = [c for c in ("annee", "habitants") if c not in df.columns]
        if manquantes:
            rapport.refuser(
                _("Colonnes manquantes : %(c)s (attendu : territoire ; annee ; habitants ; logements).")
                % {"c": ", ".join(manquantes)},
                ligne=1,
            )
        rapport.edition = _("populations (territoire ; annee ; habitants ; logements)")
        colonnes = [(None, "habitants", "logements" if "logements" in df.columns else None)]
    annees_longues = serie_numerique(df["annee"]) if not larges else None
    resultats = {}
    for annee_fixe, col_pop, col_log in colonnes:
        pops = serie_numerique(df[col_pop]) if col_pop else None
        pops_manquantes = est_manquant(df[col_pop]).to_numpy() if col_pop else None
        logs = serie_numerique(df[col_log]) if col_log else None
        logs_manquants = est_manquant(df[col_log]).to_numpy() if col_log else None
        for k in range(len(df)):
            ligne = int(lignes[k])
            code = str(df[code_col].iloc[k]).strip()
            territoire_id = territoires.lire(
                rapport,
                ligne,
                code,
                colonne=code_col,
                niveau=niveaux.iloc[k] if niveaux is not None else None,
                colonne_niveau=col_niveau,
            )
            if territoire_id is None:
                continue
            annee = annee_fixe
            if annee is None:
                brut = annees_longues.iloc[k]
                if np.isnan(brut) or brut % 1 or not 1800 <= brut <= 2200:
                    rapport.erreur(
                        ligne, "annee", _("Année illisible : « %(v)s ».") % {"v": df["annee"].iloc[k]}
                    )
                    continue
                annee = int(brut)
            habitants = None
            if col_pop is not None and not pops_manquantes[k]:
                habitants = pops.iloc[k]
                if np.isnan(habitants) or habitants < 0:
                    rapport.erreur(
                        ligne,
                        col_pop,
                        _("Nombre d'habitants illisible : « %(v)s ».") % {"v": df[col_pop].iloc[k]},
                    )
                    continue
                habitants = int(round(habitants))
            logements = None
            if col_log and not logs_manquants[k]:
                if np.isnan(logs.iloc[k]) or logs.iloc[k] < 0:
                    rapport.erreur(
                        ligne,
                        col_log,
                        _("Nombre de logements illisible : « %(v)s ».") % {"v": df[col_log].iloc[k]},
                    )
                    continue
                logements = logements_decimaux(logs.iloc[k])
            if habitants is None and logements is None:
                continue  # nothing for this year: each denominator is kept under its own year
            cle = (territoire_id, annee)
            if cle in resultats:
                rapport.erreur(
                    ligne,
                    None,
                    _("Ligne en double : ce territoire a déjà une population pour %(a)s.") % {"a": annee},
                )
                continue
            texte_source = (
                str(libelle_source.iloc[k]).strip()
                if libelle_source is not None and str(libelle_source.iloc[k]).strip()
                else ""
            ) or _("Import %(f)s") % {"f": lot.fichier_nom}
            resultats[cle] = (habitants, logements, texte_source)
    if rapport.a_des_erreurs:
        return
    enregistrer_populations(rapport, resultats)


def enregistrer_populations(rapport: Rapport, resultats: dict) -> None:
    """Write {(territoire_id, annee): (habitants, logements, source)}: a population the file
    changes is replaced (what it replaces is noted), an equal one is counted unchanged."""
    existantes = {
        (p.territoire_id, p.annee): p
        for p in Population.objects.filter(
            territoire_id__in={t for t, _a in resultats}, annee__in={a for _t, a in resultats}
        ).select_related("territoire")
    }
    for (territoire_id, annee), (habitants, logements, texte_source) in resultats.items():
        existante = existantes.get((territoire_id, annee))
        if existante is None:
            Population.objects.create(
                territoire_id=territoire_id,
                annee=annee,
                habitants=habitants,
                logements=logements,
                source=texte_source,
            )
            rapport.creees += 1
        elif (habitants is not None and existante.habitants != habitants) or (
            logements is not None and existante.logements != logements
        ):
            habitants = existante.habitants if habitants is None else habitants
            logements = existante.logements if logements is None else logements
            if not existante.illustratif:
                noter_remplacement(
                    rapport,
                    texte_population(
                        territoire=existante.territoire.nom,
                        annee=annee,
                        avant=(existante.habitants, existante.logements),
                        apres=(habitants, logements),
                        source=existante.source,
                    ),
                )
            existante.habitants, existante.logements = habitants, logements
            existante.source, existante.illustratif = texte_source, False
            existante.save()
            rapport.modifiees += 1
        else:
            rapport.inchangees += 1
    rapport.populations = rapport.creees + rapport.modifiees
