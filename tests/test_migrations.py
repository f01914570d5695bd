"""An existing database keeps everything when organisations move to their own app: the rows
stay, the tables take the new app's names, and a workshop's invitation keeps its workshop."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models import WorkshopInvitation
from organisations.models import Invitation, Membership, Organisation


@pytest.mark.django_db(transaction=True)
def test_moving_organisations_to_their_own_app_keeps_every_row_and_the_workshop_link():
    executor = MigrationExecutor(connection)
    before = [
        ("assessments", "0004_action_status_updated"),
        ("model_content", "0002_load_original_model"),
    ]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        User = apps.get_model("auth", "User")
        old = {
            name: apps.get_model("assessments", name)
            for name in ("Organisation", "Membership", "Invitation", "Workshop")
        }
        org = old["Organisation"].objects.create(slug="oldshire", name="Oldshire Council")
        alice = User.objects.create(username="a@old.example", email="a@old.example")
        old["Membership"].objects.create(user=alice, organisation=org, role="facilitator")
        version = apps.get_model("model_content", "ModelVersion").objects.get(
            organisation=None, number=1
        )
        workshop = old["Workshop"].objects.create(
            organisation=org,
            model_version=version,
            title="Before the move",
            date=datetime.date(2026, 6, 1),
            lead_facilitator=alice,
        )
        old["Invitation"].objects.create(
            organisation=org,
            email="late@old.example",
            token_hash="h" * 64,
            workshop=workshop,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    org = Organisation.objects.get(slug="oldshire")
    assert Membership.objects.get(organisation=org).role == "facilitator"
    invitation = Invitation.objects.get(organisation=org)
    assert WorkshopInvitation.objects.get(invitation=invitation).workshop.title == "Before the move"
    assert org.workshops.get().title == "Before the move"
    assert "organisations_organisation" in connection.introspection.table_names()
