"""Populations of the priority neighbourhoods (QPV): the "DEMO" files INSEE and the ANCT publish
each year (DEMO_2017.csv … DEMO_2022.csv), one row per QPV: CODGEO (the QPV code, QP086001),
LIBGEO (its name), POP_MUN (its population), POP_COM and LIB_COM (its commune), then shares and
counts, often followed by dozens of empty columns.

The year is not in the file: it is the one given (form or command), else the one in the file's
name; without either the file is refused. A QPV the platform does not know yet is created as a
quartier under its commune. The file names the commune only by its name: it is looked for among
the communes of the QPV's département (the three digits after "QP": QP086001 is in the Vienne),
by its search key; a name found nowhere, or twice, refuses the file with its line."""

import re
from functools import reduce
from operator import or_

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cls_poitiers.modeles_communs import cle_de_recherche
from cls_poitiers.models import Territoire
from cls_poitiers.tableurs import est_manquant, serie_numerique

from .base import Rapport, lire_tableau
from .population import enregistrer_populations
from .territoires import codes_du_niveau

COLONNES = ("codgeo", "libgeo", "pop_mun", "lib_com")
CODE_QPV = re.compile(r"^QP(\d{2}[\dAB])\d{3}$")
ANNEE_DU_NOM = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
ANNEES_POSSIBLES = range(1990, 2201)
MESSAGE_INTROUVABLE = gettext_lazy(
    "Commune « %(n)s » introuvable dans le département %(d)s : le QPV %(c)s ne peut être rattaché."
)
MESSAGE_AMBIGU = gettext_lazy(
    "Plusieurs communes « %(n)s » dans le département %(d)s : le QPV %(c)s ne peut être rattaché."
)


def annee_du_lot(annee, nom_fichier: str, rapport: Rapport) -> int:
    """The year given (form, command) wins; else the only 4-digit year of the file's name
    (DEMO_2020.csv); else the file is refused."""
    if annee not in (None, ""):
        try:
            annee = int(annee)
        except (TypeError, ValueError):
            annee = None
        if annee not in ANNEES_POSSIBLES:
            rapport.refuser(_("Année illisible : indiquez une année entre 1990 et 2200."))
        return annee
    trouvees = set(ANNEE_DU_NOM.findall(nom_fichier or ""))
    if len(trouvees) != 1:
        rapport.refuser(
            _(
                "Année introuvable : indiquez-la dans le formulaire (ou avec --annee), ou gardez le nom "
                "du fichier publié, qui la porte (DEMO_2020.csv)."
            )
        )
    return int(trouvees.pop())


def departement_du_code(code: str) -> str:
    """QP086001 → '86', QP02A001 → '2A', QP971001 → '971'."""
    trois = CODE_QPV.match(code)[1]
    return trois[1:] if trois.startswith("0") else trois


def importer(chemin, *, rapport: Rapport, lot, annee=None, **_options):
    annee = annee_du_lot(annee, lot.fichier_nom, rapport)
    df, _entete = lire_tableau(chemin, rapport)
    manquantes = [c.upper() for c in COLONNES if c not in df.columns]
    if manquantes:
        rapport.refuser(
            _("Colonnes manquantes : %(c)s (attendu : CODGEO ; LIBGEO ; POP_MUN ; LIB_COM).")
            % {"c": ", ".join(manquantes)},
            ligne=1,
        )
    rapport.edition = _("populations des QPV (fichier DEMO %(a)s)") % {"a": annee}
    rapport.lignes_lues = len(df)
    lus = lire_lignes(df, rapport)
    if rapport.a_des_erreurs:
        return
    quartiers = codes_du_niveau(Territoire.Niveau.QUARTIER)
    inconnus = {code: ligne for code, ligne in lus.items() if code not in quartiers}
    quartiers.update(creer_quartiers(rapport, inconnus))
    if rapport.a_des_erreurs:
        return
    source = _("INSEE/ANCT, fichier DEMO %(a)s") % {"a": annee}
    enregistrer_populations(
        rapport, {(quartiers[code], annee): (ligne["habitants"], None, source) for code, ligne in lus.items()}
    )


def lire_lignes(df, rapport: Rapport) -> dict[str, dict]:
    """{QPV code: its line, name, commune's name and population}. A QPV without a population
    (a blank or secret cell) is left out; a code or a number that cannot be read is an error."""
    habitants = serie_numerique(df["pop_mun"])
    manquants = est_manquant(df["pop_mun"]).to_numpy()
    lus: dict[str, dict] = {}
    for k, ligne in enumerate(df.index.to_numpy() + 2):
        ligne = int(ligne)
        code = str(df["codgeo"].iloc[k]).strip().upper()
        if not CODE_QPV.match(code):
            rapport.erreur(
                ligne, "CODGEO", _("Code QPV illisible : « %(v)s » (attendu : QP086001).") % {"v": code}
            )
            continue
        if manquants[k]:
            continue
        nombre = habitants.iloc[k]
        if np.isnan(nombre) or nombre < 0:
            rapport.erreur(
                ligne,
                "POP_MUN",
                _("Nombre d'habitants illisible : « %(v)s ».") % {"v": df["pop_mun"].iloc[k]},
            )
            continue
        if code in lus:
            rapport.erreur(
                ligne,
                "CODGEO",
                _("QPV en double : %(c)s figure déjà ligne %(l)s.") % {"c": code, "l": lus[code]["ligne"]},
            )
            continue
        lus[code] = {
            "ligne": ligne,
            "habitants": int(round(nombre)),
            "nom": str(df["libgeo"].iloc[k]).strip(),
            "commune": str(df["lib_com"].iloc[k]).strip(),
        }
    return lus


def creer_quartiers(rapport: Rapport, inconnus: dict[str, dict]) -> dict[str, int]:
    """Each unknown QPV created as a quartier under its commune: {code: pk}. A commune not found
    (or found twice) in the QPV's département is an error on the QPV's line."""
    if not inconnus:
        return {}
    communes = communes_par_nom({departement_du_code(code) for code in inconnus})
    crees = {}
    for code, ligne in inconnus.items():
        departement = departement_du_code(code)
        trouvees = communes.get((departement, cle_de_recherche(ligne["commune"])), [])
        if len(trouvees) != 1:
            message = MESSAGE_INTROUVABLE if not trouvees else MESSAGE_AMBIGU
            rapport.erreur(
                ligne["ligne"], "LIB_COM", message % {"n": ligne["commune"], "d": departement, "c": code}
            )
            continue
        commune = trouvees[0]
        quartier = Territoire.objects.create(
            code=code,
            nom=ligne["nom"] or code,
            niveau=Territoire.Niveau.QUARTIER,
            parent=commune,
            departement_id=commune.departement_id,
            region_id=commune.region_id,
            epci_id=commune.epci_id,
        )
        crees[code] = quartier.pk
        rapport.territoires_crees.append(f"{code} {quartier.nom} ({commune.nom})")
    return crees


def communes_par_nom(departements: set[str]) -> dict[tuple[str, str], list[Territoire]]:
    """The communes of these départements, by (département, search key of the name). A commune
    is in a département by its link, or, outside the referential, by its INSEE code's prefix."""
    filtre = reduce(or_, (Q(code__startswith=d) for d in departements), Q(departement__code__in=departements))
    communes: dict[tuple[str, str], list[Territoire]] = {}
    for commune in Territoire.objects.filter(filtre, niveau=Territoire.Niveau.COMMUNE).select_related(
        "departement"
    ):
        for departement in departements:
            lien = commune.departement.code if commune.departement else None
            if lien == departement or (lien is None and commune.code.startswith(departement)):
                communes.setdefault((departement, commune.nom_recherche), []).append(commune)
    return communes
