"""A small contract for the observatory's tests: a district of two communes, one with a quartier."""

import pytest

from cls_poitiers.grammaire import Article
from cls_poitiers.models import Territoire
from tests.factories import ContratFactory, PopulationFactory, TerritoireFactory

from .factories import SourceFactory


@pytest.fixture
def perimetre(db):
    departement = TerritoireFactory(
        code="86", nom="Vienne", niveau=Territoire.Niveau.DEPARTEMENT, article=Article.LA
    )
    district = TerritoireFactory(
        code="district-test", nom="District test", niveau="district", parent=departement
    )
    ContratFactory(territoire=district, annee_diagnostic=1997)
    c1 = TerritoireFactory(code="86194", nom="Poitiers", parent=district, latitude="46.58", longitude="0.37")
    c2 = TerritoireFactory(
        code="86041", nom="Buxerolles", parent=district, latitude="46.60", longitude="0.36"
    )
    q = TerritoireFactory(
        code="QP086005", nom="Les Couronneries", niveau="quartier", parent=c1, prioritaire=True
    )
    PopulationFactory(territoire=c1, annee=1990, habitants=1000, logements=500)
    PopulationFactory(territoire=c2, annee=1990, habitants=2000, logements=800)
    PopulationFactory(territoire=q, annee=1990, habitants=400)
    PopulationFactory(territoire=departement, annee=1990, habitants=30000)
    return {"district": district, "c1": c1, "c2": c2, "q": q, "departement": departement}


@pytest.fixture
def source(db):
    return SourceFactory(code="police-test", libelle="Police (test)")
