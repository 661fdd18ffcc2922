"""What a user may see of a figure: the one place where secrecy is applied, for pages, exports and
the JSON endpoint alike.

- A figure masked at the source shows "secret statistique".
- For every role but Observatoire and Coordination, a count from 1 to under
  settings.CLS_SEUIL_SECRET shows "< N" and its rate is hidden; a published zero is a real zero
  (the SSMSI publishes zeros) and shows 0.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from cls_poitiers import formats

from . import calculs

SOUS_SEUIL = "sous_seuil"


@dataclass(frozen=True)
class Affiche:
    """A figure as one user may see it: display strings and the raw values that may be exported."""

    nombre: int | None
    nombre_texte: str
    taux: float | None
    taux_texte: str
    denominateur: int | None
    statut: str
    anterieur: bool

    @property
    def masque(self) -> bool:
        return self.statut in (calculs.SECRET, SOUS_SEUIL)

    @property
    def valeur_export(self):
        """The count for an export cell: a number, "< 5", or empty when secret."""
        if self.statut == SOUS_SEUIL:
            return self.nombre_texte
        return self.nombre

    def en_dict(self) -> dict:
        return {
            "nombre": self.nombre,
            "nombre_affiche": self.nombre_texte,
            "denominateur": self.denominateur,
            "taux_pour_mille": round(self.taux, 4) if self.taux is not None else None,
            "statut": self.statut,
        }


def seuil() -> int:
    return settings.CLS_SEUIL_SECRET


def afficher(chiffre: calculs.Chiffre, detail: bool) -> Affiche:
    """`detail`: the user sees small counts (`permissions.sees_detailed_figures`)."""
    statut = chiffre.statut
    if statut == calculs.SECRET:
        return Affiche(None, _("secret statistique"), None, "", None, statut, False)
    if statut == calculs.VIDE:
        return Affiche(None, "—", None, "", None, statut, False)
    if not detail and chiffre.nombre is not None and 0 < chiffre.nombre < seuil():
        return Affiche(None, f"< {seuil()}", None, "", None, SOUS_SEUIL, False)
    taux = chiffre.taux
    return Affiche(
        nombre=chiffre.nombre,
        nombre_texte=formats.nombre(chiffre.nombre),
        taux=taux,
        taux_texte=formats.taux(taux) if taux is not None else "",
        denominateur=chiffre.denominateur,
        statut=statut,
        anterieur=chiffre.denominateur_anterieur,
    )


def afficher_evolution(evolution: calculs.Evolution, courant: Affiche, precedent: Affiche):
    """A change is shown only when both figures are shown in full (else it would reveal them)."""
    if courant.masque or precedent.masque or evolution.pourcentage is None:
        return None
    return evolution
