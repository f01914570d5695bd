"""In Chromium: the Word, Excel and CSV downloads beside the PDFs, opened from the keyboard,
within a phone's width, and a Word report prepared then downloaded by itself."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import serious_violations
from tests.builders import workshop_completed
from tests.pdfs import worker_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "cache"


@pytest.fixture
def closed_workshop(northshire, alice, team):
    return workshop_completed(organisation=northshire, facilitator=alice, members=team)


def test_the_office_downloads_open_from_the_keyboard_and_pass_axe(
    live_server, page_for, closed_workshop, vic
):
    page = page_for(vic, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/w/{closed_workshop.code}/")
    more = page.locator("summary", has_text="Word, Excel and CSV")
    more.focus()
    page.keyboard.press("Enter")
    for name in (
        "Report (Word)",
        "Action plan and ratings (Excel)",
        "Action plan (CSV)",
        "Ratings (CSV)",
    ):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshot(page, "office-downloads-laptop")
    assert serious_violations(page) == []
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Report (Word)")).to_be_focused()


def test_on_a_phone_the_open_downloads_stay_within_the_screen(
    live_server, page_for, closed_workshop, vic
):
    page = page_for(vic, width=320, height=720)
    for path in ("", "wallchart/"):
        page.goto(f"{live_server.url}/o/northshire/w/{closed_workshop.code}/{path}")
        page.locator("summary", has_text="Word, Excel and CSV").click()
        link = page.get_by_role("link", name="Action plan and ratings (Excel)")
        expect(link).to_be_visible()
        box = page.locator(".office-downloads > ul").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (path, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        screenshot(page, f"office-downloads-phone{'-wallchart' if path else ''}")


def test_the_word_report_is_prepared_then_downloads_by_itself(
    live_server, page_for, closed_workshop, vic
):
    page = page_for(vic)
    page.goto(f"{live_server.url}/o/northshire/w/{closed_workshop.code}/")
    page.locator("summary", has_text="Word, Excel and CSV").click()
    page.get_by_role("link", name="Report (Word)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the Word report…")
    with page.expect_download(timeout=20_000) as download:
        worker_run()
    assert download.value.suggested_filename.endswith("-report.docx")
    with open(download.value.path(), "rb") as f:
        document = Document(io.BytesIO(f.read()))
    assert document.paragraphs[0].text == closed_workshop.title
    expect(page.locator("[data-pdf-state]")).to_contain_text("Ready")
