"""The corporate roll-up: each unit's latest closed consensus and target, the spread across
units as counts, each unit's trend, its overdue actions, the units not assessed for a year;
for the viewers and facilitators above; a fixed number of queries however many units.

The example, by hand. Northshire's tree: Northshire > Adult Social Care > Reablement, and
Northshire > Children's Services. Today is ``TODAY``.

- Northshire itself: closed 100 days ago, every barrier starting, target developing.
- Adult Social Care: closed 400 days ago (all starting), then 60 days ago: every barrier
  developing, target consolidating, but Leadership starting, target developing.
- Reablement: closed 500 days ago, every barrier consolidating: not assessed in the last year.
- Children's Services: one workshop, still open: nothing closed, flagged.

Each closed workshop has three actions per barrier, due 30, 60 and 90 days after it, none
done: overdue are those due before today. Northshire: all 18 (due 70, 40, 10 days ago).
Adult Social Care: the first's 18, and the second's 6 due 30 days ago (the ones due today
and in 30 days are not overdue): 24. Reablement: 18. Children's Services: none.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Consensus, Target, Workshop
from model_content.models import Stage
from organisations.access import actor_for
from organisations.models import Membership, Role, UnitMembership
from organisations.units import top_unit, unit_create
from tests.builders import evidence_text, workshop_completed
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory

TODAY = timezone.localdate()
S, D, C = Stage.STARTING, Stage.DEVELOPING, Stage.CONSOLIDATING


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def put(unit, person, role):
    UnitMembership.objects.create(
        unit=unit,
        membership=Membership.objects.get(user=person, organisation=unit.organisation),
        role=role,
    )


def closed(unit, facilitator, members, when, consensus, target, previous=None):
    workshop = workshop_completed(
        organisation=unit.organisation,
        facilitator=facilitator,
        members=members,
        date=when,
        consensus=consensus,
        target=target,
        previous=previous,
    )
    Workshop.objects.filter(pk=workshop.pk).update(unit=unit)
    return workshop


def below(parent, alice, *names):
    """Units ``names`` under ``parent``, made by Alice (a facilitator of the organisation)."""
    as_alice = actor_for(organisation=parent.organisation, user=alice)
    return [
        unit_create(organisation=parent.organisation, parent=parent, name=name, actor=as_alice)
        for name in names
    ]


def adults_history(adults, alice, team):
    """Adult Social Care's two closed workshops: all starting 400 days ago; 60 days ago
    every barrier developing, target consolidating, but Leadership starting, target
    developing. The second, returned."""
    first = closed(adults, alice, team, days_ago(400), S, D)
    second = closed(adults, alice, team, days_ago(60), D, C, previous=first)
    Consensus.objects.filter(workshop=second, barrier__slug="leadership").update(stage=S)
    Target.objects.filter(workshop=second, barrier__slug="leadership").update(stage=D)
    return second


@pytest.fixture
def example(northshire, alice, team):
    top = top_unit(northshire)
    adults, children = below(top, alice, "Adult Social Care", "Children's Services")
    [reablement] = below(adults, alice, "Reablement")
    closed(top, alice, team, days_ago(100), S, D)
    second = adults_history(adults, alice, team)
    closed(reablement, alice, team, days_ago(500), C, C)
    WorkshopFactory(
        organisation=northshire, unit=children, lead_facilitator=alice, title="Children's DMT"
    )
    return {
        "top": top,
        "adults": adults,
        "reablement": reablement,
        "children": children,
        "second": second,
    }


def rollup_url(org="northshire", **params):
    url = reverse("rollup", kwargs={"org": org})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_roll_up_shows_each_units_latest_closed_consensus_and_target(client_for, vic, example):
    from assessments.selectors.rollup import rollup_of
    from assessments.selectors.units import scope_of

    data = rollup_of(
        organisation=example["top"].organisation,
        scope=scope_of(
            organisation=example["top"].organisation,
            actor=actor_for(organisation=example["top"].organisation, user=vic),
        ),
    )
    slugs = [slug for slug, _name in data.barriers]
    leadership, learning = slugs.index("leadership"), slugs.index("learning")
    by_name = {r.unit.name: r for r in data.rows}
    assert list(by_name) == [
        "Northshire Council",
        "Adult Social Care",
        "Reablement",
        "Children's Services",
    ]
    assert [(c.consensus, c.target) for c in by_name["Northshire Council"].cells] == [(S, D)] * 6
    adults = by_name["Adult Social Care"]
    assert adults.latest == example["second"]
    assert (adults.cells[leadership].consensus, adults.cells[leadership].target) == (S, D)
    assert (adults.cells[learning].consensus, adults.cells[learning].target) == (D, C)
    assert by_name["Children's Services"].latest is None
    # Overdue actions and the year's flag, as worked out above.
    assert {n: r.overdue for n, r in by_name.items()} == {
        "Northshire Council": 18,
        "Adult Social Care": 24,
        "Reablement": 18,
        "Children's Services": 0,
    }
    assert {n for n, r in by_name.items() if r.stale} == {"Reablement", "Children's Services"}
    # Adult Social Care's trend: Learning from starting to developing, oldest first.
    trend = {t.barrier: [p.stage for p in t.points] for t in adults.trend}
    assert trend["Learning"] == [S, D]
    assert trend["Leadership"] == [S, S]


def test_the_spread_counts_units_at_each_stage_and_never_averages(example, vic, northshire):
    from assessments.selectors.rollup import rollup_of
    from assessments.selectors.units import scope_of

    data = rollup_of(
        organisation=northshire,
        scope=scope_of(organisation=northshire, actor=actor_for(organisation=northshire, user=vic)),
    )
    spread = {s.barrier: s for s in data.spread}
    # Leadership: Northshire and Adult Social Care starting, Reablement consolidating.
    assert [n for _s, _l, n in spread["Leadership"].counts] == [2, 0, 1]
    assert spread["Leadership"].not_agreed == 1
    assert spread["Leadership"].sentence == "2 units at starting, 1 unit at consolidating"
    # Learning: one unit at each stage, Children's Services with none agreed yet.
    assert [n for _s, _l, n in spread["Learning"].counts] == [1, 1, 1]
    assert spread["Learning"].sentence == (
        "1 unit at starting, 1 unit at developing, 1 unit at consolidating"
    )


def test_the_page_says_it_in_words_with_patterns_and_headers(client_for, vic, example):
    page = client_for(vic).get(rollup_url()).content.decode()
    assert "<caption>Latest closed workshop of each of 4 units" in page
    assert '<th scope="col">Leadership</th>' in page and '<th scope="row"' in page
    assert "2 units at starting, 1 unit at consolidating" in page
    assert "No assessment in the last year" in page
    assert "24 overdue" in page
    # A stage is a word beside a swatch with its pattern (hidden from screen readers).
    assert 'class="swatch swatch-consolidating" aria-hidden="true"' in page
    assert '<span class="stage-word">Consolidating</span>' in page
    # No individual rating or evidence reaches the roll-up.
    for person in ("Bob", "Carol"):
        assert f"Evidence of {person}" not in page


def test_the_level_filter_shows_one_level_of_the_tree(client_for, vic, example):
    page = client_for(vic).get(rollup_url(level=1)).content.decode()
    assert "Adult Social Care" in page and "Children&#x27;s Services" in page
    assert "Reablement" not in page.split("<caption>Latest closed workshop")[1].split("</table>")[0]
    assert "each of 2 units at one level of the tree" in page
    # A level that is not a number, or not in the tree, narrows nothing.
    for level in ("x", "9"):
        assert "each of 4 units" in client_for(vic).get(rollup_url(level=level)).content.decode()


def test_a_unit_viewer_sees_their_unit_and_below_and_the_organisation_itself(
    client_for, example, northshire
):
    director = UserFactory(email="director@example.org", first_name="Dee")
    MembershipFactory(user=director, organisation=northshire, role=Role.MEMBER)
    put(example["adults"], director, Role.VIEWER)
    page = client_for(director).get(rollup_url()).content.decode()
    grid = page.split("<caption>Latest closed workshop")[1].split("</table>")[0]
    assert "Adult Social Care" in grid and "Reablement" in grid and "Northshire Council" in grid
    assert "Children" not in grid


@pytest.mark.parametrize("who", ["bob", "dan"])
def test_the_roll_up_is_refused_to_members_who_oversee_no_unit(client_for, example, request, who):
    response = client_for(request.getfixturevalue(who)).get(rollup_url())
    assert response.status_code == 403
    assert "The roll-up is for the viewers and facilitators of a unit." in response.content.decode()


def test_a_units_outcomes_page_shows_consensus_target_and_actions_never_ratings(
    client_for, vic, example, bob
):
    second = example["second"]
    url = reverse("rollup_workshop", kwargs={"org": "northshire", "code": second.code})
    page = client_for(vic).get(url).content.decode()
    assert "The evidence" not in page and "Evidence of" not in page
    assert "Most of the evidence on Learning points here." in page  # the consensus rationale
    assert "Learning action 1" in page
    assert evidence_text(bob, second.barriers.get(slug="learning")) not in page


def test_a_units_outcomes_are_not_found_by_a_member_of_another_unit(
    client_for, example, northshire
):
    sibling = UserFactory(email="sibling@example.org")
    MembershipFactory(user=sibling, organisation=northshire, role=Role.MEMBER)
    put(example["children"], sibling, Role.VIEWER)
    url = reverse("rollup_workshop", kwargs={"org": "northshire", "code": example["second"].code})
    assert client_for(sibling).get(url).status_code == 404


# ---------------------------------------------------------------- flat in units and workshops


def light_closed(unit, facilitator, when, stage, previous=None):
    """A closed workshop with its consensus and target per barrier and one overdue action
    (no ratings: the roll-up never reads them)."""
    from assessments.models import Action, Step

    workshop = WorkshopFactory(
        organisation=unit.organisation,
        unit=unit,
        lead_facilitator=facilitator,
        date=when,
        previous=previous,
        step=Step.REASSESS,
        assessment_closed_at=timezone.now(),
        revealed_at=timezone.now(),
        reassess_on=when + datetime.timedelta(days=180),
        closed_at=timezone.now(),
    )
    for barrier in workshop.barriers.all():
        Consensus.objects.create(
            workshop=workshop, barrier=barrier, stage=stage, rationale="So", recorded_by=facilitator
        )
        Target.objects.create(
            workshop=workshop, barrier=barrier, stage=stage, recorded_by=facilitator
        )
    Action.objects.create(
        workshop=workshop,
        barrier=barrier,
        description="Overdue",
        responsible=facilitator,
        accountable=facilitator,
        due_on=when + datetime.timedelta(days=1),
    )
    return workshop


def grow(northshire, alice, units: int, workshops_each: int):
    as_alice = actor_for(organisation=northshire, user=alice)
    top = top_unit(northshire)
    have = northshire.units.count() - 1
    for i in range(have, units):
        parent = top if i % 3 == 0 else northshire.units.order_by("-pk").first()
        unit = unit_create(organisation=northshire, parent=parent, name=f"Unit {i}", actor=as_alice)
        previous = None
        for n in range(workshops_each):
            previous = light_closed(
                unit, alice, days_ago(30 + 200 * n), [S, D, C][(i + n) % 3], previous
            )


def test_the_roll_up_costs_the_same_queries_for_3_units_or_30_and_for_1_workshop_each_or_6(
    client_for, northshire, alice, vic
):
    from tests.test_query_counts import queries_for

    client = client_for(vic)
    counts = {}
    for units, each in ((3, 1), (30, 1)):
        grow(northshire, alice, units, each)
        status, counts[units, each] = queries_for(client, rollup_url())
        assert status == 200
    # Five more workshops for each of the 30 units' first three.
    for unit in northshire.units.filter(parent__isnull=False).order_by("pk")[:3]:
        previous = unit.workshops.order_by("-date").first()
        for n in range(5):
            previous = light_closed(unit, alice, days_ago(20 - n), C, previous)
    status, counts[30, 6] = queries_for(client, rollup_url())
    assert counts[3, 1] == counts[30, 1] == counts[30, 6], counts
    page = client.get(rollup_url()).content.decode()
    assert "each of 31 units" in page

    # The trend keeps to the last four of a unit's workshops: of the three grown units'
    # seven, those of 19 to 16 days ago, not those of 20 or 30 days ago.
    def column(n):
        return page.count('<th scope="col">' + days_ago(n).strftime("%-d %b %Y") + "</th>")

    assert [column(n) for n in (30, 20, 19, 16)] == [27, 0, 3, 3]
