"""A form refused on a long workshop page opens where it was filled in, with the reason."""

import pytest
from playwright.sync_api import expect

from assessments.models import Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.builders import workshop_rated
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rating_sent_without_a_stage_opens_at_its_barrier_on_a_phone_with_the_evidence_kept(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    page = page_for(bob, width=390, height=844)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")

    # The fourth of six cards: several screens below the top of the page.
    card = page.locator("#barrier-managing-change")
    card.locator("textarea[name=evidence]").fill("Three restructures, none reviewed afterwards.")
    card.get_by_role("button", name="Submit my rating").click()

    expect(card.get_by_role("group", name="Stage")).to_contain_text("Choose the stage you see.")
    expect(card).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 1000
    evidence = card.locator("textarea[name=evidence]")
    assert evidence.input_value() == "Three restructures, none reviewed afterwards."

    # The phone restores the tab later: its address, opened again, is the page at the card,
    # not a blank 405, and what was typed waits there as a draft.
    refused_at = page.url
    assert refused_at.split("#")[0].endswith("/rate/managing-change/")
    response = page.goto(refused_at.split("#")[0])
    assert response.ok
    assert page.url.endswith(f"/w/{workshop.code}/#barrier-managing-change")
    expect(card.locator("textarea[name=evidence]")).to_have_value(
        "Three restructures, none reviewed afterwards."
    )


def test_a_consensus_without_a_rationale_opens_at_its_barrier_with_the_stage_kept(
    live_server, page_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")

    card = page.locator("#barrier-priorities")
    card.get_by_label("Agreed stage").select_option("developing")
    card.get_by_role("button", name="Record the consensus").click()

    # The label of each card's fields is that card's own (their ids were shared before).
    rationale = card.get_by_label("Rationale")
    expect(rationale).to_have_attribute("aria-invalid", "true")
    expect(card).to_contain_text("Say why the team agreed on this stage.")
    expect(card).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 1000
    assert card.get_by_label("Agreed stage").input_value() == "developing"


def test_signed_out_while_typing_the_page_says_so_and_signing_in_comes_back_to_the_draft(
    live_server, page_for, northshire, alice, bob, team
):
    from django.contrib.sessions.models import Session

    from tests.factories import PASSWORD

    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    page = page_for(bob)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    card = page.locator("#barrier-learning")
    evidence = card.locator("textarea[name=evidence]")
    evidence.fill("Lessons from the flood review were")
    expect(card.locator(".autosave-status")).to_contain_text("Draft saved")

    Session.objects.all().delete()  # the session ends: twelve hours, or signed out elsewhere
    evidence.press_sequentially(" never shared")
    expect(card.locator(".autosave-status")).to_contain_text("you have been signed out")
    assert evidence.input_value() == "Lessons from the flood review were never shared"

    # Submitting anyway: sign in, and come back to the workshop with the saved draft.
    card.locator("#stage-learning-starting").check()
    card.get_by_role("button", name="Submit my rating").click()
    page.fill("input[name=username]", bob.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # The form's #barrier-learning carries through the redirects: back at the card itself.
    expect(page).to_have_url(f"{live_server.url}/o/northshire/w/{workshop.code}/#barrier-learning")
    expect(page.locator("#barrier-learning textarea[name=evidence]")).to_have_value(
        "Lessons from the flood review were"
    )
