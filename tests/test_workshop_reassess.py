"""The follow-up: last meeting's actions are the next meeting's first agenda item (para 70e)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import NOTE_MAX, ActionReview, ActionStatus, Step, Workshop
from tests.builders import workshop_completed


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


@pytest.fixture
def closed(northshire, alice, team):
    return workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=182),
    )


@pytest.fixture
def follow_up(client_for, closed, alice):
    client_for(alice).post(url("reassessment_start", closed))
    return Workshop.objects.get(previous=closed)


def test_the_follow_up_keeps_the_barriers_and_people_and_starts_with_the_review(follow_up, closed):
    assert follow_up.step == Step.REVIEW
    assert set(follow_up.barriers.all()) == set(closed.barriers.all())
    assert set(follow_up.participants.values_list("user", flat=True)) == set(
        closed.participants.values_list("user", flat=True)
    )


def test_the_reassessment_cannot_be_started_twice(client_for, follow_up, closed, alice):
    response = client_for(alice).post(url("reassessment_start", closed))
    assert response.status_code == 400
    assert "already been started" in response.content.decode()
    assert Workshop.objects.filter(previous=closed).count() == 1


def test_an_open_workshop_has_no_reassessment_yet(client_for, northshire, alice, team):
    open_one = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    response = client_for(alice).post(url("reassessment_start", open_one))
    assert response.status_code == 400
    assert "Close this workshop" in response.content.decode()
    assert not Workshop.objects.filter(previous=open_one).exists()


def test_a_member_cannot_start_a_reassessment_or_review_an_action(
    client_for, closed, follow_up, bob
):
    client = client_for(bob)
    assert client.post(url("reassessment_start", closed)).status_code == 403
    action = closed.actions.first()
    response = client.post(
        url("action_review", follow_up, action=action.code), {"status": "done", "note": "x"}
    )
    assert response.status_code == 403
    assert not ActionReview.objects.exists()


def test_an_action_of_another_workshop_cannot_be_reviewed_here(
    client_for, northshire, follow_up, alice, team
):
    other = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    response = client_for(alice).post(
        url("action_review", follow_up, action=other.actions.first().code), {"status": "done"}
    )
    assert response.status_code == 400
    assert "not from the previous workshop" in response.content.decode()
    assert not ActionReview.objects.exists()


def test_an_over_long_note_is_refused_and_changes_nothing(client_for, closed, follow_up, alice):
    action = closed.actions.first()
    response = client_for(alice).post(
        url("action_review", follow_up, action=action.code),
        {"status": "done", "note": "x" * (NOTE_MAX + 1)},
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED
    assert not ActionReview.objects.exists()


def test_a_review_shows_to_everyone_with_its_note(client_for, closed, follow_up, alice, bob):
    action = closed.actions.first()
    client_for(alice).post(
        url("action_review", follow_up, action=action.code),
        {"status": "in_progress", "note": "Half the directorates so far"},
    )
    page = client_for(bob).get(url("workshop_detail", follow_up)).content.decode()
    assert "In progress: Half the directorates so far" in page
    # The tracker then says the same, and who said it.
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("in_progress", "Half the directorates so far")
    assert action.status_updated_by == alice and action.status_updated_at is not None
