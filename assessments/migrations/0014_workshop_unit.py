"""A workshop belongs to a unit (issue 23): every existing workshop goes to its organisation's
top unit (organisations 0006 made one for each), then the column is required. Nothing else
about a workshop changes."""

import django.db.models.deletion
from django.db import migrations, models


def workshops_to_top_units(apps, schema_editor):
    Unit = apps.get_model("organisations", "Unit")
    Workshop = apps.get_model("assessments", "Workshop")
    for unit in Unit.objects.filter(parent=None).only("pk", "organisation_id"):
        Workshop.objects.filter(organisation_id=unit.organisation_id, unit=None).update(unit=unit)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0013_workshop_anonymised_at'),
        ('organisations', '0007_units'),
    ]

    operations = [
        migrations.AddField(
            model_name='workshop',
            name='unit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='workshops', to='organisations.unit'),
        ),
        migrations.RunPython(workshops_to_top_units, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="workshop",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="workshops",
                to="organisations.unit",
            ),
        ),
    ]
