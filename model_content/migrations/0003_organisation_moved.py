"""The organisation of a version now lives in the organisations app (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("model_content", "0002_load_original_model"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="modelversion",
                    name="organisation",
                    field=models.ForeignKey(blank=True, help_text="Empty for the Audit Commission original.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="model_versions", to="organisations.organisation"),
                ),
            ]
        ),
    ]
