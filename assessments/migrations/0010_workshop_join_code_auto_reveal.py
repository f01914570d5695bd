"""Each workshop gets a short join code (the projector's address and QR code), existing ones
included; and the auto-reveal option, off for every existing workshop."""

from django.db import migrations, models

import assessments.models


def join_codes_give(apps, schema_editor):
    Workshop = apps.get_model("assessments", "Workshop")
    taken = set()
    for workshop in Workshop.objects.all():
        code = assessments.models.join_code_new()
        while code in taken:
            code = assessments.models.join_code_new()
        taken.add(code)
        workshop.join_code = code
        workshop.save(update_fields=["join_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_workshop_submission_and_rating_replaced"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="auto_reveal",
            field=models.BooleanField(default=False, help_text="Reveal the ratings the moment everyone has rated every barrier."),
        ),
        migrations.AddField(
            model_name="workshop",
            name="join_code",
            field=models.CharField(editable=False, max_length=8, null=True),
        ),
        migrations.RunPython(join_codes_give, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="workshop",
            name="join_code",
            field=models.CharField(default=assessments.models.join_code_new, editable=False, max_length=8, unique=True),
        ),
    ]
