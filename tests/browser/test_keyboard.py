"""Everything a participant does works from the keyboard alone."""

import pytest
from playwright.sync_api import expect

from assessments.models import Participant, Rating, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, accessible_text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; "
            "return e ? [e.innerText, e.value, e.id].join(' ') : ''; })()"
        )
        if accessible_text in (focused or ""):
            return
    raise AssertionError(f"{accessible_text!r} cannot be reached with Tab")


def test_a_member_confirms_and_rates_with_the_keyboard_only(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    base = f"{live_server.url}/o/northshire/w/{workshop.code}/"
    page = page_for(bob)
    page.goto(base)
    tab_to(page, "I understand the model")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You confirmed that you understand the model.")).to_be_visible()
    assert Participant.objects.get(workshop=workshop, user=bob).understood_at is not None

    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    page.goto(base)
    tab_to(page, "stage-leadership-starting")
    page.keyboard.press("ArrowRight")  # radio group: to Developing
    tab_to(page, "evidence-leadership")
    page.keyboard.type("The director of finance now reports results to staff each month.")
    tab_to(page, "Submit my rating")
    page.keyboard.press("Enter")
    expect(page.locator("#barrier-leadership .rating-status")).to_contain_text("Developing")
    assert Rating.objects.get(participant__user=bob).stage == "developing"
