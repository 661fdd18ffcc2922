"""What the set-up journey proposes, as data: the membership the law sets for a CLSPD (articles
D. 132-8 and following of the Code de la sécurité intérieure) and the national strategy's axes
(Stratégie nationale de prévention de la délinquance 2020-2024). Every suggestion is a starting
point the council edits, unticks or completes."""

from django.utils.translation import gettext_lazy as _

# Members by right, then the usual appointed members. `{de_departement}` (« de la Vienne ») and
# `{territoire}` are filled in from the contract's perimeter.
MEMBRES_DE_DROIT = (
    {"nom": _("Préfecture {de_departement}"), "sigle": _("Préfet"), "nature": "etat"},
    {
        "nom": _("Parquet du tribunal judiciaire"),
        "sigle": _("Procureur de la République"),
        "nature": "justice",
    },
    {"nom": _("Conseil départemental {de_departement}"), "sigle": _("Département"), "nature": "collectivite"},
)

MEMBRES_HABITUELS = (
    {"nom": _("Police nationale"), "sigle": _("DIPN"), "nature": "etat"},
    {"nom": _("Gendarmerie nationale"), "sigle": _("Gendarmerie"), "nature": "etat"},
    {
        "nom": _("Direction des services départementaux de l'Éducation nationale"),
        "sigle": _("DASEN"),
        "nature": "education",
    },
    {"nom": _("Bailleur social"), "sigle": "", "nature": "logement"},
    {"nom": _("Réseau de transport public"), "sigle": "", "nature": "transport"},
    {"nom": _("Chambre de commerce et d'industrie"), "sigle": _("CCI"), "nature": "consulaire"},
    {"nom": _("Association d'aide aux victimes"), "sigle": "", "nature": "association"},
    {"nom": _("{territoire}"), "sigle": "", "nature": "collectivite"},
)

AXES_NATIONAUX = (
    _("Les jeunes exposés à la délinquance"),
    _("Les victimes et les violences intrafamiliales"),
    _("Les habitants, acteurs de la tranquillité publique"),
    _("La gouvernance locale de la prévention"),
)


def partenaires_proposes(de_departement: str, territoire: str) -> list[dict]:
    """The suggested partners' rows, names filled in: `de_departement` is the département's name
    after « de » (`Territoire.de_nom`), `territoire` the commune's council or the contract's
    territory."""
    lignes = []
    for membre in (*MEMBRES_DE_DROIT, *MEMBRES_HABITUELS):
        nom = str(membre["nom"]).format(de_departement=de_departement, territoire=territoire)
        lignes.append({"retenu": True, "nom": nom, "sigle": str(membre["sigle"]), "nature": membre["nature"]})
    return lignes


def axes_proposes() -> list[dict]:
    return [{"titre": str(axe)} for axe in AXES_NATIONAUX]
