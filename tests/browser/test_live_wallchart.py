"""Two people, two browsers: what one does appears on the other's screen within 2 seconds."""

import pytest
from playwright.sync_api import expect

from assessments.models import Participant, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.browser.conftest import screenshot
from tests.builders import workshop_rated
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def facilitating(workshop, user):
    return workshop_actor_for(workshop=workshop, user=user)


def test_a_submitted_rating_appears_on_the_facilitators_wall_chart_without_a_reload(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=facilitating(workshop, alice))
    base = f"{live_server.url}/o/northshire/w/{workshop.code}"

    chart = page_for(alice)
    chart.goto(f"{base}/wallchart/")
    chart.evaluate("window.notReloaded = true")
    progress = chart.get_by_test_id("progress-leadership")
    expect(progress).to_have_text("0 of 4 have rated")
    screenshot(chart, "wallchart-before-reveal")

    member = page_for(bob)
    member.goto(f"{base}/")
    member.locator("#stage-leadership-developing").check()
    member.locator("#evidence-leadership").fill(
        "The chief executive opened the month with results."
    )
    member.locator("#barrier-leadership button[type=submit]").click()
    expect(member.locator("#barrier-leadership .rating-status")).to_contain_text("Developing")

    expect(progress).to_have_text("1 of 4 have rated", timeout=2000)
    assert chart.evaluate("window.notReloaded") is True
    assert not chart.csp_errors and not member.csp_errors


def test_the_members_page_follows_the_step_and_keeps_half_typed_evidence(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = facilitating(workshop, alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    base = f"{live_server.url}/o/northshire/w/{workshop.code}"

    member = page_for(bob)
    member.goto(f"{base}/")
    evidence = member.locator("#evidence-learning")
    evidence.fill("Half a thought about the learning sets we")

    facilitator = page_for(alice)
    facilitator.goto(f"{base}/")
    facilitator.get_by_role("button", name="Close the assessment and reveal the ratings →").click()
    # Nobody has rated yet, so the facilitator is asked first.
    expect(facilitator.get_by_role("alert")).to_contain_text("Still to rate: Bob Example")
    facilitator.get_by_role("button", name="Reveal the ratings now").click()
    expect(facilitator.locator(".stepper-step.is-current")).to_contain_text("Consensus")

    # The member's stepper follows; the text they were typing stays where it was.
    expect(member.locator(".stepper-step.is-current")).to_contain_text("Consensus", timeout=2000)
    expect(member.locator("[data-live-notice]")).to_contain_text("What you typed here is kept")
    assert evidence.input_value() == "Half a thought about the learning sets we"
    # ...and it was saved as a draft on the server too.
    participant = Participant.objects.get(workshop=workshop, user=bob)
    assert participant.drafts.get(barrier__slug="learning").evidence.startswith("Half a thought")


def test_a_member_with_nothing_typed_is_taken_to_the_new_step(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    base = f"{live_server.url}/o/northshire/w/{workshop.code}"
    member = page_for(bob)
    member.goto(f"{base}/")
    expect(member.get_by_role("button", name="I understand the model")).to_be_visible()
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=facilitating(workshop, alice))
    expect(member.get_by_role("heading", name="Step 2: your own assessment")).to_be_visible(
        timeout=2500
    )


def test_screenshots_of_the_wall_chart_after_the_reveal_and_in_projector_mode(
    live_server, page_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    base = f"{live_server.url}/o/northshire/w/{workshop.code}"
    page = page_for(alice)
    page.goto(f"{base}/wallchart/")
    expect(page.locator(".marker").first).to_be_visible()
    screenshot(page, "wallchart-after-reveal")
    # A headline's colon leads into the descriptors under it...
    assert page.locator(".headline").first.inner_text().endswith("really matters:")
    projector = page_for(alice, width=1920, height=1080)
    projector.goto(f"{base}/wallchart/?projector=1")
    screenshot(projector, "wallchart-projector")
    # ...which projector mode leaves out, so there the headline ends as a sentence.
    assert projector.locator(".headline").first.inner_text().endswith("really matters")
    # Six barriers fit on a 1920x1080 screen: nothing to scroll.
    assert projector.evaluate("document.documentElement.scrollHeight") <= 1080


@pytest.mark.parametrize("width,height", [(1280, 720), (1024, 768)])
def test_on_a_smaller_projector_every_column_heading_fits_its_column(
    live_server, page_for, northshire, alice, team, width, height
):
    # Many meeting-room projectors are 1280x720 or older 1024x768; at 1280 "Outcome"
    # ran over the edge of its column.
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    projector = page_for(alice, width=width, height=height)
    projector.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/wallchart/?projector=1")
    overflowing = projector.evaluate(
        """[...document.querySelectorAll('.wallchart-grid thead th')]
             .filter(th => th.scrollWidth > th.clientWidth).map(th => th.textContent.trim())"""
    )
    assert overflowing == []
    assert projector.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(projector, f"wallchart-projector-{width}")


def test_on_a_phone_the_grid_scrolls_sideways_in_its_own_box_and_no_heading_is_cut(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    phone = page_for(bob, width=390, height=844)
    phone.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/wallchart/")
    cut = phone.evaluate(
        """[...document.querySelectorAll('.wallchart-grid thead th, .barrier-name')]
             .filter(el => el.scrollWidth > el.clientWidth).map(el => el.textContent.trim())"""
    )
    assert cut == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    grid_box = phone.get_by_role("region", name="Wall chart grid")
    assert grid_box.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls, inside
    # Its caption wraps to the screen rather than running off it.
    caption = phone.locator(".wallchart-caption").bounding_box()
    assert caption["x"] + caption["width"] <= 390
    screenshot(phone, "wallchart-phone")


def test_the_wall_chart_prints_on_one_landscape_page(
    live_server, page_for, northshire, alice, team
):
    import io

    from pypdf import PdfReader

    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/wallchart/")
    expect(page.locator(".marker").first).to_be_visible()
    printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(printed.pages) == 1
    box = printed.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape


def test_polling_pauses_while_the_tab_is_hidden_and_resumes_when_shown(
    live_server, page_for, northshire, alice, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    page = page_for(alice)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/state/" in r.url else None)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/wallchart/")
    page.wait_for_timeout(1500)
    assert polls, "the page polls while visible"
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_timeout(300)
    seen = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == seen, "no polling while hidden"
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_timeout(500)
    assert len(polls) > seen, "polling resumes at once when shown"
