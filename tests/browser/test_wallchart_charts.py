"""The wall chart's charts as plotly.js draws them: every label readable, none on another."""

import pytest

from assessments.models import Consensus, Target
from model_content.models import Stage
from tests.browser.conftest import screenshot
from tests.builders import workshop_rated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The boxes of a drawn chart: its legend, and the axis labels under the plot.
BOXES = """(div) => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {
    figure: box(div.querySelector('svg.main-svg')),
    legend: box(div.querySelector('g.legend')),
    axis: [...div.querySelectorAll('g.xtick text, text.xtitle')].map(box),
  };
}"""


def overlaps(a, b) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


@pytest.mark.parametrize("count", [1, 2, 6])
def test_the_chart_legends_sit_clear_of_the_axis_labels_for_one_two_or_six_barriers(
    live_server, page_for, northshire, alice, team, count
):
    # Para 69: a team may start with one or two barriers, which makes a short plot.
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    barriers = list(workshop.barriers.order_by("order"))[:count]
    workshop.barriers.set(barriers)
    for barrier in barriers:
        Consensus.objects.create(
            workshop=workshop,
            barrier=barrier,
            stage=Stage.STARTING,
            rationale="Agreed.",
            recorded_by=alice,
        )
        Target.objects.create(
            workshop=workshop, barrier=barrier, stage=Stage.DEVELOPING, recorded_by=alice
        )

    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/w/{workshop.code}/wallchart/")
    for name in ("chart-spread", "chart-consensus-target"):
        chart = page.locator(f"[data-figure={name}]")
        chart.locator("g.legend").wait_for()
        boxes = chart.evaluate(BOXES)
        assert boxes["axis"], f"{name}: no axis labels drawn"
        for label in boxes["axis"]:
            assert not overlaps(boxes["legend"], label), f"{name}: the legend covers {label}"
            assert label["bottom"] <= boxes["legend"]["top"], f"{name}: the legend is not below"
        assert boxes["legend"]["bottom"] <= boxes["figure"]["bottom"], f"{name}: legend cut off"
    screenshot(page, f"wallchart-charts-{count}-barriers")
