"""The national recorded-delinquency base (SSMSI), commune and départemental, every edition.

The file is streamed in chunks (pandas `chunksize`): memory holds one chunk, the territory and
indicator tables, 8 bytes per row to detect duplicate rows and the populations found. Each chunk
is checked column by column (numpy and pandas operations over the whole chunk, the distinct values
of a column transformed once: no Python loop over rows), then handed to the bulk writer inside the
import's transaction (on PostgreSQL: COPY into a staging table and one set-based upsert per
chunk, in a background thread while the next chunk is read). The caller rolls everything back
when any problem was found, so that a bad file changes nothing.

The départemental base (`Code.département`) and the régional base (`Code.région`, no
département column) name territories of the national referential: an unknown code is an error on
its line, whatever the options (the referential knows every département and région). A
régional file with a département column (no row naming a département) is refused.

Rows whose département (or région) is `NA` carry facts that no département holds. They are kept
as such, on one territory "Hors département" (level département, code `NA`, directly under
France, outside the referential: `referentiel` False, no région), created the first time such a
row is imported. France's total is then the sum of its départements and of that territory, as the
figures roll up along `parent`; lists and ranks of départements leave it out by its code
(`CODE_HORS_DEPARTEMENT`) or by `referentiel`. No figure is stored on France itself.
"""

import numpy as np
import pandas as pd
from django.db import connection
from django.utils.translation import gettext as _

from cls_poitiers import referentiel
from cls_poitiers.grammaire import Article
from cls_poitiers.limites import NOMBRE_FAITS_MAX
from cls_poitiers.models import Population, Territoire
from cls_poitiers.tableurs import (
    detecter_encodage,
    est_manquant,
    premiere_ligne,
    serie_numerique,
    verifier_separateur,
)

from ..models import Correspondance, Indicateur, Nomenclature
from ..nomenclatures import UNITES_SOURCE
from .base import (
    MAX_PROBLEMES,
    Rapport,
    message_nombre_trop_grand,
    nombre_trop_grand,
    normaliser,
    normaliser_libelle,
)
from .ecriture import (
    TAUX_MAX,
    ecrire_populations,
    ecriture_en_masse,
    logements_decimaux,
    noter_populations_gardees,
    noter_remplacement,
    texte_population,
    texte_populations,
)
from .territoires import (
    codes_du_niveau,
    exiger_le_referentiel,
    message_inconnu,
    message_inconnu_du_referentiel,
    noter_inconnu,
    signaler_inconnus,
)

# Rows per chunk: about 40 MB of strings in memory at a time.
TAILLE_PAQUET = 50_000
LOT_POPULATIONS = 5000

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
    "code_region": "region",
}
# The code of the rows that no département holds, and of the territory that keeps them.
CODE_HORS_DEPARTEMENT = "NA"
OBLIGATOIRES = ("code", "annee", "libelle", "unite", "nombre")
# The column that marks a generated national file (observatoire.generation): its figures and
# populations are illustrative and go to the illustrative source, never to a real one.
MARQUE_GENEREE = "chiffres_generes_illustratifs"


def est_generee(entete: str) -> bool:
    """Whether a header line is that of a generated (illustrative) national file."""
    return MARQUE_GENEREE in {normaliser(colonne) for colonne in entete.split(";")}


def _source_du_fichier(entete: str, *, source, lot, rapport: Rapport):
    """The source that receives the file: a generated file goes to the illustrative source when it
    was sent to a real one (its batch says so), so that an invented figure never replaces a real
    one."""
    if not est_generee(entete) or getattr(source, "illustratif", False):
        return source
    from ..services import source_generee  # the services run the imports: imported when needed

    generee = source_generee()
    rapport.avertissement(
        1,
        MARQUE_GENEREE,
        _(
            "Fichier de chiffres générés (illustratifs) : ils sont enregistrés dans la source « %(g)s », "
            "jamais dans « %(s)s »."
        )
        % {"g": generee.libelle, "s": source.libelle if source else "?"},
    )
    if lot is not None:
        # Recorded with the applied batch at its end (services._conclure), not here: an update of
        # the batch's row in the import's transaction would lock it until the end, and the run's
        # beats (its progress on the page) would wait for it.
        lot.source = generee
    return generee


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
    if "code" not in roles and "region" in roles:
        roles["code"] = roles.pop("region")
        niveau = Territoire.Niveau.REGION
    manquantes = [r for r in OBLIGATOIRES if r not in roles]
    if manquantes:
        noms = {
            "code": "CODGEO_xxxx / Code.département / Code.région",
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
    elif niveau == Territoire.Niveau.REGION:
        edition = _("base régionale SSMSI")
    else:
        edition = _("base communale SSMSI, géographie %(a)s") % {"a": annee_geo or "?"}
    edition += " — " + (
        _("colonnes depuis l'édition 2024") if recente else _("colonnes des éditions jusqu'en 2024")
    )
    return roles, edition, niveau


def _annees(valeurs: pd.Series) -> pd.Series:
    nombres = pd.to_numeric(valeurs.astype(str).str.strip().str.strip('"'), errors="coerce")
    return nombres.where(nombres >= 100, nombres + 2000)


def _par_valeurs(valeurs: pd.Series, fonction) -> np.ndarray:
    """Apply a vectorised `fonction` to the distinct values of a column only, then spread the
    results back: a column of the national base holds a few distinct values (15 labels, 10 years,
    two diffusion states, a few thousand populations per chunk) among millions of cells."""
    codes, uniques = pd.factorize(valeurs, use_na_sentinel=False)
    resultats = np.asarray(fonction(pd.Series(uniques, dtype=object).fillna("").astype(str)))
    return resultats[codes]


def _nettoyer(valeurs: pd.Series) -> pd.Series:
    return valeurs.str.strip().str.strip('"').str.strip()


def _distinctes(uniques) -> pd.Series:
    return pd.Series(uniques, dtype=object).fillna("").astype(str)


class Colonne:
    """One column of a chunk, factorised ONCE: its distinct values (stripped) and each row's code
    into them. Every check and conversion then works on the distinct values only and is spread
    back by indexing, without factorising the column again."""

    def __init__(self, codes: np.ndarray, uniques: np.ndarray):
        self.codes, self.uniques = codes, uniques

    @classmethod
    def de(cls, serie: pd.Series) -> "Colonne":
        if isinstance(serie.dtype, pd.CategoricalDtype):
            # Read as categories: the CSV parser already gave each distinct string once.
            codes, uniques = serie.cat.codes.to_numpy(), serie.cat.categories.to_numpy(dtype=object)
        else:
            codes, uniques = pd.factorize(serie, use_na_sentinel=False)
        return cls(codes, np.asarray(_nettoyer(_distinctes(uniques)), dtype=object))

    def __getitem__(self, cle):
        """A row's value (for messages), or the column restricted to some rows."""
        if isinstance(cle, (int, np.integer)):
            return self.uniques[self.codes[cle]]
        return Colonne(self.codes[cle], self.uniques)

    def vides(self) -> np.ndarray:
        return (self.uniques == "")[self.codes]

    def valeurs(self) -> np.ndarray:
        return self.uniques[self.codes]

    def transformer(self, fonction) -> "Colonne":
        return Colonne(self.codes, np.asarray(fonction(_distinctes(self.uniques)), dtype=object))

    def par_valeurs(self, fonction) -> np.ndarray:
        return np.asarray(fonction(_distinctes(self.uniques)))[self.codes]


def _lecteur(chemin, encodage):
    return pd.read_csv(
        chemin,
        sep=";",
        # Categories: the parser keeps each distinct string of a chunk's column once, with a code
        # per row (a column of the national base holds a few distinct values among 50 000 cells),
        # instead of one string object per cell to be factorised afterwards.
        dtype="category",
        encoding=encodage,
        keep_default_na=False,
        skip_blank_lines=False,
        quotechar='"',
        chunksize=TAILLE_PAQUET,
    )


def importer(
    chemin, *, rapport: Rapport, lot, source, creer_territoires=False, progression=None, apercu=False
):
    """Read, check and write a file of the SSMSI's bases (communal, départemental, régional).
    `apercu` (the check before an analyst applies): the figures are compared and counted, never
    written; what else is written (populations, territories created) the caller rolls back."""
    with rapport.refuser_si_invalide():
        encodage, rapport.lignes_fichier = detecter_encodage(chemin, windows_accepte=False)
        entete_brut = premiere_ligne(chemin, encodage)
        verifier_separateur(entete_brut)
    source = _source_du_fichier(entete_brut, source=source, lot=lot, rapport=rapport)
    try:
        lecteur = _lecteur(chemin, encodage)
    except pd.errors.ParserError as exc:
        # The header is tokenised when the reader opens (an unclosed quote: EOF inside a string).
        rapport.refuser(_("Fichier CSV mal formé : %(e)s") % {"e": exc})
    except pd.errors.EmptyDataError:
        rapport.refuser(_("Le fichier est vide."))
    correspondances = {
        normaliser_libelle(libelle): indicateur_id
        for libelle, indicateur_id in Correspondance.objects.filter(
            nomenclature=Nomenclature.SSMSI
        ).values_list("libelle_source", "indicateur_id")
    }
    indicateurs = {i.pk: i for i in Indicateur.objects.filter(pk__in=set(correspondances.values()))}
    territoires = None  # the level's codes, once the header says which level
    ecriture = ecriture_en_masse(lot=lot, source=source, rapport=rapport, apercu=apercu)
    doublons = Doublons(rapport)
    populations = Populations()
    roles, niveau = None, None
    en_tete_seul = True
    departements_nommes, premiere_ligne_lue = False, 2
    try:
        for paquet in lecteur:
            if roles is None:
                roles, rapport.edition, niveau = reconnaitre_edition(list(paquet.columns), rapport)
                territoires = codes_du_niveau(niveau, avec_quartiers=niveau == Territoire.Niveau.COMMUNE)
            lignes_paquet = paquet.index.to_numpy() + 2
            col = {role: Colonne.de(paquet[nom]) for role, nom in roles.items()}
            vides = np.ones(len(paquet), dtype=bool)
            for colonne in col.values():
                vides &= colonne.vides()
            if vides.any():
                # Blank only if every column is blank, those outside the recognised ones too.
                autres = [c for c in paquet.columns if c not in roles.values()]
                for nom in autres:
                    vides &= _par_valeurs(paquet[nom], lambda v: v.str.strip().eq("")).astype(bool)
            if vides.all():
                continue
            if vides.any():
                garder = ~vides
                col = {role: colonne[garder] for role, colonne in col.items()}
                lignes_paquet = lignes_paquet[garder]
            if en_tete_seul:
                premiere_ligne_lue = int(lignes_paquet[0])
            en_tete_seul = False
            rapport.lignes_lues += len(lignes_paquet)
            departements_nommes = departements_nommes or _nomme_un_departement(col["code"])
            _traiter_paquet(
                col,
                lignes_paquet,
                roles=roles,
                niveau=niveau,
                rapport=rapport,
                correspondances=correspondances,
                indicateurs=indicateurs,
                territoires=territoires,
                creer_territoires=creer_territoires,
                ecriture=ecriture,
                doublons=doublons,
                populations=populations,
            )
            if progression and rapport.lignes_fichier:
                progression(min(99, int(lignes_paquet[-1] * 100 / rapport.lignes_fichier)))
    except pd.errors.ParserError as exc:
        ecriture.abandonner()
        rapport.refuser(_("Fichier CSV mal formé : %(e)s") % {"e": exc})
    except pd.errors.EmptyDataError:
        ecriture.abandonner()
        rapport.refuser(_("Le fichier est vide."))
    except BaseException:
        ecriture.abandonner()
        raise
    if roles is None or en_tete_seul:
        ecriture.abandonner()
        rapport.refuser(_("Le fichier ne contient que l'en-tête : aucune ligne de données."))
    if niveau == Territoire.Niveau.DEPARTEMENT and not departements_nommes:
        ecriture.abandonner()
        _refuser_regional_avec_departements(rapport, ligne=premiere_ligne_lue, colonne=roles["code"])
    if not rapport.a_des_erreurs:
        populations.preparer()  # while the last chunk is being written
    ecriture.terminer()
    if not rapport.a_des_erreurs:
        populations.enregistrer(rapport, lot, source)
    signaler_inconnus(rapport, roles["code"] if roles else None)


def _nomme_un_departement(codes: Colonne) -> bool:
    """Whether a chunk of a départemental file names at least one département (not `NA`)."""
    return bool(codes.par_valeurs(lambda v: ~v.isin(["", CODE_HORS_DEPARTEMENT])).any())


def _refuser_regional_avec_departements(rapport: Rapport, *, ligne: int, colonne: str) -> None:
    """A file with a département column where no row names a département: régional figures laid
    out as the départemental base. Read as such, every région's total would become facts that no
    département holds: refused."""
    rapport.refuser(
        _(
            "Aucune ligne ne nomme un département dans la colonne « %(c)s » : c'est un fichier "
            "régional avec une colonne département. La base régionale n'a pas de colonne "
            "département : retirez-la (en-tête « classe;annee;Code.région;… »), ou importez la base "
            "départementale."
        )
        % {"c": colonne},
        ligne=ligne,
        colonne=colonne,
    )


def _cle(territoires: np.ndarray, indicateurs: np.ndarray, annees: np.ndarray) -> np.ndarray:
    return ((territoires.astype(np.int64) * 4096 + indicateurs) * 512 + (annees - 1800)) * 16


def _signaler(methode, positions, lignes, colonne, message) -> None:
    """Report a problem for each position: the report keeps the first MAX_PROBLEMES and counts
    the rest, so a file wrong on every line is not formatted line by line."""
    rapport = methode.__self__
    erreur = methode == rapport.erreur
    deja = len(rapport.erreurs if erreur else rapport.avertissements)
    place = max(0, MAX_PROBLEMES - deja)
    for i in positions[:place]:
        methode(int(lignes[i]), colonne, message(i) if callable(message) else message)
    reste = len(positions) - min(place, len(positions))
    if erreur:
        rapport.erreurs_en_plus += reste
    else:
        rapport.avertissements_en_plus += reste


def _nombres_fr(colonne: Colonne) -> np.ndarray:
    return colonne.par_valeurs(lambda v: serie_numerique(v).to_numpy(float))


def _annees_de(colonne: Colonne) -> np.ndarray:
    return colonne.par_valeurs(lambda v: _annees(v).to_numpy(float))


class Paquet:
    """One chunk under check: its recognised columns (`col`, stripped), each row's line in the
    file, the file's name of each column (problems are reported under it) and the report."""

    def __init__(self, col: dict[str, Colonne], lignes: np.ndarray, roles: dict[str, str], rapport: Rapport):
        self.col, self.lignes, self.roles, self.rapport = col, lignes, roles, rapport

    def erreur(self, masque: np.ndarray, role: str, message) -> None:
        """An error on each row of `masque`, under the column of `role`."""
        _signaler(self.rapport.erreur, np.nonzero(masque)[0], self.lignes, self.roles[role], message)

    def avertissement(self, masque: np.ndarray, role: str, message) -> None:
        """A warning on each row of `masque`, under the column of `role`."""
        _signaler(self.rapport.avertissement, np.nonzero(masque)[0], self.lignes, self.roles[role], message)


def _traiter_paquet(
    col,
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
    doublons,
    populations,
):
    """Check one chunk, column by column (no loop over its rows), then hand its figures to the
    writer. `col` holds each recognised column, stripped, as a numpy array of strings. Each check
    reports its problems and gives the rows it rejects; only the rows that pass them all are
    written, and nothing more once the file has an error."""
    paquet = Paquet(col, lignes, roles, rapport)
    n = len(lignes)
    valide = np.ones(n, dtype=bool)

    annees, mauvaises = _verifier_annees(paquet)
    valide &= ~mauvaises
    indicateur_ids, inconnus = _verifier_indicateurs(paquet, correspondances)
    valide &= ~inconnus
    _verifier_unites(paquet, indicateurs, indicateur_ids, valide)
    nombres, manquant, illisibles = _verifier_nombres(paquet)
    secret, diffuses_sans_nombre = _verifier_diffusion(paquet, manquant)
    valide &= ~(illisibles | diffuses_sans_nombre)
    pops = _verifier_denominateur(paquet, "pop", entier=True)
    logs = _verifier_denominateur(paquet, "log", entier=False)
    pop_annees = _verifier_millesime(paquet, "pop_annee")
    log_annees = _verifier_millesime(paquet, "log_annee")
    taux = _verifier_taux_lisibles(paquet)
    territoire_ids, ignorees = _identifier_territoires(
        paquet,
        valide,
        niveau=niveau,
        territoires=territoires,
        creer_territoires=creer_territoires,
    )
    valide &= ~ignorees
    if "taux" in col:
        _verifier_taux(paquet, indicateurs, indicateur_ids, nombres, taux, pops, logs, valide & ~secret)

    idx = np.nonzero(valide)[0]
    t_ids = territoire_ids[idx]
    i_ids = indicateur_ids[idx]
    a_vals = annees[idx].astype(np.int64)
    cles = _cle(t_ids, i_ids, a_vals)
    doublons.verifier(cles, lignes[idx])
    _signaler_sauts(paquet, idx, cles, nombres[idx], secret[idx])
    if rapport.a_des_erreurs:
        # The file will be refused: keep checking the following chunks, write nothing more.
        return
    s_vals = secret[idx]
    n_vals = np.where(s_vals, -1, np.nan_to_num(nombres[idx], nan=-1)).astype(np.int64)
    ecriture.ecrire_tableau(
        territoires=t_ids,
        indicateurs=i_ids,
        annees=a_vals,
        mois=np.zeros(len(idx), np.int64),
        nombres=n_vals,
        secrets=s_vals,
        taux=np.where(s_vals, np.nan, taux[idx]),
    )
    if "pop" in col or "log" in col:
        populations.ajouter(t_ids, a_vals, pops[idx], pop_annees[idx], logs[idx], log_annees[idx])


SAUT = 10


def _signaler_sauts(paquet: Paquet, idx, cles, nombres, secrets) -> None:
    """A published count at least ten times the previous year's of the same territory and indicator
    (within the chunk: a commune's years are read together) is a warning, never a refusal: it may
    be real (a new counting rule, an event), or a typing slip to check."""
    publies = ~secrets & ~np.isnan(nombres)
    if not publies.any():
        return
    ordre = np.argsort(cles[publies])
    triees, valeurs = cles[publies][ordre], nombres[publies][ordre]
    precedentes = cles[publies] - 16  # the same territory and indicator, one year earlier (see _cle)
    positions = np.minimum(np.searchsorted(triees, precedentes), len(triees) - 1)
    trouvees = triees[positions] == precedentes
    avant = np.where(trouvees, valeurs[positions], np.nan)
    with np.errstate(invalid="ignore"):
        sauts = trouvees & (avant > 0) & (nombres[publies] >= SAUT * avant)
    lignes_publiees = idx[publies]
    masque = np.zeros(len(paquet.lignes), dtype=bool)
    masque[lignes_publiees[sauts]] = True
    precedent = np.full(len(paquet.lignes), np.nan)
    precedent[lignes_publiees] = avant
    paquet.avertissement(
        masque,
        "nombre",
        lambda i: (
            _("Nombre %(n)s : dix fois ou plus celui de l'année précédente (%(p)s), à vérifier.")
            % {"n": paquet.col["nombre"][i], "p": int(precedent[i])}
        ),
    )


def _verifier_annees(paquet: Paquet) -> tuple[np.ndarray, np.ndarray]:
    """Each row's year (two digits mean 20xx), and the rows whose year is unreadable or outside
    1900–2200: an error."""
    annees = _annees_de(paquet.col["annee"])
    mauvaises = np.isnan(annees) | (annees < 1900) | (annees > 2200)
    paquet.erreur(
        mauvaises, "annee", lambda i: _("Année illisible : « %(v)s ».") % {"v": paquet.col["annee"][i]}
    )
    return annees, mauvaises


def _verifier_indicateurs(paquet: Paquet, correspondances) -> tuple[np.ndarray, np.ndarray]:
    """Each row's indicator, through the SSMSI correspondences (-1 when none), and the rows whose
    label has none: an error; the label is kept in the report, so that the preview offers to map
    it to an indicator."""
    indicateur_ids = paquet.col["libelle"].par_valeurs(
        lambda v: v.map(lambda lib: correspondances.get(normaliser_libelle(lib), -1)).to_numpy(np.int64),
    )
    inconnus = indicateur_ids < 0
    paquet.erreur(
        inconnus,
        "libelle",
        lambda i: (
            _("Indicateur inconnu : « %(v)s » (associez ce libellé à un indicateur depuis l'aperçu).")
            % {"v": paquet.col["libelle"][i]}
        ),
    )
    if inconnus.any():
        rapport = paquet.rapport
        for libelle in sorted(set(paquet.col["libelle"].valeurs()[inconnus])):
            if libelle and libelle not in rapport.libelles_inconnus and len(rapport.libelles_inconnus) < 50:
                rapport.libelles_inconnus.append(libelle)
    return indicateur_ids, inconnus


def _verifier_unites(paquet: Paquet, indicateurs, indicateur_ids, valide) -> None:
    """A valid row counting in another unit than its indicator refuses the whole file: counts of
    different units do not add up."""
    col, n = paquet.col, len(paquet.lignes)
    # One comparison per row against the indicator's unit, the first change stops the import.
    unites = col["unite"].par_valeurs(
        lambda v: v.map(lambda u: UNITES_SOURCE.get(normaliser_libelle(u), "")).to_numpy(object),
    )
    unite_attendue = np.array([""] * n, dtype=object)
    for indicateur_id, indicateur in indicateurs.items():
        unite_attendue[indicateur_ids == indicateur_id] = indicateur.unite
    changements = np.nonzero(valide & (unites != unite_attendue))[0]
    if len(changements):
        i = changements[0]
        indicateur = indicateurs[int(indicateur_ids[i])]
        paquet.rapport.refuser(
            _(
                "Changement d'unité de compte pour « %(ind)s » : le fichier dit « %(u)s », la plateforme "
                "compte en « %(attendu)s ». Des chiffres d'unités différentes ne s'additionnent pas : "
                "import arrêté."
            )
            % {"ind": indicateur.libelle, "u": col["unite"][i], "attendu": indicateur.get_unite_display()},
            ligne=int(paquet.lignes[i]),
            colonne=paquet.roles["unite"],
        )


def _verifier_nombres(paquet: Paquet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's count (NaN when missing), the rows whose count is missing (NA, empty, "s"…),
    and those whose count is given but is text, negative or not whole: an error."""
    colonne = paquet.col["nombre"]
    manquant = colonne.par_valeurs(lambda v: est_manquant(v).to_numpy(bool))
    nombres = _nombres_fr(colonne)
    texte = (~manquant) & np.isnan(nombres)
    paquet.erreur(
        texte, "nombre", lambda i: _("Nombre attendu, texte trouvé : « %(v)s ».") % {"v": colonne[i]}
    )
    with np.errstate(invalid="ignore"):
        non_entier = (~manquant) & (~texte) & ((nombres % 1 != 0) | (nombres < 0))
    paquet.erreur(
        non_entier,
        "nombre",
        lambda i: _("Nombre de faits entier et positif attendu : « %(v)s ».") % {"v": colonne[i]},
    )
    with np.errstate(invalid="ignore"):
        trop_grand = (~manquant) & (~texte) & (~non_entier) & nombre_trop_grand(nombres)
    paquet.erreur(trop_grand, "nombre", lambda i: message_nombre_trop_grand(colonne[i]))
    return nombres, manquant, texte | non_entier | trop_grand


def _verifier_diffusion(paquet: Paquet, manquant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows kept secret (declared "ndiff", or without a count), those declared diffused
    ("diff") without a count, and any other diffusion state: an error."""
    n = len(paquet.lignes)
    diffusion = paquet.col.get("diffusion")
    diffusion_min = (
        diffusion.par_valeurs(lambda v: v.str.lower().to_numpy(object)) if diffusion is not None else None
    )
    if diffusion is not None:
        etat_manquant = diffusion.par_valeurs(lambda v: est_manquant(v).to_numpy(bool))
        inconnu = ~etat_manquant & (diffusion_min != "diff") & (diffusion_min != "ndiff")
        paquet.erreur(
            inconnu,
            "diffusion",
            lambda i: (
                _("État de diffusion attendu : « diff » ou « ndiff », trouvé « %(v)s ».")
                % {"v": diffusion[i]}
            ),
        )
    masque_declare = diffusion_min == "ndiff" if diffusion is not None else np.zeros(n, bool)
    diffuse_sans_nombre = manquant & (diffusion_min == "diff") if diffusion is not None else np.zeros(n, bool)
    paquet.erreur(diffuse_sans_nombre, "nombre", _("Chiffre déclaré diffusé mais sans nombre."))
    return masque_declare | manquant, diffuse_sans_nombre


def _verifier_denominateur(paquet: Paquet, role: str, *, entier: bool) -> np.ndarray:
    """Each row's inhabitants or dwellings (NaN when the file has none: NA, empty), and an error for
    a cell that is text, negative, beyond the bounds, or (inhabitants) not whole. Dwellings keep
    their fractions (the départemental base publishes 308 491,16)."""
    n = len(paquet.lignes)
    colonne = paquet.col.get(role)
    if colonne is None:
        return np.full(n, np.nan)
    manquant = colonne.par_valeurs(lambda v: est_manquant(v).to_numpy(bool))
    valeurs = _nombres_fr(colonne)
    libelle = _("Nombre d'habitants") if role == "pop" else _("Nombre de logements")
    with np.errstate(invalid="ignore"):
        mauvais = ~manquant & (np.isnan(valeurs) | (valeurs < 0) | (valeurs > NOMBRE_FAITS_MAX))
        if entier:
            mauvais |= ~manquant & ~np.isnan(valeurs) & (valeurs % 1 != 0)
    paquet.erreur(
        mauvais,
        role,
        lambda i: (
            _("%(quoi)s illisible (nombre positif attendu) : « %(v)s ».") % {"quoi": libelle, "v": colonne[i]}
        ),
    )
    return np.where(manquant | mauvais, np.nan, valeurs)


def _verifier_millesime(paquet: Paquet, role: str) -> np.ndarray:
    """The year (millésime) of each row's inhabitants or dwellings, NaN when the file gives none;
    an unreadable year is an error."""
    n = len(paquet.lignes)
    colonne = paquet.col.get(role)
    if colonne is None:
        return np.full(n, np.nan)
    manquant = colonne.par_valeurs(lambda v: est_manquant(v).to_numpy(bool))
    annees = _annees_de(colonne)
    with np.errstate(invalid="ignore"):
        mauvaises = ~manquant & (np.isnan(annees) | (annees % 1 != 0) | (annees < 1800) | (annees > 2200))
    paquet.erreur(mauvaises, role, lambda i: _("Millésime illisible : « %(v)s ».") % {"v": colonne[i]})
    return np.where(manquant | mauvaises, np.nan, annees)


def _verifier_taux_lisibles(paquet: Paquet) -> np.ndarray:
    """Each row's published rate per 1000 (NaN when none), and an error for a cell that is text,
    negative or beyond what can be stored."""
    n = len(paquet.lignes)
    colonne = paquet.col.get("taux")
    if colonne is None:
        return np.full(n, np.nan)
    manquant = colonne.par_valeurs(lambda v: est_manquant(v).to_numpy(bool))
    taux = _nombres_fr(colonne)
    with np.errstate(invalid="ignore"):
        mauvais = ~manquant & (np.isnan(taux) | (taux < 0) | (taux >= TAUX_MAX))
    paquet.erreur(
        mauvais,
        "taux",
        lambda i: _("Taux pour mille illisible (nombre positif attendu) : « %(v)s ».") % {"v": colonne[i]},
    )
    return np.where(manquant | mauvais, np.nan, taux)


def _identifier_territoires(
    paquet: Paquet, valide, *, niveau, territoires, creer_territoires
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's territory at the file's level (commune codes padded to five digits, département
    and région codes to two), and the valid rows left out because no commune bears their code:
    counted for a warning that names the first line, never fatal. A département or région code
    must be a territory of that level: an unknown one is an error on its line, and so is any
    commune code the national referential does not know with `creer_territoires` (without the
    referential, the file is refused). `NA` at those levels is the "Hors département" territory.
    Nothing is invented."""
    codes = paquet.col["code"]
    largeur = 5 if niveau == Territoire.Niveau.COMMUNE else 2
    codes = codes.transformer(lambda v: v.str.zfill(largeur).where(v.ne(""), ""))
    if niveau != Territoire.Niveau.COMMUNE:
        _hors_departement(paquet, valide, codes, territoires)
    territoire_ids = codes.par_valeurs(lambda v: v.map(lambda c: territoires.get(c, -1)).to_numpy(np.int64))
    inconnus_t = (territoire_ids < 0) & valide
    if not inconnus_t.any():
        return territoire_ids, inconnus_t
    rapport = paquet.rapport
    if creer_territoires or niveau != Territoire.Niveau.COMMUNE:
        premiere = int(paquet.lignes[np.argmax(inconnus_t)])
        if creer_territoires:
            exiger_le_referentiel(rapport, ligne=premiere, colonne=paquet.roles["code"])
        message = message_inconnu_du_referentiel if referentiel.est_charge() else message_inconnu
        paquet.erreur(inconnus_t, "code", lambda i: message(codes[i], niveau))
        return territoire_ids, inconnus_t
    valeurs, lignes = codes.valeurs()[inconnus_t], paquet.lignes[inconnus_t]
    inconnus_codes, premieres, comptes = np.unique(valeurs, return_index=True, return_counts=True)
    for code, premiere, nombre in zip(inconnus_codes, premieres, comptes, strict=True):
        noter_inconnu(rapport, code, int(lignes[premiere]), int(nombre))
    return territoire_ids, inconnus_t


def _hors_departement(paquet: Paquet, valide, codes: Colonne, territoires: dict) -> None:
    """Rows whose département (région) is `NA`: their territory is "Hors département", under
    France, created the first time (France comes from the national referential: without it the
    file is refused on the first such line)."""
    if CODE_HORS_DEPARTEMENT in territoires:
        return
    hors = valide & (codes.valeurs() == CODE_HORS_DEPARTEMENT)
    if not hors.any():
        return
    exiger_le_referentiel(
        paquet.rapport, ligne=int(paquet.lignes[np.argmax(hors)]), colonne=paquet.roles["code"]
    )
    territoires[CODE_HORS_DEPARTEMENT] = territoire_hors_departement().pk


def territoire_hors_departement() -> Territoire:
    """The territory of the facts no département holds (see the module's docstring)."""
    france = Territoire.objects.get(niveau=Territoire.Niveau.PAYS, code=referentiel.PAYS_CODE)
    territoire, _cree = Territoire.objects.get_or_create(
        niveau=Territoire.Niveau.DEPARTEMENT,
        code=CODE_HORS_DEPARTEMENT,
        defaults={
            "nom": _("Hors département (faits non rattachés)"),
            "article": Article.CONSONNE,
            "parent": france,
        },
    )
    return territoire


def _verifier_taux(
    paquet: Paquet, indicateurs, indicateur_ids, nombres, taux, pops, logs, a_comparer
) -> None:
    """The published rate of each row of `a_comparer` (valid, not secret) against count /
    denominator × 1000, the denominator being the dwellings for burglaries, the inhabitants
    otherwise: a difference beyond rounding is a warning (the published rate is stored as
    published, in `Donnee.taux_publie`)."""
    n = len(paquet.lignes)
    par_logements = np.zeros(n, dtype=bool)
    for indicateur_id, indicateur in indicateurs.items():
        if indicateur.par_logements:
            par_logements |= indicateur_ids == indicateur_id
    denominateurs = np.where(par_logements, logs, pops)
    with np.errstate(invalid="ignore", divide="ignore"):
        calcules = nombres / denominateurs * 1000
        a_verifier = a_comparer & ~np.isnan(taux) & ~np.isnan(denominateurs) & (denominateurs != 0)
        ecarts = a_verifier & (np.abs(calcules - taux) > np.maximum(1e-3, np.abs(taux) * 1e-4))
    paquet.avertissement(
        ecarts,
        "taux",
        lambda i: (
            _("Taux publié %(p)s ‰ ≠ nombre / %(d)s × 1000 = %(c)s ‰.")
            % {
                "p": f"{taux[i]:.4f}".replace(".", ","),
                "d": _("logements") if par_logements[i] else _("habitants"),
                "c": f"{calcules[i]:.4f}".replace(".", ","),
            }
        ),
    )


class Doublons:
    """Rows repeating a territory × indicator × year, in this chunk or an earlier one. Keeps the
    sorted keys seen so far (8 bytes per row): each chunk is searched in them, then merged."""

    def __init__(self, rapport: Rapport):
        self.rapport = rapport
        self.vues = np.empty(0, dtype=np.int64)

    def verifier(self, cles: np.ndarray, lignes: np.ndarray) -> None:
        message = _("Ligne en double (même territoire, indicateur et année qu'une ligne précédente).")
        ordre = np.argsort(cles, kind="stable")
        tries = cles[ordre]
        for i in np.nonzero(tries[1:] == tries[:-1])[0]:
            self.rapport.erreur(int(lignes[ordre[i + 1]]), None, message)
        if len(self.vues):
            positions = np.searchsorted(self.vues, cles)
            trouves = (positions < len(self.vues)) & (
                self.vues[np.minimum(positions, len(self.vues) - 1)] == cles
            )
            for i in np.nonzero(trouves)[0]:
                self.rapport.erreur(int(lignes[i]), None, message)
        # Two sorted runs: the stable sort (timsort) merges them in linear time.
        self.vues = np.sort(np.concatenate([self.vues, tries]), kind="stable")


class Populations:
    """Inhabitants and dwellings carried by the file, each under its own year (millésime): the
    current edition gives the inhabitants of one year and the dwellings of an earlier one
    (`insee_pop_millesime` 2023, `insee_log_millesime` 2022), and a burglary rate uses the
    dwellings of their own year, as the source does. Without a millésime column the figure's
    year is the inhabitants', and the inhabitants' year the dwellings'. Dwellings keep their
    fractions. For one territory and year the last row giving a value gives it. Kept as numpy
    arrays (one entry per territory, year and chunk) and written once, at the end, when the file
    is accepted.

    Into an illustrative source (generated figures, a benchmark), populations are illustrative
    too: they fill the years that have none and never replace a real population."""

    def __init__(self):
        self.morceaux: list[pd.DataFrame] = []
        self.pret = None

    def ajouter(self, t_ids, a_vals, pops, pop_annees, logs, log_annees) -> None:
        annees_pop = np.where(np.isnan(pop_annees), a_vals, pop_annees)
        annees_log = np.where(np.isnan(log_annees), annees_pop, log_annees)
        morceaux = []
        for annees, valeurs, nom in ((annees_pop, np.round(pops), "pop"), (annees_log, logs, "log")):
            avec = ~np.isnan(valeurs)
            if avec.any():
                cadre = pd.DataFrame(
                    {"t": t_ids[avec], "a": annees[avec].astype(np.int64), nom: valeurs[avec]}
                )
                morceaux.append(cadre.drop_duplicates(["t", "a"], keep="last"))
        if morceaux:
            self.morceaux.extend(morceaux)

    def tableau(self) -> pd.DataFrame | None:
        """One row per territory and year: t, a, pop (inhabitants), log (dwellings); NaN where the
        file gives none for that year."""
        if not self.morceaux:
            return None
        tout = pd.concat(self.morceaux, ignore_index=True)
        colonnes = {}
        for nom in ("pop", "log"):
            if nom in tout.columns:
                avec = tout.dropna(subset=[nom]).drop_duplicates(["t", "a"], keep="last")
                colonnes[nom] = avec.set_index(["t", "a"])[nom]
        cadre = pd.DataFrame(colonnes)
        for nom in ("pop", "log"):
            if nom not in cadre.columns:
                cadre[nom] = np.nan
        return cadre.reset_index()[["t", "a", "pop", "log"]]

    @property
    def valeurs(self) -> dict[tuple[int, int], list]:
        tableau = self.tableau()
        if tableau is None:
            return {}
        return {
            (int(t), int(a)): [
                None if np.isnan(h) else int(h),
                None if np.isnan(lg) else logements_decimaux(lg),
            ]
            for t, a, h, lg in zip(
                tableau["t"].to_numpy(),
                tableau["a"].to_numpy(),
                tableau["pop"].to_numpy(float),
                tableau["log"].to_numpy(float),
                strict=True,
            )
        }

    def preparer(self) -> None:
        """PostgreSQL: the table and its COPY text, computed ahead of `enregistrer`."""
        if connection.vendor == "postgresql" and self.pret is None:
            tableau = self.tableau()
            self.morceaux = []
            self.pret = (tableau, texte_populations(tableau) if tableau is not None else None)

    def enregistrer(self, rapport: Rapport, lot, source) -> None:
        illustratif = bool(getattr(source, "illustratif", False))
        if illustratif:
            libelle = _("Chiffres générés (illustratifs), fichier %(f)s") % {"f": lot.fichier_nom}
        else:
            libelle = _("SSMSI, fichier %(f)s") % {"f": lot.fichier_nom}
        if connection.vendor == "postgresql":
            # The national base's 350 000 populations: one COPY and one set-based statement.
            self.preparer()
            (tableau, texte), self.pret = self.pret, None
            if tableau is not None:
                rapport.populations += ecrire_populations(
                    tableau, libelle, texte, illustratif=illustratif, rapport=rapport
                )
            return
        valeurs = self.valeurs
        self.morceaux = []
        if not valeurs:
            return
        # Plain tuples, not model instances: a national file carries 350 000 populations.
        existantes = {
            (t, a): (pk, h, lg, ill, src, nom)
            for pk, t, a, h, lg, ill, src, nom in Population.objects.filter(
                annee__in={a for _t, a in valeurs}
            ).values_list(
                "pk",
                "territoire_id",
                "annee",
                "habitants",
                "logements",
                "illustratif",
                "source",
                "territoire__nom",
            )
            if (t, a) in valeurs
        }
        creer, modifier = [], []
        nombre, gardees, exemple = 0, 0, None
        for (territoire_id, annee), (habitants, logements) in valeurs.items():
            existante = existantes.get((territoire_id, annee))
            if existante is None:
                creer.append(
                    Population(
                        territoire_id=territoire_id,
                        annee=annee,
                        habitants=habitants,
                        logements=logements,
                        source=libelle,
                        illustratif=illustratif,
                    )
                )
                continue
            pk, h, lg, ill, src, nom = existante
            if illustratif and not ill:
                # Generated populations never replace a real one (said once, `noter_populations_gardees`).
                if habitants is not None and habitants != h:
                    gardees += 1
                    cas = (territoire_id, annee, nom, habitants, h)
                    exemple = min(exemple or cas, cas)  # the first in the file's order, as on PostgreSQL
                continue
            nouveaux_h = h if habitants is None else habitants
            nouveaux_lg = lg if logements is None else logements
            if (nouveaux_h, nouveaux_lg) != (h, lg):
                if not ill:
                    noter_remplacement(
                        rapport,
                        texte_population(
                            territoire=nom,
                            annee=annee,
                            avant=(h, lg),
                            apres=(nouveaux_h, nouveaux_lg),
                            source=src,
                        ),
                    )
                modifier.append(
                    Population(
                        pk=pk,
                        habitants=nouveaux_h,
                        logements=nouveaux_lg,
                        source=libelle,
                        illustratif=illustratif,
                    )
                )
            if len(creer) >= LOT_POPULATIONS or len(modifier) >= LOT_POPULATIONS:
                nombre += self._ecrire(creer, modifier)
                creer, modifier = [], []
        nombre += self._ecrire(creer, modifier)
        rapport.populations += nombre
        if gardees:
            _territoire, annee, nom, fichier, enregistree = exemple
            noter_populations_gardees(rapport, gardees, (nom, annee, fichier, enregistree))

    @staticmethod
    def _ecrire(creer, modifier) -> int:
        Population.objects.bulk_create(creer, batch_size=LOT_POPULATIONS)
        Population.objects.bulk_update(
            modifier, ["habitants", "logements", "source", "illustratif"], batch_size=LOT_POPULATIONS
        )
        return len(creer) + len(modifier)
