"""Headless Chromium (Debian's, never a download) driven by Playwright against a live server."""

from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=settings.BROWSER_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """A page signed in as ``user``, in a browser context of its own (its own cookies)."""
    contexts = []

    def open_page(user, width=1280, height=900, bypass_csp=False, javascript=True):
        client = Client()
        client.force_login(user)
        # bypass_csp only for injecting the axe test tool; pages are otherwise held to the CSP.
        context = browser.new_context(
            viewport={"width": width, "height": height},
            bypass_csp=bypass_csp,
            java_script_enabled=javascript,
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda m: (
                page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        return page

    yield open_page
    from playwright.sync_api import Error as PlaywrightError

    for context in contexts:
        # Leave each page before disposing of its context. Closing a context whose page was
        # still polling the live server (live.js, every second) now and then never returned
        # in Chromium 156: about one run of the workshop screens in four hung there until
        # the test timeout, and once held a CI run.
        for page in context.pages:
            # A page already on its way elsewhere (following the workshop's step) refuses.
            with suppress(PlaywrightError):
                page.goto("about:blank")
        context.close()


@pytest.fixture
def at_targets(northshire, alice, team):
    """A workshop at step 4, every rating revealed and every consensus agreed."""
    from assessments.models import Consensus, Step
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services import setup
    from tests.builders import workshop_rated

    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    for barrier in workshop.barriers.all():
        Consensus.objects.create(
            workshop=workshop,
            barrier=barrier,
            stage="starting",
            rationale="Most of the evidence points here.",
            recorded_by=alice,
        )
    setup.step_move(
        workshop=workshop, to=Step.TARGET, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    return workshop


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Screenshots of the pages: {SCREENSHOTS}")
