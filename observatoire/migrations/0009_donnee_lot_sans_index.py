"""No index on the figures' batch: nothing reads the figures by batch, and keeping one over the
national base's five million figures (all of one batch) cost about 3 s of a 20 s import. Deleting
a batch (rare, administrative) scans the figures for its PROTECT check."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0008_donnee_sans_pre_agregat")]

    operations = [
        migrations.AlterField(
            model_name="donnee",
            name="lot",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="donnees",
                to="observatoire.lotimport",
            ),
        ),
    ]
