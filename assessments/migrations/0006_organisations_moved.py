"""Organisations, memberships and invitations now belong to the organisations app: the
foreign keys point there, and this app forgets the models (state only; no row moves)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_workshop_invitation"),
        ("organisations", "0001_initial"),
        ("model_content", "0003_organisation_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workshop",
                    name="organisation",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="workshops", to="organisations.organisation"),
                ),
                migrations.AlterField(
                    model_name="historyentry",
                    name="organisation",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="history", to="organisations.organisation"),
                ),
                migrations.AlterField(
                    model_name="workshopinvitation",
                    name="invitation",
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="workshop_link", to="organisations.invitation"),
                ),
                migrations.DeleteModel(name="Invitation"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Organisation"),
            ]
        ),
    ]
