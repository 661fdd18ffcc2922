"""Titles that end with a date other than their meeting's ("Réunion urgente du 03/12/2026" held on
28/11/2026, moved before `retitrer` existed) are given their meeting's date. Each corrected title
keeps its old value in the meeting's history, with the reason. Reversing leaves titles as they are:
the old dates were wrong."""

import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TITRE_DATE = re.compile(r"^(?P<debut>.* )(?P<date>\d{2}/\d{2}/\d{4})$")
MOTIF = "Titre mis à la date de la réunion"


def corriger_titres(apps, schema_editor):
    Reunion = apps.get_model("comites", "Reunion")
    Historique = apps.get_model("comites", "HistoricalReunion")
    tz = ZoneInfo(settings.TIME_ZONE)
    for reunion in Reunion.objects.filter(titre__regex=r" \d{2}/\d{2}/\d{4}$").iterator():
        trouve = TITRE_DATE.match(reunion.titre)
        date = reunion.debut.astimezone(tz).strftime("%d/%m/%Y")
        if trouve is None or trouve["date"] == date:
            continue
        reunion.titre = trouve["debut"] + date
        reunion.save(update_fields=["titre"])
        # Migrations use frozen models, which simple_history does not follow: the entry is written here.
        Historique.objects.create(
            **{f.attname: getattr(reunion, f.attname) for f in Reunion._meta.concrete_fields},
            history_type="~",
            history_change_reason=MOTIF,
            history_date=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comites", "0004_longueurs_maximales"),
    ]

    operations = [
        migrations.RunPython(corriger_titres, migrations.RunPython.noop),
    ]
