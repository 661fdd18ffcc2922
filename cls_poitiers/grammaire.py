"""A name after « de » and « à », as French writes it: « de la Vienne », « du Mans »,
« d’Ille-et-Vilaine », « de l’Ain », « des Deux-Sèvres », « au Syndicat intercommunal ».

The national referential gives each commune, département and région its article as INSEE's code
TNCC ("type de nom en clair", the package's `typeLiaison`), stored on `Territoire.article`. A
commune's name carries its article (« Le Mans », « La Rochelle »); a département's or a région's
does not (« Vienne », article « la »). A territory of the council's own (a quartier, the
contract's own territory) has no code: its article is read off its name (« Les Minimes »,
« Communauté de communes du Val »), and the council may set a quartier's in its management
page. A partner's or a committee's name is read the same way (« de la Préfecture de la
Vienne », « du Comité de pilotage »).

Each form is a translatable pattern (`pgettext` context « de + article », « à + article »)."""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Article(models.IntegerChoices):
    """INSEE's TNCC: the article of a name and the form « de » takes before it."""

    CONSONNE = 0, _("aucun, devant une consonne (de Paris)")
    VOYELLE = 1, _("aucun, devant une voyelle (d’Ille-et-Vilaine)")
    LE = 2, _("le (du Mans, du Calvados)")
    LA = 3, _("la (de la Vienne)")
    LES = 4, _("les (des Deux-Sèvres)")
    L = 5, _("l’ (de l’Ain)")
    AUX = 6, _("aux")
    LAS = 7, _("las")
    LOS = 8, _("los")


# The article as a name may begin with it, by TNCC.
_EN_TETE = {
    Article.LE: ("Le ",),
    Article.LA: ("La ",),
    Article.LES: ("Les ",),
    Article.L: ("L'", "L’"),
    Article.AUX: ("Aux ",),
    Article.LAS: ("Las ",),
    Article.LOS: ("Los ",),
}

_DE = {
    Article.CONSONNE: pgettext_lazy("de + article", "de %(nom)s"),
    Article.VOYELLE: pgettext_lazy("de + article", "d’%(nom)s"),
    Article.LE: pgettext_lazy("de + article", "du %(nom)s"),
    Article.LA: pgettext_lazy("de + article", "de la %(nom)s"),
    Article.LES: pgettext_lazy("de + article", "des %(nom)s"),
    Article.L: pgettext_lazy("de + article", "de l’%(nom)s"),
    Article.AUX: pgettext_lazy("de + article", "des %(nom)s"),
    Article.LAS: pgettext_lazy("de + article", "de las %(nom)s"),
    Article.LOS: pgettext_lazy("de + article", "de los %(nom)s"),
}

_A = {
    Article.CONSONNE: pgettext_lazy("à + article", "à %(nom)s"),
    Article.VOYELLE: pgettext_lazy("à + article", "à %(nom)s"),
    Article.LE: pgettext_lazy("à + article", "au %(nom)s"),
    Article.LA: pgettext_lazy("à + article", "à la %(nom)s"),
    Article.LES: pgettext_lazy("à + article", "aux %(nom)s"),
    Article.L: pgettext_lazy("à + article", "à l’%(nom)s"),
    Article.AUX: pgettext_lazy("à + article", "aux %(nom)s"),
    Article.LAS: pgettext_lazy("à + article", "à las %(nom)s"),
    Article.LOS: pgettext_lazy("à + article", "à los %(nom)s"),
}

# The articles « de » and « à » contract with (« Le Mans » → « du Mans », « au Mans »): the name
# loses its article. Before the others a name that begins with its article keeps it (« de La
# Rochelle », « à L’Haÿ-les-Roses »).
_CONTRACTES = {Article.LE, Article.LES, Article.AUX}

# The first word of the generic names a council gives its own territories, its partners and its
# committees, with their article (« du Syndicat intercommunal », « de la Préfecture de la Vienne »).
_MOTS_PAR_ARTICLE = (
    (
        Article.LE,
        "district syndicat pays territoire quartier secteur canton departement conseil grand parquet "
        "tribunal bailleur reseau centre service college lycee comite groupe rectorat club hameau",
    ),
    (
        Article.LA,
        "communaute metropole ville commune region zone cite ca cc cu prefecture sous-prefecture "
        "police gendarmerie direction chambre societe mairie caisse federation mission maison "
        "cellule circonscription protection",
    ),
    (
        Article.L,
        "agglomeration etablissement ept ilot inspection office association agence union universite "
        "hopital hotel academie observatoire education",
    ),
    # Names without an article that begin with a mute h.
    (Article.VOYELLE, "habitat habitations"),
)
_NOMS_COMMUNS = {mot: article for article, mots in _MOTS_PAR_ARTICLE for mot in mots.split()}

_VOYELLES = "aeiouy"


def _sans_accent(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", texte) if not unicodedata.combining(c))


def article_du_nom(nom: str) -> Article:
    """The article read off a name that has no TNCC: the article it begins with, the gender of the
    generic word it begins with (« Syndicat … », « Communauté de communes … »), or else none
    (« d’ » before a vowel, « de » otherwise: an initial h is taken as aspirated, as in most place
    names, « du Hameau », « de Hauteville », save the mute words listed, « d’Habitat de la
    Vienne »; a commune's article comes with its TNCC)."""
    for article, tetes in _EN_TETE.items():
        if nom.startswith(tetes):
            return article
    premier = _sans_accent(nom.split(" ", 1)[0]).lower().rstrip(",")
    for mot in (premier, premier.split("-", 1)[0]):
        if mot in _NOMS_COMMUNS:
            return _NOMS_COMMUNS[mot]
    return Article.VOYELLE if _sans_accent(nom[:1]).lower() in _VOYELLES else Article.CONSONNE


def _forme(nom: str, article: int | None, formes: dict) -> str:
    article = Article(article) if article is not None else article_du_nom(nom)
    tetes = _EN_TETE.get(article, ())
    if nom.startswith(tetes):
        if article not in _CONTRACTES:
            # The name carries its article: « de La Rochelle », « à L’Haÿ-les-Roses ».
            return formes[Article.CONSONNE] % {"nom": nom}
        nom = nom[len(next(t for t in tetes if nom.startswith(t))) :]
    return formes[article] % {"nom": nom}


def de(nom: str, article: int | None = None) -> str:
    """« de » and the name: « de la Vienne », « du Mans », « de l’Ain ». `article` is the TNCC
    (`Territoire.article`); without it, it is read off the name."""
    return _forme(nom, article, _DE)


def a(nom: str, article: int | None = None) -> str:
    """« à » and the name: « à la Vienne », « au Mans », « à l’Ain »."""
    return _forme(nom, article, _A)


class AvecArticle:
    """`de_nom` and `a_nom` for anything with a `nom` and, maybe, an `article` (the TNCC): a
    territory, a partner, a committee."""

    @property
    def de_nom(self) -> str:
        """« de la Vienne », « du Mans », « de la Préfecture de la Vienne »."""
        return de(self.nom, getattr(self, "article", None))

    @property
    def a_nom(self) -> str:
        """« à la Vienne », « au Mans », « au Syndicat intercommunal »."""
        return a(self.nom, getattr(self, "article", None))
