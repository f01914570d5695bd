"""In Chromium: a PDF not drawn yet shows that it is being prepared, then comes by itself;
without JavaScript the page refreshes into the file. And the page a person sees while the
database is away."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import PdfRender, PdfRenderStatus
from tests.browser.conftest import screenshot
from tests.builders import workshop_completed
from tests.pdfs import worker_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def closed_workshop(northshire, alice, team):
    # Built straight through the ORM, so nothing is queued ahead: the download asks first.
    return workshop_completed(organisation=northshire, facilitator=alice, members=team)


def test_the_report_is_prepared_with_progress_then_downloads_by_itself(
    live_server, page_for, closed_workshop, vic
):
    page = page_for(vic)
    page.goto(f"{live_server.url}/o/northshire/w/{closed_workshop.code}/")
    page.get_by_role("link", name="Report (PDF, A4)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the report…")
    expect(page.locator("main")).to_contain_text("Usually under 5 s")
    expect(page.locator("[data-pdf-state]")).to_have_text("About to be drawn.")
    # A worker has taken it: the bar moves with the time the last renders took.
    PdfRender.objects.update(
        status=PdfRenderStatus.RENDERING,
        started_at=timezone.now() - timezone.timedelta(seconds=2),
    )
    expect(page.locator("[data-pdf-state]")).to_have_text("Being drawn now.")
    bar = page.get_by_role("progressbar", name="Preparing the report")
    expect(bar).not_to_have_attribute("aria-valuenow", "5")
    assert 10 < int(bar.get_attribute("aria-valuenow")) < 100
    screenshot(page, "pdf-preparing")
    assert page.csp_errors == []

    PdfRender.objects.update(status=PdfRenderStatus.QUEUED, started_at=None)
    with page.expect_download(timeout=20_000) as download:
        worker_run()
    assert download.value.suggested_filename.endswith("-report.pdf")
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    expect(page.locator("[data-pdf-state]")).to_contain_text("Ready")
    assert bar.get_attribute("aria-valuenow") == "100"


def test_without_javascript_the_preparing_page_refreshes_into_the_file(
    live_server, page_for, closed_workshop, vic
):
    """Chromium under Playwright with JavaScript off still parses noscript as text (a
    browser with JavaScript turned off in its settings renders it): so the refresh the
    noscript meta asks for is carried out here by asking for the same address again."""
    from playwright.sync_api import Error as PlaywrightError

    address = f"{live_server.url}/o/northshire/w/{closed_workshop.code}/pdf/wallchart.pdf"
    page = page_for(vic, javascript=False)
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the wall chart…")
    head = page.evaluate("document.head.innerHTML")
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in head

    worker_run()
    with page.expect_download(timeout=20_000) as download:
        try:
            page.goto(address)  # what the meta refresh does after 3 s
        except PlaywrightError as e:  # a navigation that turns into a download
            assert "Download is starting" in str(e) or "ERR_ABORTED" in str(e)
    assert download.value.suggested_filename.endswith("-wall-chart.pdf")
    # The page stays what it was: no refresh loop, the file downloaded once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the wall chart…")


def test_the_page_a_person_sees_while_the_database_is_away(live_server, page_for, bob, northshire):
    """The 503 page as the server draws it with every query failing, shown in Chromium."""

    def down(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    client = Client()
    client.force_login(bob)
    with connection.execute_wrapper(down):
        answer = client.get("/o/northshire/")
    assert answer.status_code == 503

    page = page_for(bob)
    page.route(
        f"{live_server.url}/o/northshire/",
        lambda route: route.fulfill(status=503, headers=dict(answer.items()), body=answer.content),
    )
    page.goto(f"{live_server.url}/o/northshire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The server is briefly unavailable")
    screenshot(page, "database-unavailable-503")


def test_the_chief_executives_roll_up_is_prepared_then_downloads_by_itself(
    live_server, page_for, closed_workshop, vic
):
    """The roll-up's PDF goes through the same worker and preparing page as a workshop's."""
    page = page_for(vic)
    page.goto(f"{live_server.url}/o/northshire/rollup/")
    page.get_by_role("link", name="Roll-up (PDF, A3)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the roll-up…")
    screenshot(page, "rollup-preparing")
    assert page.csp_errors == []
    with page.expect_download(timeout=20_000) as download:
        worker_run()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    page.get_by_role("link", name="← Roll-up").click()
    expect(page).to_have_url(f"{live_server.url}/o/northshire/rollup/")
