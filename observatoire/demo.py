"""The observatory's demo: illustrative figures for the district's communes and the contract's
quartiers, 1997 to 2000, monthly figures by quartier, partners' declarations (STP, OPARC) and
one perceived-insecurity survey. Every figure here is illustrative and stored as such (an
illustrative source, illustrative declarations and survey), except that the district's total
for the diagnostic year is chosen so that the platform's own computation gives the seed's
85,4 ‰ over the 1990 census populations (the nearest earlier year the core demo knows).

Dwellings (the denominator of burglary rates) are added only to population rows that the core
demo already marks as illustrative: a real census row is never given an invented figure.
"""

import datetime
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from cls_poitiers import demo
from cls_poitiers.enregistrement import update_or_create_si_change
from cls_poitiers.models import Contrat, Partenaire, Population, Territoire
from cls_poitiers.tableurs import csv_bytes

from . import nomenclatures, services
from .imports.base import Rapport
from .imports.ecriture import EcritureDonnees
from .models import AnnexeDiagnostic, Diagnostic, Enquete, Indicateur, LotImport, ResultatEnquete, Source
from .tableaux_de_bord import cache

SOURCE_DEMO = "police-locale-demo"
ANNEES = [1997, 1998, 1999, 2000]
EVOLUTION = {1997: 1.0, 1998: 1.04, 1999: 1.01, 2000: 0.96}
# Seasonal weights of the monthly figures (sum 100).
SAISON = [7, 7, 8, 8, 9, 9, 10, 9, 8, 8, 8, 9]

# Total des faits constatés, 1997 (illustrative; district total 9 730 → 85,4 ‰ on 113 938 inhabitants).
TOTAL_1997_COMMUNES = {
    "86027": 70,
    "86041": 560,
    "86062": 330,
    "86100": 120,
    "86157": 130,
    "86158": 420,
    "86163": 95,
    "86214": 330,
    "86297": 380,
}
# Poitiers: facts recorded without a quartier (the "non localisé" part of the commune).
TOTAL_1997_POITIERS_NON_LOCALISE = 955
TOTAL_1997_QUARTIERS = {
    "QP086005": 1480,
    "QP086003": 520,
    "QP086004": 820,
    "861940202": 450,
    "8619406": 560,
    "QP086006": 610,
    "8619401": 1900,
}
# Other indicators, as a share of the total (illustrative).
PARTS = {"cambriolages-logement": 0.06, "destructions-degradations": 0.14, "violences-hors-famille": 0.03}
# Dwellings for illustrative population rows only: inhabitants / persons per dwelling.
PERSONNES_PAR_LOGEMENT = 2.4

DECLARATIONS = {
    "stp": [
        (
            "stp-degradations-bus",
            "Dégradations de bus et d'abribus",
            {"QP086005": 9, "QP086004": 6, "8619401": 4},
        ),
        ("stp-agressions-personnel", "Agressions contre le personnel", {"QP086005": 2, "8619401": 3}),
    ],
    "oparc": [
        (
            "oparc-degradations-parties-communes",
            "Dégradations des parties communes",
            {"QP086005": 14, "QP086003": 8},
        ),
        ("oparc-incendies-caves", "Incendies de caves et de locaux", {"QP086005": 2, "QP086004": 1}),
    ],
}
QUESTIONS = [
    (
        "Se sent en insécurité dans son quartier le soir",
        {"QP086005": 46, "QP086003": 41, "QP086004": 39, "8619401": 33},
    ),
    (
        "A été témoin de dégradations dans l'année",
        {"QP086005": 58, "QP086003": 49, "QP086004": 44, "8619401": 51},
    ),
]

# The District de Poitiers' communes with their recent populations (INSEE, about 2021): always
# among the generated communes of benchmarks and load tests (`generation.communes`).
COMMUNES_RECENTES = {
    "86194": 89_916,
    "86041": 10_289,
    "86214": 7_375,
    "86297": 6_290,
    "86158": 6_285,
    "86157": 5_229,
    "86062": 4_743,
    "86100": 3_972,
    "86163": 3_723,
    "86027": 1_910,
}


# The ten communes' real outlines (france-geojson, open data: see donnees_demo/README.md), and the
# attribution the map shows with them.
DONNEES_DEMO = Path(__file__).resolve().parent / "donnees_demo"
CONTOURS = DONNEES_DEMO / "contours-communes-district-poitiers-1998.geojson"
ATTRIBUTION_CONTOURS = (
    "Contours des communes : france-geojson (Grégoire David), d'après IGN et INSEE, Licence Ouverte (Etalab)"
)


def _repartir(total: int, poids: list[int]) -> list[int]:
    """Split `total` by weights, exactly (largest remainders)."""
    bruts = [total * p / sum(poids) for p in poids]
    parts = [int(b) for b in bruts]
    restes = sorted(range(len(poids)), key=lambda i: -(bruts[i] - parts[i]))
    for i in restes[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _logements_illustratifs():
    for population in Population.objects.filter(illustratif=True, logements__isnull=True):
        population.logements = round(population.habitants / PERSONNES_PAR_LOGEMENT)
        population.save(update_fields=["logements"])


def _chiffres(source, lot, territoires, indicateurs):
    lignes = []
    communes = {**TOTAL_1997_COMMUNES, "86194": TOTAL_1997_POITIERS_NON_LOCALISE}
    for annee in ANNEES:
        facteur = EVOLUTION[annee]
        for code, total in communes.items():
            base = round(total * facteur)
            lignes.append((territoires[code], indicateurs["total-faits-constates"], annee, 0, base, False))
            for indicateur, part in PARTS.items():
                lignes.append(
                    (territoires[code], indicateurs[indicateur], annee, 0, round(base * part), False)
                )
        for code, total in TOTAL_1997_QUARTIERS.items():
            for mois, nombre in enumerate(_repartir(round(total * facteur), SAISON), start=1):
                lignes.append(
                    (territoires[code], indicateurs["total-faits-constates"], annee, mois, nombre, False)
                )
            for indicateur, part in PARTS.items():
                base = round(round(total * facteur) * part)
                lignes.append((territoires[code], indicateurs[indicateur], annee, 0, base, False))
    ecriture = EcritureDonnees(lot=lot, source=source, rapport=Rapport())
    ecriture.ecrire(lignes)
    ecriture.terminer()


def _declarations(territoires):
    for code_partenaire, categories in DECLARATIONS.items():
        partenaire = Partenaire.objects.get(code=code_partenaire)
        indicateurs = {}
        for code, libelle, _valeurs in categories:
            indicateurs[code], _ = update_or_create_si_change(
                Indicateur,
                code=code,
                defaults={
                    "libelle": libelle,
                    "famille": Indicateur.Famille.INCIVILITES,
                    "unite": Indicateur.Unite.INCIDENT,
                    "nomenclature": "partenaire",
                    "partenaire": partenaire,
                    "ordre": 200,
                },
            )
        quartiers = sorted({q for _c, _l, valeurs in categories for q in valeurs})
        for annee in (1998, 1999):
            for mois in range(1, 13):
                for quartier in quartiers:
                    comptes = {
                        indicateurs[code]: max(0, valeurs[quartier] + (mois % 3) - 1)
                        for code, _l, valeurs in categories
                        if quartier in valeurs
                    }
                    declaration = services.declarer(
                        partenaire=partenaire,
                        territoire=territoires[quartier],
                        annee=annee,
                        mois=mois,
                        comptes=comptes,
                        par=None,
                        commentaire="Déclaration illustrative (démonstration).",
                    )
                    if not declaration.illustratif:
                        declaration.illustratif = True
                        declaration.save(update_fields=["illustratif"])


def _enquete(territoires):
    enquete, _ = update_or_create_si_change(
        Enquete,
        titre="Enquête sur le sentiment d'insécurité 1997 (illustrative)",
        defaults={
            "date_debut": datetime.date(1997, 10, 1),
            "date_fin": datetime.date(1997, 11, 15),
            "methode": "Questionnaire en face à face auprès d'un échantillon de résidents des quartiers "
            "prioritaires (chiffres illustratifs de démonstration).",
            "realisee_par": "Observatoire de la délinquance du District (démonstration)",
            "repondants": 800,
            "illustratif": True,
        },
    )
    for ordre, (question, valeurs) in enumerate(QUESTIONS):
        for code, pourcentage in valeurs.items():
            update_or_create_si_change(
                ResultatEnquete,
                enquete=enquete,
                territoire=territoires[code],
                question=question,
                defaults={"pourcentage": pourcentage, "repondants": 200, "ordre": ordre},
            )


TITRE_DIAGNOSTIC = "Diagnostic local de sécurité du District de Poitiers"
RESUME_DIAGNOSTIC = (
    "Diagnostic de sécurité d'une vingtaine de pages, complété par un volume d'annexes statistiques, "
    "cartographiques et qualitatives : pour la première fois, une analyse détaillée de l'insécurité réelle "
    "et ressentie est consignée dans un document. Il s'appuie sur plus d'une quinzaine de réunions "
    "thématiques et de rencontres avec les habitants dans les quartiers. Avec un taux de délinquance de "
    "85,4 pour 1000, Poitiers se situe dans la moyenne des agglomérations de sa catégorie ; le diagnostic "
    "cible les quartiers et les communes du district qui doivent faire l'objet d'un traitement prioritaire."
)
TITRE_ANNEXE = "Annexe statistique : faits constatés par commune en 1997 (illustrative)"


def _annexe_csv() -> bytes:
    """A small statistical annex generated from the demo's own 1997 figures (illustrative)."""
    lignes = [
        (code, TOTAL_1997_COMMUNES.get(code, TOTAL_1997_POITIERS_NON_LOCALISE), "chiffre illustratif")
        for code in sorted({*TOTAL_1997_COMMUNES, "86194"})
    ]
    return csv_bytes(["commune (code INSEE)", "faits constatés hors quartiers 1997", "nature"], lignes)


def _diagnostic():
    """The contract's 1998 diagnostic (figures of 1997), its priority territories and a generated
    statistical annex. The meetings that fed it are linked by the committees' demo."""
    contrat = Contrat.objects.courant()
    if contrat is None:
        return None
    diagnostic, _ = update_or_create_si_change(
        Diagnostic,
        contrat=contrat,
        titre=TITRE_DIAGNOSTIC,
        date=datetime.date(1998, 5, 15),
        defaults={
            "annee": contrat.annee_diagnostic,
            "auteurs": "District de Poitiers, Préfecture de la Vienne, Observatoire de la délinquance "
            "(auteurs illustratifs)",
            "resume": RESUME_DIAGNOSTIC,
            "nombre_pages": 20,
            "illustratif": True,
        },
    )
    prioritaires = set(Territoire.objects.filter(prioritaire=True).values_list("pk", flat=True))
    if set(diagnostic.territoires_prioritaires.values_list("pk", flat=True)) != prioritaires:
        diagnostic.territoires_prioritaires.set(prioritaires)
    if not diagnostic.annexes.filter(titre=TITRE_ANNEXE).exists():
        contenu = _annexe_csv()
        annexe = AnnexeDiagnostic(
            diagnostic=diagnostic,
            type=AnnexeDiagnostic.Type.STATISTIQUE,
            titre=TITRE_ANNEXE,
            fichier_nom="annexe-statistique-1997-illustrative.csv",
            fichier_type="csv",
            taille=len(contenu),
            illustratif=True,
        )
        annexe.fichier.save(annexe.fichier_nom, ContentFile(contenu), save=False)
        annexe.save()
    return diagnostic


def _contours(territoires):
    """Each commune's outline from the shipped GeoJSON, recorded as an applied GeoJSON batch whose
    options carry the attribution the map shows. Rewrites only an outline that differs."""
    collection = json.loads(CONTOURS.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        commune = territoires[feature["properties"]["code"]]
        if commune.contour != feature["geometry"]:
            # The outline is left out of the territories' history: no version for it.
            Territoire.objects.filter(pk=commune.pk).update(contour=feature["geometry"])
    update_or_create_si_change(
        LotImport,
        type=LotImport.Type.GEOJSON,
        fichier_nom=CONTOURS.name,
        defaults={
            "statut": LotImport.Statut.APPLIQUE,
            "progression": 100,
            "edition": "GeoJSON (propriété « code »)",
            "options": {"propriete": "code", "attribution": ATTRIBUTION_CONTOURS},
            "lignes_lues": len(collection["features"]),
        },
    )


@transaction.atomic
def load(*, stdout=None):
    # The reference nomenclature comes with the migrations; reloading it (idempotent) lets the demo
    # stand on its own on a database whose tables were emptied.
    nomenclatures.charger()
    source, _ = update_or_create_si_change(
        Source,
        code=SOURCE_DEMO,
        defaults={
            "libelle": "Statistique locale police et gendarmerie (chiffres illustratifs)",
            "nature": Source.Nature.POLICE_LOCALE,
            "illustratif": True,
            "ordre": 5,
        },
    )
    lot, _ = LotImport.objects.get_or_create(
        type=LotImport.Type.DEMO,
        fichier_nom="demonstration-observatoire (chiffres illustratifs)",
        defaults={"statut": LotImport.Statut.APPLIQUE, "source": source, "progression": 100},
    )
    objets = demo.territoires()
    territoires = {code: t.pk for code, t in objets.items()}
    indicateurs = dict(Indicateur.objects.values_list("code", "pk"))
    _contours(objets)
    _logements_illustratifs()
    _chiffres(source, lot, territoires, indicateurs)
    cache.changer()  # the figures are written in bulk, without signals
    _declarations(objets)
    _enquete(objets)
    _diagnostic()
    if stdout:
        stdout.write(
            "Observatoire : chiffres illustratifs 1997–2000, déclarations STP et OPARC, enquête 1997, "
            "contours des dix communes (france-geojson, Licence Ouverte)."
        )
