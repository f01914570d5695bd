"""A workshop's invitations get a table of their own, so that the invitation itself can move
to the organisations app, which knows nothing of workshops."""

import django.db.models.deletion
from django.db import migrations, models


def links_copy(apps, schema_editor):
    Invitation = apps.get_model("assessments", "Invitation")
    WorkshopInvitation = apps.get_model("assessments", "WorkshopInvitation")
    WorkshopInvitation.objects.bulk_create(
        WorkshopInvitation(invitation_id=pk, workshop_id=workshop_id)
        for pk, workshop_id in Invitation.objects.filter(workshop__isnull=False).values_list(
            "pk", "workshop_id"
        )
    )


def links_restore(apps, schema_editor):
    Invitation = apps.get_model("assessments", "Invitation")
    WorkshopInvitation = apps.get_model("assessments", "WorkshopInvitation")
    for link in WorkshopInvitation.objects.all():
        Invitation.objects.filter(pk=link.invitation_id).update(workshop_id=link.workshop_id)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_action_status_updated"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkshopInvitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("invitation", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="workshop_link", to="assessments.invitation")),
                ("workshop", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="workshop_invitations", to="assessments.workshop")),
            ],
        ),
        migrations.RunPython(links_copy, links_restore),
        migrations.RemoveField(model_name="invitation", name="workshop"),
    ]
