"""The dashboards' cache (observatoire/tableaux_de_bord/cache.py) and the data versions it is keyed by
(cls_poitiers/versions.py): results are reused while the data is unchanged, and never once a
change has committed; what differs between readers (detail level, filters, permissions,
user-specific panels) never leaks from one to another."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.urls import reverse

from cls_poitiers import versions
from cls_poitiers.models import Population, VersionDonnees
from observatoire.models import Donnee
from observatoire.tableaux_de_bord import cache

from .test_vues import chiffres  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TERRITOIRE = reverse("observatoire:territoire", kwargs={"code": "86194"})
ENSEMBLE = reverse("observatoire:tableau_de_bord")


@pytest.fixture
def cache_actif(settings):
    settings.CLS_CACHE_TABLEAUX = True
    caches[cache.ALIAS].clear()
    yield
    caches[cache.ALIAS].clear()


def _sans_signal(territoire, **valeurs):
    """A write the cache is not told about (raw SQL: no signal, no changer())."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE observatoire_donnee SET nombre = %s WHERE territoire_id = %s AND annee = %s",
            [valeurs["nombre"], territoire.pk, valeurs["annee"]],
        )


# Versions ----------------------------------------------------------------------------------------


def test_version_changes_once_per_committed_transaction(django_capture_on_commit_callbacks):
    assert versions.lire("essai") == 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        versions.changer("essai")
        versions.changer("essai")
        versions.changer("autre")
    assert versions.lire("essai") == 1
    assert versions.lire("autre") == 1
    with django_capture_on_commit_callbacks(execute=True):
        versions.changer("essai")
    assert versions.lire("essai") == 2


def test_version_is_not_changed_by_a_rolled_back_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                versions.changer("essai")
                raise RuntimeError
        except RuntimeError:
            pass
        # A change registered after a rolled-back savepoint is still counted.
        with transaction.atomic():
            try:
                with transaction.atomic():
                    versions.changer("essai")
                    raise RuntimeError
            except RuntimeError:
                pass
            versions.changer("essai")
    assert versions.lire("essai") == 1
    assert VersionDonnees.objects.get(cle="essai").version == 1


# Outside a test transaction: each write below really commits, and on_commit callbacks run then.
transactionnel = pytest.mark.django_db(transaction=True)


@transactionnel
def test_saving_a_watched_model_changes_the_observatory_version(donnees_de_reference, chiffres):  # noqa: F811
    avant = versions.lire(cache.CLE_VERSION)
    Population.objects.filter(territoire=chiffres["c1"]).first().save()
    assert versions.lire(cache.CLE_VERSION) == avant + 1
    Donnee.objects.filter(territoire=chiffres["c1"]).first().delete()
    assert versions.lire(cache.CLE_VERSION) == avant + 2
    with transaction.atomic():  # many rows, one transaction: one new version
        for population in Population.objects.all():
            population.save()
    assert versions.lire(cache.CLE_VERSION) == avant + 3


# Pages --------------------------------------------------------------------------------------------


@transactionnel
def test_a_page_is_computed_once_then_refreshed_after_a_committed_change(
    donnees_de_reference,
    chiffres,  # noqa: F811
    analyste,
    cache_actif,
    client_de,
):
    client = client_de(analyste)
    url = TERRITOIRE + "?annee=1998"
    assert "<td>40</td>" in client.get(url).content.decode()
    # A write nobody reports is not seen: the page comes from the cache…
    _sans_signal(chiffres["c1"], nombre=41, annee=1998)
    assert "<td>40</td>" in client.get(url).content.decode()
    # …nor is a change that is rolled back…
    with transaction.atomic():
        donnee = Donnee.objects.get(territoire=chiffres["c1"], annee=1998)
        donnee.nombre = 43
        donnee.save()
        transaction.set_rollback(True)
    assert "<td>40</td>" in client.get(url).content.decode()
    # …and once a change commits, every cached page of the observatory is recomputed.
    donnee = Donnee.objects.get(territoire=chiffres["c1"], annee=1998)
    donnee.nombre = 42
    donnee.save()
    page = client.get(url).content.decode()
    assert "<td>42</td>" in page and "<td>40</td>" not in page


@transactionnel
def test_an_import_changes_the_version_on_commit(donnees_de_reference, chiffres, tmp_path):  # noqa: F811
    from observatoire import services
    from observatoire.models import LotImport

    fichier = tmp_path / "chiffres.csv"
    fichier.write_text(
        "territoire;indicateur;periode;nombre\n86194;total-faits-constates;1999;7\n",
        encoding="utf-8",
    )
    lot = LotImport.objects.create(
        type=LotImport.Type.FIGURES, fichier_nom="chiffres.csv", source=Donnee.objects.first().source
    )
    services.executer_lot(lot=lot, chemin=fichier, appliquer=False)
    apercu = versions.lire(cache.CLE_VERSION)
    # The figures are written in bulk (no signal): the import itself reports the change.
    post_save.disconnect(
        dispatch_uid="observatoire.tableaux_de_bord.cache.observatoire.LotImport.save", sender=LotImport
    )
    try:
        rapport = services.executer_lot(lot=lot, chemin=fichier, appliquer=True)
    finally:
        cache.surveiller()
    assert not rapport.a_des_erreurs, rapport.en_dict()
    assert versions.lire(cache.CLE_VERSION) == apercu + 1
    assert Donnee.objects.filter(annee=1999).count() == 1


def test_detail_levels_never_share_a_cached_page(chiffres, partenaire, analyste, cache_actif, client_de):  # noqa: F811
    url = TERRITOIRE + "?annee=1997"
    assert "&lt; 5" not in client_de(analyste).get(url).content.decode()
    assert "&lt; 5" in client_de(partenaire).get(url).content.decode()
    assert "&lt; 5" not in client_de(analyste).get(url).content.decode()
    assert ";< 5;" in client_de(partenaire).get(url + "&export=territoire&format=csv").content.decode(
        "utf-8-sig"
    )


def test_filters_and_addresses_have_their_own_entries(chiffres, analyste, cache_actif, client_de):  # noqa: F811
    client = client_de(analyste)
    page_1997 = client.get(ENSEMBLE + "?annee=1997").content.decode()
    page_1998 = client.get(ENSEMBLE + "?annee=1998").content.decode()
    assert "année 1997" in page_1997 and "année 1998" in page_1998
    # Export links carry the page's own query string.
    assert "?annee=1998&amp;export=" in page_1998 and "?annee=1997&amp;export=" not in page_1998


def test_a_warm_cache_opens_nothing_to_roles_without_access(
    chiffres,  # noqa: F811
    analyste,
    sans_role,
    secretariat,
    cache_actif,
    client_de,
):
    for url in (
        ENSEMBLE,
        TERRITOIRE,
        reverse("observatoire:par_territoire"),
        reverse("observatoire:evolution"),
    ):
        assert client_de(analyste).get(url).status_code == 200
        assert client_de(sans_role).get(url).status_code == 403
        assert client_de(secretariat).get(url).status_code == 403


def test_user_specific_panels_are_not_cached_with_the_page(
    chiffres,  # noqa: F811
    coordination,
    partenaire,
    cache_actif,
    client_de,
):
    # A local group's meetings (GLTD) are shown on the territory's page to its members and the
    # coordination only: the panel is rendered for each reader, after the cached part.
    from cls_poitiers.models import Contrat
    from tests.comites.factories import ComiteFactory, ReunionFactory

    gltd = ComiteFactory(gltd=True, territoire=chiffres["c1"], contrat=Contrat.objects.get())
    ReunionFactory(comite=gltd, titre="Réunion restreinte du GLTD")
    assert "Réunion restreinte du GLTD" in client_de(coordination).get(TERRITOIRE).content.decode()
    assert "Réunion restreinte du GLTD" not in client_de(partenaire).get(TERRITOIRE).content.decode()
    assert "Réunion restreinte du GLTD" in client_de(coordination).get(TERRITOIRE).content.decode()


def test_the_cache_can_be_turned_off(chiffres, analyste, settings, client_de):  # noqa: F811
    settings.CLS_CACHE_TABLEAUX = False
    client = client_de(analyste)
    url = TERRITOIRE + "?annee=1998"
    assert "<td>40</td>" in client.get(url).content.decode()
    _sans_signal(chiffres["c1"], nombre=41, annee=1998)
    assert "<td>41</td>" in client.get(url).content.decode()
