"""The follow-up: last meeting's actions are the next meeting's first agenda item (para 70e)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import NOTE_MAX, ActionReview, ActionStatus, HistoryEntry, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import reassess
from tests.builders import workshop_completed
from tests.posts import review_post


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
    response = client.post(url("actions_review", follow_up), review_post({action: ("done", "x")}))
    assert response.status_code == 403
    assert not ActionReview.objects.exists()


def test_every_previous_action_is_reviewed_from_one_form_saved_together(
    client_for, closed, follow_up, alice
):
    actions = list(closed.actions.order_by("pk"))
    statuses = ["done", "in_progress", "dropped", "not_started"]
    reviews = {a: (statuses[i % 4], f"Note {i}") for i, a in enumerate(actions)}
    response = client_for(alice).post(url("actions_review", follow_up), review_post(reviews))
    assert response.status_code == 302
    assert response["Location"].endswith("#review")
    saved = dict(ActionReview.objects.filter(workshop=follow_up).values_list("action", "note"))
    assert saved == {a.pk: note for a, (_status, note) in reviews.items()}
    for a, (status, note) in reviews.items():
        a.refresh_from_db()
        assert (a.status, a.status_note, a.status_updated_by) == (status, note, alice)
    assert HistoryEntry.objects.filter(workshop=follow_up, kind="review").count() == len(actions)
    page = client_for(alice).get(url("workshop_detail", follow_up)).content.decode()
    assert f"{len(actions)} of {len(actions)} reviewed" in page


def test_an_action_left_not_reviewed_stays_so_and_the_facilitator_sees_how_many_are_reviewed(
    client_for, closed, follow_up, alice
):
    first, second, *rest = closed.actions.order_by("pk")
    reviews = {first: ("done", "Delivered"), second: ("", "")}
    client_for(alice).post(url("actions_review", follow_up), review_post(reviews))
    assert list(ActionReview.objects.values_list("action", flat=True)) == [first.pk]
    second.refresh_from_db()
    assert second.status == ActionStatus.NOT_STARTED and second.status_updated_at is None
    page = client_for(alice).get(url("workshop_detail", follow_up)).content.decode()
    assert f"1 of {len(rest) + 2} reviewed" in page


def test_saving_the_review_again_unchanged_records_nothing_new(
    client_for, closed, follow_up, alice
):
    reviews = dict.fromkeys(closed.actions.all(), ("done", "Delivered"))
    client = client_for(alice)
    client.post(url("actions_review", follow_up), review_post(reviews))
    history = HistoryEntry.objects.count()
    client.post(url("actions_review", follow_up), review_post(reviews))
    assert HistoryEntry.objects.count() == history


def test_one_over_long_note_saves_nothing_and_every_row_keeps_what_was_typed(
    client_for, closed, follow_up, alice
):
    first, second, *_ = closed.actions.order_by("pk")
    too_long = "x" * (NOTE_MAX + 1)
    reviews = {first: ("done", "Delivered in March"), second: ("in_progress", too_long)}
    response = client_for(alice).post(url("actions_review", follow_up), review_post(reviews))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved: 1 action to put right" in page
    assert "Delivered in March" in page and too_long in page
    assert f'id="id_review-{second.code}-note-error"' in page
    first.refresh_from_db()
    assert first.status == ActionStatus.NOT_STARTED
    assert not ActionReview.objects.exists()


def test_a_note_without_a_status_is_refused_and_changes_nothing(
    client_for, closed, follow_up, alice
):
    action = closed.actions.first()
    response = client_for(alice).post(
        url("actions_review", follow_up), review_post({action: ("", "Somebody said")})
    )
    assert response.status_code == 400
    assert "Choose where it stands, to save the note." in response.content.decode()
    assert "Somebody said" in response.content.decode()
    assert not ActionReview.objects.exists()


def test_an_action_of_another_workshop_cannot_be_reviewed_here(northshire, follow_up, alice, team):
    other = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    role = workshop_actor_for(workshop=follow_up, user=alice)
    with pytest.raises(ValidationError, match="not from the previous workshop"):
        reassess.actions_review(
            workshop=follow_up,
            reviews=[{"action": other.actions.first(), "status": "done", "note": ""}],
            actor=role,
        )
    assert not ActionReview.objects.exists()


def test_a_review_shows_to_everyone_with_its_note(client_for, closed, follow_up, alice, bob):
    action = closed.actions.order_by("pk").first()
    client_for(alice).post(
        url("actions_review", follow_up),
        review_post({action: ("in_progress", "Half the directorates so far")}),
    )
    page = client_for(bob).get(url("workshop_detail", follow_up)).content.decode()
    assert "In progress</strong>: Half the directorates so far" in page
    # The tracker then says the same, and who said it.
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("in_progress", "Half the directorates so far")
    assert action.status_updated_by == alice and action.status_updated_at is not None


def test_a_bad_row_anywhere_in_the_review_and_nothing_was_written(
    northshire, closed, follow_up, alice, team
):
    other = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    first = closed.actions.order_by("pk").first()
    with pytest.raises(ValidationError):
        reassess.actions_review(
            workshop=follow_up,
            reviews=[
                {"action": first, "status": "done", "note": "Delivered"},
                {"action": other.actions.first(), "status": "done", "note": ""},
            ],
            actor=workshop_actor_for(workshop=follow_up, user=alice),
        )
    assert not ActionReview.objects.exists()
    first.refresh_from_db()
    assert first.status == ActionStatus.NOT_STARTED
    assert not HistoryEntry.objects.filter(kind="review").exists()
