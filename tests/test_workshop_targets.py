"""Step 4: a target stage per barrier and its key actions (para 70d), in one form per barrier
saved together.

Three is the paper's number: a fourth action is refused. Fewer than three is allowed only with
a reason: ``step_move`` refuses to leave step 4 while a barrier has fewer than three actions and
no reason on its target.
"""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import Action, Consensus, HistoryEntry, Step, Target
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.builders import workshop_rated
from tests.posts import action_row, outcome_post


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


def save_url(workshop, barrier):
    return url("barrier_outcome_record", workshop, barrier=barrier)


@pytest.fixture
def targeting(northshire, alice, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    for barrier in workshop.barriers.all():
        Consensus.objects.create(
            workshop=workshop,
            barrier=barrier,
            stage="starting",
            rationale="Agreed.",
            recorded_by=alice,
        )
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.TARGET, actor=role)
    return workshop


def due(workshop, days=30):
    return (workshop.date + datetime.timedelta(days=days)).isoformat()


def three_rows(workshop, dan, carol):
    return [
        action_row(
            description="Publish the three priorities on one page",
            responsible_name="Head of communications",
            accountable_name="Chief executive",
            due_on=due(workshop, 30),
        ),
        action_row(
            description="Stop two priorities",
            responsible=dan.pk,
            accountable=carol.pk,
            due_on=due(workshop, 60),
        ),
        action_row(
            description="Review the priorities at every SMT",
            responsible=carol.pk,
            accountable_name="Leader of the council",
            due_on=due(workshop, 90),
        ),
    ]


def recorded(workshop, barrier_slug, n, alice):
    barrier = workshop.barriers.get(slug=barrier_slug)
    return [
        Action.objects.create(
            workshop=workshop,
            barrier=barrier,
            description=f"Recorded action {i + 1}",
            responsible_name="Someone",
            accountable=alice,
            due_on=workshop.date + datetime.timedelta(days=30),
        )
        for i in range(n)
    ]


def test_a_barriers_target_and_its_three_key_actions_are_saved_together_by_one_form(
    client_for, targeting, alice, dan, carol
):
    response = client_for(alice).post(
        save_url(targeting, "priorities"),
        outcome_post(stage="developing", rows=three_rows(targeting, dan, carol)),
    )
    # Back at the barrier's card: the form is still there, with what was saved in its rows.
    assert response.status_code == 302
    assert response["Location"].endswith("#barrier-priorities")
    target = Target.objects.get(workshop=targeting)
    assert (target.barrier.slug, target.stage) == ("priorities", "developing")
    actions = list(Action.objects.filter(workshop=targeting).order_by("created_at"))
    assert [a.description for a in actions] == [
        "Publish the three priorities on one page",
        "Stop two priorities",
        "Review the priorities at every SMT",
    ]
    assert (
        actions[0].responsible is None and actions[0].responsible_name == "Head of communications"
    )
    assert actions[1].responsible == dan and actions[1].accountable == carol
    kinds = list(HistoryEntry.objects.filter(workshop=targeting).values_list("kind", flat=True))
    assert sorted(kinds) == ["action", "action", "action", "target"]
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    assert re.search(
        r'id="action-priorities-actions-1-description"[^>]*>\s*Stop two priorities<', page
    )
    assert 'value="3" id="action-priorities-actions-INITIAL_FORMS"' in page


def test_empty_rows_add_nothing(client_for, targeting, alice):
    response = client_for(alice).post(
        save_url(targeting, "learning"), outcome_post(stage="consolidating", rows=[])
    )
    assert response.status_code == 302
    assert Target.objects.get(workshop=targeting).stage == "consolidating"
    assert not Action.objects.exists()


def test_errors_are_shown_row_by_row_with_what_was_typed_kept_and_nothing_was_created(
    client_for, targeting, alice, dan, carol
):
    rows = three_rows(targeting, dan, carol)
    rows[1]["due_on"] = ""
    rows[2]["responsible"] = ""
    response = client_for(alice).post(
        save_url(targeting, "priorities"), outcome_post(stage="developing", rows=rows)
    )
    assert response.status_code == 400
    page = response.content.decode()
    # Every row keeps what was typed in it, the good one too.
    for row in rows:
        assert row["description"] in page
    # Each error is in its own row, and listed above the form with a link to its field.
    assert 'href="#action-priorities-actions-1-due_on"' in page
    assert "Key action 2, Due: Give the date the action is due." in page
    assert 'href="#action-priorities-actions-2-responsible"' in page
    assert "Key action 3, Responsible (a member): Choose a member or name the person" in page
    due_field = re.search(r'<input[^>]*id="action-priorities-actions-1-due_on"[^>]*>', page)
    assert "is-invalid" in due_field.group(0)
    first_due = re.search(r'<input[^>]*id="action-priorities-actions-0-due_on"[^>]*>', page)
    assert "is-invalid" not in first_due.group(0)
    assert not Action.objects.exists()
    assert not Target.objects.exists()
    assert not HistoryEntry.objects.filter(workshop=targeting).exists()


def test_a_fourth_key_action_is_refused_with_a_message_and_nothing_was_created(
    client_for, targeting, alice
):
    three = recorded(targeting, "learning", 3, alice)
    rows = [action_row(a) for a in three] + [
        action_row(
            description="A fourth action",
            responsible_name="X",
            accountable_name="Y",
            due_on=due(targeting),
        )
    ]
    response = client_for(alice).post(
        save_url(targeting, "learning"), outcome_post(stage="developing", rows=rows, recorded=3)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Three key actions per barrier: that is the paper&#x27;s number (para 70d)" in page
    assert "A fourth action" in page  # kept, to be moved into a row made free
    assert Action.objects.filter(workshop=targeting).count() == 3
    assert not Target.objects.exists()


def test_a_form_drawn_before_a_co_facilitator_added_three_actions_cannot_add_a_fourth(
    client_for, targeting, alice
):
    # Fay's page still had three empty rows when Alice recorded three actions.
    recorded(targeting, "learning", 3, alice)
    stale = [
        action_row(
            description="Fay's action",
            responsible_name="X",
            accountable_name="Y",
            due_on=due(targeting),
        )
    ]
    response = client_for(alice).post(
        save_url(targeting, "learning"), outcome_post(rows=stale, recorded=0)
    )
    assert response.status_code == 400
    assert "would have 4" in response.content.decode()
    assert Action.objects.filter(workshop=targeting).count() == 3
    assert not Action.objects.filter(description="Fay's action").exists()


def test_a_recorded_action_is_edited_in_its_row(client_for, targeting, alice, dan):
    [action] = recorded(targeting, "learning", 1, alice)
    row = action_row(action, description="Learning sets in every directorate", responsible=dan.pk)
    response = client_for(alice).post(
        save_url(targeting, "learning"),
        outcome_post(rows=[row], recorded=1, reason="One is enough to start."),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Learning sets in every directorate"
    assert action.responsible == dan and action.responsible_name == ""
    assert Action.objects.count() == 1
    assert HistoryEntry.objects.filter(
        workshop=targeting, kind="action", summary__startswith="Changed action for Learning"
    ).exists()


def test_saving_the_form_unchanged_records_nothing_new_in_the_history(client_for, targeting, alice):
    actions = recorded(targeting, "learning", 3, alice)
    post = outcome_post(rows=[action_row(a) for a in actions], recorded=3)
    client_for(alice).post(save_url(targeting, "learning"), post)
    history = HistoryEntry.objects.count()
    revision = type(targeting).objects.get(pk=targeting.pk).revision
    client_for(alice).post(save_url(targeting, "learning"), post)
    assert HistoryEntry.objects.count() == history
    assert type(targeting).objects.get(pk=targeting.pk).revision == revision


def test_a_recorded_action_is_removed_by_ticking_remove_in_its_row(client_for, targeting, alice):
    first, second = recorded(targeting, "learning", 2, alice)
    rows = [action_row(first, DELETE=True), action_row(second)]
    response = client_for(alice).post(
        save_url(targeting, "learning"), outcome_post(rows=rows, recorded=2)
    )
    assert response.status_code == 302
    assert list(Action.objects.all()) == [second]
    assert HistoryEntry.objects.filter(summary="Removed action: Recorded action 1.").exists()


def test_an_action_of_another_barrier_cannot_be_changed_through_this_one(
    client_for, targeting, alice
):
    [other] = recorded(targeting, "leadership", 1, alice)
    row = action_row(other, description="Taken over")
    response = client_for(alice).post(
        save_url(targeting, "learning"), outcome_post(rows=[row], recorded=1)
    )
    assert response.status_code == 400
    assert "no longer recorded for this barrier" in response.content.decode()
    other.refresh_from_db()
    assert other.description == "Recorded action 1" and other.barrier.slug == "leadership"
    assert not Target.objects.exists()


def test_one_person_responsible_and_accountable_is_saved_with_a_warning(
    client_for, targeting, alice, dan
):
    row = action_row(
        description="Run the learning sets",
        responsible=dan.pk,
        accountable=dan.pk,
        due_on=due(targeting),
    )
    response = client_for(alice).post(
        save_url(targeting, "learning"),
        outcome_post(rows=[row], reason="One action first."),
        follow=True,
    )
    assert response.status_code == 200
    assert Action.objects.get().accountable == dan
    page = response.content.decode()
    assert "Dan Example is both responsible and accountable for “Run the learning sets”" in page
    # ...and the row keeps saying it, where the facilitator is looking.
    assert page.count('class="same-person') == 1


def test_an_action_can_name_people_outside_the_app_and_draw_on_a_breakthrough_point(
    client_for, targeting, alice
):
    point = targeting.barriers.get(slug="priorities").points.first()
    row = action_row(
        description="Publish the three priorities on one page",
        responsible_name="Head of communications",
        accountable_name="Chief executive",
        due_on=due(targeting),
        breakthrough_point=point.pk,
    )
    response = client_for(alice).post(
        save_url(targeting, "priorities"), outcome_post(rows=[row], reason="One is enough.")
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.responsible is None and action.responsible_name == "Head of communications"
    assert action.breakthrough_point == point
    assert HistoryEntry.objects.filter(workshop=targeting, kind="action", actor=alice).exists()
    # Shown as a phrase of its own, not with the ";" that joined it to the next in the paper.
    assert point.text.endswith(";")
    targeting.step = Step.REASSESS
    targeting.save()
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    assert f"Draws on: {point.text.removesuffix(';')}</span>" in page.replace("&#x27;", "'")


def test_the_barriers_breakthrough_points_are_offered_as_ideas(client_for, targeting, alice):
    point = targeting.barriers.get(slug="learning").points.first()
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    assert point.text.split(";")[0][:30].replace("'", "&#x27;") in page


def test_a_breakthrough_point_of_another_barrier_is_refused_and_the_text_kept(
    client_for, targeting, alice
):
    other = targeting.barriers.get(slug="leadership").points.first()
    row = action_row(
        description="Keep this sentence",
        responsible_name="X",
        accountable_name="Y",
        due_on=due(targeting),
        breakthrough_point=other.pk,
    )
    response = client_for(alice).post(save_url(targeting, "priorities"), outcome_post(rows=[row]))
    assert response.status_code == 400
    assert "Keep this sentence" in response.content.decode()
    assert not Action.objects.exists()


def test_a_member_cannot_add_an_action_or_set_a_target(client_for, targeting, bob, dan, carol):
    response = client_for(bob).post(
        save_url(targeting, "learning"), outcome_post(rows=three_rows(targeting, dan, carol))
    )
    assert response.status_code == 403
    assert not Action.objects.exists() and not Target.objects.exists()


def test_targets_and_actions_are_recorded_at_step_4_only(client_for, targeting, alice):
    targeting.step = Step.CONSENSUS
    targeting.save()
    response = client_for(alice).post(save_url(targeting, "learning"), outcome_post())
    assert response.status_code == 403
    assert "Target and actions" in response.content.decode()
    assert not Target.objects.exists()


def test_with_a_reason_for_fewer_than_three_actions_the_workshop_moves_on(
    client_for, targeting, alice
):
    client = client_for(alice)
    for barrier in targeting.barriers.all():
        client.post(
            save_url(targeting, barrier.slug),
            outcome_post(stage="developing", reason="One action is enough for now."),
        )
    response = client.post(url("step_move", targeting), {"step": Step.REASSESS})
    targeting.refresh_from_db()
    assert targeting.step == Step.REASSESS, response.content.decode()[:400]


def test_without_a_reason_the_workshop_stays_at_step_4_and_says_which_barriers(
    client_for, targeting, alice
):
    client = client_for(alice)
    client.post(save_url(targeting, "learning"), outcome_post(stage="developing"))
    response = client.post(url("step_move", targeting), {"step": Step.REASSESS}, follow=True)
    targeting.refresh_from_db()
    assert targeting.step == Step.TARGET
    assert "three key actions" in response.content.decode()


def test_every_field_on_the_target_and_consensus_pages_has_an_id_of_its_own(
    client_for, targeting, alice
):
    # Each barrier's card has the same forms; a label points at its field by id, so a
    # repeated id sent the second card's labels to the first card's fields.
    page = client_for(alice).get(url("workshop_detail", targeting))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())
    assert "target-learning-stage" in ids and "action-learning-actions-2-description" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []

    targeting.step = Step.CONSENSUS
    targeting.save()
    page = client_for(alice).get(url("workshop_detail", targeting))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())
    assert "consensus-learning-rationale" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_the_two_names_outside_breakthrough_have_labels_of_their_own(client_for, targeting, alice):
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    labels = dict(
        re.findall(
            r'<label\s+for="action-learning-actions-0-(\w+_name)"[^>]*>\s*([^<*]+?)\s*<', page
        )
    )
    assert labels["responsible_name"] != labels["accountable_name"], labels
    assert "responsible" in labels["responsible_name"]
    assert "accountable" in labels["accountable_name"]


def test_a_row_the_service_refuses_and_nothing_was_created_not_even_the_good_rows(
    client_for, targeting, alice, dan, carol
):
    rows = three_rows(targeting, dan, carol)
    rows[2]["due_on"] = (targeting.date - datetime.timedelta(days=1)).isoformat()
    response = client_for(alice).post(
        save_url(targeting, "priorities"), outcome_post(stage="developing", rows=rows)
    )
    assert response.status_code == 400
    assert "Key action 3, Due: The due date cannot be before the workshop." in (
        response.content.decode()
    )
    assert not Action.objects.exists() and not Target.objects.exists()
    assert not HistoryEntry.objects.filter(workshop=targeting).exists()


def _labels_marked_required(page: str, barrier: str) -> list[str]:
    """The ids of the fields of a barrier's step-4 form whose label carries the mark (*)."""
    form = page[page.index(f'id="barrier-{barrier}"') :]
    form = form[: form.index("</form>")]
    return re.findall(r'for="([^"]+)"[^>]*>\s*[^<]*<span class="asteriskField">\*</span>', form)


def test_step_4_marks_as_required_only_what_must_be_filled_in_and_says_what_the_mark_means(
    client_for, targeting, alice
):
    recorded(targeting, "learning", 1, alice)
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    # The target, and the recorded action's text and date; the empty rows are optional.
    assert _labels_marked_required(page, "learning") == [
        "target-learning-stage",
        "action-learning-actions-0-description",
        "action-learning-actions-0-due_on",
    ]
    assert _labels_marked_required(page, "priorities") == ["target-priorities-stage"]
    form = page[page.index('id="barrier-learning"') :]
    assert "Fields marked with an asterisk (*) must be filled in." in form[: form.index("</form>")]


def test_a_row_started_without_its_action_or_date_is_refused_though_neither_is_marked(
    client_for, targeting, alice, carol
):
    rows = [action_row(responsible=carol.pk, accountable_name="Chief executive")]
    response = client_for(alice).post(
        save_url(targeting, "priorities"), outcome_post(stage="developing", rows=rows)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Key action 1, Key action: Say what the action is." in page
    assert "Key action 1, Due: Give the date the action is due." in page
    assert not Action.objects.exists() and not Target.objects.exists()
