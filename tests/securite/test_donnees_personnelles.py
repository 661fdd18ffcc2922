"""Data protection: a free text that looks like personal data (a name after a civil title, a date
of birth, a street address) is shown again with a warning and saved only once the person
confirms; the journal keeps the warning, never the text."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cls_poitiers.models import AlerteDonneesPersonnelles, Partenaire
from comites.forms import AvenantForm, CompteRenduForm, ReunionForm
from comites.models import Reunion
from observatoire.models import Declaration
from tests.comites.factories import ComiteFactory, ReunionFactory, a_paris
from tests.conftest import REQUETES_CONNEXION, lire_page
from tests.engagements.factories import EngagementFactory
from tests.factories import commune_du_contrat
from tests.observatoire.factories import IndicateurFactory

pytestmark = pytest.mark.django_db

ALERTE = "semble contenir des données nominatives"
CASE = "Je confirme que ce texte ne contient pas de données nominatives"


def test_clean_text_saves_with_no_box_and_no_journal_entry():
    form = CompteRenduForm({"texte": "Le comité a examiné le bilan avec M. le Préfet, 12 participants."})
    assert form.is_valid()
    assert form.CONFIRMATION not in form.fields
    assert not AlerteDonneesPersonnelles.objects.exists()


def test_a_meetings_address_may_be_a_street_address_but_not_a_name():
    comite = ComiteFactory()
    donnees = {"debut": "2030-06-10T14:00", "fin": "2030-06-10T17:00", "adresse": "12 rue des Lilas"}
    assert ReunionForm(donnees, comite=comite).is_valid()
    form = ReunionForm({**donnees, "adresse": "Chez Mme Martin"}, comite=comite)
    assert not form.is_valid()
    assert ALERTE in form.errors["adresse"][0]


def _alertes():
    return list(
        AlerteDonneesPersonnelles.objects.order_by("id").values_list(
            "utilisateur", "formulaire", "champ", "nature", "confirme"
        )
    )


def _sans_texte(*mots):
    """No text column of the journal holds any of `mots` (the text itself stays out of it). Ids
    and the timestamp are left out: "1985" may be a row's id or the microseconds of its date."""
    for alerte in AlerteDonneesPersonnelles.objects.values():
        textes = [valeur for valeur in alerte.values() if isinstance(valeur, str)]
        assert textes
        for valeur in textes:
            assert not any(mot in valeur for mot in mots)


def test_progress_report_with_a_name_is_saved_only_once_confirmed(partenaire, client_de):
    e = EngagementFactory(partenaire=partenaire.partenaire)
    client = client_de(partenaire)
    url = f"/engagements/engagement/{e.reference}/point/"
    donnees = {
        f"point-{e.reference}-date": timezone.localdate().isoformat(),
        f"point-{e.reference}-valeur": "3",
        f"point-{e.reference}-commentaire": "Entretien avec M. Dupont, 12 rue des Lilas.",
    }
    page = client.post(url, donnees)
    assert page.status_code == 400
    contenu = page.content.decode()
    assert "« Commentaire » semble contenir des données nominatives" in contenu
    assert "une civilité suivie d&#x27;un nom, une adresse postale" in contenu
    assert f'name="point-{e.reference}-confirmer_donnees_personnelles"' in contenu
    assert CASE in contenu
    assert not e.points.exists()

    response = client.post(url, {**donnees, f"point-{e.reference}-confirmer_donnees_personnelles": "on"})
    assert response.status_code == 302
    assert e.points.get().commentaire == "Entretien avec M. Dupont, 12 rue des Lilas."
    assert _alertes() == [
        (partenaire.pk, "engagements.PointEtapeForm", "Commentaire", "civilite", False),
        (partenaire.pk, "engagements.PointEtapeForm", "Commentaire", "adresse", False),
        (partenaire.pk, "engagements.PointEtapeForm", "Commentaire", "civilite", True),
        (partenaire.pk, "engagements.PointEtapeForm", "Commentaire", "adresse", True),
    ]
    _sans_texte("Dupont", "Lilas")


def test_cancellation_reason_with_a_name_is_saved_only_once_confirmed(secretariat, client_de):
    reunion = ReunionFactory(
        comite=ComiteFactory(secretaires=[secretariat]),
        debut=a_paris(2030, 3, 12, 14, 30),
        fin=a_paris(2030, 3, 12, 17),
    )
    client = client_de(secretariat)
    url = reverse("comites:reunion_annuler", args=[reunion.pk])
    motif = "Agression de Mme Martin la veille"
    page = client.post(url, {"motif": motif})
    assert page.status_code == 200
    assert "« Motif de l&#x27;annulation » semble contenir des données nominatives" in page.content.decode()
    assert Reunion.objects.get(pk=reunion.pk).statut == "brouillon"

    client.post(url, {"motif": motif, "confirmer_donnees_personnelles": "on"})
    reunion.refresh_from_db()
    assert (reunion.statut, reunion.motif_annulation) == ("annulee", motif)
    assert [a[1:] for a in _alertes()] == [
        ("comites.AnnulationForm", "Motif de l'annulation", "civilite", False),
        ("comites.AnnulationForm", "Motif de l'annulation", "civilite", True),
    ]
    _sans_texte("Martin")


def test_declaration_comment_with_a_birth_date_is_saved_only_once_confirmed(partenaire, client_de):
    partenaire.partenaire.nature = Partenaire.Nature.TRANSPORT
    partenaire.partenaire.save()
    IndicateurFactory(
        code="bus-degrades", nomenclature="partenaire", partenaire=partenaire.partenaire, unite="incident"
    )
    territoire = commune_du_contrat(code="86194", nom="Poitiers")
    client = client_de(partenaire)
    url = reverse("observatoire:declaration_nouvelle")
    donnees = {
        "territoire": territoire.pk,
        "annee": 1998,
        "mois": 3,
        "nombre_bus-degrades": 7,
        "commentaire": "Auteur mineur né le 12/03/1985",
    }
    page = client.post(url, donnees)
    assert "« Commentaire » semble contenir des données nominatives : une date de naissance" in (
        page.content.decode()
    )
    assert not Declaration.objects.exists()

    assert client.post(url, {**donnees, "confirmer_donnees_personnelles": "on"}).status_code == 302
    assert Declaration.objects.get().commentaire == "Auteur mineur né le 12/03/1985"
    assert [a[1:] for a in _alertes()] == [
        ("observatoire.DeclarationForm", "Commentaire", "naissance", False),
        ("observatoire.DeclarationForm", "Commentaire", "naissance", True),
    ]
    _sans_texte("1985")


def test_rewritten_text_saves_without_the_box(secretariat, client_de):
    reunion = ReunionFactory(comite=ComiteFactory(secretaires=[secretariat]), debut=a_paris(2030, 3, 12))
    client = client_de(secretariat)
    url = reverse("comites:reunion_annuler", args=[reunion.pk])
    client.post(url, {"motif": "Agression de Mme Martin"})
    client.post(url, {"motif": "Agression d'un agent la veille"})
    reunion.refresh_from_db()
    assert reunion.statut == "annulee"
    assert [a[-1] for a in _alertes()] == [False]


def test_journal_dates_each_alert(partenaire):
    AvenantForm({"texte": "Décision", "objet": "cloture", "description": "Pour Mme Martin"}).is_valid()
    alerte = AlerteDonneesPersonnelles.objects.get()
    assert alerte.champ == "Description du nouvel engagement"
    assert timezone.now() - alerte.cree_le < datetime.timedelta(minutes=1)
    assert alerte.utilisateur is None  # no request: a form used outside a page


def test_coordination_reads_the_alerts_in_the_journal_without_the_text(
    coordination, secretariat, client_de, django_assert_num_queries
):
    reunion = ReunionFactory(comite=ComiteFactory(secretaires=[secretariat]), debut=a_paris(2030, 3, 12))
    client_de(secretariat).post(
        reverse("comites:reunion_annuler", args=[reunion.pk]), {"motif": "Agression de Mme Martin"}
    )
    client = client_de(coordination)
    assert "journal/donnees-personnelles/" in client.get(reverse("journal")).content.decode()
    # Login, then the count of alerts, the header's organisation, the page of alerts with their accounts.
    with django_assert_num_queries(REQUETES_CONNEXION + 3):
        page = lire_page(
            client,
            reverse("journal_donnees_personnelles"),
            "comites.AnnulationForm",
            "Motif de l&#x27;annulation",
            "une civilité suivie d&#x27;un nom",
            secretariat.username,
        )
    assert "Martin" not in page


def test_meeting_title_with_a_name_is_scheduled_only_once_confirmed(secretariat, client_de):
    comite = ComiteFactory(secretaires=[secretariat])
    client = client_de(secretariat)
    url = reverse("comites:reunion_planifier", args=[comite.code])
    donnees = {"titre": "Cellule de veille : situation de M. Durand", "debut": "2030-06-10T14:00"}
    donnees["fin"] = "2030-06-10T17:00"
    assert ALERTE in client.post(url, donnees).content.decode()
    assert not Reunion.objects.exists()
    response = client.post(url, {**donnees, "confirmer_donnees_personnelles": "on"})
    assert response["Location"] == Reunion.objects.get(titre=donnees["titre"]).get_absolute_url()
