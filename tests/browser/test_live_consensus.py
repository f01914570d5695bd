"""Step 3 live for everyone, and the facilitator moving on while someone types.

Two people, two browsers: a challenge or a consensus recorded by one appears on the other's
open page within the poll's interval, without a reload, and what the other is typing (the
text, the focus, the caret, the disclosures they opened) is left exactly as it was. When the
step moves away from a form someone is in, the notice is beside that form, its button is
disabled with the reason, and the text stays.
"""

import pytest
from playwright.sync_api import expect

from assessments.models import Participant, Rating, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, consensus, setup
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_accessibility import serious_violations
from tests.builders import workshop_rated
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# live.js polls every second; a change is drawn on the next poll after it.
WITHIN = 2500


def screenshot_of(locator, name):
    """The part of the page the test is about, at full size (the whole page is long)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def rating_of(workshop, user, barrier):
    return Rating.objects.get(
        participant__workshop=workshop, participant__user=user, barrier__slug=barrier
    )


def evidence_item(page, rating):
    return page.locator(f'.evidence-item[data-live-key="{rating.code}"]')


def open_challenge_box(page, rating):
    item = evidence_item(page, rating)
    item.get_by_text("Challenge this evidence").click()
    return item.locator("textarea")


def test_a_challenge_and_a_consensus_reach_another_open_page_leaving_its_typing_alone(
    live_server, page_for, northshire, alice, bob, carol, dan, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    base = f"{live_server.url}/o/northshire/w/{workshop.code}/"
    dans_leadership = rating_of(workshop, dan, "leadership")
    carols_leadership = rating_of(workshop, carol, "leadership")
    carols_learning = rating_of(workshop, carol, "learning")

    # Bob, on his laptop: half a challenge typed into one box (left, not sent), a second
    # being typed with the caret mid-word, one more disclosure opened and left empty.
    bob_page = page_for(bob)
    bob_page.goto(base)
    bob_page.evaluate("window.notReloaded = true")
    left = open_challenge_box(bob_page, dans_leadership)
    left.fill("Which meetings were these?")
    open_challenge_box(bob_page, carols_learning)  # opened, nothing typed
    typing = open_challenge_box(bob_page, carols_leadership)
    typing.fill("The results were shown, but were they discussed")
    typing.evaluate("el => el.setSelectionRange(12, 12)")

    # Carol, on hers, challenges both pieces of evidence Bob is writing about.
    carol_page = page_for(carol)
    carol_page.goto(base)
    for rating, text in (
        (dans_leadership, "Only once a quarter, in my experience."),
        (carols_leadership, "I should add: only to the board."),
    ):
        box = open_challenge_box(carol_page, rating)
        box.fill(text)
        evidence_item(carol_page, rating).get_by_role("button", name="Add challenge").click()
        expect(evidence_item(carol_page, rating).locator(".challenge")).to_contain_text(text)

    # Both reach Bob's page by themselves...
    expect(evidence_item(bob_page, dans_leadership).locator(".challenge")).to_contain_text(
        "Only once a quarter, in my experience.", timeout=WITHIN
    )
    expect(evidence_item(bob_page, carols_leadership).locator(".challenge")).to_contain_text(
        "I should add: only to the board.", timeout=WITHIN
    )
    # ...said once to a screen reader, politely...
    announce = bob_page.locator("[data-live-announce]")
    assert announce.get_attribute("aria-live") == "polite"
    expect(announce).to_contain_text("Leadership now has 2 challenges to the evidence.")

    # ...and nothing Bob was doing moved: the texts, the focus, the caret, the disclosures.
    def bob_is_where_he_was():
        assert bob_page.evaluate("window.notReloaded") is True
        assert left.input_value() == "Which meetings were these?"
        assert typing.input_value() == "The results were shown, but were they discussed"
        assert bob_page.evaluate("document.activeElement.id") == f"ch-{carols_leadership.code}"
        assert typing.evaluate("el => [el.selectionStart, el.selectionEnd]") == [12, 12]
        for rating, is_open in (
            (dans_leadership, True),
            (carols_leadership, True),
            (carols_learning, True),
            (rating_of(workshop, dan, "learning"), False),
        ):
            details = evidence_item(bob_page, rating).locator("details")
            assert details.evaluate("el => el.open") is is_open, rating

    bob_is_where_he_was()

    # The facilitator records the consensus for leadership: it reaches Bob's page too.
    alice_page = page_for(alice)
    alice_page.goto(base)
    card = alice_page.locator("#barrier-leadership")
    card.get_by_label("Agreed stage").select_option(label="Developing")
    card.get_by_label("Rationale").fill("Results are shared, not yet discussed.")
    card.get_by_role("button", name="Record the consensus").click()
    expect(alice_page.locator("#barrier-leadership .consensus-recorded")).to_be_visible()

    expect(bob_page.locator("#barrier-leadership .consensus-recorded")).to_have_text(
        "Consensus: Developing. Results are shared, not yet discussed.", timeout=WITHIN
    )
    expect(announce).to_have_text("Consensus recorded for Leadership: Developing.")
    bob_is_where_he_was()
    screenshot_of(bob_page.locator("#barrier-leadership"), "step3-live-update-while-typing")
    screenshot(bob_page, "step3-live-update-member")
    # Sending what he typed adds his challenge, as ever.
    typing.press("End")
    typing.type("?")
    evidence_item(bob_page, carols_leadership).get_by_role("button", name="Add challenge").click()
    expect(evidence_item(bob_page, carols_leadership).locator(".challenge")).to_have_count(2)
    assert not bob_page.csp_errors and not carol_page.csp_errors


@pytest.fixture
def co_facilitating(live_server, page_for, northshire, alice, fay, team):
    """Fay's page at step 3, co-facilitating, and Alice recording learning's consensus."""
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    workshop.co_facilitators.add(fay)
    fay_page = page_for(fay, bypass_csp=True)  # for axe
    fay_page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")

    def alice_records():
        consensus.consensus_record(
            workshop=workshop,
            barrier=workshop.barriers.get(slug="learning"),
            stage="starting",
            rationale="Few lessons are written down.",
            lock=0,
            actor=workshop_actor_for(workshop=workshop, user=alice),
        )

    return fay_page, alice_records


def test_a_co_facilitators_untouched_consensus_form_follows_the_recorded_consensus(
    co_facilitating,
):
    """The form is redrawn with the consensus and its version: saving it again then replaces
    it, rather than being refused as a conflict with what was on the screen."""
    fay_page, alice_records = co_facilitating
    alice_records()
    card = fay_page.locator("#barrier-learning")
    expect(card.locator(".consensus-recorded")).to_contain_text("Starting", timeout=WITHIN)
    assert card.get_by_label("Rationale").input_value() == "Few lessons are written down."
    card.get_by_label("Agreed stage").select_option(label="Developing")
    card.get_by_role("button", name="Record the consensus").click()
    expect(fay_page.locator("#barrier-learning .consensus-recorded")).to_contain_text("Developing")
    expect(fay_page.get_by_text("changed while you were editing it")).to_have_count(0)
    screenshot(fay_page, "step3-after-live-update-co-facilitator")
    assert serious_violations(fay_page) == []


def test_a_consensus_form_being_typed_in_is_left_as_typed_and_its_save_told_of_the_change(
    co_facilitating,
):
    """Redrawn, the form would carry the new consensus's version, and saving it would
    replace what the other facilitator recorded without a word."""
    fay_page, alice_records = co_facilitating
    card = fay_page.locator("#barrier-learning")
    card.get_by_label("Agreed stage").select_option(label="Developing")
    card.get_by_label("Rationale").fill("Some lessons are")
    alice_records()
    expect(card.locator(".consensus-recorded")).to_contain_text("Starting", timeout=WITHIN)
    assert card.get_by_label("Rationale").input_value() == "Some lessons are"
    assert card.get_by_label("Agreed stage").input_value() == "developing"
    card.get_by_role("button", name="Record the consensus").click()
    expect(fay_page.get_by_text("changed while you were editing it")).to_be_visible()
    assert card.get_by_label("Rationale").input_value() == "Some lessons are"


def test_when_the_facilitator_moves_on_the_notice_is_beside_the_challenge_being_typed(
    live_server, page_for, northshire, alice, bob, carol, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    carols = rating_of(workshop, carol, "leadership")
    page = page_for(bob, bypass_csp=True)  # for axe, below
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    box = open_challenge_box(page, carols)
    box.fill("Shown, but was it discussed?")
    form = evidence_item(page, carols).locator("form")
    button = form.get_by_role("button", name="Add challenge")

    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.TARGET, actor=role)

    note = form.get_by_role("status")
    expect(note).to_contain_text(
        "The facilitator has moved the workshop to step 4: Target and actions, so this can "
        "no longer be sent. What you typed stays here.",
        timeout=WITHIN,
    )
    expect(note.get_by_role("link", name="Go to Target and actions")).to_be_visible()
    expect(button).to_be_disabled()
    assert button.get_attribute("aria-describedby") == note.get_attribute("id")
    # Beside the form: between the text and its button, within a screen's height of the box.
    box_at, note_at = box.bounding_box(), note.bounding_box()
    assert 0 < note_at["y"] - box_at["y"] < 300
    assert box.input_value() == "Shown, but was it discussed?"
    assert page.evaluate("document.activeElement.id") == f"ch-{carols.code}"
    # The page stays where it is, saying so at the top as well.
    expect(page.locator("[data-live-notice]")).to_contain_text("What you typed here is kept")
    assert "/w/" in page.url and page.get_by_role("heading", name="Step 3: reach consensus")
    # Enter cannot send it either: nothing reaches the server.
    box.press("Control+Enter")
    form.evaluate("f => f.requestSubmit()")
    page.wait_for_timeout(300)
    assert not carols.challenges.exists()
    screenshot(page, "step3-moved-on-notice")
    assert serious_violations(page) == []
    screenshot_of(page.locator("#barrier-leadership"), "step3-moved-on-notice-beside-the-form")

    # Back at step 3, the form can be sent again, the notice gone.
    setup.step_move(workshop=workshop, to=Step.CONSENSUS, actor=role)
    expect(button).to_be_enabled(timeout=WITHIN)
    expect(form.locator("[data-step-moved-note]")).to_have_count(0)
    expect(page.locator("[data-live-notice]")).to_be_empty()
    button.click()
    expect(evidence_item(page, carols).locator(".challenge")).to_contain_text(
        "Shown, but was it discussed?"
    )


def test_when_the_ratings_are_revealed_mid_sentence_the_rating_form_says_its_draft_is_kept(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    page = page_for(bob)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    card = page.locator("#barrier-learning")
    evidence = card.locator("#evidence-learning")
    evidence.fill("Half a thought about the learning sets we")

    assess.ratings_reveal(workshop=workshop, actor=role)

    note = card.get_by_role("status").filter(has_text="can no longer be sent")
    expect(note).to_contain_text(
        "The facilitator has moved the workshop to step 3: Consensus, so this can no longer be "
        "sent. What you typed stays here and is kept as a draft.",
        timeout=WITHIN,
    )
    expect(card.get_by_role("button", name="Submit my rating")).to_be_disabled()
    assert evidence.input_value() == "Half a thought about the learning sets we"
    participant = Participant.objects.get(workshop=workshop, user=bob)
    assert participant.drafts.get(barrier__slug="learning").evidence.startswith("Half a thought")
    screenshot_of(card, "step2-moved-on-notice-beside-the-rating-form")


def test_typing_in_step_4s_form_keeps_the_page_when_the_step_moves_on(
    live_server, page_for, at_targets, alice
):
    workshop = at_targets
    role = workshop_actor_for(workshop=workshop, user=alice)
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    page.evaluate("window.notReloaded = true")
    card = page.locator("#barrier-leadership")
    row = card.get_by_role("group", name="Key action 1")
    row.get_by_label("Key action").fill("Discuss the results at every team meeting")

    # The facilitator goes back a step from the projector's laptop while this one is
    # mid-form (on to step 5 would need three actions or the reason first).
    setup.step_move(workshop=workshop, to=Step.CONSENSUS, actor=role)

    save = card.get_by_role("button", name="Save the target and key actions")
    expect(save).to_be_disabled(timeout=WITHIN)
    note = card.locator("form").get_by_role("status")
    expect(note).to_contain_text(
        "The facilitator has moved the workshop to step 3: Consensus, so this can no longer be "
        "sent. What you typed stays here."
    )
    # The form is long: the notice is just below the row being typed in, not at its end,
    # and the button a screen further down says why it is disabled too.
    row_box, note_box = row.bounding_box(), note.bounding_box()
    assert 0 <= note_box["y"] - (row_box["y"] + row_box["height"]) < 40
    expect(card.locator(".step-moved-reason")).to_have_text(
        "Not sent: the facilitator has moved the workshop to step 3: Consensus."
    )
    assert save.get_attribute("aria-describedby") == note.get_attribute("id")
    assert page.evaluate("window.notReloaded") is True
    assert row.get_by_label("Key action").input_value() == (
        "Discuss the results at every team meeting"
    )
    screenshot_of(card.locator("form"), "step4-moved-on-notice-beside-the-row")
