"""The audit log: who did what, when, in which role; append-only; read by the organisation's
facilitators on a page with filters, and as CSV."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import consensus, outcome, setup, tracker
from model_content.selectors import model_version_original
from model_content.services import version_copy, version_publish
from organisations.access import actor_for
from organisations.audit import audit_record
from organisations.models import AuditEvent, Membership, Role
from organisations.services import invitation_accept, invitation_create, membership_change_role
from tests.builders import workshop_completed, workshop_rated
from tests.factories import PASSWORD

AUDIT = reverse("audit_log", kwargs={"org": "northshire"})
AUDIT_CSV = reverse("audit_log_csv", kwargs={"org": "northshire"})


def actions(organisation) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_sign_in_and_failed_sign_in_are_recorded_with_the_role_and_address(northshire, bob):
    client = Client()
    client.post(
        reverse("login"), {"username": bob.email, "password": "guess"}, REMOTE_ADDR="198.51.100.7"
    )
    client.post(
        reverse("login"), {"username": bob.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    failed, signed_in = AuditEvent.objects.filter(organisation=northshire).order_by("id")
    assert (failed.action, failed.role, failed.address) == (
        "sign_in_failed",
        "member",
        "198.51.100.7",
    )
    assert signed_in.action == "sign_in" and signed_in.actor == bob
    assert signed_in.actor_label == "Bob Example <bob@example.org>"


def test_invitations_and_role_changes_are_recorded(northshire, alice, bob):
    as_alice = actor_for(organisation=northshire, user=alice)
    _invitation, token = invitation_create(
        organisation=northshire, email="new@example.org", role=Role.MEMBER, actor=as_alice
    )
    invitation_accept(token=token, first_name="Nia", last_name="New", password=PASSWORD)
    membership_change_role(
        membership=Membership.objects.get(user=bob), role=Role.VIEWER, actor=as_alice
    )
    assert actions(northshire) == ["invitation_sent", "invitation_accepted", "role_changed"]
    change = AuditEvent.objects.get(action="role_changed")
    assert change.actor == alice and change.role == "facilitator"
    assert change.summary == "Bob Example: member to viewer."


def test_a_workshops_steps_reveal_consensus_target_and_actions_are_recorded(
    northshire, alice, team
):
    from assessments.services import assess

    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    role = workshop_actor_for(workshop=workshop, user=alice)
    assess.ratings_reveal(workshop=workshop, actor=role)
    learning = workshop.barriers.get(slug="learning")
    consensus.consensus_record(
        workshop=workshop,
        barrier=learning,
        stage="developing",
        rationale="Seen",
        lock=0,
        actor=role,
    )
    setup.step_move(workshop=workshop, to=Step.TARGET, actor=role)
    outcome.barrier_outcome_record(
        workshop=workshop,
        barrier=learning,
        stage="consolidating",
        fewer_actions_reason="One will do for now.",
        actions=[
            {
                "description": "Publish the plan",
                "responsible": team[0],
                "accountable": alice,
                "due_on": workshop.date,
            }
        ],
        actor=role,
    )
    action = workshop.actions.get()
    tracker.action_status_set(
        action=action,
        status="in_progress",
        note="",
        actor=actor_for(organisation=northshire, user=alice),
    )
    assert actions(northshire) == [
        "ratings_revealed",
        "consensus_saved",
        "step_moved",
        "target_saved",
        "action_added",
        "action_status",
    ]
    step = AuditEvent.objects.get(action="step_moved")
    assert step.summary == f"{workshop.title}: Moved from step 3 to step 4, Target and actions."


def test_publishing_a_version_and_exporting_the_organisation_are_recorded(
    northshire, alice, tmp_path
):
    from django.core.management import call_command

    as_alice = actor_for(organisation=northshire, user=alice)
    version = version_copy(organisation=northshire, source=model_version_original(), by=as_alice)
    version_publish(version=version, organisation=northshire, by=as_alice)
    call_command("export_organisation", "northshire", "-o", str(tmp_path / "n.json"))
    assert actions(northshire) == ["version_published", "organisation_exported"]
    export = AuditEvent.objects.get(action="organisation_exported")
    assert export.actor is None and export.actor_label == "The system"


def test_the_audit_log_is_append_only(northshire, alice):
    event = audit_record(organisation=northshire, user=alice, action="sign_in", summary="x")
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.summary == "x"


def test_only_facilitators_read_the_audit_log(client_for, alice, bob, vic):
    assert client_for(alice).get(AUDIT).status_code == 200
    for person in (bob, vic):
        assert client_for(person).get(AUDIT).status_code == 403
        assert client_for(person).get(AUDIT_CSV).status_code == 403
    assert (
        "Audit log"
        not in client_for(bob)
        .get(reverse("organisation_home", kwargs={"org": "northshire"}))
        .content.decode()
    )


def test_another_organisations_events_are_not_shown(
    client_for, northshire, southshire, alice, mallory
):
    audit_record(organisation=southshire, user=mallory, action="sign_in", summary="Southern secret")
    page = client_for(alice).get(AUDIT).content.decode()
    assert "Southern secret" not in page


def test_the_page_filters_by_what_who_and_when_and_is_paginated(client_for, northshire, alice, bob):
    for n in range(60):
        audit_record(organisation=northshire, user=bob, action="sign_in", summary=f"Bob in {n}")
    audit_record(organisation=northshire, user=alice, action="role_changed", summary="Alice did it")
    client = client_for(alice)
    page = client.get(AUDIT, {"action": "role_changed"}).content.decode()
    assert "Alice did it" in page and "Bob in" not in page
    page = client.get(AUDIT, {"person": "bob@"}).content.decode()
    assert "Alice did it" not in page and "page 1 of 2" in page
    # The next page's link keeps the filter.
    assert "person=bob%40" in page and "page=2" in page
    second = client.get(AUDIT, {"person": "bob@", "page": 2}).content.decode()
    assert "Bob in 0<" in second.replace(" <span", "<").replace("</td>", "<")
    page = client.get(AUDIT, {"since": "2000-01-01", "until": "2000-01-02"}).content.decode()
    assert "Nothing recorded that matches" in page


def test_a_free_text_in_the_log_is_escaped_on_the_page(client_for, northshire, alice):
    audit_record(
        organisation=northshire, user=alice, action="workshop_created", summary="<script>x</script>"
    )
    page = client_for(alice).get(AUDIT).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


def test_the_csv_has_every_event_the_filters_ask_for_and_no_formulas(client_for, northshire, alice):
    audit_record(
        organisation=northshire, user=alice, action="workshop_created", summary="=HYPERLINK(1)"
    )
    response = client_for(alice).get(AUDIT_CSV, {"action": "workshop_created"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["when (UTC)", "who", "role", "what", "details", "address"]
    assert [r[3:5] for r in rows[1:]] == [["Workshop set up", "'=HYPERLINK(1)"]]
    assert AuditEvent.objects.filter(action="audit_exported", actor=alice).exists()


def test_a_closed_workshop_built_through_the_orm_records_nothing_by_itself(northshire, alice, team):
    workshop_completed(organisation=northshire, facilitator=alice, members=team)
    assert actions(northshire) == []
