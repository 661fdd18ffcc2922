"""The patterns of likely personal data in free text: what they find, and what they leave alone
(offices after a civil title, common nouns after a number, the date of a meeting)."""

import pytest

from cls_poitiers.donnees_personnelles import Nature, reperer


@pytest.mark.parametrize(
    ("texte", "nature", "extrait"),
    [
        ("Rencontre avec M. Dupont au foyer.", Nature.CIVILITE, "M. Dupont"),
        ("Mme Martin a porté plainte.", Nature.CIVILITE, "Mme Martin"),
        ("Monsieur Durand, gardien.", Nature.CIVILITE, "Monsieur Durand"),
        ("MME MARTIN", Nature.CIVILITE, "MME MARTIN"),
        ("Me Lefèvre, avocat du plaignant", Nature.CIVILITE, "Me Lefèvre"),
        ("Jeune homme né le 12/03/1985.", Nature.NAISSANCE, "né le 12/03/1985"),
        ("née le 12 mars 1985 à Poitiers", Nature.NAISSANCE, "née le 12 mars 1985"),
        ("Date de naissance : inconnue", Nature.NAISSANCE, "Date de naissance"),
        ("Domicilié 12 rue des Lilas.", Nature.ADRESSE, "12 rue des Lilas"),
        ("au 3 bis avenue de Nantes", Nature.ADRESSE, "3 bis avenue de Nantes"),
        ("12, boulevard du Grand Cerf", Nature.ADRESSE, "12, boulevard du Grand"),
        ("5 place du Marché", Nature.ADRESSE, "5 place du Marché"),
    ],
)
def test_patterns_find_what_looks_like_personal_data(texte, nature, extrait):
    assert [(r.nature, r.extrait) for r in reperer(texte)] == [(nature, extrait)]


@pytest.mark.parametrize(
    "texte",
    [
        "Réunion avec M. le Préfet et Mme la Procureure.",
        "Monsieur le Maire ouvre la séance ; M. Le Maire adjoint conclut.",
        "Mme la Sous-Préfète, M. L'adjoint au maire",
        "Une ruelle mal éclairée, la rue piétonne, 3 ruelles du centre.",
        "Comité de pilotage du 12/03/2026 à 14 h 30.",
        "En 1998, 36 ADS ; 2 places de stationnement ; 3 cours de soutien ; 1 chemin de randonnée.",
        "Le dispositif, donné le 12 mars aux partenaires.",
        "La DRAC et le MRAP, avec le MÉDIATEUR.",
        "",
    ],
)
def test_patterns_leave_offices_common_nouns_and_meeting_dates_alone(texte):
    assert reperer(texte) == []
