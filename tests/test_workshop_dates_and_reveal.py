"""Dates that follow what was agreed, and the reveal that can come by itself (issue: in the
room). The cast: Alice leads, Bob, Carol, Dan and Erin take part, Vic is a viewer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import HistoryEntry, Rating, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, setup
from tests.builders import workshop_completed
from tests.factories import WorkshopFactory


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


# ---------------------------------------------------------------- dates


def test_the_reassessment_opens_on_the_date_the_team_agreed_not_today(
    client_for, northshire, alice, team
):
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    assert closed.reassess_on != timezone.localdate()
    client_for(alice).post(url("reassessment_start", closed))
    assert Workshop.objects.get(previous=closed).date == closed.reassess_on


def test_a_facilitator_corrects_an_open_workshops_title_and_date(client_for, workshop, alice):
    moved = workshop.date + datetime.timedelta(days=7)
    response = client_for(alice).post(
        url("workshop_details", workshop), {"title": "SMT, moved a week", "date": moved}
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title, workshop.date) == ("SMT, moved a week", moved)
    assert HistoryEntry.objects.filter(workshop=workshop, kind="details").exists()


def test_a_member_cannot_change_the_title_or_date_and_nothing_changes(client_for, workshop, bob):
    response = client_for(bob).post(
        url("workshop_details", workshop), {"title": "Mine now", "date": "2026-01-01"}
    )
    assert response.status_code == 403
    workshop.refresh_from_db()
    assert workshop.title == "Northshire SMT"


def test_a_date_after_actions_due_is_refused_with_the_typing_kept(
    client_for, northshire, alice, team
):
    open_one = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    first_due = open_one.actions.order_by("due_on").first().due_on
    response = client_for(alice).post(
        url("workshop_details", open_one),
        {"title": "Typed title", "date": first_due + datetime.timedelta(days=1)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "due before that date" in page and "Typed title" in page
    open_one.refresh_from_db()
    assert open_one.title != "Typed title"


def test_a_closed_workshops_title_and_date_are_a_record(client_for, northshire, alice, team):
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    response = client_for(alice).post(
        url("workshop_details", closed), {"title": "Rewritten", "date": closed.date}
    )
    assert response.status_code == 403
    closed.refresh_from_db()
    assert closed.title != "Rewritten"


# ---------------------------------------------------------------- auto-reveal


def _assessing(northshire, alice, team, *, auto_reveal):
    workshop = WorkshopFactory(
        organisation=northshire, lead_facilitator=alice, members=team, auto_reveal=auto_reveal
    )
    setup.step_move(
        workshop=workshop, to=Step.ASSESS, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    return workshop


def _everyone_rates(workshop, team, *, but_last=False):
    barriers = list(workshop.barriers.order_by("order"))
    pairs = [(user, b) for user in team for b in barriers]
    for user, barrier in pairs[:-1] if but_last else pairs:
        assess.rating_submit(
            workshop=workshop,
            barrier=barrier,
            stage="developing",
            evidence=f"{user.first_name} saw it",
            actor=workshop_actor_for(workshop=workshop, user=user),
        )
    return pairs[-1]


@pytest.mark.parametrize("auto_reveal", [True, False])
def test_with_auto_reveal_the_last_rating_in_reveals_them_and_not_before(
    northshire, alice, team, auto_reveal
):
    workshop = _assessing(northshire, alice, team, auto_reveal=auto_reveal)
    last_user, last_barrier = _everyone_rates(workshop, team, but_last=True)
    workshop.refresh_from_db()
    assert not workshop.is_revealed  # one rating still to come

    assess.rating_submit(
        workshop=workshop,
        barrier=last_barrier,
        stage="starting",
        evidence="The last one in",
        actor=workshop_actor_for(workshop=workshop, user=last_user),
    )
    workshop.refresh_from_db()
    assert workshop.is_revealed is auto_reveal
    assert workshop.step == (Step.CONSENSUS if auto_reveal else Step.ASSESS)
    told = HistoryEntry.objects.filter(workshop=workshop, kind="reveal").first()
    if auto_reveal:
        # The facilitator is told why the step moved without her.
        assert "automatically" in told.summary and told.actor == alice
    else:
        assert told is None
    assert Rating.objects.filter(participant__workshop=workshop).count() == 4 * 6


def test_the_option_is_offered_when_creating_a_workshop_and_off_by_default(client_for, alice):
    page = client_for(alice).get(reverse("workshop_create", kwargs={"org": "northshire"}))
    html = page.content.decode()
    assert 'name="auto_reveal"' in html
    assert 'name="auto_reveal" checked' not in html
