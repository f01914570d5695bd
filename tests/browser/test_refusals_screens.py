"""Screens of what is refused and what is kept (issue 19): each refusal says why, in place,
with what was typed still there; screenshots in test-artifacts/screenshots/refused-*.png."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import ActionReview, Rating, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, setup
from organisations.access import actor_for
from organisations.models import Membership, RateEvent, Role
from organisations.services import membership_change_role
from organisations.throttle import ACCOUNT_FREE_FAILURES, SIGN_IN_FAILURE, _key
from tests.browser.conftest import screenshot
from tests.builders import series_of_two, workshop_completed, workshop_rated
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "We saw it at the board and in two directorates. " * 25  # over 1,000 characters


def _overlong(locator, text=LONG):
    """Put in more than the field's maxlength, as a paste of line breaks counted twice does."""
    locator.evaluate("(el, text) => { el.removeAttribute('maxlength'); el.value = text; }", text)


def test_a_refused_challenge_comes_back_open_with_the_text(
    live_server, page_for, northshire, alice, carol, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    rating = Rating.objects.filter(participant__workshop=workshop, barrier__slug="learning").first()
    page = page_for(carol)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    box = page.locator(f"#ch-{rating.code}")
    box.locator("xpath=ancestor::details").locator("summary").click()
    _overlong(box)
    box.locator("xpath=ancestor::form").get_by_role("button", name="Add challenge").click()
    box = page.locator(f"#ch-{rating.code}")
    expect(box).to_be_visible()
    assert box.input_value() == LONG
    expect(page.locator(f"#ch-{rating.code}-error")).to_contain_text("at most 1000 characters")
    expect(box).to_have_attribute("aria-invalid", "true")
    screenshot(page, "refused-challenge")


def test_a_refused_tracker_note_comes_back_in_its_row(
    live_server, page_for, northshire, alice, team
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = workshop.actions.order_by("pk").first()
    page = page_for(alice, width=390, height=844)
    page.goto(f"{live_server.url}/o/northshire/w/actions/")
    page.locator(f"#st-{action.code}").select_option("in_progress")
    _overlong(page.locator(f"#sn-{action.code}"))
    page.locator(f"#sn-{action.code}").locator("xpath=ancestor::form").locator("button").click()
    note = page.locator(f"#sn-{action.code}")
    assert note.input_value() == LONG
    assert page.locator(f"#st-{action.code}").input_value() == "in_progress"
    expect(page.locator(f"#sn-{action.code}-error")).to_contain_text("at most 1000 characters")
    screenshot(page, "refused-tracker-note-phone")


def test_a_refused_review_note_comes_back_in_its_row(
    live_server, page_for, northshire, alice, team
):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    ActionReview.objects.all().delete()
    current.step = Step.REVIEW
    current.save(update_fields=["step"])
    action = earlier.actions.order_by("pk").first()
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{current.code}/")
    # The review is one form for every action (the room reviews them in one go).
    status = page.locator(f'[name="review-{action.code}-status"]')
    note = page.locator(f'[name="review-{action.code}-note"]')
    status.select_option("dropped")
    _overlong(note)
    page.get_by_role("button", name="Save the review").click()
    assert note.input_value() == LONG
    assert status.input_value() == "dropped"
    expect(page.locator("#review")).to_contain_text("at most 1000 characters")
    screenshot(page, "refused-review-note")


def test_a_workshop_whose_lead_left_offers_another_facilitator_to_take_over(
    live_server, page_for, northshire, alice, fay, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    membership_change_role(
        membership=Membership.objects.get(user=alice),
        role=Role.MEMBER,
        actor=actor_for(organisation=northshire, user=fay),
    )
    page = page_for(fay)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    screenshot(page, "take-over-lead")
    page.get_by_role("button", name="Take over as lead facilitator").click()
    expect(page.get_by_text("You lead this workshop now.")).to_be_visible()
    workshop.refresh_from_db()
    assert workshop.lead_facilitator == fay


def test_a_participant_sees_their_rating_was_replaced_on_their_behalf(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    setup.step_move(
        workshop=workshop, to=Step.ASSESS, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    learning = workshop.barriers.get(slug="learning")
    for by in (bob, alice):
        assess.rating_submit(
            workshop=workshop,
            barrier=learning,
            stage="developing",
            evidence="Seen in the finance team",
            actor=workshop_actor_for(workshop=workshop, user=by),
            on_behalf_of=workshop.participants.get(user=bob) if by == alice else None,
        )
    page = page_for(bob, width=390, height=844)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/#barrier-learning")
    card = page.locator("#barrier-learning")
    expect(card).to_contain_text("Recorded on your behalf by Alice Example")
    expect(card).to_contain_text("replacing the rating you gave")
    screenshot(page, "on-behalf-notice-phone")


def test_sign_in_to_an_account_guessed_at_says_how_long_to_wait(live_server, browser, bob):
    now = timezone.now()
    RateEvent.objects.bulk_create(
        RateEvent(kind=SIGN_IN_FAILURE, key=_key(bob.email), at=now - datetime.timedelta(seconds=5))
        for _ in range(ACCOUNT_FREE_FAILURES + 1)
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(bob.email)
    page.get_by_label("Password").fill("whatever it is")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Too many failed sign-ins to this account")).to_be_visible()
    screenshot(page, "sign-in-wait")
    context.close()


def test_the_nul_refusal_and_a_date_out_of_range_say_what_to_do(
    live_server, page_for, northshire, alice
):
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/actions/?show=%00")
    expect(page.get_by_text("NUL character")).to_be_visible()
    screenshot(page, "refused-nul")
    page.goto(f"{live_server.url}/o/northshire/w/new/")
    page.get_by_label("Date").fill("2101-01-01")
    page.get_by_role("button", name="Set up the workshop").click()
    expect(
        page.get_by_text("Give a date between 1 January 2000 and 31 December 2100.")
    ).to_be_visible()
    screenshot(page, "refused-workshop-date")


def test_the_audit_log_page_with_its_filters(live_server, page_for, northshire, alice, bob, team):
    from organisations.audit import audit_record

    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    for action, summary in [
        ("sign_in", "Signed in."),
        ("ratings_revealed", f"{workshop.title}: Revealed the ratings."),
        ("consensus_saved", f"{workshop.title}: Consensus for Learning: Developing."),
    ]:
        audit_record(organisation=northshire, user=alice, action=action, summary=summary)
    audit_record(organisation=northshire, user=bob, action="sign_in_failed", summary="Failed.")
    page = page_for(alice, width=390, height=844)
    page.goto(f"{live_server.url}/o/northshire/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    page.get_by_label("What").select_option("consensus_saved")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    screenshot(page, "audit-log-phone")
