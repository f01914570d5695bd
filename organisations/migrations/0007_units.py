"""Units (issue 23): an organisation's directorates, services and teams, in a tree whose top is
the organisation itself. Every organisation gets its top unit here, named as it is; new ones
get theirs as they are made (organisations/units.py)."""

import django.db.models.deletion
import django.db.models.functions.text
import uuid
from django.db import migrations, models


def top_units_made(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Unit = apps.get_model("organisations", "Unit")
    have = set(Unit.objects.filter(parent=None).values_list("organisation_id", flat=True))
    Unit.objects.bulk_create(
        Unit(organisation=org, parent=None, name=org.name)
        for org in Organisation.objects.exclude(pk__in=have).only("pk", "name")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0006_retention_privacy_and_stand_ins'),
    ]

    operations = [
        migrations.CreateModel(
            name='Unit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='units', to='organisations.organisation')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='children', to='organisations.unit')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='UnitMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('facilitator', 'Facilitator'), ('member', 'Member'), ('viewer', 'Viewer')], default='member', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unit_memberships', to='organisations.membership')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name='memberships', to='organisations.unit')),
            ],
            options={
                'ordering': ['unit__name'],
            },
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('parent__isnull', True)), fields=('organisation',), name='one_top_unit_per_organisation'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('id')), _negated=True), name='unit_not_its_own_parent'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('parent'), name='unit_name_once_among_siblings'),
        ),
        migrations.AddConstraint(
            model_name='unitmembership',
            constraint=models.UniqueConstraint(fields=('unit', 'membership'), name='one_unit_membership_each'),
        ),
        migrations.AddConstraint(
            model_name='unitmembership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['facilitator', 'member', 'viewer'])), name='unit_membership_role_known'),
        ),
        migrations.RunPython(top_units_made, migrations.RunPython.noop),
    ]
