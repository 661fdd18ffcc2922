"""Load the reference indicators (SSMSI, total des faits constatés) and the mapping of the
editions' labels and État 4001 index numbers onto them (observatoire/nomenclatures.py)."""

from django.db import migrations


def charger(apps, schema_editor):
    from observatoire import nomenclatures

    nomenclatures.charger(apps)


def retirer(apps, schema_editor):
    from observatoire import nomenclatures

    Indicateur = apps.get_model("observatoire", "Indicateur")
    codes = [code for code, *_ in nomenclatures.INDICATEURS_SSMSI] + [nomenclatures.TOTAL[0]]
    Indicateur.objects.filter(code__in=codes, donnees__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0001_initial")]

    operations = [migrations.RunPython(charger, retirer)]
