"""Joining from the projector, in Chromium: the facilitator shows a QR code; a director
scans it (read back here from a screenshot, as a phone camera would), signs in with a link
from their email, and lands on their own page of the workshop.

Alice leads the workshop; Bob takes part and has never set a password."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect
from pyzbar.pyzbar import decode

from tests.browser.conftest import CHROMIUM_ARGS, screenshot  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_director_scans_the_projectors_code_and_lands_on_the_workshop_by_email_link(
    live_server, page_for, browser, workshop, alice, bob, settings
):
    settings.SITE_URL = live_server.url
    projector = page_for(alice, width=1920, height=1080)
    projector.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    projector.get_by_text("Show how to join from a phone").click()
    qr = projector.locator("img.join-qr")
    expect(qr).to_be_visible()
    screenshot(projector, "join-panel")
    found = decode(Image.open(io.BytesIO(qr.screenshot())))
    assert found, "no QR code could be read from the facilitator's screen"
    scanned = found[0].data.decode()
    assert scanned == f"{live_server.url}/j/{workshop.join_code}/"
    assert workshop.join_code in projector.locator(".join-address").inner_text()

    # Bob's phone: not signed in. The address sends him to sign in, then back.
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    try:
        phone.goto(scanned)
        phone.get_by_role("link", name="Email me a sign-in link instead").click()
        phone.get_by_label("Email").fill("bob@example.org")
        phone.get_by_role("button", name="Email me a link").click()
        expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
        link = re.search(r"http\S+", mail.outbox[-1].body).group(0)
        phone.goto(link)
        phone.get_by_role("button", name="Sign in").click()
        expect(phone).to_have_url(re.compile(rf"/o/northshire/w/{workshop.code}/$"))
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Northshire SMT")
        screenshot(phone, "join-landed-phone")
    finally:
        phone.context.close()
