"""A small fake national referential for the observatory's tests, written where the test says and
loaded with `cls_poitiers.referentiel.charger`: two régions and two départements sharing code 75
across levels (Nouvelle-Aquitaine and Paris), and three communes, with their articles as the real
package gives them (« de la Vienne », « d’Île-de-France »)."""

from cls_poitiers import referentiel
from tests.cls_poitiers.test_referentiel import _commune, _paquet


def charger_referentiel_factice(dossier):
    dossier.mkdir(parents=True)
    paquet = _paquet(
        dossier,
        communes=[
            _commune("86066", "Châtellerault", 31003),
            _commune("86194", "Poitiers", 89916),
            _commune("75056", "Paris", 2113705, departement="75", region="11"),
        ],
        departements=[
            {"code": "86", "nom": "Vienne", "region": "75", "typeLiaison": 3},
            {"code": "75", "nom": "Paris", "region": "11", "typeLiaison": 0},
        ],
        regions=[
            {"code": "75", "nom": "Nouvelle-Aquitaine", "typeLiaison": 3},
            {"code": "11", "nom": "Île-de-France", "typeLiaison": 1},
        ],
    )
    return referentiel.charger(paquet)
