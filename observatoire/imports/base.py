"""What every import of the observatory shares: the report (what was found and done, with the
core's problems: line, column, French message), the refusal of a bad file as a whole, and the
observatory's names for columns and labels. Files are read by the core (`cls_poitiers.tableurs`)."""

import hashlib
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from cls_poitiers import tableurs
from cls_poitiers.limites import NOMBRE_FAITS_MAX
from cls_poitiers.tableurs import TAILLE_BLOC, Probleme

MAX_PROBLEMES = 200
# At most this many indicator × year pairs are listed in a report; the others are summed in one row.
PAIRES_MAX = 300


class ImportRefuse(Exception):
    """The file is refused as a whole; the report says why."""


@dataclass
class Rapport:
    """What an import found and did. Counts are of figures (or populations, contours)."""

    edition: str = ""
    lignes_lues: int = 0
    creees: int = 0
    modifiees: int = 0
    inchangees: int = 0
    rejetees: int = 0
    erreurs: list[Probleme] = field(default_factory=list)
    erreurs_en_plus: int = 0
    avertissements: list[Probleme] = field(default_factory=list)
    avertissements_en_plus: int = 0
    territoires_inconnus: dict[str, int] = field(default_factory=dict)
    # The first line of each unknown code, so that the warning names it.
    lignes_inconnues: dict[str, int] = field(default_factory=dict)
    territoires_crees: list[str] = field(default_factory=list)
    populations: int = 0
    lignes_fichier: int = 0
    apercu: list[dict] = field(default_factory=list)
    # What the file replaces among the stored figures and populations, in French (the first
    # ones; the others counted), so that the preview says what each change replaces.
    remplacements: list[str] = field(default_factory=list)
    remplacements_en_plus: int = 0
    # Labels of the file that no correspondence maps to an indicator (the preview offers to map them).
    libelles_inconnus: list[str] = field(default_factory=list)
    # Figures created, changed and unchanged per (indicator id, year), added up by the writers
    # with the totals above (so that they always sum to them).
    par_indicateur: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def compter_paire(self, indicateur_id: int, annee: int, creees=0, modifiees=0, inchangees=0) -> None:
        comptes = self.par_indicateur.setdefault((int(indicateur_id), int(annee)), [0, 0, 0])
        comptes[0] += int(creees)
        comptes[1] += int(modifiees)
        comptes[2] += int(inchangees)

    def lignes_par_indicateur(self) -> dict:
        """The per indicator × year counts as the preview shows them: in the indicators' order,
        then by year; beyond PAIRES_MAX pairs, the others summed in `autres`."""
        from ..models import Indicateur

        if not self.par_indicateur:
            return {}
        indicateurs = {
            pk: (rang, libelle)
            for rang, (pk, libelle) in enumerate(
                Indicateur.objects.filter(pk__in={i for i, _a in self.par_indicateur})
                .order_by("ordre", "libelle", "pk")
                .values_list("pk", "libelle")
            )
        }
        paires = sorted(
            self.par_indicateur.items(),
            key=lambda p: (indicateurs.get(p[0][0], (len(indicateurs), ""))[0], p[0][0], p[0][1]),
        )
        lignes = [
            {
                "indicateur": indicateurs.get(i, (None, str(i)))[1],
                "annee": a,
                "creees": c,
                "modifiees": m,
                "inchangees": u,
            }
            for (i, a), (c, m, u) in paires[:PAIRES_MAX]
        ]
        reste = paires[PAIRES_MAX:]
        autres = None
        if reste:
            autres = {
                "paires": len(reste),
                "creees": sum(c[0] for _p, c in reste),
                "modifiees": sum(c[1] for _p, c in reste),
                "inchangees": sum(c[2] for _p, c in reste),
            }
        return {"lignes": lignes, "autres": autres}

    def erreur(self, ligne, colonne, message):
        if len(self.erreurs) < MAX_PROBLEMES:
            self.erreurs.append(Probleme(ligne, colonne, message))
        else:
            self.erreurs_en_plus += 1

    def avertissement(self, ligne, colonne, message):
        if len(self.avertissements) < MAX_PROBLEMES:
            self.avertissements.append(Probleme(ligne, colonne, message))
        else:
            self.avertissements_en_plus += 1

    def refuser(self, message, ligne=None, colonne=None):
        self.erreur(ligne, colonne, message)
        raise ImportRefuse(message)

    @contextmanager
    def refuser_si_invalide(self):
        """A file the core refuses (`tableurs.FichierInvalide`) is refused by this report: its
        problems become the report's errors and the import stops."""
        try:
            yield
        except tableurs.FichierInvalide as exc:
            for probleme in exc.problemes:
                self.erreur(probleme.ligne, probleme.colonne, probleme.message)
            raise ImportRefuse(str(exc)) from exc

    @property
    def a_des_erreurs(self) -> bool:
        return bool(self.erreurs) or bool(self.erreurs_en_plus)

    def en_dict(self) -> dict:
        return {
            "edition": self.edition,
            "erreurs": [vars(p) for p in self.erreurs],
            "erreurs_en_plus": self.erreurs_en_plus,
            "avertissements": [vars(p) for p in self.avertissements],
            "avertissements_en_plus": self.avertissements_en_plus,
            "territoires_inconnus": self.territoires_inconnus,
            "territoires_crees": self.territoires_crees,
            "populations": self.populations,
            "apercu": self.apercu,
            "remplacements": self.remplacements,
            "remplacements_en_plus": self.remplacements_en_plus,
            "libelles_inconnus": self.libelles_inconnus,
            "par_indicateur": self.lignes_par_indicateur(),
        }

    def lignes_de_texte(self) -> list[str]:
        lignes = [p.texte(majuscule=False) for p in self.erreurs]
        if self.erreurs_en_plus:
            lignes.append(_("… et %(n)s autres erreurs.") % {"n": self.erreurs_en_plus})
        return lignes


def nombre_trop_grand(valeur) -> bool:
    """A count beyond what one territory, indicator and period can hold (`NOMBRE_FAITS_MAX`)."""
    return valeur > NOMBRE_FAITS_MAX


def message_nombre_trop_grand(texte) -> str:
    return _("Nombre de faits hors limites (au plus %(max)s) : « %(v)s ».") % {
        "max": f"{NOMBRE_FAITS_MAX:_}".replace("_", "\u00a0"),
        "v": texte,
    }


def empreinte(chemin: Path) -> str:
    h = hashlib.sha256()
    with open(chemin, "rb") as f:
        for bloc in iter(lambda: f.read(TAILLE_BLOC), b""):
            h.update(bloc)
    return h.hexdigest()


def normaliser(texte: str) -> str:
    """'Unité.de.compte ' → 'unite_de_compte': lower case, no accents, '.', ' ' and '-' as '_'."""
    texte = unicodedata.normalize("NFKD", str(texte).strip().strip('"').lstrip("\ufeff"))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return re.sub(r"[.\s\-]+", "_", texte)


def normaliser_libelle(texte: str) -> str:
    """Labels compared without case, accents or doubled spaces."""
    texte = unicodedata.normalize("NFKD", str(texte).strip().replace("’", "'"))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", texte)


def lire_tableau(chemin: Path, rapport: Rapport) -> tuple[pd.DataFrame, int]:
    """A partner's whole spreadsheet as the core reads it (`tableurs.lire_tableau`), with the
    observatory's column names (`normaliser`); a header without data is refused. Returns the
    frame and the line number of its header."""
    with rapport.refuser_si_invalide():
        df = tableurs.lire_tableau(chemin)
    df.columns = [normaliser(c) for c in df.columns]
    if df.empty:
        rapport.refuser(_("Le fichier ne contient que l'en-tête : aucune ligne de données."))
    return df, 1
