"""The national recorded-delinquency base (SSMSI), commune and départemental, every edition.

The file is streamed in chunks (pandas `chunksize`): memory holds one chunk, the territory and
indicator tables, and 8 bytes per row to detect duplicate rows. Each chunk is checked, then
written with bulk operations inside the import's transaction; the caller rolls everything back
when any problem was found, so that a bad file changes nothing.
"""

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from cls_poitiers.models import Population, Territoire

from ..models import Correspondance, Indicateur, Nomenclature
from ..nomenclatures import UNITES_SOURCE
from .base import (
    Rapport,
    detecter_encodage,
    est_manquant,
    normaliser,
    normaliser_libelle,
    premiere_ligne,
    serie_numerique,
    verifier_separateur,
)
from .ecriture import EcritureDonnees

TAILLE_PAQUET = 50_000

# Column names of every edition (normalised: lower case, no accents, '.' → '_') → role.
COLONNES = {
    "annee": "annee",
    "indicateur": "libelle",
    "classe": "libelle",
    "unite_de_compte": "unite",
    "nombre": "nombre",
    "faits": "nombre",
    "taux_pour_mille": "taux",
    "tauxpourmille": "taux",
    "est_diffuse": "diffusion",
    "valeur_publiee": "diffusion",
    "insee_pop": "pop",
    "pop": "pop",
    "insee_pop_millesime": "pop_annee",
    "millpop": "pop_annee",
    "insee_log": "log",
    "log": "log",
    "insee_log_millesime": "log_annee",
    "milllog": "log_annee",
    "code_departement": "code",
}
OBLIGATOIRES = ("code", "annee", "libelle", "unite", "nombre")


def reconnaitre_edition(entete: list[str], rapport: Rapport) -> tuple[dict[str, str], str, str]:
    """{role: column name}, the edition's description, and the level of the territories."""
    roles: dict[str, str] = {}
    niveau = Territoire.Niveau.COMMUNE
    annee_geo = ""
    for colonne in entete:
        nom = normaliser(colonne)
        if nom.startswith("codgeo_") or nom == "codgeo":
            roles["code"] = colonne
            annee_geo = nom.removeprefix("codgeo").strip("_")
        elif nom in COLONNES and COLONNES[nom] not in roles:
            roles[COLONNES[nom]] = colonne
            if nom == "code_departement":
                niveau = Territoire.Niveau.DEPARTEMENT
    manquantes = [r for r in OBLIGATOIRES if r not in roles]
    if manquantes:
        noms = {
            "code": "CODGEO_xxxx / Code.département",
            "annee": "annee",
            "libelle": "indicateur / classe",
            "unite": "unite_de_compte / unité.de.compte",
            "nombre": "nombre / faits",
        }
        rapport.refuser(
            _("En-tête non reconnu comme une base SSMSI : colonnes manquantes %(c)s.")
            % {"c": ", ".join(noms[m] for m in manquantes)},
            ligne=1,
        )
    recente = normaliser(roles["nombre"]) == "nombre"
    if niveau == Territoire.Niveau.DEPARTEMENT:
        edition = _("base départementale SSMSI")
    else:
        edition = _("base communale SSMSI, géographie %(a)s") % {"a": annee_geo or "?"}
    edition += " — " + (
        _("colonnes depuis l'édition 2024") if recente else _("colonnes des éditions jusqu'en 2024")
    )
    return roles, edition, niveau


def _annees(valeurs: pd.Series) -> pd.Series:
    nombres = pd.to_numeric(valeurs.astype(str).str.strip().str.strip('"'), errors="coerce")
    return nombres.where(nombres >= 100, nombres + 2000)


def importer(chemin, *, rapport: Rapport, lot, source, creer_territoires=False, progression=None):
    encodage = detecter_encodage(chemin, rapport, windows_accepte=False)
    entete_brut = premiere_ligne(chemin, encodage)
    verifier_separateur(entete_brut, rapport)
    lecteur = pd.read_csv(
        chemin,
        sep=";",
        dtype=str,
        encoding=encodage,
        keep_default_na=False,
        skip_blank_lines=False,
        quotechar='"',
        chunksize=TAILLE_PAQUET,
    )
    correspondances = {
        normaliser_libelle(libelle): indicateur_id
        for libelle, indicateur_id in Correspondance.objects.filter(
            nomenclature=Nomenclature.SSMSI
        ).values_list("libelle_source", "indicateur_id")
    }
    indicateurs = {i.pk: i for i in Indicateur.objects.filter(pk__in=set(correspondances.values()))}
    territoires = dict(Territoire.objects.values_list("code", "pk"))
    ecriture = EcritureDonnees(lot=lot, source=source, rapport=rapport)
    deja_vus = np.empty(0, dtype=np.int64)
    roles = None
    en_tete_seul = True
    try:
        for paquet in lecteur:
            if roles is None:
                roles, rapport.edition, niveau = reconnaitre_edition(list(paquet.columns), rapport)
            paquet = paquet.fillna("")
            vides = paquet.apply(lambda s: s.astype(str).str.strip().eq("")).all(axis=1)
            paquet = paquet[~vides]
            if paquet.empty:
                continue
            en_tete_seul = False
            lignes = paquet.index.to_numpy() + 2
            rapport.lignes_lues += len(paquet)
            cles = _traiter_paquet(
                paquet,
                lignes,
                roles=roles,
                niveau=niveau,
                rapport=rapport,
                correspondances=correspondances,
                indicateurs=indicateurs,
                territoires=territoires,
                creer_territoires=creer_territoires,
                ecriture=ecriture,
                lot=lot,
                deja_vus=deja_vus,
            )
            deja_vus = np.union1d(deja_vus, cles)
            if progression and rapport.lignes_fichier:
                progression(min(99, int(lignes[-1] * 100 / rapport.lignes_fichier)))
    except pd.errors.ParserError as exc:
        rapport.refuser(_("Fichier CSV mal formé : %(e)s") % {"e": exc})
    except pd.errors.EmptyDataError:
        rapport.refuser(_("Le fichier est vide."))
    if roles is None or en_tete_seul:
        rapport.refuser(_("Le fichier ne contient que l'en-tête : aucune ligne de données."))
    ecriture.terminer()
    for code, n in sorted(rapport.territoires_inconnus.items()):
        rapport.avertissement(
            None, None, _("Territoire inconnu %(code)s : %(n)s ligne(s) ignorée(s).") % {"code": code, "n": n}
        )


def _cle(territoires: np.ndarray, indicateurs: np.ndarray, annees: np.ndarray) -> np.ndarray:
    return ((territoires.astype(np.int64) * 4096 + indicateurs) * 512 + (annees - 1800)) * 16


def _traiter_paquet(
    paquet,
    lignes,
    *,
    roles,
    niveau,
    rapport,
    correspondances,
    indicateurs,
    territoires,
    creer_territoires,
    ecriture,
    lot,
    deja_vus,
):
    col = {
        role: paquet[nom].astype(str).str.strip().str.strip('"').str.strip() for role, nom in roles.items()
    }
    n = len(paquet)
    valide = np.ones(n, dtype=bool)

    annees = _annees(col["annee"])
    mauvaises = annees.isna() | (annees < 1900) | (annees > 2200)
    for i in np.nonzero(mauvaises.to_numpy())[0]:
        rapport.erreur(
            int(lignes[i]), roles["annee"], _("Année illisible : « %(v)s ».") % {"v": col["annee"].iloc[i]}
        )
    valide &= ~mauvaises.to_numpy()

    libelles = col["libelle"].map(normaliser_libelle)
    indicateur_ids = libelles.map(correspondances)
    inconnus = indicateur_ids.isna().to_numpy()
    for i in np.nonzero(inconnus)[0]:
        rapport.erreur(
            int(lignes[i]),
            roles["libelle"],
            _("Indicateur inconnu : « %(v)s » (ajoutez sa correspondance dans l'administration).")
            % {"v": col["libelle"].iloc[i]},
        )
    valide &= ~inconnus

    unites = col["unite"].map(lambda u: UNITES_SOURCE.get(normaliser_libelle(u)))
    for i in np.nonzero(valide)[0]:
        indicateur = indicateurs[int(indicateur_ids.iloc[i])]
        if unites.iloc[i] != indicateur.unite:
            rapport.refuser(
                _(
                    "Changement d'unité de compte pour « %(ind)s » : le fichier dit « %(u)s », la plateforme "
                    "compte en « %(attendu)s ». Des chiffres d'unités différentes ne s'additionnent pas : "
                    "import arrêté."
                )
                % {
                    "ind": indicateur.libelle,
                    "u": col["unite"].iloc[i],
                    "attendu": indicateur.get_unite_display(),
                },
                ligne=int(lignes[i]),
                colonne=roles["unite"],
            )

    diffusion = col.get("diffusion")
    masque_declare = (
        diffusion.str.lower().eq("ndiff").to_numpy() if diffusion is not None else np.zeros(n, bool)
    )
    manquant = est_manquant(col["nombre"]).to_numpy()
    nombres = serie_numerique(col["nombre"])
    texte = (~manquant) & nombres.isna().to_numpy()
    for i in np.nonzero(texte)[0]:
        rapport.erreur(
            int(lignes[i]),
            roles["nombre"],
            _("Nombre attendu, texte trouvé : « %(v)s ».") % {"v": col["nombre"].iloc[i]},
        )
    non_entier = (~manquant) & (~texte) & ((nombres % 1 != 0) | (nombres < 0)).to_numpy()
    for i in np.nonzero(non_entier)[0]:
        rapport.erreur(
            int(lignes[i]),
            roles["nombre"],
            _("Nombre de faits entier et positif attendu : « %(v)s ».") % {"v": col["nombre"].iloc[i]},
        )
    if diffusion is not None:
        diffuse_sans_nombre = manquant & diffusion.str.lower().eq("diff").to_numpy()
    else:
        diffuse_sans_nombre = np.zeros(n, dtype=bool)
    for i in np.nonzero(diffuse_sans_nombre)[0]:
        rapport.erreur(int(lignes[i]), roles["nombre"], _("Chiffre déclaré diffusé mais sans nombre."))
    valide &= ~(texte | non_entier | diffuse_sans_nombre)
    secret = masque_declare | manquant

    # Territories: unknown ones are counted and reported (or created on request), never fatal.
    codes = col["code"]
    if niveau == Territoire.Niveau.COMMUNE:
        codes = codes.str.zfill(5)
    territoire_ids = codes.map(territoires)
    inconnus_t = territoire_ids.isna().to_numpy() & valide
    if inconnus_t.any():
        nouveaux = sorted(set(codes[inconnus_t]))
        if creer_territoires:
            _creer(nouveaux, niveau, territoires, rapport)
            territoire_ids = codes.map(territoires)
        else:
            for code in codes[inconnus_t]:
                rapport.territoires_inconnus[code] = rapport.territoires_inconnus.get(code, 0) + 1
            rapport.rejetees += int(inconnus_t.sum())
            valide &= ~inconnus_t

    # Published rates against count / denominator (dwellings for burglaries).
    pops = serie_numerique(col["pop"]) if "pop" in col else pd.Series(np.nan, index=paquet.index)
    logs = serie_numerique(col["log"]) if "log" in col else pd.Series(np.nan, index=paquet.index)
    if "taux" in col:
        taux = serie_numerique(col["taux"])
        for i in np.nonzero(valide & ~secret)[0]:
            indicateur = indicateurs[int(indicateur_ids.iloc[i])]
            denominateur = logs.iloc[i] if indicateur.par_logements else pops.iloc[i]
            publie = taux.iloc[i]
            if pd.isna(publie) or pd.isna(denominateur) or not denominateur:
                continue
            calcule = nombres.iloc[i] / denominateur * 1000
            if abs(calcule - publie) > max(1e-3, abs(publie) * 1e-4):
                rapport.avertissement(
                    int(lignes[i]),
                    roles["taux"],
                    _("Taux publié %(p)s ‰ ≠ nombre / %(d)s × 1000 = %(c)s ‰.")
                    % {
                        "p": f"{publie:.4f}".replace(".", ","),
                        "d": _("logements") if indicateur.par_logements else _("habitants"),
                        "c": f"{calcule:.4f}".replace(".", ","),
                    },
                )

    idx = np.nonzero(valide)[0]
    t_ids = territoire_ids.iloc[idx].to_numpy(np.int64)
    i_ids = indicateur_ids.iloc[idx].to_numpy(np.int64)
    a_vals = annees.iloc[idx].to_numpy(np.int64)
    cles = _cle(t_ids, i_ids, a_vals)
    _doublons(cles, lignes[idx], deja_vus, rapport)
    if rapport.a_des_erreurs:
        # The file will be refused: keep checking the following chunks, write nothing more.
        return cles
    n_vals = nombres.iloc[idx].to_numpy()
    s_vals = secret[idx]
    ecriture.ecrire(
        (int(t), int(i), int(a), 0, None if s else int(v), bool(s))
        for t, i, a, v, s in zip(t_ids, i_ids, a_vals, n_vals, s_vals, strict=True)
    )
    _populations(col, idx, t_ids, a_vals, pops, logs, rapport, lot)
    return cles


def _doublons(cles: np.ndarray, lignes: np.ndarray, deja_vus: np.ndarray, rapport: Rapport) -> None:
    """Rows repeating a territory × indicator × year, in this chunk or an earlier one."""
    message = _("Ligne en double (même territoire, indicateur et année qu'une ligne précédente).")
    ordre = np.argsort(cles, kind="stable")
    tries = cles[ordre]
    for i in np.nonzero(tries[1:] == tries[:-1])[0]:
        rapport.erreur(int(lignes[ordre[i + 1]]), None, message)
    for i in np.nonzero(np.isin(cles, deja_vus))[0]:
        rapport.erreur(int(lignes[i]), None, message)


def _creer(codes, niveau, territoires, rapport):
    parents = dict(Territoire.objects.filter(niveau=Territoire.Niveau.DEPARTEMENT).values_list("code", "pk"))
    for code in codes:
        parent = None
        if niveau == Territoire.Niveau.COMMUNE:
            parent = parents.get(code[:3]) if code.startswith("97") else parents.get(code[:2])
        territoire = Territoire.objects.create(
            code=code,
            nom=(_("Commune %(c)s") if niveau == Territoire.Niveau.COMMUNE else _("Département %(c)s"))
            % {"c": code},
            niveau=niveau,
            parent_id=parent,
        )
        territoires[code] = territoire.pk
        rapport.territoires_crees.append(code)


def _populations(col, idx, t_ids, a_vals, pops, logs, rapport, lot):
    """Inhabitants and dwellings carried by the file, for their own year (millésime)."""
    if "pop" not in col:
        return
    pop_annees = _annees(col["pop_annee"]) if "pop_annee" in col else None
    log_annees = _annees(col["log_annee"]) if "log_annee" in col else None
    valeurs: dict[tuple[int, int], list] = {}
    for k, i in enumerate(idx):
        pop = pops.iloc[i]
        if pd.isna(pop):
            continue
        annee = (
            int(pop_annees.iloc[i])
            if pop_annees is not None and not pd.isna(pop_annees.iloc[i])
            else int(a_vals[k])
        )
        entree = valeurs.setdefault((int(t_ids[k]), annee), [int(round(pop)), None])
        log = logs.iloc[i]
        log_annee = (
            int(log_annees.iloc[i]) if log_annees is not None and not pd.isna(log_annees.iloc[i]) else annee
        )
        if not pd.isna(log) and log_annee == annee:
            entree[1] = int(round(log))
    if not valeurs:
        return
    source = _("SSMSI, fichier %(f)s") % {"f": lot.fichier_nom}
    existantes = {
        (p.territoire_id, p.annee): p
        for p in Population.objects.filter(
            territoire_id__in={t for t, _a in valeurs}, annee__in={a for _t, a in valeurs}
        )
    }
    creer, modifier = [], []
    for (territoire_id, annee), (habitants, logements) in valeurs.items():
        existante = existantes.get((territoire_id, annee))
        if existante is None:
            creer.append(
                Population(
                    territoire_id=territoire_id,
                    annee=annee,
                    habitants=habitants,
                    logements=logements,
                    source=source,
                )
            )
        elif existante.habitants != habitants or (logements is not None and existante.logements != logements):
            existante.habitants = habitants
            if logements is not None:
                existante.logements = logements
            existante.source = source
            existante.illustratif = False
            modifier.append(existante)
    Population.objects.bulk_create(creer, batch_size=2000)
    Population.objects.bulk_update(
        modifier, ["habitants", "logements", "source", "illustratif"], batch_size=2000
    )
    rapport.populations += len(creer) + len(modifier)
