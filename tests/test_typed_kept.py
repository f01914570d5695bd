"""What was typed comes back when it is refused (too long, or refused by a rule): a challenge,
a tracker status note and a review note, as the consensus, target and action forms already
do. Nothing is stored."""

import html

from django.urls import reverse

from assessments.models import ActionReview, Challenge, Rating, Step
from tests.builders import series_of_two, workshop_completed, workshop_rated
from tests.posts import review_post

TOO_LONG = "We saw it twice, " + "x" * 1200


def test_a_challenge_too_long_is_shown_back_where_it_was_typed_and_nothing_was_stored(
    client_for, northshire, alice, carol, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    rating = Rating.objects.filter(participant__workshop=workshop).first()
    url = reverse(
        "challenge_add", kwargs={"org": "northshire", "code": workshop.code, "rating": rating.code}
    )
    response = client_for(carol).post(url, {"text": TOO_LONG})
    assert response.status_code == 400
    page = response.content.decode()
    form = page[page.index(f'id="ch-{rating.code}"') :]
    assert form[: form.index("</textarea>")].endswith(TOO_LONG)
    assert "at most 1000 characters" in html.unescape(page)
    assert not Challenge.objects.exists()


def test_a_tracker_note_too_long_is_shown_back_and_the_action_is_unchanged(
    client_for, northshire, alice, team
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = workshop.actions.order_by("pk").first()
    url = reverse("action_status", kwargs={"org": "northshire", "action": action.code})
    response = client_for(alice).post(url, {"status": "done", "note": TOO_LONG})
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index(f'id="sn-{action.code}"') :]
    assert f'value="{TOO_LONG}"' in field[: field.index(">")]
    status = page[page.index(f'id="st-{action.code}"') :]
    assert '<option value="done" selected>' in status[: status.index("</select>")]
    assert "at most 1000 characters" in html.unescape(page)
    action.refresh_from_db()
    assert action.status == "not_started" and action.status_note == ""


def test_a_review_note_too_long_is_shown_back_and_nothing_was_stored(
    client_for, northshire, alice, team
):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    ActionReview.objects.all().delete()
    current.step = Step.REVIEW
    current.save(update_fields=["step"])
    action = earlier.actions.order_by("pk").first()
    url = reverse("actions_review", kwargs={"org": "northshire", "code": current.code})
    response = client_for(alice).post(url, review_post({action: ("dropped", TOO_LONG)}))
    assert response.status_code == 400
    page = response.content.decode()
    note = page[page.index(f'name="review-{action.code}-note"') :]
    assert f'value="{TOO_LONG}"' in note[: note.index(">")]
    status = page[page.index(f'name="review-{action.code}-status"') :]
    assert 'value="dropped" selected' in status[: status.index("</select>")]
    assert "at most 1000 characters" in html.unescape(page)
    assert not ActionReview.objects.exists()
