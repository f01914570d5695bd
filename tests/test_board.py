"""The board's reads: the summary of a workshop and its action plan, as the PDFs, the Word
report and the spreadsheets take them (``assessments/selectors/board.py``)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Action, ActionStatus, Rating, Workshop
from assessments.office import sheets, word
from assessments.selectors.board import (
    action_plan,
    barrier_evidence,
    board_summary,
    document_reader,
    rating_rows,
)
from assessments.selectors.workshops import workshop_actor_for
from model_content.models import Stage
from organisations.models import Role
from tests.builders import series_of_two, workshop_completed, workshop_rated
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def completed(northshire, alice, team):
    return workshop_completed(organisation=northshire, facilitator=alice, members=team)


def _spread(summary, slug):
    row = next(b for b in summary.barriers if b.barrier.slug == slug)
    return {c.stage: c.count for c in row.spread}


# ---------------------------------------------------------------- the summary


def test_the_summary_names_each_barriers_agreed_stage_and_target_in_words_in_model_order(
    completed, vic
):
    summary = board_summary(
        workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic)
    )
    assert [b.barrier.order for b in summary.barriers] == [1, 2, 3, 4, 5, 6]
    leadership = summary.barriers[0]
    assert leadership.consensus.label == "Starting"
    assert leadership.consensus.headline.startswith("Leaders do not show clearly")
    # The headline on its own: without the colon that leads into the descriptors.
    assert not leadership.consensus.headline.endswith(":")
    assert leadership.target.label == "Developing"
    cell = completed.barriers.get(slug="leadership").stages.get(stage=Stage.DEVELOPING)
    assert leadership.target.headline == cell.headline_alone
    assert summary.reassess_on == completed.reassess_on
    assert summary.draft is False


def test_the_spread_is_how_many_put_the_barrier_at_each_stage_never_a_score(completed, vic):
    summary = board_summary(
        workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic)
    )
    # Leadership was rated starting, consolidating, developing, developing (tests/builders.py).
    assert _spread(summary, "leadership") == {
        Stage.STARTING: 1,
        Stage.DEVELOPING: 2,
        Stage.CONSOLIDATING: 1,
    }
    leadership = summary.barriers[0]
    assert [c.label for c in leadership.spread] == ["Starting", "Developing", "Consolidating"]
    assert leadership.rated == 4
    # Counts and who, nothing that adds stages up.
    assert not any(hasattr(b, name) for b in summary.barriers for name in ("score", "average"))


def test_the_summary_has_no_spread_before_the_reveal_for_anyone(northshire, alice, bob, vic, team):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    for person in (alice, bob, vic):
        summary = board_summary(
            workshop=workshop, actor=workshop_actor_for(workshop=workshop, user=person)
        )
        assert summary.revealed is False
        assert all(b.spread is None for b in summary.barriers), person
        assert (
            rating_rows(workshop=workshop, actor=workshop_actor_for(workshop=workshop, user=person))
            is None
        )
    summary = board_summary(workshop=workshop, actor=document_reader(workshop))
    assert all(b.spread is None for b in summary.barriers)
    assert summary.draft is True


def test_a_reassessments_summary_carries_last_times_consensus_and_target(
    northshire, alice, vic, team
):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    summary = board_summary(workshop=current, actor=workshop_actor_for(workshop=current, user=vic))
    leadership = summary.barriers[0]
    assert (leadership.previous_consensus.label, leadership.previous_target.label) == (
        "Starting",
        "Developing",
    )
    assert (leadership.consensus.label, leadership.target.label) == ("Developing", "Consolidating")
    assert summary.previous.title == earlier.title
    assert summary.draft is True  # the reassessment is still open
    first = board_summary(workshop=earlier, actor=workshop_actor_for(workshop=earlier, user=vic))
    assert first.previous is None
    assert all(b.previous_consensus is None for b in first.barriers)


def test_an_anonymous_workshops_spread_names_its_letters_never_the_people(northshire, alice, vic):
    people = [UserFactory(first_name=f"Person{n}", last_name="Example") for n in range(5)]
    for person in people:
        MembershipFactory(user=person, organisation=northshire)
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=people, anonymous=True
    )
    summary = board_summary(
        workshop=workshop, actor=workshop_actor_for(workshop=workshop, user=vic)
    )
    who = [label for b in summary.barriers for c in b.spread for label in c.who]
    assert who and set(who) <= set("ABCDE")
    assert "PE" not in who  # the initials of Person… Example
    rows = rating_rows(workshop=workshop, actor=workshop_actor_for(workshop=workshop, user=vic))
    assert {r.who for r in rows} == {f"Participant {x}" for x in "ABCDE"}
    assert not any("Person" in r.who for r in rows)


def test_a_named_workshops_spread_says_whose_ratings_by_initials(completed, vic):
    summary = board_summary(
        workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic)
    )
    leadership = {c.stage: c.who for c in summary.barriers[0].spread}
    assert leadership[Stage.STARTING] == ("BE",)  # Bob Example rated it starting
    rows = rating_rows(workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic))
    assert {r.who for r in rows} == {"Bob Example", "Carol Example", "Dan Example", "Erin Example"}
    assert len(rows) == 24


def test_someone_of_another_organisation_reads_nothing(completed, mallory):
    actor = workshop_actor_for(workshop=completed, user=mallory)
    for read in (board_summary, action_plan, rating_rows, barrier_evidence):
        with pytest.raises(PermissionDenied):
            read(workshop=completed, actor=actor)


# ---------------------------------------------------------------- the action plan


def test_the_action_plan_lists_every_action_in_one_list_barrier_by_barrier(completed, vic):
    plan = action_plan(workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic))
    assert len(plan.actions) == 18
    assert [a.barrier.order for a in plan.actions] == sorted(a.barrier.order for a in plan.actions)
    first = plan.actions[0]
    assert first.description == "Leadership action 1"
    assert first.responsible == "Bob Example"
    assert first.accountable == "Chair of the audit committee"  # someone outside Breakthrough
    assert first.status == "Not started"
    assert first.last_update == "Not updated yet"


def test_an_open_action_past_its_due_date_is_flagged_overdue_in_words(completed, vic, bob):
    actions = list(completed.actions.order_by("barrier__order", "created_at"))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Action.objects.filter(pk__in=[actions[0].pk, actions[1].pk]).update(due_on=yesterday)
    Action.objects.filter(pk=actions[1].pk).update(
        status=ActionStatus.DONE,
        status_note="Agreed at the March board.",
        status_updated_at=timezone.now(),
        status_updated_by=bob,
    )
    plan = action_plan(workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic))
    assert plan.actions[0].overdue == "Overdue"
    assert plan.actions[1].overdue == ""  # done: late, but not overdue
    assert plan.actions[1].status == "Done"
    assert plan.actions[1].last_update.endswith(", Bob Example: Agreed at the March board.")
    assert [a.overdue for a in plan.actions[2:]] == [""] * 16
    assert plan.overdue == 1
    # As at another day: the same action was not overdue a week ago.
    earlier = action_plan(
        workshop=completed,
        actor=document_reader(completed),
        as_at=yesterday - datetime.timedelta(days=7),
    )
    assert earlier.actions[0].overdue == ""


def test_the_breakthrough_point_is_shown_only_where_it_says_more_than_the_action(completed, vic):
    first, second = list(completed.actions.order_by("barrier__order", "created_at"))[:2]
    # An action that copies its point word for word (bar case and a full stop).
    first.description = first.breakthrough_point.text_alone.upper() + "."
    first.save(update_fields=["description"])
    plan = action_plan(workshop=completed, actor=workshop_actor_for(workshop=completed, user=vic))
    assert plan.actions[0].draws_on == ""
    # As a phrase of its own, without the "; and" that joins it to the next in the paper.
    assert plan.actions[1].draws_on == second.breakthrough_point.text_alone
    assert not plan.actions[1].draws_on.endswith(";")


# ---------------------------------------------------------------- the cost


def _room(n, organisation, facilitator, *, extra_actions):
    members = [
        MembershipFactory(organisation=organisation, role=Role.MEMBER, user=UserFactory()).user
        for _ in range(n)
    ]
    workshop = workshop_completed(
        organisation=organisation, facilitator=facilitator, members=members, closed=False
    )
    for i, barrier in enumerate(workshop.barriers.order_by("order")):
        for k in range(extra_actions):
            Action.objects.create(
                workshop=workshop,
                barrier=barrier,
                description=f"More on {barrier.name} {k}",
                responsible=members[k % n],
                accountable=members[(k + 1) % n],
                due_on=workshop.date,
                status=ActionStatus.IN_PROGRESS,
                status_updated_at=timezone.now(),
                status_updated_by=members[(i + k) % n],
            )
    return workshop


def test_the_board_reads_cost_the_same_queries_for_5_or_50_people_and_any_number_of_actions(
    northshire, alice
):
    small = _room(5, northshire, alice, extra_actions=0)
    big = _room(50, northshire, alice, extra_actions=20)
    assert Rating.objects.filter(participant__workshop=big).count() == 300
    counts = {}
    for name, workshop in (("small", small), ("big", big)):
        actor = document_reader(workshop)
        for read in (board_summary, action_plan, rating_rows, barrier_evidence):
            with CaptureQueriesContext(connection) as queries:
                read(workshop=workshop, actor=actor)
            counts[name, read.__name__] = len(queries)
    for read in ("board_summary", "action_plan", "rating_rows", "barrier_evidence"):
        assert counts["small", read] == counts["big", read], counts
    assert counts["small", "board_summary"] == 7
    assert counts["small", "action_plan"] == 1
    assert counts["small", "rating_rows"] == 3


def test_drawing_the_word_report_and_the_workbook_costs_the_same_for_5_or_50_people(
    northshire, alice, monkeypatch
):
    """What the documents read of each row (names, labels, stages, challenges) comes with
    the reads: drawing them asks nothing more per person or action."""
    monkeypatch.setattr(word.chart_export, "figure_png", lambda *a, **k: None)
    today = timezone.localdate()
    counts = {}
    for n, extra in ((5, 0), (50, 20)):
        workshop = _room(n, northshire, alice, extra_actions=extra)
        workshop = Workshop.objects.select_related("organisation", "model_version").get(
            pk=workshop.pk
        )
        for draw in (word.report_docx, sheets.workbook_bytes, sheets.ratings_csv):
            with CaptureQueriesContext(connection) as queries:
                draw(workshop, as_at=today)
            counts[n, draw.__name__] = len(queries)
    for draw in ("report_docx", "workbook_bytes", "ratings_csv"):
        assert counts[5, draw] == counts[50, draw], counts
