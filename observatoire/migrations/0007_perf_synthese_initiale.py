"""Data migration: fill the pre-aggregate from the figures already stored (the triggers of 0004
keep it exact from then on)."""

from django.db import migrations

CLE = "source_id, territoire_id, indicateur_id, annee"


def remplir(apps, schema_editor):
    schema_editor.execute("DELETE FROM observatoire_synthesedonnee", params=None)
    schema_editor.execute(
        f"""INSERT INTO observatoire_synthesedonnee ({CLE}, nombre, publies, secrets)
        SELECT {CLE}, COALESCE(SUM(nombre), 0), SUM(CASE WHEN secret THEN 0 ELSE 1 END),
               SUM(CASE WHEN secret THEN 1 ELSE 0 END)
        FROM observatoire_donnee GROUP BY {CLE}""",
        params=None,
    )


def vider(apps, schema_editor):
    schema_editor.execute("DELETE FROM observatoire_synthesedonnee", params=None)


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0006_perf_synthese_declencheurs")]

    operations = [migrations.RunPython(remplir, vider)]
