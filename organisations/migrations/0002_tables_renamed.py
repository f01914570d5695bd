"""The moved tables take this app's names, and the admin's content types follow them."""

from django.db import migrations, models

MODELS = ["organisation", "membership", "invitation"]


def content_types_move(apps, schema_editor, source="assessments", target="organisations"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="organisations", target="assessments")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("assessments", "0006_organisations_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="organisation", table=None),
        migrations.AlterModelTable(name="membership", table=None),
        migrations.AlterModelTable(name="invitation", table=None),
        migrations.RunPython(content_types_move, content_types_back),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(role__in=["facilitator", "member", "viewer"]),
                name="membership_role_known",
            ),
        ),
    ]
