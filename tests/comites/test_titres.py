"""A meeting's title never gives another date than the meeting's: moving it moves the date in its
title, and the data migration corrects the titles stored before."""

import datetime
import importlib

import pytest
from django.apps import apps

from comites import services
from comites.models import Reunion
from tests.comites.factories import ReunionFactory, a_paris

pytestmark = pytest.mark.django_db


def test_moving_an_urgent_meeting_moves_the_date_in_its_title(comite, secretariat, mailoutbox):
    reunion = services.convoquer_en_urgence(
        comite=comite,
        par=secretariat,
        debut=a_paris(2030, 12, 3, 18),
        fin=a_paris(2030, 12, 3, 20),
        objet="Incendies de véhicules",
    )
    assert reunion.titre == "Comité de pilotage — réunion urgente du 03/12/2030"
    services.modifier_reunion(
        reunion=reunion,
        par=secretariat,
        data={"titre": reunion.titre, "debut": a_paris(2030, 11, 28, 18), "fin": a_paris(2030, 11, 28, 20)},
    )
    reunion.refresh_from_db()
    assert reunion.titre == "Comité de pilotage — réunion urgente du 28/11/2030"
    assert reunion.history.latest().history_change_reason == "Réunion modifiée"


def test_moving_keeps_a_title_of_ones_own_and_an_empty_title_is_the_default(reunion, secretariat):
    services.modifier_reunion(
        reunion=reunion,
        par=secretariat,
        data={
            "titre": "Séance sur les transports",
            "debut": reunion.debut + datetime.timedelta(days=1),
            "fin": reunion.fin + datetime.timedelta(days=1),
        },
    )
    reunion.refresh_from_db()
    assert reunion.titre == "Séance sur les transports"
    services.modifier_reunion(reunion=reunion, par=secretariat, data={"titre": ""})
    reunion.refresh_from_db()
    assert reunion.titre == "Comité de pilotage du 13/03/2030"


def test_the_page_moves_the_date_in_the_title(client_de, secretariat, reunion):
    assert reunion.titre == "Comité de pilotage du 12/03/2030"
    client_de(secretariat).post(
        f"/comites/reunions/{reunion.pk}/modifier/",
        {"titre": reunion.titre, "debut": "2030-03-19T14:30", "fin": "2030-03-19T17:00"},
    )
    reunion.refresh_from_db()
    assert reunion.titre == "Comité de pilotage du 19/03/2030"


def test_data_migration_gives_stored_titles_their_meetings_date(comite):
    faux = ReunionFactory(
        comite=comite,
        titre="Comité de pilotage — réunion urgente du 03/12/2026",
        debut=a_paris(2026, 11, 28, 18),
    )
    juste = ReunionFactory(comite=comite, debut=a_paris(2026, 6, 11))
    libre = ReunionFactory(comite=comite, titre="Bilan de l'année 1999", debut=a_paris(2000, 3, 18))
    migration = importlib.import_module("comites.migrations.0005_titres_a_la_date_de_la_reunion")
    migration.corriger_titres(apps, None)
    migration.corriger_titres(apps, None)  # a second run changes nothing
    titres = dict(Reunion.objects.values_list("pk", "titre"))
    assert titres[faux.pk] == "Comité de pilotage — réunion urgente du 28/11/2026"
    assert titres[juste.pk] == "Comité de pilotage du 11/06/2026"
    assert titres[libre.pk] == "Bilan de l'année 1999"
    faux.refresh_from_db()
    assert [h.history_change_reason for h in faux.history.all()][:2] == [migration.MOTIF, None]
    assert faux.history.earliest().titre == "Comité de pilotage — réunion urgente du 03/12/2026"
