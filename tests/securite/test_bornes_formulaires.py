"""Property-based tests (hypothesis) of the public forms: arbitrary strings and numbers posted into
a progress report, a commitment, a meeting (planned or urgent), minutes, a decision, an amendment
and a partner's declaration never give a server error. The form is valid or says what is
wrong; the test client re-raises any exception a view lets through, so a 500 fails the test."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cls_poitiers.limites import COMPTE_RENDU_MAX
from cls_poitiers.models import Partenaire
from comites import services as comites_services
from tests.comites.factories import ComiteFactory, MembreFactory, ReunionFactory
from tests.engagements.factories import ActionFactory, EngagementFactory
from tests.observatoire.factories import IndicateurFactory

# What a tester types: numbers of every size and shape, dates out of range, long or odd texts.
BORDS = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "-9999999999.99",
    "9999999999.99",
    "2147483648",
    "1000000000000",
    "1e308",
    "-1e-308",
    "NaN",
    "Infinity",
    "1,5",
    "1 234,56",
    "0001-01-01",
    "1900-01-01",
    "9999-12-31",
    "99999-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2027-02-30T10:00",
    "2027-03-01T10:00",
    "2032-03-01T10:00",
    "\x00",
    "<script>alert(1)</script>",
    "=SUM(A1:A2)",
    "x" * 25_000,
]
valeurs = st.one_of(
    st.sampled_from(BORDS),
    st.text(max_size=40),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    st.datetimes(min_value=datetime.datetime(1, 1, 1)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)
REGLAGES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def formulaires(*champs, **fixes):
    """Form data: each field an arbitrary value, or one of `fixes` (a valid choice) now and then."""
    return st.fixed_dictionaries(
        {c: st.one_of(valeurs, st.sampled_from(fixes[c])) if c in fixes else valeurs for c in champs}
    )


def _sans_erreur_serveur(response):
    assert response.status_code < 500


@pytest.fixture
def engagement(partenaire):
    return EngagementFactory(partenaire=partenaire.partenaire)


@given(data=st.data())
@REGLAGES
def test_arbitrary_progress_reports_never_give_a_server_error(client_de, partenaire, engagement, data):
    client = client_de(partenaire)
    donnees = data.draw(formulaires("date", "valeur", "commentaire", "corrige"))
    prefixe = f"point-{engagement.reference}"
    response = client.post(
        f"/engagements/engagement/{engagement.reference}/point/",
        {f"{prefixe}-{k}": v for k, v in donnees.items()},
    )
    _sans_erreur_serveur(response)


@given(data=st.data())
@REGLAGES
def test_arbitrary_commitments_never_give_a_server_error(client_de, coordination, data):
    action = ActionFactory()
    donnees = data.draw(
        formulaires(
            "action",
            "reference",
            "partenaire",
            "description",
            "unite",
            "valeur_initiale",
            "valeur_cible",
            "echeance",
            "poids",
            "abandonne_le",
            "motif_abandon",
            "motif",
            action=[str(action.pk)],
            partenaire=[str(coordination.partenaire_id)],
            reference=["engagement-essai"],
            unite=["agents"],
        )
    )
    _sans_erreur_serveur(client_de(coordination).post("/engagements/nouveau/", donnees))


@pytest.fixture
def comite(secretariat, partenaire):
    comite = ComiteFactory(secretaires=[secretariat])
    MembreFactory(comite=comite, partenaire=partenaire.partenaire)
    return comite


@pytest.fixture
def reunion_tenue(comite, secretariat):
    debut = timezone.now() - datetime.timedelta(days=1)
    reunion = ReunionFactory(
        comite=comite, debut=debut, fin=debut + datetime.timedelta(hours=2), statut="convoquee"
    )
    return comites_services.marquer_tenue(reunion=reunion, par=secretariat)


@given(data=st.data())
@REGLAGES
def test_arbitrary_meetings_never_give_a_server_error(client_de, secretariat, comite, data):
    client = client_de(secretariat)
    donnees = data.draw(
        formulaires("titre", "debut", "fin", "adresse", "territoire", "confirmer_chevauchement")
    )
    _sans_erreur_serveur(client.post(f"/comites/{comite.code}/planifier/", donnees))
    urgente = data.draw(formulaires("objet", "debut", "fin", "adresse", "territoire"))
    _sans_erreur_serveur(client.post(f"/comites/{comite.code}/urgence/", urgente))


@given(data=st.data())
@REGLAGES
def test_arbitrary_minutes_and_decisions_never_give_a_server_error(
    client_de, secretariat, reunion_tenue, data
):
    client = client_de(secretariat)
    textes = st.one_of(valeurs, st.just("x" * (COMPTE_RENDU_MAX + 1)))
    cr = {"texte": data.draw(textes)}
    _sans_erreur_serveur(client.post(f"/comites/reunions/{reunion_tenue.pk}/compte-rendu/", cr))
    decision = {"texte": data.draw(textes)}
    _sans_erreur_serveur(client.post(f"/comites/reunions/{reunion_tenue.pk}/decisions/ajouter/", decision))


@given(data=st.data())
@REGLAGES
def test_arbitrary_amendments_never_give_a_server_error(
    client_de, secretariat, reunion_tenue, engagement, data
):
    donnees = data.draw(
        formulaires(
            "texte",
            "objet",
            "engagement",
            "valeur_cible",
            "echeance",
            "partenaire",
            "action",
            "reference",
            "description",
            "unite",
            objet=["cible", "echeance", "partenaire", "ajout", "cloture"],
            engagement=[str(engagement.pk)],
            partenaire=[str(engagement.partenaire_id)],
            action=[str(engagement.action_id)],
        )
    )
    response = client_de(secretariat).post(f"/comites/reunions/{reunion_tenue.pk}/avenants/ajouter/", donnees)
    _sans_erreur_serveur(response)


@pytest.fixture
def declarant(partenaire):
    """A transport operator with one category of its own to declare."""
    partenaire.partenaire.nature = Partenaire.Nature.TRANSPORT
    partenaire.partenaire.save()
    IndicateurFactory(code="bus-degrades", nomenclature="partenaire", partenaire=partenaire.partenaire)
    return partenaire


@given(data=st.data())
@REGLAGES
def test_arbitrary_declarations_never_give_a_server_error(client_de, declarant, perimetre, data):
    donnees = data.draw(
        formulaires(
            "territoire",
            "annee",
            "mois",
            "nombre_bus-degrades",
            "commentaire",
            territoire=[str(perimetre["q"].pk)],
            mois=[str(m) for m in range(1, 13)],
        )
    )
    _sans_erreur_serveur(client_de(declarant).post("/observatoire/declarations/nouvelle/", donnees))
