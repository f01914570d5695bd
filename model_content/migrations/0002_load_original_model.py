"""Loads the Audit Commission original model from fixtures/breakthrough-model.json."""

from django.db import migrations


def load(apps, schema_editor):
    from model_content.loader import original_load

    names = [
        "ModelVersion",
        "Barrier",
        "BarrierStage",
        "Descriptor",
        "BreakthroughPoint",
        "WorkshopStep",
        "PaperBreakthrough",
    ]
    original_load({name: apps.get_model("model_content", name) for name in names})


class Migration(migrations.Migration):
    dependencies = [("model_content", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
