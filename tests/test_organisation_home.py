"""The organisation's home as a dashboard: open workshops first, then each series (a workshop
and its reassessments) with its latest consensus per barrier in words, the next reassessment
date and how many of its actions are overdue."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action
from assessments.selectors.series import organisation_dashboard
from tests.builders import series_of_two, workshop_completed

HOME = reverse("organisation_home", kwargs={"org": "northshire"})


@pytest.fixture
def two_series(northshire, alice, team):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    other = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=30),
        consensus="consolidating",
    )
    return earlier, current, other


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_open_workshops_come_first_and_each_series_is_grouped_with_its_reassessments(
    client_for, two_series, vic
):
    earlier, current, other = two_series
    page = client_for(vic).get(HOME).content.decode()
    open_section = page[page.index('id="open-heading"') : page.index('id="series-heading"')]
    assert current.title in open_section
    assert earlier.title not in open_section and other.title not in open_section
    series = page[page.index('id="series-heading"') :]
    # The series being worked on first, its two workshops together, oldest first.
    first_card, second_card = series.split('<article class="col-lg-6"')[1:3]
    assert first_card.index(earlier.title) < first_card.index(current.title)
    assert "open, step 5: Reassessment date" in text_of(first_card)
    assert other.title in second_card and earlier.title not in second_card


def test_each_series_shows_its_latest_consensus_per_barrier_in_words(client_for, two_series, bob):
    _earlier, current, other = two_series
    page = text_of(client_for(bob).get(HOME).content.decode())
    # The reassessment agreed "developing" for every barrier; the other series "consolidating".
    assert page.count("Leadership Developing") == 1
    assert page.count("Learning Consolidating") == 1
    assert "average" not in page.lower() and "score" not in page.lower()


def test_an_open_reassessment_without_consensus_shows_the_last_one_agreed_and_when(
    client_for, northshire, alice, team, bob
):
    from organisations.access import actor_for

    closed = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=datetime.date(2026, 3, 2),
        consensus="starting",
    )
    from assessments.services import reassess

    reassess.reassessment_start(
        workshop=closed, actor=actor_for(organisation=northshire, user=alice)
    )
    page = text_of(client_for(bob).get(HOME).content.decode())
    assert "Leadership Starting (Mar 2026)" in page
    assert "Next reassessment: not agreed yet: this one is under way" in page


def test_each_series_counts_its_overdue_actions_and_shows_the_next_reassessment_date(
    client_for, two_series, bob
):
    earlier, current, other = two_series
    today = timezone.localdate()
    overdue = Action.objects.filter(
        workshop__in=[earlier, current], status__in=OPEN_STATUSES, due_on__lt=today
    ).count()
    assert overdue > 0
    Action.objects.filter(workshop=other).update(due_on=today - datetime.timedelta(days=1))
    Action.objects.filter(workshop=other).exclude(pk=other.actions.first().pk).update(status="done")
    page = text_of(client_for(bob).get(HOME).content.decode())
    assert f"Overdue actions: {overdue} overdue" in page
    assert "Overdue actions: 1 overdue" in page
    assert f"Next reassessment: {other.reassess_on:%-d %B %Y}" in page
    # The reassessment at step 5 has agreed its own date already.
    assert f"Next reassessment: {current.reassess_on:%-d %B %Y}" in page
    assert "start the reassessment" not in page


def test_a_reassessment_date_come_and_not_started_is_called_out(
    client_for, northshire, alice, team, bob
):
    closed = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=200),
    )
    type(closed).objects.filter(pk=closed.pk).update(reassess_on=timezone.localdate())
    page = text_of(client_for(bob).get(HOME).content.decode())
    assert "(due: start the reassessment)" in page


def test_the_home_costs_two_queries_for_its_workshops_however_many_there_are(
    northshire, alice, team
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(3):
        series_of_two(organisation=northshire, facilitator=alice, members=team)
        with CaptureQueriesContext(connection) as queries:
            dashboard = organisation_dashboard(organisation=northshire)
        counts.append(len(queries))
    assert len(dashboard["series"]) == 3
    assert counts == [2, 2, 2]
