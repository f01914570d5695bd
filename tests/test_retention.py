"""How long closed workshops are kept: the organisation's setting, and the daily command
that lists what is past it and, with --apply, anonymises or deletes it.

Northshire's team (Bob, Carol, Dan, Erin, led by Alice) closed workshops at various times;
Southshire keeps everything for ever.
"""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Action,
    Consensus,
    HistoryEntry,
    Participant,
    Rating,
    Target,
    Workshop,
)
from assessments.services import retention
from assessments.services.retention import months_after, months_before
from organisations.models import AuditEvent, Organisation, RetentionAction, StandIn
from tests.builders import workshop_completed

User = get_user_model()
SETTINGS = reverse("retention_settings", kwargs={"org": "northshire"})
TODAY = timezone.localdate()


def closed_months_ago(months: int, *, organisation, facilitator, members, previous=None):
    """A completed workshop that closed ``months`` months (and a day) ago."""
    closed_on = months_before(TODAY, months) - datetime.timedelta(days=1)
    workshop = workshop_completed(
        organisation=organisation,
        facilitator=facilitator,
        members=members,
        previous=previous,
        date=closed_on - datetime.timedelta(days=1),
    )
    Workshop.objects.filter(pk=workshop.pk).update(
        closed_at=timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(15)))
    )
    workshop.refresh_from_db()
    return workshop


def keep(organisation, months, action=RetentionAction.ANONYMISE):
    Organisation.objects.filter(pk=organisation.pk).update(
        retention_months=months, retention_action=action
    )


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old(northshire, alice, team):
    """Closed 13 months ago."""
    return closed_months_ago(13, organisation=northshire, facilitator=alice, members=team)


@pytest.fixture
def recent(northshire, alice, team):
    """Closed 11 months ago."""
    return closed_months_ago(11, organisation=northshire, facilitator=alice, members=team)


def test_months_are_counted_on_the_calendar():
    assert months_after(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert months_before(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 2, 28)
    assert months_before(datetime.date(2025, 1, 15), 12) == datetime.date(2024, 1, 15)
    assert months_after(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


# ---------------------------------------------------------------- the setting


def test_a_facilitator_sets_the_period_and_it_is_audited(client_for, northshire, alice):
    assert northshire.retention_months is None  # for ever, until the organisation decides
    response = client_for(alice).post(
        SETTINGS, {"keep": "period", "amount": "6", "unit": "years", "action": "delete"}
    )
    assert response.status_code == 302
    northshire.refresh_from_db()
    assert (northshire.retention_months, northshire.retention_action) == (72, "delete")
    event = AuditEvent.objects.get(action="retention_changed")
    assert event.summary == (
        "Closed workshops now kept for 6 years after they close, then deleted (was for ever)."
    )
    client_for(alice).post(SETTINGS, {"keep": "forever", "unit": "years", "action": "delete"})
    northshire.refresh_from_db()
    assert northshire.retention_months is None


@pytest.mark.parametrize(
    "amount,unit,message",
    [
        ("", "months", "Say how long"),
        ("0", "months", "greater than or equal to 1"),
        ("101", "years", "At most 100 years"),
    ],
)
def test_a_period_that_is_not_one_is_refused_with_a_reason(
    client_for, northshire, alice, amount, unit, message
):
    response = client_for(alice).post(
        SETTINGS, {"keep": "period", "amount": amount, "unit": unit, "action": "anonymise"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    northshire.refresh_from_db()
    assert northshire.retention_months is None


@pytest.mark.parametrize("who", ["bob", "vic"])
def test_members_and_viewers_cannot_change_the_period(request, client_for, northshire, who):
    response = client_for(request.getfixturevalue(who)).post(
        SETTINGS, {"keep": "period", "amount": "1", "unit": "months", "action": "delete"}
    )
    assert response.status_code == 403
    northshire.refresh_from_db()
    assert northshire.retention_months is None


def test_another_organisations_facilitator_cannot_change_it(client_for, northshire, mallory):
    response = client_for(mallory).post(
        SETTINGS, {"keep": "period", "amount": "1", "unit": "months", "action": "delete"}
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- the command


def test_by_default_nothing_is_ever_past_retention(old):
    assert run("--apply") == "Nothing is past its organisation's retention period.\n"
    assert Workshop.objects.filter(pk=old.pk, anonymised_at=None).exists()


def test_without_apply_it_lists_what_is_past_and_changes_nothing(northshire, old, recent):
    keep(northshire, 12)
    out = run()
    assert f"would anonymise: northshire: “{old.title}”" in out
    assert "kept 1 year (until" in out
    assert recent.title not in out
    assert "1 workshop(s) past retention; nothing changed (run with --apply" in out
    assert not StandIn.objects.exists()
    assert Participant.objects.filter(workshop=old, user__first_name="Bob").exists()


def test_anonymising_replaces_every_name_and_keeps_what_was_agreed(
    client_for, northshire, bob, vic, old, recent
):
    keep(northshire, 12)
    agreed = {
        "consensus": set(Consensus.objects.filter(workshop=old).values_list("stage", "rationale")),
        "targets": set(Target.objects.filter(workshop=old).values_list("stage")),
        "actions": set(Action.objects.filter(workshop=old).values_list("description", "status")),
        "evidence": set(Rating.objects.filter(participant__workshop=old).values_list("evidence")),
    }

    out = run("--apply")

    assert f"anonymised (6 people): northshire: “{old.title}”" in out
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.lead_facilitator.get_full_name().startswith("Person ")
    people = {p.user.get_full_name() for p in old.participants.select_related("user")}
    assert people <= {f"Person {c}" for c in "ABCDEF"} and len(people) == 4
    owners = {a.responsible_display for a in old.actions.all()}
    owners |= {a.accountable_display for a in old.actions.all()}
    assert all(o.startswith("Person ") for o in owners), owners  # the chair, typed, too
    assert agreed == {
        "consensus": set(Consensus.objects.filter(workshop=old).values_list("stage", "rationale")),
        "targets": set(Target.objects.filter(workshop=old).values_list("stage")),
        "actions": set(Action.objects.filter(workshop=old).values_list("description", "status")),
        "evidence": set(Rating.objects.filter(participant__workshop=old).values_list("evidence")),
    }
    page = client_for(vic).get(
        reverse("workshop_detail", kwargs={"org": "northshire", "code": old.code})
    )
    text = page.content.decode()
    assert "Anonymised on" in text
    for name in ("Alice Example", "Bob Example", "Erin Example", "Chair of the audit"):
        assert name not in text
    # The people themselves, and the workshop within the period, are untouched.
    assert User.objects.filter(pk=bob.pk, is_active=True).exists()
    assert recent.participants.filter(user=bob).exists()
    event = AuditEvent.objects.get(action="workshop_anonymised")
    assert event.actor is None and event.actor_label == "The system"
    assert old.title in event.summary
    assert run("--apply") == "Nothing is past its organisation's retention period.\n"


def test_deleting_removes_the_workshop_and_everything_in_it(
    northshire, southshire, mallory, old, recent
):
    keep(northshire, 12, RetentionAction.DELETE)
    forever = closed_months_ago(
        120, organisation=southshire, facilitator=mallory, members=[mallory]
    )
    out = run("--apply")
    assert f"deleted: northshire: “{old.title}”" in out
    assert not Workshop.objects.filter(pk=old.pk).exists()
    assert not Rating.objects.filter(participant__workshop_id=old.pk).exists()
    assert not HistoryEntry.objects.filter(workshop_id=old.pk).exists()
    assert Workshop.objects.filter(pk__in=[recent.pk, forever.pk]).count() == 2
    event = AuditEvent.objects.get(action="workshop_deleted")
    assert f"Deleted “{old.title}”" in event.summary and "(1 year)" in event.summary


def test_an_anonymised_workshop_deleted_later_takes_its_stand_ins_with_it(northshire, old):
    keep(northshire, 12)
    run("--apply")
    # Alice and her team; the chair of the audit committee, typed by hand, is only a label.
    assert StandIn.objects.filter(workshop_code=old.code).count() == 5
    keep(northshire, 12, RetentionAction.DELETE)
    run("--apply")
    assert not StandIn.objects.exists()
    assert not User.objects.filter(first_name="Person").exists()


def test_a_workshop_whose_reassessment_is_kept_waits_for_it(northshire, alice, team):
    keep(northshire, 24, RetentionAction.DELETE)
    earlier = closed_months_ago(36, organisation=northshire, facilitator=alice, members=team)
    later = closed_months_ago(
        1, organisation=northshire, facilitator=alice, members=team, previous=earlier
    )
    out = run("--apply")
    assert f"kept: northshire: “{earlier.title}”" in out
    assert f"its reassessment “{later.title}” is still kept" in out
    assert Workshop.objects.filter(pk=earlier.pk).exists()
    # Once the later one is due too, both go in one run, the later first.
    Workshop.objects.filter(pk=later.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=800)
    )
    out = run("--apply")
    assert out.count("deleted: ") == 2
    assert not Workshop.objects.filter(pk__in=[earlier.pk, later.pk]).exists()


def test_one_failure_stops_none_of_the_others_and_the_exit_status_says_so(
    monkeypatch, northshire, alice, team
):
    keep(northshire, 12)
    first = closed_months_ago(30, organisation=northshire, facilitator=alice, members=team)
    second = closed_months_ago(20, organisation=northshire, facilitator=alice, members=team)
    real = retention.workshop_anonymise

    def anonymise(*, workshop):
        if workshop.pk == second.pk:
            raise RuntimeError("the disk is full")
        return real(workshop=workshop)

    monkeypatch.setattr(retention, "workshop_anonymise", anonymise)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 workshop"):
        call_command("apply_retention", "--apply", stdout=out)
    assert f"failed: northshire: “{second.title}”" in out.getvalue()
    assert "RuntimeError: the disk is full" in out.getvalue()
    assert Workshop.objects.get(pk=first.pk).anonymised_at is not None
    assert Workshop.objects.get(pk=second.pk).anonymised_at is None
    assert "1 failed" in out.getvalue()


def test_one_organisation_at_a_time_and_an_unknown_one_is_an_error(
    northshire, southshire, mallory, old
):
    keep(northshire, 12)
    keep(southshire, 12)
    theirs = closed_months_ago(13, organisation=southshire, facilitator=mallory, members=[mallory])
    out = run("--organisation", "southshire")
    assert theirs.title in out and f"northshire: “{old.title}”" not in out
    with pytest.raises(CommandError, match="No organisation with the slug nowhere"):
        run("--organisation", "nowhere")
