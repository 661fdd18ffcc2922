"""A small fake national referential for the observatory's tests, written where the test says and
loaded with `cls_poitiers.referentiel.charger`: two régions and two départements sharing code 75
across levels (Nouvelle-Aquitaine and Paris), and three communes."""

import json

from cls_poitiers import referentiel


def _commune(code, nom, departement, region, population):
    return {
        "code": code,
        "nom": nom,
        "type": "commune-actuelle",
        "departement": departement,
        "region": region,
        "population": population,
    }


CONTENU = {
    "regions.json": [{"code": "75", "nom": "Nouvelle-Aquitaine"}, {"code": "11", "nom": "Île-de-France"}],
    "departements.json": [
        {"code": "86", "nom": "Vienne", "region": "75"},
        {"code": "75", "nom": "Paris", "region": "11"},
    ],
    "communes.json": [
        _commune("86066", "Châtellerault", "86", "75", 31003),
        _commune("86194", "Poitiers", "86", "75", 89916),
        _commune("75056", "Paris", "75", "11", 2113705),
    ],
    "epci.json": [],
}


def charger_referentiel_factice(dossier):
    (dossier / "data").mkdir(parents=True)
    (dossier / "package.json").write_text(json.dumps({"version": "6.0.0"}), encoding="utf-8")
    for nom, donnees in CONTENU.items():
        (dossier / "data" / nom).write_text(json.dumps(donnees), encoding="utf-8")
    return referentiel.charger(dossier)
