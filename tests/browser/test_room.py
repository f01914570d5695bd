"""A workshop at the pace of the room: step 4 in one form per barrier, last time's actions
reviewed in one go, the evidence kept in sight after step 3, and the tables read on a phone.

Clicks are counted as a facilitator with a mouse makes them: a field typed into is one click
(to put the cursor there), a select two (open it, choose), a button or a summary one.
"""

import datetime

import pytest
from playwright.sync_api import expect

from assessments.models import Action, ActionReview, Step, Target
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import reassess, setup
from organisations.access import actor_for
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import serious_violations
from tests.builders import series_of_two, workshop_completed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


class Clicks:
    """Does what a facilitator does with the mouse, and counts the clicks it takes."""

    def __init__(self):
        self.count = 0

    def fill(self, field, text):
        self.count += 1
        field.fill(text)

    def choose(self, select, **option):
        self.count += 2
        select.select_option(**option)

    def click(self, target):
        self.count += 1
        target.click()


def due(workshop, days):
    return (workshop.date + datetime.timedelta(days=days)).isoformat()


def fill_row(clicks, card, n, workshop, description, responsible, accountable):
    row = card.get_by_role("group", name=f"Key action {n}")
    clicks.fill(row.get_by_label("Key action"), description)
    clicks.choose(row.get_by_label("Responsible (a member)"), label=responsible)
    if accountable.endswith("Example"):
        clicks.choose(row.get_by_label("Accountable (a member)"), label=accountable)
    else:
        clicks.fill(row.get_by_label("Or accountable from outside Breakthrough"), accountable)
    clicks.fill(row.get_by_label("Due"), due(workshop, 30 * n))
    return row


def test_a_barriers_target_and_three_key_actions_take_one_form_and_one_save(
    live_server, page_for, at_targets, alice
):
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{at_targets.code}/")
    card = page.locator("#barrier-managing-change")
    clicks = Clicks()
    clicks.choose(card.get_by_label("Target stage"), value="developing")
    fill_row(clicks, card, 1, at_targets, "Tell staff first", "Bob Example", "Alice Example")
    fill_row(clicks, card, 2, at_targets, "Review each change", "Carol Example", "Alice Example")
    fill_row(clicks, card, 3, at_targets, "Change champions", "Dan Example", "Alice Example")
    clicks.click(card.get_by_role("button", name="Save the target and key actions"))

    # The panel stays open at its barrier, the three actions now recorded in their rows.
    expect(card.get_by_role("group", name="Key action 3 (recorded)")).to_be_visible()
    assert page.url.endswith("#barrier-managing-change")
    expect(card).to_be_in_viewport()
    assert card.get_by_label("Target stage").input_value() == "developing"
    assert card.get_by_role("group", name="Key action 2").get_by_label(
        "Key action"
    ).input_value() == ("Review each change")
    assert Target.objects.get(workshop=at_targets).stage == "developing"
    assert list(
        Action.objects.filter(workshop=at_targets)
        .order_by("created_at")
        .values_list("description", "accountable_name")
    ) == [
        ("Tell staff first", ""),
        ("Review each change", ""),
        ("Change champions", ""),
    ]
    # Before: 3 for the target (stage, save) and 8 for each action (open the panel, the text,
    # two people, the date, add), 27 clicks and four page loads. Now 21 and one.
    assert clicks.count == 21, clicks.count
    screenshot(page, "step4-form-saved-facilitator")


def test_errors_show_in_their_rows_with_what_was_typed_kept_and_nothing_saved(
    live_server, page_for, at_targets, alice
):
    page = page_for(alice, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/w/{at_targets.code}/")
    card = page.locator("#barrier-learning")
    clicks = Clicks()
    clicks.choose(card.get_by_label("Target stage"), value="developing")
    fill_row(clicks, card, 1, at_targets, "Learning sets", "Bob Example", "Alice Example")
    second = card.get_by_role("group", name="Key action 2")
    second.get_by_label("Key action").fill("Share every review")  # nobody responsible, no date
    clicks.click(card.get_by_role("button", name="Save the target and key actions"))

    summary = card.get_by_role("alert").first
    expect(summary).to_contain_text("Nothing for Learning was saved")
    expect(summary).to_contain_text("Key action 2, Due: Give the date the action is due.")
    expect(card).to_be_in_viewport()
    second = card.get_by_role("group", name="Key action 2")
    expect(second.get_by_label("Due")).to_have_class("dateinput form-control is-invalid")
    expect(second).to_contain_text("Choose a member or name the person responsible.")
    assert second.get_by_label("Key action").input_value() == "Share every review"
    first = card.get_by_role("group", name="Key action 1")
    assert first.get_by_label("Key action").input_value() == "Learning sets"
    assert first.get_by_label("Due").input_value() == due(at_targets, 30)
    # The summary's link takes the cursor to the field to put right.
    summary.get_by_role("link", name="Key action 2, Due").click()
    expect(second.get_by_label("Due")).to_be_focused()
    assert not Action.objects.exists() and not Target.objects.exists()
    screenshot(page, "step4-form-errors-facilitator")
    assert serious_violations(page) == []

    phone = page_for(alice, **PHONE, bypass_csp=True)
    phone.goto(f"{live_server.url}/o/northshire/w/{at_targets.code}/#barrier-learning")
    screenshot(phone, "step4-form-facilitator-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []


def test_a_fourth_action_is_refused_with_the_paper_s_number_and_the_typing_kept(
    live_server, page_for, at_targets, alice, fay
):
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{at_targets.code}/")
    # Meanwhile a co-facilitator records three actions for Priorities.
    barrier = at_targets.barriers.get(slug="priorities")
    for n in range(3):
        Action.objects.create(
            workshop=at_targets,
            barrier=barrier,
            description=f"Fay's action {n + 1}",
            responsible=fay,
            accountable_name="Board",
            due_on=at_targets.date + datetime.timedelta(days=30),
        )
    card = page.locator("#barrier-priorities")
    card.get_by_label("Target stage").select_option("developing")
    fill_row(Clicks(), card, 1, at_targets, "One more", "Bob Example", "Alice Example")
    card.get_by_role("button", name="Save the target and key actions").click()
    expect(card.get_by_role("alert").first).to_contain_text(
        "Three key actions per barrier: that is the paper's number (para 70d)"
    )
    card_row = card.get_by_role("group", name="Key action 1")
    assert card_row.get_by_label("Key action").input_value() == "One more"
    assert Action.objects.filter(workshop=at_targets).count() == 3


def test_one_person_responsible_and_accountable_is_saved_with_a_warning_beside_the_row(
    live_server, page_for, at_targets, alice
):
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{at_targets.code}/")
    card = page.locator("#barrier-leadership")
    card.get_by_label("Target stage").select_option("developing")
    card.get_by_label("If fewer than three key actions: why").fill("One action first.")
    fill_row(Clicks(), card, 1, at_targets, "Lead the change", "Dan Example", "Dan Example")
    card.get_by_role("button", name="Save the target and key actions").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Dan Example is both responsible and accountable"
    )
    expect(card.get_by_role("group", name="Key action 1")).to_contain_text("Worth a second look")
    assert Action.objects.get().accountable.first_name == "Dan"


def test_the_review_of_last_times_actions_is_one_form_and_says_how_many_are_reviewed(
    live_server, page_for, northshire, alice, bob, team
):
    earlier = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=datetime.date.today() - datetime.timedelta(days=182),
    )
    follow_up = reassess.reassessment_start(
        workshop=earlier, actor=actor_for(organisation=northshire, user=alice)
    )
    actions = list(earlier.actions.order_by("barrier__order", "created_at"))
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{follow_up.code}/")
    expect(page.locator("#review-count")).to_have_text(f"0 of {len(actions)} reviewed")
    page.get_by_label(f"Where “{actions[0].description}” stands").select_option("done")
    page.get_by_label(f"Note on “{actions[0].description}”").fill("Delivered in March")
    page.get_by_label(f"Where “{actions[1].description}” stands").select_option("dropped")
    page.get_by_role("button", name="Save the review").click()

    expect(page.locator("#review-count")).to_have_text(f"2 of {len(actions)} reviewed")
    assert page.url.endswith("#review")
    reviewed = ActionReview.objects.filter(workshop=follow_up)
    assert dict(reviewed.values_list("action", "status")) == {
        actions[0].pk: "done",
        actions[1].pk: "dropped",
    }
    note = page.get_by_label(f"Note on “{actions[0].description}”")
    assert note.input_value() == "Delivered in March"
    screenshot(page, "step0-review-saved-facilitator")

    phone = page_for(alice, **PHONE, bypass_csp=True)
    phone.goto(f"{live_server.url}/o/northshire/w/{follow_up.code}/")
    screenshot(phone, "step0-review-facilitator-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []


def test_the_closed_record_keeps_each_barriers_evidence_and_challenges_one_click_away(
    live_server, page_for, northshire, alice, team, vic
):
    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    page = page_for(vic)
    page.goto(f"{live_server.url}/o/northshire/w/{closed.code}/")
    card = page.locator("#barrier-leadership")
    summary = card.locator("summary", has_text="Evidence and challenges")
    # Its name says whose evidence it is: six of them on the page.
    expect(summary).to_have_text("Evidence and challenges for Leadership (4 ratings, 1 challenge)")
    evidence = card.get_by_text("Evidence of Bob on Leadership")
    expect(evidence).to_be_hidden()
    summary.click()
    expect(evidence).to_be_visible()
    expect(card.get_by_text("Is that true in every directorate")).to_be_visible()
    expect(card.get_by_role("heading", name="Consolidating (1)")).to_be_visible()
    screenshot(page, "closed-record-evidence-viewer")


def test_at_step_4_members_read_the_evidence_beside_the_targets(
    live_server, page_for, northshire, alice, bob, team
):
    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    setup.step_move(
        workshop=workshop, to=Step.TARGET, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    page = page_for(bob)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    card = page.locator("#barrier-learning")
    card.locator("summary", has_text="Evidence and challenges").click()
    expect(card.get_by_text("Evidence of Carol on Learning")).to_be_visible()


@pytest.mark.parametrize("who", ["bob", "vic"])
def test_on_a_phone_the_key_actions_stack_and_the_page_has_no_serious_violation(
    request, live_server, page_for, northshire, alice, team, who
):
    # Step 4 as a member reads it, and the closed record as the chief executive does.
    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=who == "vic"
    )
    if who == "bob":
        setup.step_move(
            workshop=workshop,
            to=Step.TARGET,
            actor=workshop_actor_for(workshop=workshop, user=alice),
        )
    page = page_for(request.getfixturevalue(who), **PHONE, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/")
    table = page.locator("#barrier-learning table")
    row = table.locator("tbody tr").first
    description = row.locator("td.action-text").bounding_box()
    due_cell = row.locator("td[data-label=Due]")
    # One value under another, each named, the due date whole.
    assert due_cell.bounding_box()["y"] >= description["y"] + description["height"] - 1
    assert "Due" in due_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert due_cell.evaluate("td => td.scrollWidth <= td.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    screenshot(page, f"{'step4-member' if who == 'bob' else 'closed-record-viewer'}-phone")


def test_the_organisation_home_is_a_dashboard_that_reads_on_a_phone(
    live_server, page_for, northshire, alice, team
):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=datetime.date.today() - datetime.timedelta(days=30),
        consensus="consolidating",
    )
    page = page_for(alice, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/")
    open_table = page.get_by_role("table", name="Open workshops of Northshire Council")
    expect(open_table.get_by_role("link", name=current.title)).to_be_visible()
    first_series = page.locator("article").first
    expect(first_series.get_by_role("heading", level=3)).to_have_text(earlier.title)
    expect(first_series.locator(".standings li").first).to_have_text("Leadership Developing")
    assert serious_violations(page) == []
    screenshot(page, "organisation-home")

    phone = page_for(alice, **PHONE, bypass_csp=True)
    phone.goto(f"{live_server.url}/o/northshire/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []
    screenshot(phone, "organisation-home-phone")
