"""What must fit the screen it is shown on: a workshop's header on a laptop, the wall chart
in projector mode."""

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import screenshot
from tests.builders import series_of_two, workshop_completed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Corporate management team workshop, December 2026: reassessment"


@pytest.mark.parametrize("path", ["", "wallchart/"])
def test_at_1366_pixels_the_download_links_stay_beside_the_title(
    live_server, page_for, northshire, alice, team, path
):
    # A common laptop width: "Report (PDF, A4)" wrapped onto a line of its own under the title.
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    type(workshop).objects.filter(pk=workshop.pk).update(title=LONG_TITLE)
    page = page_for(alice, width=1366, height=768)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/{path}")
    screenshot(page, f"header-1366{'-wallchart' if path else ''}")
    title = page.get_by_role("heading", level=1).bounding_box()
    links = [
        page.get_by_role("link", name=name).bounding_box()
        for name in ("Wall chart (PDF, A3)", "Report (PDF, A4)")
    ]
    report = links[-1]
    assert report["y"] < title["y"] + title["height"], (report, title)
    assert len({round(box["y"]) for box in links}) == 1, links


@pytest.mark.parametrize("closed", [True, False], ids=["closed", "open"])
def test_projector_mode_at_1920_by_1080_is_no_taller_than_the_screen(
    live_server, page_for, northshire, alice, team, closed
):
    # With everything a cell can carry: markers, consensus, target, previous, the arrow.
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    if closed:
        type(current).objects.filter(pk=current.pk).update(closed_at=current.created_at)
    page = page_for(alice, width=1920, height=1080)
    page.goto(f"{live_server.url}/o/northshire/w/{current.code}/wallchart/?projector=1")
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, f"wallchart-projector-full-{'closed' if closed else 'open'}")
    assert height <= 1080, height
    grid = page.locator(".wallchart-grid").bounding_box()
    assert grid["y"] + grid["height"] <= 1080


@pytest.mark.parametrize("query", ["", "?projector=1"], ids=["screen", "projector"])
def test_the_wall_chart_prints_on_one_landscape_page_from_either_mode(
    live_server, page_for, northshire, alice, team, query
):
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{current.code}/wallchart/{query}")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
