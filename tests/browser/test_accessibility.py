"""axe-core (vendored from npm, injected by the test) finds no serious or critical violation."""

from pathlib import Path

import pytest

from assessments.models import Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.browser.conftest import screenshot
from tests.builders import series_of_two
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_model_page_has_no_serious_violation(live_server, page_for, bob):
    page = page_for(bob, bypass_csp=True)
    page.goto(f"{live_server.url}/model/")
    assert serious_violations(page) == []


def test_the_assessment_form_has_no_serious_violation(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    page = page_for(bob, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    screenshot(page, "assessment-form")
    assert serious_violations(page) == []


def test_the_wall_chart_and_consensus_page_have_no_serious_violation(
    live_server, page_for, northshire, alice, team
):
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = page_for(alice, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/w/{current.code}/wallchart/")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/o/northshire/w/{current.code}/")
    assert serious_violations(page) == []


def test_at_320_pixels_wide_no_page_scrolls_sideways(
    live_server, page_for, northshire, alice, team
):
    # WCAG 1.4.10 (reflow): a phone, or a desktop zoomed to 400 %, is 320 CSS pixels wide.
    # A wide table may scroll inside its own box; the page itself must not. Visually
    # hidden labels inside those boxes used to escape them and widen the page.
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = page_for(alice, width=320, height=720)
    org = f"{live_server.url}/o/northshire"
    too_wide = {}
    for path in [
        "/",
        "/w/actions/",
        "/members/",
        "/versions/",
        "/series/",
        f"/w/{current.code}/",
        f"/w/{current.code}/wallchart/",
    ]:
        page.goto(org + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    page.goto(f"{live_server.url}/model/")
    if (width := page.evaluate("document.documentElement.scrollWidth")) > 320:
        too_wide["/model/"] = width
    assert too_wide == {}


def test_on_a_phone_the_action_tracker_shows_each_action_whole_with_its_update_in_reach(
    live_server, page_for, northshire, alice, team
):
    # The person responsible updates their action from their phone: before, the table
    # scrolled sideways inside its box and the Update button sat off the screen.
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    bob = team[0]
    page = page_for(bob, width=390, height=844)
    page.goto(f"{live_server.url}/o/northshire/w/actions/?show=yours")
    update = page.get_by_role("button", name="Update").first
    box = update.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # One value under another, each labelled with the name of its column.
    first_row = page.locator("tbody tr").first
    barrier = first_row.locator("td[data-label=Barrier]").bounding_box()
    responsible = first_row.locator("td[data-label=Responsible]")
    assert responsible.bounding_box()["y"] >= barrier["y"] + barrier["height"] - 1
    label = responsible.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Responsible" in label, label
    assert page.get_by_role("table").count() == 1  # still a table to a screen reader
    screenshot(page, "action-tracker-phone")
    # On a tablet too, the status can be read: squeezed into a column it showed "In pr".
    for width in (768, 1024):
        page.set_viewport_size({"width": width, "height": 844})
        status = page.get_by_label("Status of").first
        assert status.bounding_box()["width"] >= 150, width


def test_the_pdf_preparing_page_and_the_autosave_offer_have_no_serious_violation(
    live_server, page_for, northshire, alice, bob, vic, team, settings, tmp_path
):
    settings.PDF_CACHE_DIR = tmp_path
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = page_for(vic, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/w/{current.code}/pdf/report.pdf")
    assert page.get_by_role("heading", level=1).inner_text() == "Preparing the report…"
    assert serious_violations(page) == []

    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    setup.step_move(
        workshop=workshop, to=Step.ASSESS, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    page = page_for(bob, bypass_csp=True)
    key = f"breakthrough:draft:{bob.pk}:{workshop.code}:learning"
    page.goto(f"{live_server.url}/o/northshire/")
    page.evaluate(
        "key => localStorage.setItem(key, JSON.stringify({values: {stage: 'starting', "
        "evidence: 'Typed offline', descriptors: []}, at: Date.now()}))",
        key,
    )
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    page.locator(".autosave-offer").wait_for()
    assert serious_violations(page) == []
