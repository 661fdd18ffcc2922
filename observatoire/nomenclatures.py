"""The reference nomenclatures, as data: the platform's indicators for the national base (SSMSI),
the "total des faits constatés", and the mapping of every edition's labels (and of the État 4001
index numbers) onto them. Loaded into `Indicateur` and `Correspondance` by a data migration; the
imports read the tables, never this module, so an analyst can add a label in the admin.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from cls_poitiers.enregistrement import historiser, update_or_create_si_change

# code, label (2025 edition), family, unit of count, denominator, order.
INDICATEURS_SSMSI = [
    # Published by the départemental and régional bases only (too few per commune).
    ("homicides", "Homicides", "personnes", "victime", "habitants"),
    ("violences-intrafamiliales", "Violences physiques intrafamiliales", "personnes", "victime", "habitants"),
    (
        "violences-hors-famille",
        "Violences physiques hors cadre familial",
        "personnes",
        "victime",
        "habitants",
    ),
    ("coups-blessures-volontaires", "Coups et blessures volontaires", "personnes", "victime", "habitants"),
    ("violences-sexuelles", "Violences sexuelles", "personnes", "victime", "habitants"),
    ("vols-avec-armes", "Vols avec armes", "biens", "infraction", "habitants"),
    ("vols-violents-sans-arme", "Vols violents sans arme", "biens", "infraction", "habitants"),
    (
        "vols-sans-violence",
        "Vols sans violence contre des personnes",
        "biens",
        "victime_entendue",
        "habitants",
    ),
    ("cambriolages-logement", "Cambriolages de logement", "biens", "infraction", "logements"),
    ("vols-vehicules", "Vols de véhicule", "biens", "vehicule", "habitants"),
    ("vols-dans-vehicules", "Vols dans les véhicules", "biens", "vehicule", "habitants"),
    ("vols-accessoires", "Vols d'accessoires sur véhicules", "biens", "vehicule", "habitants"),
    (
        "destructions-degradations",
        "Destructions et dégradations volontaires",
        "biens",
        "infraction",
        "habitants",
    ),
    ("usage-stupefiants", "Usage de stupéfiants", "stupefiants", "mis_en_cause", "habitants"),
    ("usage-stupefiants-afd", "Usage de stupéfiants (AFD)", "stupefiants", "mis_en_cause", "habitants"),
    ("trafic-stupefiants", "Trafic de stupéfiants", "stupefiants", "mis_en_cause", "habitants"),
    (
        "escroqueries",
        "Escroqueries et fraudes aux moyens de paiement",
        "economique",
        "victime",
        "habitants",
    ),
]

# Indicators whose label is that of the editions until 2024 (the départemental base's classes).
EDITIONS_ANCIENNES = {"homicides", "coups-blessures-volontaires"}

TOTAL = ("total-faits-constates", "Total des faits constatés", "total", "fait", "habitants")

# Labels of earlier editions (until 2024) that differ from the 2025 ones.
LIBELLES_ANCIENS = {
    "Coups et blessures volontaires intrafamiliaux": "violences-intrafamiliales",
    "Autres coups et blessures volontaires": "violences-hors-famille",
    "Vols de véhicules": "vols-vehicules",
    "Escroqueries": "escroqueries",
}

# État 4001 index numbers grouped under the national base's indicators (the 1998 observatory
# worked from the 107 index; later series regroup them). Index not listed stay on their own.
INDEX_4001 = {
    "coups-blessures-volontaires": [7],
    "violences-sexuelles": [46, 47, 48, 49, 50],
    "vols-avec-armes": [15, 16, 17, 18, 19, 20, 21, 22],
    "vols-violents-sans-arme": [23, 24, 25, 26],
    "cambriolages-logement": [27],
    "vols-vehicules": [34, 35, 36],
    "vols-dans-vehicules": [37],
    "vols-accessoires": [38],
    "destructions-degradations": [62, 63, 64, 65, 66, 67, 68],
    "usage-stupefiants": [57],
    "trafic-stupefiants": [55, 56],
    "escroqueries": [89, 90, 91],
}

# Units as the files write them (any case, with or without accents).
UNITES_SOURCE = {
    "victime": "victime",
    "victimes": "victime",
    "infraction": "infraction",
    "infractions": "infraction",
    "victime entendue": "victime_entendue",
    "victimes entendues": "victime_entendue",
    "vehicule": "vehicule",
    "vehicules": "vehicule",
    "mis en cause": "mis_en_cause",
    "fait": "fait",
    "faits": "fait",
    "fait constate": "fait",
}


def charger(apps=None):
    """Create or update the reference indicators and correspondences (idempotent)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Indicateur = apps.get_model("observatoire", "Indicateur")
    Correspondance = apps.get_model("observatoire", "Correspondance")
    code, libelle, famille, unite, denominateur = TOTAL
    update_or_create_si_change(
        Indicateur,
        code=code,
        defaults={
            "libelle": libelle,
            "famille": famille,
            "unite": unite,
            "denominateur": denominateur,
            "nomenclature": "locale",
            "est_total": True,
            "ordre": 0,
        },
    )
    par_code = {}
    for ordre, (code, libelle, famille, unite, denominateur) in enumerate(INDICATEURS_SSMSI, start=1):
        par_code[code], _ = update_or_create_si_change(
            Indicateur,
            code=code,
            defaults={
                "libelle": libelle,
                "famille": famille,
                "unite": unite,
                "denominateur": denominateur,
                "nomenclature": "ssmsi",
                "ordre": ordre,
            },
        )
        update_or_create_si_change(
            Correspondance,
            nomenclature="ssmsi",
            libelle_source=libelle,
            defaults={
                "indicateur": par_code[code],
                "editions": "jusqu'en 2024" if code in EDITIONS_ANCIENNES else "2025",
            },
        )
    for libelle, code in LIBELLES_ANCIENS.items():
        update_or_create_si_change(
            Correspondance,
            nomenclature="ssmsi",
            libelle_source=libelle,
            defaults={"indicateur": par_code[code], "editions": "jusqu'en 2024"},
        )
    for code, index in INDEX_4001.items():
        for numero in index:
            update_or_create_si_change(
                Correspondance,
                nomenclature="etat4001",
                libelle_source=str(numero),
                defaults={"indicateur": par_code[code], "editions": "index 1 à 107"},
            )


@transaction.atomic
def associer_libelle(*, libelle: str, indicateur, par, editions: str = ""):
    """Map a label found in an SSMSI file to one of the platform's indicators (from an import's
    preview), with who did it in the correspondence's history. Imports read it from then on."""
    from .models import Correspondance, Nomenclature

    correspondance = Correspondance(
        nomenclature=Nomenclature.SSMSI,
        libelle_source=libelle.strip()[:200],
        indicateur=indicateur,
        editions=editions[:100],
    )
    correspondance.full_clean()
    historiser(correspondance, par=par, motif=_("Libellé associé depuis l'aperçu d'un import"))
    correspondance.save()
    return correspondance
