"""The national context of a figure (`observatoire.tableaux_de_bord.references`): a département,
a région and France each have a count, a denominator and a rate, from the source's published total
when there is one, else from the sum of the départemental totals (France counting the facts
attached to no département), else from the sum of the published communes with the share of the
population they cover; never a published total added to its parts. Ranks: a commune among the
communes of its INSEE population class, a département among the départements."""

import pytest

from cls_poitiers.models import Population, Territoire
from observatoire.imports.ssmsi import territoire_hors_departement
from observatoire.tableaux_de_bord import calculs, references
from tests.factories import PopulationFactory, TerritoireFactory

from .factories import DonneeFactory, IndicateurFactory, SourceFactory
from .referentiel_factice import charger_referentiel_factice

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(tmp_path):
    charger_referentiel_factice(tmp_path / "referentiel")
    t = {
        nom: Territoire.objects.get(niveau=niveau, code=code)
        for nom, niveau, code in [
            ("poitiers", "commune", "86194"),
            ("chatellerault", "commune", "86066"),
            ("paris", "commune", "75056"),
            ("vienne", "departement", "86"),
            ("dep_paris", "departement", "75"),
            ("na", "region", "75"),
            ("idf", "region", "11"),
            ("france", "pays", "FR"),
        ]
    }
    source = SourceFactory(code="ssmsi-test")
    indicateur = IndicateurFactory(code="coups-test", libelle="Coups (test)")
    for nom, habitants in [("poitiers", 90000), ("chatellerault", 30000), ("paris", 2000000)]:
        PopulationFactory(territoire=t[nom], annee=2022, habitants=habitants)
    return {**t, "source": source, "indicateur": indicateur}


def _donnee(n, nom, nombre, secret=False, annee=2024, taux=None):
    return DonneeFactory(
        source=n["source"],
        indicateur=n["indicateur"],
        territoire=n[nom],
        annee=annee,
        nombre=None if secret else nombre,
        secret=secret,
        taux_publie=taux,
    )


def _lire(n, *noms, annees=(2024,)):
    return references.References.lire(n["source"], [n[x] for x in noms], [n["indicateur"]], list(annees))


def test_a_departement_without_a_published_total_is_the_sum_of_its_published_communes(national):
    n = national
    _donnee(n, "poitiers", 900)
    _donnee(n, "chatellerault", 240)
    vienne = _lire(n, "vienne").de(n["vienne"], n["indicateur"], 2024)
    assert vienne.origine == references.COMMUNES
    assert vienne.chiffre.nombre == 1140
    assert vienne.chiffre.denominateur == 120000
    assert vienne.chiffre.taux == pytest.approx(9.5)
    assert vienne.complete
    assert "somme des communes publiées" in vienne.origine_texte()


def test_a_masked_commune_leaves_the_sum_partial_and_says_the_population_covered(national):
    n = national
    _donnee(n, "poitiers", 900)
    _donnee(n, "chatellerault", None, secret=True)
    vienne = _lire(n, "vienne").de(n["vienne"], n["indicateur"], 2024)
    assert vienne.chiffre.nombre == 900
    assert vienne.chiffre.denominateur == 90000  # the masked commune is out of both sides
    assert not vienne.complete
    assert vienne.couverture.part_population == pytest.approx(75)
    assert "1 commune sur 2, 75,0" in vienne.origine_texte()


def test_a_published_departemental_total_wins_and_is_never_added_to_its_communes(national):
    n = national
    _donnee(n, "poitiers", 900)
    _donnee(n, "chatellerault", None, secret=True)
    _donnee(n, "vienne", 4321)
    PopulationFactory(territoire=n["vienne"], annee=2022, habitants=438000)
    vienne = _lire(n, "vienne").de(n["vienne"], n["indicateur"], 2024)
    assert vienne.origine == references.PUBLIE
    assert vienne.chiffre.nombre == 4321
    assert vienne.chiffre.taux == pytest.approx(4321 / 438000 * 1000)
    assert vienne.complete
    assert vienne.origine_texte() == "total publié par la source"


def test_france_is_the_sum_of_the_departemental_totals_with_the_facts_attached_to_no_departement(national):
    n = national
    _donnee(n, "vienne", 4000)
    _donnee(n, "dep_paris", 30000)
    hors = territoire_hors_departement()
    DonneeFactory(source=n["source"], indicateur=n["indicateur"], territoire=hors, annee=2024, nombre=55)
    PopulationFactory(territoire=n["vienne"], annee=2022, habitants=440000)
    PopulationFactory(territoire=n["dep_paris"], annee=2022, habitants=2100000)
    lu = _lire(n, "na", "france")
    france = lu.de(n["france"], n["indicateur"], 2024)
    assert france.origine == references.DEPARTEMENTS
    assert france.chiffre.nombre == 34055
    assert france.chiffre.denominateur == 2540000  # the "NA" facts add no inhabitant
    assert france.complete
    region = lu.de(n["na"], n["indicateur"], 2024)
    assert region.origine == references.DEPARTEMENTS
    assert region.chiffre.nombre == 4000


def test_a_region_with_its_own_published_total_takes_it(national):
    n = national
    _donnee(n, "vienne", 4000)
    _donnee(n, "na", 98765)
    PopulationFactory(territoire=n["na"], annee=2022, habitants=6000000)
    region = _lire(n, "na").de(n["na"], n["indicateur"], 2024)
    assert region.origine == references.PUBLIE
    assert region.chiffre.nombre == 98765


def test_a_partial_sum_of_departemental_totals_says_what_it_misses(national):
    n = national
    _donnee(n, "vienne", 4000)
    PopulationFactory(territoire=n["vienne"], annee=2022, habitants=440000)
    PopulationFactory(territoire=n["dep_paris"], annee=2022, habitants=2100000)
    france = _lire(n, "france").de(n["france"], n["indicateur"], 2024)
    assert france.origine == references.DEPARTEMENTS
    assert not france.complete
    assert "1 département sur 2" in france.origine_texte()


def test_a_partial_sum_of_departemental_totals_is_one_note_that_says_no_ratio_is_computed(national):
    """France: the Vienne's total but none for Paris' département, and Paris' commune in the
    commune base. The page shows the partial départemental sum and says it takes no ratio; the
    communes' sum it replaces is no second, contradictory note."""
    from observatoire.tableaux_de_bord import national as contexte_national

    n = national
    _donnee(n, "vienne", 4000)
    _donnee(n, "paris", 30000)
    PopulationFactory(territoire=n["vienne"], annee=2022, habitants=440000)
    PopulationFactory(territoire=n["dep_paris"], annee=2022, habitants=2100000)
    lu = _lire(n, "france")
    france = lu.de(n["france"], n["indicateur"], 2024)
    assert france.origine == references.DEPARTEMENTS and not france.comparable
    assert contexte_national.notes_des_references(lu, [n["france"]]) == [
        "France : somme des totaux départementaux publiés (1 département sur 2, 17,3\u00a0% de la "
        "population) ; une somme partielle, à laquelle aucun rapport n'est calculé."
    ]


def test_a_partial_sum_of_departemental_totals_gives_no_share_of_an_unknown_population(national):
    """Paris has no population: the share of France's population the Vienne makes is unknown,
    never 100 % of the known part."""
    n = national
    _donnee(n, "vienne", 4000)
    PopulationFactory(territoire=n["vienne"], annee=2022, habitants=440000)
    france = _lire(n, "france").de(n["france"], n["indicateur"], 2024)
    assert not france.complete
    assert france.couverture.part_population is None
    assert france.origine_texte() == "somme des totaux départementaux publiés (1 département sur 2)"
    PopulationFactory(territoire=n["dep_paris"], annee=2022, habitants=2100000)
    france = _lire(n, "france").de(n["france"], n["indicateur"], 2024)
    assert france.couverture.part_population == pytest.approx(440000 / 2540000 * 100)


def _par_logements(n, indicateur, nombres: dict, reference: str) -> references.Reference:
    """The 2024 figures `nombres` (None: masked) of `indicateur`, and `reference`'s figure read."""
    for nom, nombre in nombres.items():
        DonneeFactory(
            source=n["source"],
            indicateur=indicateur,
            territoire=n[nom],
            annee=2024,
            nombre=nombre,
            secret=nombre is None,
        )
    lues = references.References.lire(n["source"], [n[reference]], [indicateur], [2024])
    return lues.de(n[reference], indicateur, 2024)


def test_the_share_covered_by_a_sum_over_communes_counted_per_dwelling_is_one_of_inhabitants(national):
    """Burglaries are counted per dwelling, but the note says a share of the population: it is
    the legal population's, never that of the dwellings."""
    n = national
    indicateur = IndicateurFactory(code="cambriolages-part", denominateur="logements")
    Population.objects.filter(territoire=n["poitiers"], annee=2022).update(logements=60000)
    Population.objects.filter(territoire=n["chatellerault"], annee=2022).update(logements=5000)
    vienne = _par_logements(n, indicateur, {"poitiers": 600, "chatellerault": None}, "vienne")
    assert vienne.chiffre.taux == pytest.approx(10)  # 600 on Poitiers' 60 000 dwellings
    poitiers, chatellerault = n["poitiers"].population_legale, n["chatellerault"].population_legale
    assert vienne.couverture.part_population == pytest.approx(poitiers / (poitiers + chatellerault) * 100)
    assert vienne.couverture.part_population != pytest.approx(60000 / 65000 * 100)
    n["chatellerault"].population_legale = None
    n["chatellerault"].save()
    vienne = references.References.lire(n["source"], [n["vienne"]], [indicateur], [2024])
    assert vienne.de(n["vienne"], indicateur, 2024).couverture.part_population is None


def test_the_share_covered_by_departemental_totals_counted_per_dwelling_is_one_of_inhabitants(national):
    n = national
    indicateur = IndicateurFactory(code="cambriolages-dep", denominateur="logements")
    PopulationFactory(territoire=n["vienne"], annee=2022, habitants=440000, logements=250000)
    PopulationFactory(territoire=n["dep_paris"], annee=2022, habitants=2100000, logements=1300000)
    france = _par_logements(n, indicateur, {"vienne": 2500, "dep_paris": None}, "france")
    assert france.chiffre.taux == pytest.approx(10)  # 2 500 on the Vienne's 250 000 dwellings
    assert france.couverture.part_population == pytest.approx(440000 / 2540000 * 100)


def test_the_references_of_a_commune_are_its_departement_region_and_france(national):
    n = national
    assert references.territoires_de_reference(n["chatellerault"]) == [n["vienne"], n["na"], n["france"]]
    assert references.territoires_de_reference(n["vienne"]) == [n["na"], n["france"]]
    assert references.territoires_de_reference(n["france"]) == []


@pytest.mark.parametrize(
    ("habitants", "libelle"),
    [
        (1999, "communes de moins de 2 000 habitants"),
        (2000, "communes de 2 000 à 4 999 habitants"),
        (89916, "communes de 50 000 à 99 999 habitants"),
        (100000, "communes de 100 000 habitants ou plus"),
    ],
)
def test_population_classes_are_the_insee_bands(habitants, libelle):
    assert references.libelle_classe(references.classe_de(habitants)).replace("\u202f", " ") == libelle


def test_a_commune_is_ranked_among_the_communes_of_its_population_class(national):
    n = national
    _donnee(n, "poitiers", 900)  # 10 ‰ on 90 000
    voisines = []
    for i, (habitants, nombre) in enumerate([(60000, 1200), (70000, 140), (55000, None), (3000, 300)]):
        commune = TerritoireFactory(code=f"99{i:03d}", nom=f"Voisine {i}", population_legale=habitants)
        PopulationFactory(territoire=commune, annee=2022, habitants=habitants)
        n[f"v{i}"] = commune
        _donnee(n, f"v{i}", nombre, secret=nombre is None)
        voisines.append(commune)
    chiffre = calculs.Chiffre.publie(900, calculs.Denominateur(90000, 2022), 2024)
    rang = references.rang_du_territoire(n["source"], n["indicateur"], 2024, n["poitiers"], chiffre)
    # Class 50 000–99 999: the first neighbour (20 ‰) above, Poitiers (10 ‰), the second (2 ‰);
    # the third is masked (not ranked), the fourth is in another class.
    assert (rang.rang, rang.classes, rang.masques) == (2, 3, 1)
    assert rang.centile == pytest.approx(200 / 3)
    assert rang.groupe.replace("\u202f", " ") == "communes de 50 000 à 99 999 habitants"


def test_the_published_rate_ranks_where_the_source_gave_one(national):
    n = national
    _donnee(n, "vienne", 4000, taux=12.5)
    _donnee(n, "dep_paris", 30000, taux=14.0)
    classement = references.Classement.lire(n["source"], n["indicateur"], 2024, "departement")
    assert [(r, pk) for r, pk, _t in classement.ordonne()] == [(1, n["dep_paris"].pk), (2, n["vienne"].pk)]


def test_ranks_counted_by_the_database_follow_the_rules_of_the_pages(national):
    """Several territories ranked in one query: a commune's monthly rows add up (no published
    rate then), a commune without legal population falls in the class of its inhabitants, a
    masked commune of another class is not counted among the masked of this one, equal rates
    share a rank."""
    n = national
    _donnee(n, "poitiers", 900)  # 10 ‰ on 90 000 (class 50 000–99 999)

    def commune(code, habitants, legale, *lignes):
        territoire = TerritoireFactory(code=code, nom=f"Commune {code}", population_legale=legale)
        PopulationFactory(territoire=territoire, annee=2022, habitants=habitants)
        for ligne in lignes:
            DonneeFactory(
                source=n["source"], indicateur=n["indicateur"], territoire=territoire, annee=2024, **ligne
            )
        return territoire

    # 600 on 60 000 over two months: 10 ‰, the published rate of a monthly row ignored.
    sans_legale = commune(
        "99100", 60000, None, *[{"mois": m, "nombre": 300, "taux_publie": 99} for m in (1, 2)]
    )
    # The published rate of its single yearly row counts.
    au_dessus = commune("99101", 80000, 80000, {"nombre": 100, "taux_publie": 25})
    masquee_ailleurs = commune("99102", 1500, 1500, {"nombre": None, "secret": True})
    _donnee(n, "chatellerault", 600)  # 20 ‰, class 20 000–49 999
    classe = references.classe_de(90000)
    classement = references.Classement.lire(n["source"], n["indicateur"], 2024, "commune")
    rangs = classement.rangs(
        [
            (n["poitiers"].pk, classe, 10.0, "a"),
            (sans_legale.pk, classe, 10.0, "a"),
            (n["chatellerault"].pk, references.classe_de(30000), 20.0, "b"),
            (n["paris"].pk, references.classe_de(2000000), None, "c"),  # no rate: no rank
        ]
    )
    assert (rangs[n["poitiers"].pk].rang, rangs[n["poitiers"].pk].classes) == (2, 3)
    assert (rangs[sans_legale.pk].rang, rangs[sans_legale.pk].classes) == (2, 3)
    assert rangs[n["poitiers"].pk].centile == pytest.approx(200 / 3)  # itself and its tie
    assert rangs[n["poitiers"].pk].masques == 0
    assert n["chatellerault"].pk not in rangs  # the only rate of its class: « 1 sur 1 » ranks nothing
    assert n["paris"].pk not in rangs
    ordre = classement.de_la_classe(classe).ordonne()
    assert [(r, pk) for r, pk, _t in ordre] == [
        (1, au_dessus.pk),
        (2, n["poitiers"].pk),
        (2, sans_legale.pk),
    ]
    assert [t for _r, _pk, t in ordre] == pytest.approx([25, 10, 10])
    petites = references.Classement.lire(
        n["source"], n["indicateur"], 2024, "commune", classe=references.classe_de(1500)
    )
    assert petites.ordonne() == []
    assert petites.rang(masquee_ailleurs.pk, "d") is None


def test_a_rank_by_dwellings_uses_the_nearest_millesime_of_dwellings(national):
    n = national
    indicateur = IndicateurFactory(code="cambriolages-test", denominateur="logements")
    PopulationFactory(territoire=n["vienne"], annee=2021, habitants=430000, logements="250000.5")
    PopulationFactory(territoire=n["dep_paris"], annee=2023, habitants=2100000, logements=1000000)
    PopulationFactory(territoire=n["dep_paris"], annee=2025, habitants=2100000, logements=10)
    for nom, nombre in [("vienne", 2000), ("dep_paris", 9000)]:
        DonneeFactory(source=n["source"], indicateur=indicateur, territoire=n[nom], annee=2024, nombre=nombre)
    ordre = references.Classement.lire(n["source"], indicateur, 2024, "departement").ordonne()
    # Paris: 9 000 on its 2023 dwellings (1 000 000), not those of 2025: 9 ‰; the Vienne 8 ‰.
    assert [(r, pk) for r, pk, _t in ordre] == [(1, n["dep_paris"].pk), (2, n["vienne"].pk)]
    assert ordre[1][2] == 2000 / float("250000.5") * 1000


def test_a_sum_over_only_the_communes_the_source_covers_is_not_the_departement(national):
    """A source with rows for one commune of the Vienne only (a local series): no figure of the
    Vienne is taken from it, and what it covers is kept to say so."""
    n = national
    _donnee(n, "poitiers", 900)
    lu = _lire(n, "vienne")
    assert lu.de(n["vienne"], n["indicateur"], 2024).chiffre.statut == calculs.VIDE
    incomplete = lu.incompletes[(n["vienne"].pk, n["indicateur"].pk, 2024)]
    assert not incomplete.comparable
    assert incomplete.couverture.parties == 2  # the referential's communes of the Vienne
    assert incomplete.couverture.part_population == pytest.approx(89916 / (89916 + 31003) * 100)
    assert "1 commune sur 2" in incomplete.origine_texte()


def test_a_partial_coverage_is_said_once_per_reference_whatever_the_indicators(national):
    """Indicators whose rows cover the Vienne's communes differently: one note for the Vienne,
    with the range of what they cover, not one per indicator."""
    from observatoire.tableaux_de_bord import national as contexte_national

    n = national
    _donnee(n, "poitiers", 900)
    autre = IndicateurFactory(code="autre-test")
    DonneeFactory(source=n["source"], indicateur=autre, territoire=n["poitiers"], annee=2024, nombre=40)
    lu = references.References.lire(n["source"], [n["vienne"]], [n["indicateur"], autre], [2024])
    assert len(lu.incompletes) == 2
    # The same coverage for both: said as it is.
    (note,) = contexte_national.notes_des_references(lu, [n["vienne"]])
    assert "(1 commune sur 2, 74,4" in note and "selon" not in note

    troisieme = IndicateurFactory(code="troisieme-test")
    DonneeFactory(
        source=n["source"], indicateur=troisieme, territoire=n["chatellerault"], annee=2024, nombre=7
    )
    lu = references.References.lire(n["source"], [n["vienne"]], [n["indicateur"], autre, troisieme], [2024])
    assert len(lu.incompletes) == 3
    (note,) = contexte_national.notes_des_references(lu, [n["vienne"]])
    assert note.startswith("Vienne : la source n'a de chiffres que pour une partie de ses communes (")
    assert "1 commune sur 2, de 25,6" in note and "à 74,4" in note and "selon l'indicateur" in note


def test_a_sum_over_communes_hides_from_partners_what_subtraction_would_reveal(national):
    """Vienne as the sum of Poitiers (seen by the partner) and Châtellerault: shown to a partner
    it would give Châtellerault's count by subtraction, so it is masked for them."""
    n = national
    _donnee(n, "poitiers", 900)
    _donnee(n, "chatellerault", 240)
    vienne = _lire(n, "vienne").de(n["vienne"], n["indicateur"], 2024)
    assert references.afficher(vienne, detail=True).nombre == 1140
    assert references.afficher(vienne, detail=False).nombre == 1140  # nothing known of its parts
    masque = references.afficher(vienne, detail=False, connu=(900, 1))
    assert masque.masque and masque.nombre is None and masque.taux is None
    # Two other communes whose sum reaches the threshold: shown.
    assert not references.afficher(vienne, detail=False, connu=(0, 0)).masque


def test_the_references_kept_in_the_cache_carry_no_outline(national):
    """The references are cached for every page of the département's communes: France's outline
    (here a square of 20 000 points) is not pickled with them, and is still read when asked for."""
    import pickle

    n = national
    cote = [[x / 5000, 0.0] for x in range(5000)] + [[1.0, y / 5000] for y in range(5000)]
    cote += [[1 - x / 5000, 1.0] for x in range(5000)] + [[0.0, 1 - y / 5000] for y in range(5000)]
    n["france"].contour = {"type": "Polygon", "coordinates": [cote + [cote[0]]]}
    n["france"].save()
    _donnee(n, "france", 5000)
    lues = _lire(n, "vienne", "france")
    assert lues.de(n["france"], n["indicateur"], 2024).chiffre.nombre == 5000
    assert len(pickle.dumps(lues)) < 20_000  # the outline alone pickles to some 400 kB
    gardee = pickle.loads(pickle.dumps(lues)).de(n["france"], n["indicateur"], 2024).territoire
    assert gardee.nom == "France" and gardee.contour["type"] == "Polygon"
    assert n["france"].contour["type"] == "Polygon"  # the caller's territory keeps its outline


@pytest.fixture
def polynesie(national):
    """An overseas collectivity as the referential has it: a département and a région of its
    own (code 987), one commune with a large population, and no figure in any base."""
    n = national
    region = TerritoireFactory(code="987", nom="Polynésie française", niveau="region", parent=n["france"])
    departement = TerritoireFactory(
        code="987", nom="Polynésie française", niveau="departement", parent=region, region=region
    )
    TerritoireFactory(
        code="98735",
        nom="Papeete",
        parent=departement,
        departement=departement,
        region=region,
        population_legale=300000,
    )
    return departement


def test_france_adds_up_its_departements_not_the_overseas_collectivities(national, polynesie):
    """The national bases cover metropolitan France and the overseas départements: with the
    Vienne's and Paris' totals, France's sum is complete (it takes a ratio), whatever the
    collectivities without figures."""
    n = national
    _donnee(n, "vienne", 4000)
    _donnee(n, "dep_paris", 30000)
    france = _lire(n, "france").de(n["france"], n["indicateur"], 2024)
    assert france.origine == references.DEPARTEMENTS and france.chiffre.nombre == 34000
    assert france.complete and france.couverture is None
    # France's page adds up the same départements.
    from observatoire.tableaux_de_bord import pages

    assert polynesie not in pages.parties_du_territoire(n["france"])
    assert n["vienne"] in pages.parties_du_territoire(n["france"])


def test_france_as_the_sum_of_its_communes_leaves_out_those_of_the_overseas_collectivities(
    national, polynesie
):
    n = national
    for nom, nombre in [("poitiers", 900), ("chatellerault", 300), ("paris", 25000)]:
        _donnee(n, nom, nombre)
    france = _lire(n, "france").de(n["france"], n["indicateur"], 2024)
    assert france.origine == references.COMMUNES and france.chiffre.nombre == 26200
    assert france.couvre_tout  # Papeete (300 000 inhabitants, no figure) is not missing from it


def test_a_percentile_is_shown_and_exported_to_the_unit_rounded_half_up():
    """1 of 8 at most its rate: 12,5 %, shown and exported as 13, as every figure is rounded."""
    rang = references.Rang(rang=8, classes=8, centile=12.5, groupe="communes")
    assert (rang.centile_entier, rang.centile_texte()) == (13, "13")
    assert references.Rang(rang=1, classes=3, centile=100.0, groupe="communes").centile_texte() == "100"


def test_france_as_the_sum_of_its_communes_is_read_in_six_queries(national, django_assert_num_queries):
    """No total of its own nor any départemental total: France's figure is the sum of its
    communes, read in six queries whatever the base's size (its own totals; the départements and
    their totals; the communes' figures, the overseas collectivities read once, the referential's
    communes)."""
    for nom, nombre in [("poitiers", 700), ("chatellerault", 321), ("paris", 987)]:
        _donnee(national, nom, nombre)
    with django_assert_num_queries(6):
        lues = _lire(national, "france")
    assert lues.de(national["france"], national["indicateur"], 2024).chiffre.nombre == 700 + 321 + 987
