"""Setting up a council without code: the one-time link, the journey's steps in the browser's
forms, and `creer_contrat`, on a small referential (Châtellerault, its EPCI, the Vienne)."""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cls_poitiers import referentiel
from cls_poitiers.mise_en_place import services
from cls_poitiers.models import Contrat, JetonMiseEnPlace, Partenaire, Priorite, Territoire, Utilisateur
from comites.models import Comite

MOT_DE_PASSE = "un-mot-de-passe-choisi-2026"


def _commune(code, nom, population, departement="86"):
    return {
        "code": code,
        "nom": nom,
        "type": "commune-actuelle",
        "departement": departement,
        "region": "75",
        "population": population,
    }


def charger_petit_referentiel(dossier):
    """Châtellerault, Naintré (both in CA Grand Châtellerault), Poitiers, two communes named alike,
    the Vienne, the Deux-Sèvres and Nouvelle-Aquitaine."""
    (dossier / "data").mkdir(parents=True, exist_ok=True)
    (dossier / "package.json").write_text(json.dumps({"version": "6.0.0"}), encoding="utf-8")
    fichiers = {
        "regions.json": [{"code": "75", "nom": "Nouvelle-Aquitaine", "typeLiaison": 3}],
        "departements.json": [
            {"code": "86", "nom": "Vienne", "region": "75", "typeLiaison": 3},
            {"code": "79", "nom": "Deux-Sèvres", "region": "75", "typeLiaison": 4},
        ],
        "communes.json": [
            _commune("86066", "Châtellerault", 31003),
            _commune("86174", "Naintré", 5964),
            _commune("86194", "Poitiers", 89916),
            _commune("86100", "Saint-Genest", 1000),
            _commune("79250", "Saint-Genest", 800, departement="79"),
        ],
        "epci.json": [
            {
                "code": "248600413",
                "nom": "CA Grand Châtellerault",
                "membres": [{"code": "86066"}, {"code": "86174"}],
            }
        ],
    }
    for nom, contenu in fichiers.items():
        (dossier / "data" / nom).write_text(json.dumps(contenu), encoding="utf-8")
    referentiel.charger(dossier)


@pytest.fixture
def petit_referentiel(db, tmp_path):
    charger_petit_referentiel(tmp_path / "referentiel")


def _jeton():
    return services.creer_jeton()


COORDINATION = {
    "identifiant": "coord-chatellerault",
    "prenom": "Claire",
    "nom": "Martin",
    "email": "claire.martin@example.org",
    "organisation": "Ville de Châtellerault",
    "nature": "collectivite",
    "mot_de_passe": MOT_DE_PASSE,
    "mot_de_passe_confirmation": MOT_DE_PASSE,
}

CONSEIL = {
    "nature": "clspd",
    "perimetre": "86066",
    "nom_conseil": "",
    "titre": "",
    "date_signature": "2026-01-15",
    "date_debut": "2026-01-15",
    "date_fin": "",
    "annee_diagnostic": "",
}


def _coordination_connectee(client):
    reponse = client.post(reverse("mise_en_place:compte", kwargs={"jeton": _jeton()}), COORDINATION)
    assert reponse.status_code == 302
    return reponse


# The command and the link ------------------------------------------------------------------------


@pytest.mark.django_db
def test_mise_en_place_prints_a_one_time_link_and_stores_only_its_hash(settings):
    settings.CLS_ADRESSE_PUBLIQUE = "https://cls.example.org/"
    sortie = StringIO()
    call_command("mise_en_place", stdout=sortie)
    lien = next(ligne for ligne in sortie.getvalue().splitlines() if ligne.startswith("https://"))
    jeton = lien.rstrip("/").rsplit("/", 1)[1]
    stocke = JetonMiseEnPlace.objects.get()
    assert lien.startswith("https://cls.example.org/mise-en-place/")
    assert stocke.empreinte == services.empreinte(jeton) != jeton
    assert (
        timezone.now() + datetime.timedelta(hours=23)
        < stocke.expire_le
        <= timezone.now() + datetime.timedelta(hours=24)
    )
    assert "24 heures" in sortie.getvalue()


@pytest.mark.django_db
def test_mise_en_place_with_a_contract_refuses_in_french_and_creates_nothing(petit_referentiel):
    call_command("creer_contrat", "--commune", "86066", "--debut", "2026-01-01", stdout=StringIO())
    with pytest.raises(CommandError, match="déjà un contrat"):
        call_command("mise_en_place", stdout=StringIO())
    assert not JetonMiseEnPlace.objects.exists()


@pytest.mark.django_db
def test_the_link_creates_the_coordination_once_and_a_second_use_is_refused(petit_referentiel):
    jeton = _jeton()
    url = reverse("mise_en_place:compte", kwargs={"jeton": jeton})
    client = Client()
    assert "Étape 1 sur 8" in client.get(url).content.decode()
    reponse = client.post(url, COORDINATION)
    assert reponse.status_code == 302 and reponse["Location"] == reverse(
        "mise_en_place:etape", kwargs={"cle": "conseil"}
    )
    claire = Utilisateur.objects.get(username="coord-chatellerault")
    assert claire.check_password(MOT_DE_PASSE) and claire.roles == {"Coordination"}
    assert claire.partenaire.nom == "Ville de Châtellerault"
    assert JetonMiseEnPlace.objects.get().utilise_le is not None

    autre = Client()
    deuxieme = autre.post(url, {**COORDINATION, "identifiant": "intrus", "email": "intrus@example.org"})
    assert deuxieme.status_code == 400
    assert "déjà servi ou il a expiré" in deuxieme.content.decode()
    assert not Utilisateur.objects.filter(username="intrus").exists()


@pytest.mark.django_db
def test_an_expired_link_is_refused_and_creates_nothing(petit_referentiel):
    jeton = _jeton()
    JetonMiseEnPlace.objects.update(expire_le=timezone.now() - datetime.timedelta(minutes=1))
    reponse = Client().post(reverse("mise_en_place:compte", kwargs={"jeton": jeton}), COORDINATION)
    assert reponse.status_code == 400 and "expiré" in reponse.content.decode()
    assert not Utilisateur.objects.exists() and not Partenaire.objects.exists()


@pytest.mark.django_db
def test_the_journey_needs_the_coordination_role(petit_referentiel, partenaire):
    client = Client()
    client.force_login(partenaire)
    assert client.get(reverse("mise_en_place:suite")).status_code == 404
    assert client.get(reverse("mise_en_place:etape", kwargs={"cle": "conseil"})).status_code == 403
    assert Client().get(reverse("mise_en_place:suite")).status_code == 404


# The steps ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_council_step_takes_the_commune_from_the_referential_and_proposes_name_and_end(petit_referentiel):
    client = Client()
    _coordination_connectee(client)
    url = reverse("mise_en_place:etape", kwargs={"cle": "conseil"})
    assert "Étape 2 sur 8" in client.get(url).content.decode()
    reponse = client.post(url, {**CONSEIL, "perimetre": "chatellerault"})
    assert reponse.status_code == 302
    contrat = Contrat.objects.get()
    assert (contrat.nom_conseil, contrat.titre, contrat.nature) == ("CLSPD de Châtellerault",) * 2 + (
        "clspd",
    )
    assert contrat.territoire == Territoire.objects.get(niveau="commune", code="86066")
    assert contrat.territoire.parent.nom == "Vienne"
    assert (contrat.date_debut, contrat.date_fin) == (datetime.date(2026, 1, 15), datetime.date(2029, 1, 14))
    assert contrat.annee_diagnostic == 2025
    # /mise-en-place/ takes the set-up up again at the first unfinished step.
    assert client.get(reverse("mise_en_place:suite"))["Location"].endswith("/etape/quartiers/")
    # Revisiting shows what was saved.
    assert 'value="CLSPD de Châtellerault"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_epci_brings_its_communes_under_it_and_several_communes_make_a_district(petit_referentiel):
    client = Client()
    _coordination_connectee(client)
    url = reverse("mise_en_place:etape", kwargs={"cle": "conseil"})
    client.post(url, {**CONSEIL, "nature": "cispd", "perimetre": "CA Grand Châtellerault"})
    contrat = Contrat.objects.get()
    assert contrat.territoire.code == "248600413" and contrat.nom_conseil == "CISPD de CA Grand Châtellerault"
    assert set(
        Territoire.objects.du_contrat(contrat).filter(niveau="commune").values_list("code", flat=True)
    ) == {
        "86066",
        "86174",
    }
    client.post(
        url,
        {**CONSEIL, "nature": "cispd", "perimetre": "86066, Naintré", "nom_conseil": "CISPD du Nord Vienne"},
    )
    contrat.refresh_from_db()
    assert contrat.territoire.niveau == "district" and contrat.territoire.population_legale == 31003 + 5964
    assert set(contrat.territoire.enfants.values_list("code", flat=True)) == {"86066", "86174"}
    # Back to one commune: the other one returns under its département.
    client.post(url, {**CONSEIL, "perimetre": "86066"})
    contrat.refresh_from_db()
    assert contrat.territoire.code == "86066"
    assert set(
        Territoire.objects.filter(code__in=["86066", "86174"]).values_list("parent__nom", flat=True)
    ) == {"Vienne"}


@pytest.mark.django_db
def test_an_ambiguous_name_asks_which_one_and_an_unknown_code_is_refused(petit_referentiel):
    client = Client()
    _coordination_connectee(client)
    url = reverse("mise_en_place:etape", kwargs={"cle": "conseil"})
    page = client.post(url, {**CONSEIL, "perimetre": "saint genest"}).content.decode()
    assert "plusieurs territoires" in page and "Deux-Sèvres" in page and 'type="radio"' in page
    assert not Contrat.objects.exists()
    client.post(url, {**CONSEIL, "perimetre": "saint genest", "precision": "0:commune-79250"})
    assert Contrat.objects.get().territoire.code == "79250"

    Contrat.objects.all().delete()
    for inconnu in ("99999", "123456789", "Atlantide"):
        page = client.post(url, {**CONSEIL, "perimetre": inconnu}).content.decode()
        assert "aucune commune ni intercommunalité du référentiel" in page
    assert not Contrat.objects.exists()


def _formset(prefixe, lignes, initiales=0):
    from cls_poitiers.mise_en_place.forms import donnees_de_lignes

    donnees = donnees_de_lignes(prefixe, lignes)
    donnees[f"{prefixe}-INITIAL_FORMS"] = str(initiales)
    return donnees


@pytest.mark.django_db
def test_steps_save_quartiers_partners_priorities_accounts_and_instances(petit_referentiel, envoi):
    client = Client()
    _coordination_connectee(client)
    client.post(reverse("mise_en_place:etape", kwargs={"cle": "conseil"}), CONSEIL)
    contrat = Contrat.objects.get()

    def poster(cle, lignes, **kw):
        return client.post(reverse("mise_en_place:etape", kwargs={"cle": cle}), _formset(cle, lignes, **kw))

    poster(
        "quartiers",
        [
            {"code": "QP086001", "nom": "Lac Renardières Ozon", "commune": "86066"},
            {"code": "", "nom": "Les Minimes", "commune": "86066"},
        ],
    )
    quartiers = Territoire.objects.quartiers().prioritaires()
    assert set(quartiers.values_list("nom", "parent__code")) == {
        ("Lac Renardières Ozon", "86066"),
        ("Les Minimes", "86066"),
    }

    page = client.get(reverse("mise_en_place:etape", kwargs={"cle": "partenaires"})).content.decode()
    assert "Préfecture de la Vienne" in page and "Parquet du tribunal judiciaire" in page
    assert "Conseil départemental de la Vienne" in page and "DASEN" in page
    poster(
        "partenaires",
        [
            {"retenu": True, "nom": "Préfecture de la Vienne", "sigle": "Préfet", "nature": "etat"},
            {"retenu": False, "nom": "Gendarmerie nationale", "sigle": "", "nature": "etat"},
            {"retenu": True, "nom": "Habitat de la Vienne", "sigle": "", "nature": "logement"},
        ],
    )
    assert set(Partenaire.objects.values_list("nom", flat=True)) == {
        "Ville de Châtellerault",
        "Préfecture de la Vienne",
        "Habitat de la Vienne",
    }

    assert (
        "Les jeunes exposés"
        in client.get(
            reverse("mise_en_place:etape", kwargs={"cle": "priorites"}) + "?axes=1"
        ).content.decode()
    )
    poster("priorites", [{"titre": "Jeunes"}, {"titre": "Victimes"}, {"titre": "Tranquillité"}])
    assert list(Priorite.objects.values_list("numero", "titre")) == [
        (1, "Jeunes"),
        (2, "Victimes"),
        (3, "Tranquillité"),
    ]

    with envoi():
        poster(
            "comptes",
            [
                {
                    "prenom": "Paul",
                    "nom": "Durand",
                    "email": "paul@example.org",
                    "partenaire": "Habitat de la Vienne",
                    "role": "Partenaire",
                },
                {
                    "prenom": "Sam",
                    "nom": "Roux",
                    "email": "sam@example.org",
                    "partenaire": "Ville de Châtellerault",
                    "role": "Secrétariat",
                },
            ],
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["paul@example.org", "sam@example.org"]
    assert all("/compte/invitation/" in m.body for m in mail.outbox)
    assert not Utilisateur.objects.get(email="paul@example.org").has_usable_password()

    page = client.get(reverse("mise_en_place:etape", kwargs={"cle": "instances"})).content.decode()
    assert "Étape 7 sur 8" in page and "Assemblée plénière" in page and "Cellule de veille" in page
    reponse = poster(
        "instances",
        [
            {
                "nom": "Assemblée plénière",
                "type": "pleniere",
                "rythme": "annuel",
                "membres": ["Préfecture de la Vienne", "Habitat de la Vienne"],
                "secretaires": ["sam@example.org"],
            },
            {"nom": "Cellule de veille", "type": "veille", "rythme": "besoin", "confidentiel": True},
        ],
    )
    assert reponse["Location"] == reverse("mise_en_place:termine")
    pleniere = Comite.objects.get(type="pleniere")
    assert (pleniere.rythme, pleniere.confidentiel, pleniere.contrat) == ("annuel", False, contrat)
    assert set(pleniere.membres.values_list("partenaire__nom", flat=True)) == {
        "Préfecture de la Vienne",
        "Habitat de la Vienne",
    }
    assert list(pleniere.secretaires.values_list("email", flat=True)) == ["sam@example.org"]
    assert Comite.objects.get(type="veille").confidentiel
    page = client.get(reverse("mise_en_place:termine")).content.decode()
    assert "CLSPD de Châtellerault est en place" in page and "Étape 8 sur 8" in page


@pytest.mark.django_db
def test_an_instance_without_rhythm_and_an_account_without_organisation_are_refused(petit_referentiel, envoi):
    client = Client()
    _coordination_connectee(client)
    client.post(reverse("mise_en_place:etape", kwargs={"cle": "conseil"}), CONSEIL)
    with envoi():
        page = client.post(
            reverse("mise_en_place:etape", kwargs={"cle": "comptes"}),
            _formset(
                "comptes",
                [
                    {
                        "prenom": "Ana",
                        "nom": "Lopez",
                        "email": "ana@example.org",
                        "partenaire": "Ville de Châtellerault",
                        "role": "Partenaire",
                    },
                    {
                        "prenom": "Paul",
                        "nom": "Durand",
                        "email": "paul@example.org",
                        "partenaire": "",
                        "role": "Partenaire",
                    },
                ],
            ),
        ).content.decode()
    assert "Un compte doit appartenir à une organisation partenaire." in page
    assert not Utilisateur.objects.filter(email__in=["ana@example.org", "paul@example.org"]).exists()
    assert mail.outbox == []

    page = client.post(
        reverse("mise_en_place:etape", kwargs={"cle": "instances"}),
        _formset("instances", [{"nom": "Plénière", "type": "pleniere", "rythme": ""}]),
    ).content.decode()
    assert "Choisissez le rythme de l&#x27;instance" in page
    assert not Comite.objects.exists()


# creer_contrat ------------------------------------------------------------------------------------


def _fichier(tmp_path, **changements):
    description = {
        "conseil": {
            "nature": "clspd",
            "nom_conseil": "CLSPD de Châtellerault",
            "perimetre": "86066",
            "date_signature": "2026-01-01",
            "date_debut": "2026-01-01",
            "date_fin": "2028-12-31",
        },
        "coordination": {
            "prenom": "Claire",
            "nom": "Martin",
            "email": "claire@example.org",
            "organisation": "Ville de Châtellerault",
        },
        "quartiers": [{"code": "QP086001", "nom": "Lac Renardières Ozon", "commune": "86066"}],
        "partenaires": [{"nom": "Préfecture de la Vienne", "sigle": "Préfet", "nature": "etat"}],
        "priorites": [{"titre": "Jeunes"}, {"titre": "Victimes"}],
        "comptes": [
            {
                "prenom": "Sam",
                "nom": "Roux",
                "email": "sam@example.org",
                "partenaire": "Ville de Châtellerault",
                "role": "Secrétariat",
            }
        ],
        "instances": [
            {
                "nom": "Assemblée plénière",
                "type": "pleniere",
                "rythme": "annuel",
                "membres": ["Préfecture de la Vienne"],
                "secretaires": ["sam@example.org"],
            }
        ],
        **changements,
    }
    chemin = tmp_path / "conseil.json"
    chemin.write_text(json.dumps(description), encoding="utf-8")
    return str(chemin)


def _comptes():
    return {
        "contrats": Contrat.objects.count(),
        "territoires": Territoire.objects.count(),
        "partenaires": Partenaire.objects.count(),
        "priorites": Priorite.objects.count(),
        "utilisateurs": Utilisateur.objects.count(),
        "comites": Comite.objects.count(),
    }


@pytest.mark.django_db
def test_creer_contrat_from_a_file_sets_up_the_council_and_again_changes_nothing(
    petit_referentiel, tmp_path, envoi
):
    fichier = _fichier(tmp_path)
    with envoi():
        call_command("creer_contrat", "--fichier", fichier, stdout=StringIO())
    contrat = Contrat.objects.get()
    assert (contrat.nom_conseil, contrat.territoire.code, contrat.date_fin) == (
        "CLSPD de Châtellerault",
        "86066",
        datetime.date(2028, 12, 31),
    )
    assert Utilisateur.objects.get(email="claire@example.org").roles == {"Coordination"}
    assert Comite.objects.get().secretaires.get().email == "sam@example.org"
    assert len(mail.outbox) == 2
    avant = _comptes()
    with envoi():
        call_command("creer_contrat", "--fichier", fichier, stdout=StringIO())
    assert _comptes() == avant and len(mail.outbox) == 2


@pytest.mark.django_db
def test_creer_contrat_with_arguments(petit_referentiel):
    call_command(
        "creer_contrat",
        "--nature",
        "clspd",
        "--nom",
        "CLSPD de Châtellerault",
        "--commune",
        "86066",
        "--debut",
        "2026-01-01",
        "--fin",
        "2028-12-31",
        "--coordination-courriel",
        "claire@example.org",
        stdout=StringIO(),
    )
    contrat = Contrat.objects.get()
    assert (
        contrat.territoire.nom == "Châtellerault"
        and Group.objects.get(name="Coordination").user_set.get().email == "claire@example.org"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("perimetre", ["99999", "123456789"])
def test_creer_contrat_with_an_unknown_commune_or_epci_refuses_in_french_and_creates_nothing(
    petit_referentiel, tmp_path, perimetre
):
    avant = _comptes()
    with pytest.raises(CommandError, match="aucune commune ni intercommunalité"):
        call_command(
            "creer_contrat",
            "--fichier",
            _fichier(
                tmp_path, conseil={"nature": "clspd", "perimetre": perimetre, "date_signature": "2026-01-01"}
            ),
            stdout=StringIO(),
        )
    assert _comptes() == avant


@pytest.mark.django_db
def test_two_overlapping_contracts_of_the_same_council_are_refused(petit_referentiel, tmp_path):
    call_command("creer_contrat", "--fichier", _fichier(tmp_path), stdout=StringIO())
    avant = _comptes()
    chevauchant = {
        "nature": "strategie",
        "nom_conseil": "Stratégie de Châtellerault",
        "perimetre": "86066",
        "date_signature": "2027-06-01",
    }
    with pytest.raises(CommandError, match="chevauchent"):
        call_command("creer_contrat", "--fichier", _fichier(tmp_path, conseil=chevauchant), stdout=StringIO())
    assert _comptes() == avant
    # A later instance of the same error in a bad row: nothing of the file is kept.
    with pytest.raises(CommandError, match="rythme"):
        call_command(
            "creer_contrat",
            "--fichier",
            _fichier(
                tmp_path,
                conseil={**chevauchant, "date_signature": "2029-01-01"},
                instances=[{"nom": "X", "type": "pleniere"}],
            ),
            stdout=StringIO(),
        )
    assert _comptes() == avant


@pytest.mark.django_db
def test_the_council_step_refuses_an_overlapping_second_contract(petit_referentiel):
    from cls_poitiers.mise_en_place import etapes

    call_command("creer_contrat", "--commune", "86066", "--debut", "2026-01-01", stdout=StringIO())
    formulaire = etapes.CONSEIL.formulaire(
        None, {**CONSEIL, "date_signature": "2027-01-01", "date_debut": "2027-01-01"}
    )
    assert formulaire.is_valid()
    with pytest.raises(Exception, match="chevauchent"):
        etapes.CONSEIL.enregistrer(None, formulaire)
    assert Contrat.objects.count() == 1


@pytest.mark.django_db
def test_the_home_page_of_a_platform_without_contract_says_how_to_set_it_up(petit_referentiel, coordination):
    client = Client()
    client.force_login(coordination)
    page = client.get(reverse("accueil")).content.decode()
    assert "pas encore mise en place" in page and "manage.py mise_en_place" in page
    assert reverse("mise_en_place:suite") in page


@pytest.mark.django_db
def test_creer_contrat_help_documents_the_file_and_an_epci_by_siren_is_taken(petit_referentiel, capsys):
    with pytest.raises(SystemExit):
        call_command("creer_contrat", "--help")
    aide = capsys.readouterr().out
    assert "--fichier" in aide and '"instances"' in aide and "Relancer le même fichier ne change rien" in aide
    call_command(
        "creer_contrat",
        "--nature",
        "cispd",
        "--epci",
        "248600413",
        "--debut",
        "2026-01-01",
        stdout=StringIO(),
    )
    contrat = Contrat.objects.get()
    assert (contrat.territoire.niveau, contrat.nom_conseil) == ("epci", "CISPD de CA Grand Châtellerault")
    assert contrat.date_fin == datetime.date(2028, 12, 31)
