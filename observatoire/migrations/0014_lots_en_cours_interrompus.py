"""Batches left "en attente" or "en cours" by the former background thread have no task: they
become "interrompu", to be started again from their page. A batch left "en cours" may have been a
preview nobody applied: it goes back to its check, never to its writing; one left "en attente" had
been applied by someone and is started again at its writing."""

from django.db import migrations


def interrompre(apps, schema_editor):
    LotImport = apps.get_model("observatoire", "LotImport")
    LotImport.objects.filter(statut="en_cours").update(statut="interrompu", etape="verification")
    LotImport.objects.filter(statut="en_attente").update(statut="interrompu", etape="ecriture")


def revenir(apps, schema_editor):
    LotImport = apps.get_model("observatoire", "LotImport")
    LotImport.objects.filter(statut__in=["verification_en_file", "verification"]).update(statut="en_cours")
    LotImport.objects.filter(statut__in=["ecriture_en_file", "ecriture"]).update(statut="en_attente")
    LotImport.objects.filter(statut="interrompu").update(statut="en_cours")


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0013_lot_import_taches_et_bail")]

    operations = [migrations.RunPython(interrompre, revenir)]
