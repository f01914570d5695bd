"""The facilitator's timebox is heard as well as seen: a screen reader is told once when a
minute is left and once when time is up, not every second."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from assessments.services.workshop import workshop_touch
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def timebox_ends_in(workshop, seconds: float) -> None:
    # The service takes whole minutes; a test cannot wait for one to pass.
    Workshop.objects.filter(pk=workshop.pk).update(
        timebox_ends_at=timezone.now() + datetime.timedelta(seconds=seconds)
    )
    workshop_touch(workshop)


def test_a_member_hears_one_minute_left_and_time_is_up(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    timebox_ends_in(workshop, 63)

    member = page_for(bob)
    member.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    announcer = member.locator("[data-timebox-announce]")
    assert announcer.get_attribute("aria-live") == "polite"
    expect(announcer).to_have_text("", timeout=1000)
    expect(announcer).to_have_text("One minute left for this step.", timeout=6000)

    # The facilitator shortens it; the page follows the change and says when it runs out.
    timebox_ends_in(workshop, 3)
    expect(member.locator("[data-timebox-ends]")).to_have_text("time is up", timeout=8000)
    expect(announcer).to_have_text("Time is up for this step.")
