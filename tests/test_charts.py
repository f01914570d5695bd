"""The figures show counts and stage names, never a score."""

import datetime
import json

from assessments.charts import (
    figure_consensus_target,
    figure_json,
    figure_series_trend,
    figure_spread,
    outcome_rows,
    spread_rows,
)
from assessments.selectors.outcome import workshop_outcome
from assessments.selectors.workshops import ratings_revealed
from model_content.models import Stage
from tests.builders import series_of_two, workshop_rated


def test_the_spread_is_empty_before_the_reveal(northshire, alice, team):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    barriers = list(workshop.barriers.order_by("order"))
    assert spread_rows(ratings_revealed(workshop), barriers) == []


def test_the_spread_counts_people_at_each_stage(northshire, alice, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    barriers = list(workshop.barriers.order_by("order"))
    rows = spread_rows(ratings_revealed(workshop), barriers)
    leadership = rows[0]
    assert leadership["barrier"] == "Leadership"
    assert leadership["counts"] == {"starting": 1, "developing": 2, "consolidating": 1}
    fig = figure_spread(rows)
    assert [t.name for t in fig.data] == ["Starting", "Developing", "Consolidating"]
    # Leadership is drawn at the top, so it is last on the y axis.
    assert fig.data[1].x[-1] == 2


def test_consensus_and_target_sit_on_the_named_stage_axis(northshire, alice, team):
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    fig = figure_consensus_target(outcome_rows(workshop_outcome(current)))
    assert list(fig.layout.xaxis.categoryarray) == ["Starting", "Developing", "Consolidating"]
    names = [t.name for t in fig.data if t.name]
    assert names == ["Previous consensus", "Consensus", "Target"]
    target = next(t for t in fig.data if t.name == "Target")
    assert set(target.x) == {"Consolidating"}
    data = json.loads(figure_json(fig))
    assert "</" not in figure_json(fig)
    assert data["data"]


BARRIERS = [
    "Leadership",
    "Learning",
    "Priorities",
    "Managing change",
    "Performance frameworks",
    "Helping people perform",
]


def test_the_trend_of_a_single_workshop_keeps_every_stage_and_a_span_of_months():
    points = [
        {"date": "2026-05-25", "barrier": b, "consensus": Stage.STARTING, "target": None}
        for b in BARRIERS
    ]
    fig = figure_series_trend(points)
    # All three stages, in order, even though every barrier is at the first.
    assert list(fig.layout.yaxis.ticktext) == ["Starting", "Developing", "Consolidating"]
    assert list(fig.layout.yaxis.range) == [-0.5, 2.5]
    # Left alone, plotly zoomed one date to milliseconds ("23:59:59.9995").
    first, last = (datetime.date.fromisoformat(d) for d in fig.layout.xaxis.range)
    assert first < datetime.date(2026, 5, 25) < last
    assert (last - first).days >= 90


def test_six_barriers_agreed_at_one_stage_on_one_day_are_six_marks_within_that_stage():
    points = [
        {"date": "2026-05-25", "barrier": b, "consensus": Stage.DEVELOPING, "target": None}
        for b in BARRIERS
    ]
    fig = figure_series_trend(points)
    heights = [t.y[0] for t in fig.data]
    assert len(set(heights)) == 6
    # Each stays nearer "Developing" than any other stage, and says so when pointed at.
    assert all(round(y) == 1 for y in heights)
    assert {t.customdata[0] for t in fig.data} == {"Developing"}
    # The first barrier is on top, as in the table.
    assert heights == sorted(heights, reverse=True)


def test_a_barriers_target_marks_share_its_colour_and_the_legend_says_what_they_are():
    points = [
        {
            "date": "2026-05-25",
            "barrier": b,
            "consensus": Stage.STARTING,
            "target": Stage.DEVELOPING,
        }
        for b in BARRIERS[:2]
    ]
    fig = figure_series_trend(points)
    traces = {t.name: t for t in fig.data}
    assert traces["Leadership: target"].marker.color == traces["Leadership"].marker.color
    assert traces["Learning"].marker.color != traces["Leadership"].marker.color
    assert "Target (open marks)" in traces
