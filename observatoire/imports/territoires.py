"""The territory of each code an import meets. A territory is its level and its code (75 is the
département Paris and the région Nouvelle-Aquitaine; 01 to 06 are overseas régions and the first
départements), so every code is resolved at a level: the file's own (the SSMSI communal base names
communes, its départemental base départements), a level column when the file has one, or else the
narrowest territory bearing the code (a commune before a département, a département before a
région), as `Territoire.objects.par_code` does. The index is built once per import (one query):
no query per row, so that a national file stays streamed.

Imports never invent a territory: communes, départements and régions come from the national
referential (`cls_poitiers.referentiel`), with their official names and their links. A code the
referential does not know is reported, with its line."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cls_poitiers import referentiel
from cls_poitiers.models import Territoire
from cls_poitiers.querysets import NIVEAUX_ORDONNES

from .base import Rapport, normaliser

RANGS = {niveau: i for i, niveau in enumerate(NIVEAUX_ORDONNES)}

# A level column's values, as a partner writes them: the level's code or its label, in any case,
# with or without accents.
NIVEAUX_LUS = {
    **{normaliser(valeur): valeur for valeur, _libelle in Territoire.Niveau.choices},
    **{normaliser(libelle): valeur for valeur, libelle in Territoire.Niveau.choices},
    "intercommunalite": Territoire.Niveau.EPCI,
    "dep": Territoire.Niveau.DEPARTEMENT,
    "reg": Territoire.Niveau.REGION,
    "com": Territoire.Niveau.COMMUNE,
}
COLONNES_NIVEAU = ("niveau", "niveau_territoire", "type_territoire")


class IndexTerritoires:
    """{(niveau, code): pk} of the territories (all of them, or those of `niveaux`), and each
    code's narrowest territory for a file that names no level."""

    def __init__(self, niveaux=None):
        territoires = Territoire.objects.all()
        if niveaux:
            territoires = territoires.filter(niveau__in=niveaux)
        self.par_niveau: dict[tuple[str, str], int] = {}
        self.plus_fin: dict[str, int] = {}
        self._niveaux: dict[str, str | None] = {}
        lignes = territoires.values_list("niveau", "code", "pk")
        for niveau, code, pk in sorted(lignes, key=lambda ligne: RANGS.get(ligne[0], len(RANGS))):
            self.par_niveau[(niveau, code)] = pk
            self.plus_fin[code] = pk  # narrower levels come later and win

    def get(self, code: str, niveau: str | None = None) -> int | None:
        if niveau:
            return self.par_niveau.get((niveau, code))
        return self.plus_fin.get(code)

    def lire(self, rapport: Rapport, ligne, code: str, *, colonne: str, niveau=None, colonne_niveau=None):
        """The pk of a file row's territory: its code at the level of the row's level column
        (`niveau`, as written), or the narrowest bearing it. None, with an error on the row's line
        under the right column, when the level is unreadable or the code unknown."""
        if niveau is not None:
            texte = niveau
            if texte not in self._niveaux:
                try:
                    self._niveaux[texte] = lire_niveau(texte)
                except ValueError:
                    rapport.erreur(ligne, colonne_niveau, message_niveau_illisible(texte))
                    return None
            niveau = self._niveaux[texte]
        pk = self.get(code, niveau)
        if pk is None:
            rapport.erreur(ligne, colonne, message_inconnu(code, niveau))
        return pk


def codes_du_niveau(niveau: str, *, avec_quartiers: bool = False) -> dict[str, int]:
    """{code: pk} of one level's territories (a file whose codes are all of one level). A
    communal file may also name the contract's quartiers (a local extract in the national
    layout): `avec_quartiers` adds those whose code no commune bears."""
    codes = {}
    if avec_quartiers:
        codes = dict(Territoire.objects.quartiers().values_list("code", "pk"))
    codes.update(Territoire.objects.filter(niveau=niveau).values_list("code", "pk"))
    return codes


def colonne_niveau(colonnes) -> str | None:
    """The file's level column (normalised names), if it has one."""
    return next((c for c in COLONNES_NIVEAU if c in colonnes), None)


def lire_niveau(texte) -> str | None:
    """'Département', 'departement', 'DEP' → 'departement'; '' → None (no level given);
    unreadable → raises ValueError."""
    texte = normaliser(texte or "")
    if texte in ("", "nan"):
        return None
    try:
        return NIVEAUX_LUS[texte]
    except KeyError:
        raise ValueError(texte) from None


def message_niveau_illisible(texte) -> str:
    return _("Niveau de territoire inconnu : « %(v)s » (attendu : commune, departement, region, epci…).") % {
        "v": texte
    }


def message_inconnu(code: str, niveau: str | None = None) -> str:
    """A code no territory bears (at that level), in French."""
    if niveau:
        return _("Territoire inconnu : « %(v)s » (niveau %(n)s).") % {
            "v": code,
            "n": Territoire.Niveau(niveau).label.lower(),
        }
    return _("Territoire inconnu : « %(v)s ».") % {"v": code}


INCONNUS_DU_REFERENTIEL = {
    Territoire.Niveau.COMMUNE: gettext_lazy("Commune %(code)s inconnue du référentiel national."),
    Territoire.Niveau.DEPARTEMENT: gettext_lazy("Département %(code)s inconnu du référentiel national."),
    Territoire.Niveau.REGION: gettext_lazy("Région %(code)s inconnue du référentiel national."),
}


def message_inconnu_du_referentiel(code: str, niveau: str) -> str:
    return str(INCONNUS_DU_REFERENTIEL[niveau]) % {"code": code}


def exiger_le_referentiel(rapport: Rapport, *, ligne=None, colonne=None) -> None:
    """Territories are taken from the national referential, never invented: without it (a fresh
    install before `migrate`, a test database) the file is refused, saying how to load it."""
    if not referentiel.est_charge():
        rapport.refuser(
            _(
                "Le référentiel national des territoires n'est pas chargé : aucune commune ni aucun "
                "département ne peut être rattaché. Lancez « python manage.py charger_referentiel », "
                "puis importez de nouveau le fichier."
            ),
            ligne=ligne,
            colonne=colonne,
        )


def noter_inconnu(rapport: Rapport, code: str, ligne: int | None, nombre: int = 1) -> None:
    """Rows left out because no territory bears their code: counted per code, its first line kept."""
    rapport.territoires_inconnus[code] = rapport.territoires_inconnus.get(code, 0) + nombre
    if ligne is not None:
        rapport.lignes_inconnues.setdefault(code, ligne)
    rapport.rejetees += nombre


def signaler_inconnus(rapport: Rapport, colonne: str | None) -> None:
    """One warning per unknown code, on its first line, with the number of rows left out."""
    for code, n in sorted(rapport.territoires_inconnus.items()):
        rapport.avertissement(
            rapport.lignes_inconnues.get(code),
            colonne,
            _("Territoire inconnu %(code)s : %(n)s ligne(s) ignorée(s).") % {"code": code, "n": n},
        )
