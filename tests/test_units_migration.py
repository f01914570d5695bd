"""An existing database keeps everything when units arrive: every organisation becomes its
own top unit, and every workshop (a series included) goes into its organisation's top unit,
with its ratings, consensus and actions as they were."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models import Action, Consensus, Rating, Workshop
from organisations.models import Organisation, Unit

BEFORE = [
    ("organisations", "0006_retention_privacy_and_stand_ins"),
    ("assessments", "0013_workshop_anonymised_at"),
]


@pytest.mark.django_db(transaction=True)
def test_every_organisation_becomes_its_top_unit_and_every_workshop_goes_into_it():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        old = {
            name: apps.get_model(app, name)
            for app, name in [
                ("organisations", "Organisation"),
                ("organisations", "Membership"),
                ("assessments", "Workshop"),
                ("assessments", "Participant"),
                ("assessments", "Rating"),
                ("assessments", "Consensus"),
                ("assessments", "Action"),
            ]
        }
        User = apps.get_model("auth", "User")
        version = apps.get_model("model_content", "ModelVersion").objects.get(
            organisation=None, number=1
        )
        barrier = version.barriers.get(slug="learning")
        made = {}
        for slug, name in [("oldshire", "Oldshire Council"), ("elder", "Elder NHS Trust")]:
            org = old["Organisation"].objects.create(slug=slug, name=name)
            lead = User.objects.create(
                username=f"lead@{slug}.example", email=f"lead@{slug}.example"
            )
            old["Membership"].objects.create(user=lead, organisation=org, role="facilitator")
            first = old["Workshop"].objects.create(
                organisation=org,
                model_version=version,
                title=f"{name}: first",
                date=datetime.date(2025, 6, 1),
                lead_facilitator=lead,
                step=5,
                assessment_closed_at=timezone.now(),
                revealed_at=timezone.now(),
                reassess_on=datetime.date(2025, 12, 1),
                closed_at=timezone.now(),
            )
            old["Workshop"].objects.create(
                organisation=org,
                model_version=version,
                title=f"{name}: reassessment",
                date=datetime.date(2025, 12, 1),
                lead_facilitator=lead,
                previous=first,
            )
            participant = old["Participant"].objects.create(workshop=first, user=lead)
            old["Rating"].objects.create(
                participant=participant,
                barrier=barrier,
                stage="developing",
                evidence=f"What {name} saw",
                submitted_at=timezone.now(),
            )
            old["Consensus"].objects.create(
                workshop=first,
                barrier=barrier,
                stage="developing",
                rationale="So",
                recorded_by=lead,
            )
            old["Action"].objects.create(
                workshop=first,
                barrier=barrier,
                description=f"{name} learns",
                responsible=lead,
                accountable=lead,
                due_on=datetime.date(2026, 1, 1),
            )
            made[slug] = name
        # An organisation with no workshop gets its top unit all the same.
        old["Organisation"].objects.create(slug="empty", name="Empty District Council")
        made["empty"] = "Empty District Council"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    for slug, name in made.items():
        org = Organisation.objects.get(slug=slug)
        (top,) = Unit.objects.filter(organisation=org)
        assert (top.parent_id, top.name) == (None, name)
        for workshop in Workshop.objects.filter(organisation=org):
            assert workshop.unit_id == top.pk, workshop.title
    assert Workshop.objects.count() == 4
    assert Workshop.objects.filter(previous__isnull=False).count() == 2
    for series in Workshop.objects.filter(previous__isnull=False):
        assert series.unit_id == series.previous.unit_id
    assert set(Rating.objects.values_list("evidence", flat=True)) == {
        "What Oldshire Council saw",
        "What Elder NHS Trust saw",
    }
    assert Consensus.objects.count() == 2
    assert set(Action.objects.values_list("description", flat=True)) == {
        "Oldshire Council learns",
        "Elder NHS Trust learns",
    }
