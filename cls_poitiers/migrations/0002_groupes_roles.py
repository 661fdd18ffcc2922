"""The four roles of the platform exist from the start, as Django groups."""

from django.db import migrations

ROLES = ("Coordination", "Partenaire", "Secrétariat", "Observatoire")


def creer_groupes(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for nom in ROLES:
        Group.objects.get_or_create(name=nom)


def supprimer_groupes(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("cls_poitiers", "0001_initial"),
    ]

    operations = [migrations.RunPython(creer_groupes, supprimer_groupes)]
