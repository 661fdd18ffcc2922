"""Generated figures for benchmarks and load tests: a realistic set of territories (départements
and communes with INSEE-like codes and log-normal populations, the demonstration contract's
communes among them with their real recent populations) and the indicators of the 2025 SSMSI
commune edition, with counts drawn around typical national rates and the statistical secrecy of
the national base (a commune's figure is masked, `ndiff`, when it has 5 facts or fewer over three
successive years).

With the national referential (`communes_du_referentiel`), the communes are the referential's
own: their real codes, départements and legal populations (the figures stay invented), and
`ecrire_fichier` can write beside the commune file the départemental base of the same figures
(`ecrire_departemental`): each département's total per indicator and year, masked communes
included, as the SSMSI publishes it.

Everything is deterministic for a given seed. The national-format file is written streaming, one
département at a time, so that a 5-million-row file never sits in memory. The figures are
illustrative: the file carries a column that says so (`chiffres_generes_illustratifs`), and the
import sends them to an illustrative source, never over a real figure or population.
"""

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ENTETE = [
    "CODGEO_2026",
    "annee",
    "indicateur",
    "unite_de_compte",
    "nombre",
    "taux_pour_mille",
    "est_diffuse",
    "insee_pop",
    "insee_pop_millesime",
    "insee_log",
    "insee_log_millesime",
    "complement_info_nombre",
    "complement_info_taux",
    # The mark of a generated file: the import sends its figures to an illustrative source.
    "chiffres_generes_illustratifs",
]
MARQUE = "oui"

# 2025 commune edition: label, unit as the file writes it, per dwellings?, typical national rate (‰).
INDICATEURS_2025 = [
    ("Violences physiques intrafamiliales", "Victime", False, 2.6),
    ("Violences physiques hors cadre familial", "Victime", False, 2.0),
    ("Violences sexuelles", "Victime", False, 1.3),
    ("Vols avec armes", "Infraction", False, 0.12),
    ("Vols violents sans arme", "Infraction", False, 0.6),
    ("Vols sans violence contre des personnes", "Victime entendue", False, 5.5),
    ("Cambriolages de logement", "Infraction", True, 5.8),
    ("Vols de véhicule", "Véhicule", False, 1.9),
    ("Vols dans les véhicules", "Véhicule", False, 3.2),
    ("Vols d'accessoires sur véhicules", "Véhicule", False, 0.9),
    ("Destructions et dégradations volontaires", "Infraction", False, 8.4),
    ("Usage de stupéfiants", "Mis en cause", False, 2.4),
    ("Usage de stupéfiants (AFD)", "Mis en cause", False, 1.6),
    ("Trafic de stupéfiants", "Mis en cause", False, 0.2),
    ("Escroqueries et fraudes aux moyens de paiement", "Victime", False, 6.0),
]
ANNEES = list(range(2016, 2026))
LIGNES_PAR_COMMUNE = len(INDICATEURS_2025) * len(ANNEES)
COMMUNES_NATIONALES = 35_000

DEPARTEMENTS = (
    [f"{n:02d}" for n in range(1, 20)]
    + ["2A", "2B"]
    + [f"{n:02d}" for n in range(21, 96)]
    + ["971", "972", "973", "974", "976"]
)


@dataclass(frozen=True)
class Commune:
    code: str
    departement: str
    population: int
    logements: int
    facteur: float  # the commune's own delinquency level (urban communes are higher)
    latitude: float
    longitude: float
    # ((year, inhabitants), …): the real populations already recorded for the commune, which its
    # rows carry in those years instead of generated ones (`ecrire_fichier(populations=…)`).
    populations: tuple = ()


def communes_du_referentiel() -> list[dict]:
    """The referential's current communes ({code, departement, region, population}), read from
    the npm package (`cls_poitiers.referentiel`); needs Django's settings."""
    from cls_poitiers import referentiel  # Django settings behind it: imported when needed

    return referentiel.Source.lire().communes


def regions_des_departements() -> dict[str, str]:
    """{département code: région code} from the referential's package."""
    from cls_poitiers import referentiel

    return {d["code"]: d.get("region") or "NA" for d in referentiel.Source.lire().departements}


def communes(
    nombre: int,
    *,
    seed: int = 2025,
    imposees: dict[str, int] | None = None,
    referentiel: list[dict] | None = None,
) -> list[Commune]:
    """`nombre` communes spread over the départements, with INSEE-like codes, log-normal
    populations (median about 450 inhabitants, a long tail of towns) and about one dwelling for
    two inhabitants. `imposees` ({code: population}) are always among them: by default the
    demonstration contract's communes (`observatoire.demo.COMMUNES_RECENTES`), so that the demo's
    dashboards have generated figures too.

    With `referentiel` (`communes_du_referentiel()`), the communes are drawn among the
    referential's, with their own codes, départements and legal populations (all of them when
    `nombre` is at least their number); the imposed codes are among them, with the
    referential's population."""
    if imposees is None:
        from .demo import COMMUNES_RECENTES  # Django models behind it: imported when needed

        imposees = COMMUNES_RECENTES
    rng = np.random.default_rng(seed)
    if referentiel is not None:
        return _communes_du_referentiel(nombre, referentiel, imposees, rng)
    nombre = max(nombre, len(imposees))
    resultat = []
    for code, population in imposees.items():
        resultat.append(_commune(code, population, rng))
    # Oversample a little (codes are drawn without repeats within a département), then keep
    # `nombre` communes, drawn at random outside the imposed ones.
    reste = int((nombre - len(resultat)) * 1.1) + 1
    # Départements of unequal size, as in France (a few dozen to several hundred communes).
    poids = rng.gamma(3.0, 1.0, len(DEPARTEMENTS))
    parts = np.floor(poids / poids.sum() * reste).astype(int)
    parts[: reste - parts.sum()] += 1
    pris = set(imposees)
    for departement, n in zip(DEPARTEMENTS, parts, strict=True):
        outre_mer = len(departement) == 3
        maximum = 99 if outre_mer else 999
        numeros = np.sort(rng.choice(np.arange(1, maximum + 1), size=min(n, maximum), replace=False))
        populations = np.maximum(20, rng.lognormal(math.log(450), 1.35, size=len(numeros))).astype(int)
        for numero, population in zip(numeros, populations, strict=True):
            code = f"{departement}{numero:02d}" if outre_mer else f"{departement}{numero:03d}"
            if code in pris:
                continue
            pris.add(code)
            resultat.append(_commune(code, int(population), rng))
    en_trop = len(resultat) - nombre
    if en_trop > 0:
        retirees = set(rng.choice(np.arange(len(imposees), len(resultat)), en_trop, replace=False))
        resultat = [c for i, c in enumerate(resultat) if i not in retirees]
    return resultat


def _communes_du_referentiel(nombre: int, referentiel: list[dict], imposees, rng) -> list[Commune]:
    par_code = {c["code"]: c for c in referentiel}
    if nombre >= len(par_code):
        choisies = sorted(par_code)
    else:
        premieres = [code for code in imposees if code in par_code]
        autres = sorted(set(par_code) - set(premieres))
        tirees = rng.choice(len(autres), max(0, nombre - len(premieres)), replace=False)
        choisies = premieres + [autres[i] for i in sorted(tirees)]
    return [
        _commune(code, int(par_code[code].get("population") or 0), rng, par_code[code]["departement"])
        for code in choisies
    ]


def _commune(code: str, population: int, rng, departement: str | None = None) -> Commune:
    departement = departement or (code[:3] if code.startswith("97") else code[:2])
    urbain = 0.55 + 0.25 * math.log10(max(population, 10))
    return Commune(
        code=code,
        departement=departement,
        population=population,
        logements=max(10, int(population * rng.uniform(0.42, 0.6))),
        facteur=float(urbain * rng.lognormal(0, 0.35)),
        latitude=round(float(rng.uniform(42.5, 50.9)), 6),
        longitude=round(float(rng.uniform(-4.5, 7.8)), 6),
    )


def _nombre_fr(valeur: float) -> str:
    return repr(round(float(valeur), 10)).replace(".", ",")


def lignes(
    liste: list[Commune], *, seed: int = 2025, annees: list[int] | None = None, totaux: dict | None = None
) -> Iterator[list]:
    """The rows of the national file for these communes, grouped by département, each commune's
    rows ordered by year then indicator (as the SSMSI publishes them). Masked rows carry `NA`
    counts and rates, and the département's mean of masked communes in `complement_info_*`.
    `totaux`, when given, receives each département's totals, masked communes included:
    {département: (annees, counts years × indicators, inhabitants per year, dwellings per year)}."""
    annees = annees or ANNEES
    rng = np.random.default_rng(seed + 1)
    par_departement: dict[str, list[Commune]] = {}
    for commune in liste:
        par_departement.setdefault(commune.departement, []).append(commune)
    taux = np.array([i[3] for i in INDICATEURS_2025])
    par_logements = np.array([i[2] for i in INDICATEURS_2025])
    tendance = np.linspace(0.92, 1.08, len(annees))
    for departement in sorted(par_departement):
        groupe = par_departement[departement]
        pops = np.array([c.population for c in groupe], dtype=float)
        logs = np.array([c.logements for c in groupe], dtype=float)
        facteurs = np.array([c.facteur for c in groupe])
        # populations drift a little year to year (census millésimes)
        derive = 1 + np.outer(rng.normal(0.004, 0.006, len(groupe)), np.arange(len(annees)) - len(annees) + 1)
        pop_an = np.maximum(10, np.round(pops[:, None] * derive)).astype(int)  # communes × years
        for c, commune in enumerate(groupe):
            for annee, habitants in commune.populations:
                if annee in annees:
                    pop_an[c, annees.index(annee)] = habitants
        log_an = np.maximum(5, np.round(logs[:, None] * derive)).astype(int)
        denominateurs = np.where(
            par_logements[None, None, :], log_an[:, :, None], pop_an[:, :, None]
        )  # communes × years × indicators
        attendus = (
            denominateurs / 1000 * taux[None, None, :] * facteurs[:, None, None] * tendance[None, :, None]
        )
        nombres = rng.poisson(attendus)
        # Secrecy: 5 facts or fewer over the three years ending with this one.
        cumul = np.cumsum(np.concatenate([np.zeros_like(nombres[:, :1]), nombres], axis=1), axis=1)
        fenetre = cumul[:, 1:] - cumul[:, np.maximum(0, np.arange(1, len(annees) + 1) - 3)]
        masques = fenetre <= 5
        if totaux is not None:
            totaux[departement] = (list(annees), nombres.sum(axis=0), pop_an.sum(axis=0), log_an.sum(axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            sommes = np.where(masques, nombres, 0).sum(axis=0)
            effectifs = masques.sum(axis=0)
            moyenne_masques = np.where(effectifs > 0, sommes / np.maximum(effectifs, 1), np.nan)
            taux_masques = np.where(
                effectifs > 0,
                np.where(masques, nombres / denominateurs * 1000, 0).sum(axis=0) / np.maximum(effectifs, 1),
                np.nan,
            )
        for c, commune in enumerate(groupe):
            for a, annee in enumerate(annees):
                pop, log = str(pop_an[c, a]), str(log_an[c, a])
                millesime = str(annee)
                for i, (libelle, unite, _par_log, _t) in enumerate(INDICATEURS_2025):
                    if masques[c, a, i]:
                        yield [
                            commune.code,
                            millesime,
                            libelle,
                            unite,
                            "NA",
                            "NA",
                            "ndiff",
                            pop,
                            millesime,
                            log,
                            millesime,
                            _nombre_fr(moyenne_masques[a, i]),
                            _nombre_fr(taux_masques[a, i]),
                            MARQUE,
                        ]
                    else:
                        n = int(nombres[c, a, i])
                        yield [
                            commune.code,
                            millesime,
                            libelle,
                            unite,
                            str(n),
                            _nombre_fr(n / denominateurs[c, a, i] * 1000),
                            "diff",
                            pop,
                            millesime,
                            log,
                            millesime,
                            "NA",
                            "NA",
                            MARQUE,
                        ]


def ecrire_fichier(
    chemin: Path,
    *,
    nombre_lignes: int,
    seed: int = 2025,
    referentiel: bool = False,
    imposees: dict[str, int] | None = None,
    departemental: Path | None = None,
    populations: dict[str, dict[int, int]] | None = None,
) -> int:
    """Write a national-format file (current edition: `;`, quoted values, decimal comma, `NA`,
    UTF-8 with BOM) of about `nombre_lignes` rows (whole communes × 15 indicators × 10 years),
    streaming. Returns the number of data rows written. `referentiel`: on the referential's
    communes (`communes`); `departemental`: also write there the départemental base of the same
    figures (`ecrire_departemental`). `populations` ({code: {year: inhabitants}}): the real
    populations already recorded, which the file carries in their years, so that the rates it
    publishes are those of the counts over the populations the pages divide by."""
    n_communes = max(1, math.ceil(nombre_lignes / LIGNES_PAR_COMMUNE))
    liste = communes(
        n_communes,
        seed=seed,
        imposees=imposees,
        referentiel=communes_du_referentiel() if referentiel else None,
    )
    if populations:
        liste = [
            replace(c, populations=tuple(sorted(populations[c.code].items()))) if c.code in populations else c
            for c in liste
        ]
    totaux = {} if departemental else None
    ecrites = 0
    with open(chemin, "w", encoding="utf-8-sig", newline="") as f:
        tampon = io.StringIO()
        writer = csv.writer(tampon, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(ENTETE)
        for ligne in lignes(liste, seed=seed, totaux=totaux):
            writer.writerow(ligne)
            ecrites += 1
            if ecrites % 50_000 == 0:
                f.write(tampon.getvalue())
                tampon.seek(0)
                tampon.truncate()
        f.write(tampon.getvalue())
    if departemental:
        ecrire_departemental(departemental, totaux, regions_des_departements() if referentiel else {})
    return ecrites


ENTETE_DEPARTEMENTAL = [
    "classe",
    "annee",
    "Code.département",
    "Code.région",
    "unité.de.compte",
    "millPOP",
    "millLOG",
    "faits",
    "POP",
    "LOG",
    "tauxpourmille",
    "chiffres_generes_illustratifs",
]


def ecrire_departemental(chemin: Path, totaux: dict, regions: dict[str, str]) -> int:
    """Write the départemental base (`importer_ssmsi`'s départemental format, with the generated
    file's mark) of `totaux` (as `lignes` fills it): each département's count per indicator and
    year, the sum of its communes, masked ones included, over their inhabitants (or dwellings).
    Returns the number of data rows written."""
    ecrites = 0
    with open(chemin, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(ENTETE_DEPARTEMENTAL)
        for departement in sorted(totaux):
            annees, nombres, pops, logs = totaux[departement]
            for a, annee in enumerate(annees):
                for i, (libelle, unite, par_log, _t) in enumerate(INDICATEURS_2025):
                    n = int(nombres[a, i])
                    denominateur = logs[a] if par_log else pops[a]
                    writer.writerow(
                        [
                            libelle,
                            str(annee),
                            departement,
                            regions.get(departement, "NA"),
                            unite,
                            str(annee),
                            str(annee),
                            str(n),
                            str(int(pops[a])),
                            str(int(logs[a])),
                            _nombre_fr(n / denominateur * 1000) if denominateur else "NA",
                            MARQUE,
                        ]
                    )
                    ecrites += 1
    return ecrites
