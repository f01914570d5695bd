"""Screenshots of every workshop step for the facilitator and a member (one at phone width),
each page held to the Content Security Policy and free of horizontal scrolling on a phone."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import reassess, setup
from organisations.access import actor_for
from tests.browser.conftest import screenshot
from tests.builders import workshop_completed, workshop_rated
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def facilitating(workshop, alice):
    return workshop_actor_for(workshop=workshop, user=alice)


def look(page, url, name):
    page.goto(url)
    path = screenshot(page, name)
    # Nothing wider than the screen: the page works on a phone without sideways scrolling.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert page.csp_errors == [], page.csp_errors
    return path, overflow


def test_screenshots_of_explain_and_assess_for_facilitator_and_member(
    live_server, page_for, northshire, alice, bob, team
):
    _, overflow = look(
        page_for(alice, **PHONE), f"{live_server.url}/o/northshire/w/new/", "set-up-phone"
    )
    assert overflow <= 0
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    url = f"{live_server.url}/o/northshire/w/{workshop.code}/"
    setup.step_move(workshop=workshop, to=Step.EXPLAIN, actor=facilitating(workshop, alice))
    look(page_for(alice), url, "step1-explain-facilitator")
    _, overflow = look(page_for(bob, **PHONE), url, "step1-explain-member-phone")
    assert overflow <= 0

    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=facilitating(workshop, alice))
    setup.timebox_set(workshop=workshop, minutes=15, actor=facilitating(workshop, alice))
    look(page_for(alice), url, "step2-assess-facilitator")
    member = page_for(bob, **PHONE)
    _, overflow = look(member, url, "step2-assess-member-phone")
    assert overflow <= 0
    # The countdown is running (countdown.js), with no inline script.
    assert member.locator("[data-timebox-ends]").first.inner_text().strip() != ""


def test_screenshots_of_consensus_target_and_reassessment(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    url = f"{live_server.url}/o/northshire/w/{workshop.code}/"
    look(page_for(alice), url, "step3-consensus-facilitator")
    _, overflow = look(page_for(bob, **PHONE), url, "step3-consensus-member-phone")
    assert overflow <= 0

    done = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=1),
        closed=False,
    )
    done_url = f"{live_server.url}/o/northshire/w/{done.code}/"
    setup.step_move(workshop=done, to=Step.TARGET, actor=facilitating(done, alice))
    look(page_for(alice), done_url, "step4-target-facilitator")
    look(page_for(bob), done_url, "step4-target-member")
    setup.step_move(workshop=done, to=Step.REASSESS, actor=facilitating(done, alice))
    look(page_for(alice), done_url, "step5-reassess-facilitator")


def test_screenshots_of_the_review_of_last_times_actions(
    live_server, page_for, northshire, alice, bob, team
):
    earlier = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=182),
    )
    follow_up = reassess.reassessment_start(
        workshop=earlier, actor=actor_for(organisation=earlier.organisation, user=alice)
    )
    url = f"{live_server.url}/o/northshire/w/{follow_up.code}/"
    look(page_for(alice), url, "step0-review-facilitator")
    _, overflow = look(page_for(bob, **PHONE), url, "step0-review-member-phone")
    assert overflow <= 0
    look(page_for(alice), f"{live_server.url}/o/northshire/w/actions/", "action-tracker")
