"""A person's data, the privacy notice and the accessibility statement in Chromium: a
facilitator downloads a subject access file and erases a leaver with the keyboard alone,
and every new page passes axe on a laptop and a phone; screenshots in
test-artifacts/screenshots/governance-*.png."""

import json

import pytest
from playwright.sync_api import expect

from assessments.models import Rating
from organisations.models import Membership, StandIn
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import serious_violations
from tests.builders import workshop_completed, workshop_rated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text (visually hidden words included) is
    ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => (document.activeElement.textContent || '').replace(/\\s+/g, ' ').trim())()"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def test_a_facilitator_downloads_a_persons_data_and_erases_them_with_the_keyboard_alone(
    live_server, page_for, northshire, alice, bob, team
):
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    page = page_for(alice, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/personal-data/")
    expect(page.get_by_role("heading", name="Personal data")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "governance-personal-data")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export the data of Bob Example").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == "bob@example.org"
    assert download.value.suggested_filename.startswith("northshire-subject-access-bob-example-")

    tab_to(page, "Erase… Bob Example")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Erase Bob Example?")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "governance-erase-confirm")
    tab_to(page, "Erase Bob Example")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Erased. Their ratings, evidence, challenges")).to_be_visible()
    assert not Membership.objects.filter(user__email="bob@example.org").exists()
    stand_in = StandIn.objects.get().user
    assert Rating.objects.filter(participant__user=stand_in, participant__workshop=closed).exists()

    page.goto(f"{live_server.url}/o/northshire/w/{closed.code}/")
    expect(page.get_by_role("cell", name="Former member 1").first).to_be_visible()
    screenshot(page, "governance-closed-record-after-erasure")


def test_the_erasure_waits_for_an_open_workshop_and_says_which(
    live_server, page_for, northshire, alice, bob, team
):
    workshop_rated(organisation=northshire, facilitator=alice, members=team, title="Spring SMT")
    page = page_for(alice, width=390, height=844, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/personal-data/")
    screenshot(page, "governance-personal-data-phone")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Erase… Bob Example").click()
    expect(page.get_by_role("alert")).to_contain_text("“Spring SMT” (participant)")
    assert serious_violations(page) == []
    screenshot(page, "governance-erase-refused-phone")


def test_the_retention_setting_refused_and_saved(live_server, page_for, northshire, alice):
    page = page_for(alice, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/personal-data/")
    page.get_by_label("For a period after they close").check()
    page.get_by_role("button", name="Save how long they are kept").click()
    expect(page.get_by_text("Say how long, in months or years.").first).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "governance-retention-refused")
    page.get_by_role("spinbutton", name="How long").fill("6")
    page.get_by_label("Anonymise them").check()
    page.get_by_role("button", name="Save how long they are kept").click()
    expect(page.get_by_text("Saved: closed workshops are kept for 6 years")).to_be_visible()
    northshire.refresh_from_db()
    assert northshire.retention_months == 72


def test_the_privacy_notice_its_editing_and_the_accessibility_statement(
    live_server, page_for, northshire, alice, vic
):
    editor = page_for(alice, bypass_csp=True)
    editor.goto(f"{live_server.url}/o/northshire/privacy/edit/")
    assert serious_violations(editor) == []
    screenshot(editor, "governance-privacy-edit")
    text = editor.get_by_label("Privacy notice")
    text.fill(text.input_value().replace("(Facilitators: edit this", "dpo@northshire.example ("))
    editor.get_by_role("button", name="Save the privacy notice").click()
    expect(editor.get_by_text("Saved: members now read this privacy notice.")).to_be_visible()

    reader = page_for(vic, width=390, height=844, bypass_csp=True)
    reader.goto(f"{live_server.url}/o/northshire/")
    reader.get_by_role("link", name="Privacy notice of Northshire Council").click()
    expect(reader.get_by_role("heading", name="Privacy notice")).to_be_visible()
    expect(reader.get_by_text("dpo@northshire.example")).to_be_visible()
    assert serious_violations(reader) == []
    screenshot(reader, "governance-privacy-notice-phone")

    reader.get_by_role("link", name="Accessibility statement").click()
    expect(
        reader.get_by_role("heading", name="Accessibility statement for Breakthrough")
    ).to_be_visible()
    assert serious_violations(reader) == []
    screenshot(reader, "governance-accessibility-phone")
    # Reflow at 320 pixels wide (WCAG 1.4.10): none of them scrolls sideways.
    for page, paths in [
        (reader, ["/accessibility/", "/o/northshire/privacy/"]),
        (editor, ["/o/northshire/personal-data/", "/o/northshire/privacy/edit/"]),
    ]:
        page.set_viewport_size({"width": 320, "height": 720})
        for path in paths:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)


def test_screenshots_of_an_anonymised_record_and_its_wall_chart(
    live_server, page_for, northshire, alice, vic, team
):
    from assessments.services.retention import workshop_anonymise

    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    workshop_anonymise(workshop=closed)
    page = page_for(vic)
    page.goto(f"{live_server.url}/o/northshire/w/{closed.code}/")
    expect(page.get_by_text("Anonymised on")).to_be_visible()
    page.locator("details summary").first.click()
    expect(page.get_by_text("Bob Example")).to_have_count(0)
    screenshot(page, "governance-anonymised-record")
    page.goto(f"{live_server.url}/o/northshire/w/{closed.code}/wallchart/")
    screenshot(page, "governance-anonymised-wallchart")
    assert "Example" not in page.locator("main").inner_text()
