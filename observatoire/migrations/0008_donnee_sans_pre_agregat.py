"""The figures without their pre-aggregate: SyntheseDonnee and the triggers that kept it are
dropped (every yearly figure of an import was written twice, and the dashboards read the base
table's GROUP BY over their perimeter as fast). The unique constraint now starts with
(source, territoire), which serves the dashboards' reads, the "sources with figures" probe and an
import's appends; the territory's own index goes, and the declaration's becomes partial (the
national base's millions of imported figures have no declaration)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

declencheurs = importlib.import_module("observatoire.migrations.0006_perf_synthese_declencheurs")
remplissage = importlib.import_module("observatoire.migrations.0007_perf_synthese_initiale")


def retirer_declencheurs(apps, schema_editor):
    declencheurs.retirer(apps, schema_editor)


def recreer_declencheurs(apps, schema_editor):
    declencheurs.creer(apps, schema_editor)
    remplissage.remplir(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cls_poitiers", "0004_historique_roles"),
        ("observatoire", "0007_perf_synthese_initiale"),
    ]

    operations = [
        # First, so that going back recreates them last, once the table and its key are back.
        migrations.RunPython(retirer_declencheurs, recreer_declencheurs),
        migrations.DeleteModel(name="SyntheseDonnee"),
        migrations.RemoveConstraint(model_name="donnee", name="donnee_unique_par_periode"),
        migrations.AddConstraint(
            model_name="donnee",
            constraint=models.UniqueConstraint(
                fields=("source", "territoire", "indicateur", "annee", "mois"),
                name="donnee_unique_par_periode",
                violation_error_message=(
                    "Ce territoire a déjà un chiffre pour cet indicateur, cette période et cette source."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="donnee",
            name="territoire",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="donnees",
                to="cls_poitiers.territoire",
            ),
        ),
        migrations.AlterField(
            model_name="donnee",
            name="declaration",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="donnees",
                to="observatoire.declaration",
            ),
        ),
        migrations.AddIndex(
            model_name="donnee",
            index=models.Index(
                condition=models.Q(("declaration__isnull", False)),
                fields=["declaration"],
                name="donnee_declaration_idx",
            ),
        ),
    ]
