"""The units pages, the roll-up and a unit's outcomes in a real browser: axe finds no serious
or critical violation, nothing scrolls sideways at 320 pixels (the roll-up's grid scrolls in
its own box), and the screenshots are written for a person to look at."""

import pytest
from django.urls import reverse

from organisations.models import Unit
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import serious_violations
from tests.test_rollup import example  # noqa: F401  (the roll-up's worked example)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pages(example):  # noqa: F811
    adults = example["adults"]
    return {
        "rollup": reverse("rollup", kwargs={"org": "northshire"}),
        "rollup-outcomes": reverse(
            "rollup_workshop", kwargs={"org": "northshire", "code": example["second"].code}
        ),
        "units": reverse("units", kwargs={"org": "northshire"}),
        "unit": reverse("unit_detail", kwargs={"org": "northshire", "unit": adults.code}),
        "comparison": reverse("comparison", kwargs={"org": "northshire"}),
    }


def test_the_units_pages_and_the_roll_up_have_no_serious_violation(
    live_server,
    page_for,
    alice,
    vic,
    example,  # noqa: F811
):
    for who, user in (("facilitator", alice), ("chief-executive", vic)):
        page = page_for(user, bypass_csp=True, width=1440)
        for name, path in pages(example).items():
            page.goto(live_server.url + path)
            assert page.locator("h1").count() == 1
            screenshot(page, f"{name}-{who}")
            assert serious_violations(page) == [], (name, who)


def test_a_refused_form_on_a_unit_page_has_no_serious_violation(
    live_server,
    page_for,
    alice,
    example,  # noqa: F811
):
    page = page_for(alice, bypass_csp=True)
    page.goto(live_server.url + pages(example)["unit"])
    page.locator("#rename_name").fill("Children's services")
    page.get_by_role("button", name="Rename", exact=True).click()
    page.get_by_text("already has a unit called").wait_for()
    assert page.locator("#rename_name").input_value() == "Children's services"
    screenshot(page, "unit-rename-refused")
    assert serious_violations(page) == []
    assert Unit.objects.get(pk=example["adults"].pk).name == "Adult Social Care"


def test_at_320_pixels_wide_the_units_pages_and_the_roll_up_do_not_scroll_sideways(
    live_server,
    page_for,
    vic,
    example,  # noqa: F811
):
    page = page_for(vic, width=320, height=720)
    too_wide = {}
    for name, path in pages(example).items():
        page.goto(live_server.url + path)
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 320:
            too_wide[name] = width
    screenshot(page, "unit-phone")
    page.goto(live_server.url + pages(example)["rollup"])
    screenshot(page, "rollup-phone")
    assert too_wide == {}


def test_the_comparison_shown_and_withheld_has_no_serious_violation(
    live_server,
    page_for,
    alice,
    example,  # noqa: F811
):
    from assessments.models import Consensus
    from organisations.access import actor_for
    from organisations.comparison import comparison_share_set
    from tests.test_comparison import body

    northshire = example["top"].organisation
    comparison_share_set(
        organisation=northshire, share=True, actor=actor_for(organisation=northshire, user=alice)
    )
    others = [
        body(f"{name} Council", stage)
        for name, stage in [
            ("Eastshire", "starting"),
            ("Westshire", "starting"),
            ("Upshire", "consolidating"),
            ("Downshire", "developing"),
        ]
    ]
    # One body has not agreed Learning: that figure comes from four, and is withheld.
    workshop = others[0].workshops.get()
    type(workshop).objects.filter(pk=workshop.pk).update(closed_at=None)
    Consensus.objects.filter(workshop=workshop, barrier__slug="learning").delete()
    type(workshop).objects.filter(pk=workshop.pk).update(closed_at=workshop.closed_at)
    page = page_for(alice, bypass_csp=True, width=1440)
    page.goto(live_server.url + reverse("comparison", kwargs={"org": "northshire"}))
    assert page.get_by_text("Withheld:").count() == 1
    screenshot(page, "comparison-shared")
    assert serious_violations(page) == []
