"""The figures show counts and stage names, never a score."""

import json

from assessments.charts import (
    figure_consensus_target,
    figure_json,
    figure_spread,
    outcome_rows,
    spread_rows,
)
from assessments.selectors.workshops import ratings_revealed, workshop_outcome
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
