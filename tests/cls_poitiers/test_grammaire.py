"""A territory's name after « de » and « à »: INSEE's article (TNCC) from the referential, or the
article read off a name the council typed."""

import pytest

from cls_poitiers import grammaire, referentiel
from cls_poitiers.grammaire import Article
from cls_poitiers.models import Territoire
from tests.cls_poitiers.test_referentiel import _commune, _paquet


@pytest.mark.parametrize(
    ("nom", "article", "de", "a"),
    [
        # Départements and régions: the referential's name has no article, the TNCC gives it.
        ("Vienne", Article.LA, "de la Vienne", "à la Vienne"),
        ("Calvados", Article.LE, "du Calvados", "au Calvados"),
        ("Deux-Sèvres", Article.LES, "des Deux-Sèvres", "aux Deux-Sèvres"),
        ("Ain", Article.L, "de l’Ain", "à l’Ain"),
        ("Ille-et-Vilaine", Article.VOYELLE, "d’Ille-et-Vilaine", "à Ille-et-Vilaine"),
        ("Île-de-France", Article.VOYELLE, "d’Île-de-France", "à Île-de-France"),
        ("Paris", Article.CONSONNE, "de Paris", "à Paris"),
        # Communes: the name carries its article; « de » and « à » contract with « le » and « les ».
        ("Le Mans", Article.LE, "du Mans", "au Mans"),
        ("Les Sables-d'Olonne", Article.LES, "des Sables-d'Olonne", "aux Sables-d'Olonne"),
        ("La Rochelle", Article.LA, "de La Rochelle", "à La Rochelle"),
        ("L'Haÿ-les-Roses", Article.L, "de L'Haÿ-les-Roses", "à L'Haÿ-les-Roses"),
        # The council's own territories: the article is read off the name.
        ("District de Poitiers", None, "du District de Poitiers", "au District de Poitiers"),
        ("Communauté urbaine de Bordeaux", None, "de la Communauté urbaine de Bordeaux", None),
        ("Agglomération de Pau", None, "de l’Agglomération de Pau", "à l’Agglomération de Pau"),
        ("Les Couronneries", None, "des Couronneries", "aux Couronneries"),
        ("Le Grand Poitiers", None, "du Grand Poitiers", "au Grand Poitiers"),
        ("Saint-Éloi", None, "de Saint-Éloi", "à Saint-Éloi"),
        ("Angers", None, "d’Angers", "à Angers"),
        ("Haguenau", Article.CONSONNE, "de Haguenau", "à Haguenau"),
        ("Hauteville", None, "de Hauteville", "à Hauteville"),
        ("Hameau des Vignes", None, "du Hameau des Vignes", "au Hameau des Vignes"),
        ("Hôpital de jour", None, "de l’Hôpital de jour", "à l’Hôpital de jour"),
        # A partner's or a committee's name.
        ("Préfecture de la Vienne", None, "de la Préfecture de la Vienne", None),
        ("Sous-préfecture de Châtellerault", None, "de la Sous-préfecture de Châtellerault", None),
        ("Parquet du tribunal de grande instance", None, "du Parquet du tribunal de grande instance", None),
        ("Inspection académique de la Vienne", None, "de l’Inspection académique de la Vienne", None),
        ("Habitat de la Vienne", None, "d’Habitat de la Vienne", None),
        ("Comité de pilotage du CLS", None, "du Comité de pilotage du CLS", None),
        ("Cellule de veille", None, "de la Cellule de veille", None),
    ],
)
def test_a_name_after_de_and_a(nom, article, de, a):
    assert grammaire.de(nom, article) == de
    if a is not None:
        assert grammaire.a(nom, article) == a


@pytest.mark.django_db
def test_the_referential_gives_each_territory_its_article_and_a_later_load_fills_it(tmp_path):
    dossier = _paquet(
        tmp_path,
        [dict(_commune("72181", "Le Mans", 145000, departement="72", region="52"), typeLiaison=2)],
        departements=[{"code": "72", "nom": "Sarthe", "region": "52", "typeLiaison": 3}],
        regions=[{"code": "52", "nom": "Pays de la Loire", "typeLiaison": 4}],
    )
    referentiel.charger(dossier)
    noms = {t.niveau: (t.de_nom, t.a_nom) for t in Territoire.objects.all()}
    assert noms == {
        "pays": ("de la France", "à la France"),
        "region": ("des Pays de la Loire", "aux Pays de la Loire"),
        "departement": ("de la Sarthe", "à la Sarthe"),
        "commune": ("du Mans", "au Mans"),
    }
    # A database loaded before the article was kept: the next load (every `migrate`) fills it.
    Territoire.objects.update(article=None)
    rapport = referentiel.charger(dossier)
    assert rapport.modifies == {"pays": 1, "region": 1, "departement": 1, "commune": 1}
    assert Territoire.objects.get(niveau="departement").de_nom == "de la Sarthe"
