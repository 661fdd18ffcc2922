"""The départemental and régional bases' classes: "Homicides" (published at département level
only) joins the reference indicators; every label of those bases is mapped in
observatoire/nomenclatures.py, loaded again here (idempotent)."""

from django.db import migrations


def charger(apps, schema_editor):
    from observatoire import nomenclatures

    nomenclatures.charger(apps)


def retirer(apps, schema_editor):
    Indicateur = apps.get_model("observatoire", "Indicateur")
    Indicateur.objects.filter(code="homicides", donnees__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0015_fusion_taux_publie_taches")]

    operations = [migrations.RunPython(charger, retirer)]
