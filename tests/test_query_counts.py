"""No query per participant: the pages a whole room keeps open cost the same
number of database queries for a room of 5 as for a room of 50.

The wall chart, the consensus page and the live state endpoint are open on
every screen in the room at once, and the state endpoint is polled every
couple of seconds by each of them: a query per participant there multiplies
by the room twice over. Counted, not timed (the timings are in ``bench/``).
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.models import Role
from tests.builders import workshop_completed, workshop_rated
from tests.factories import MembershipFactory, UserFactory

# The state endpoint as the open wall chart polls it: with the regions it shows.
STATE_QUERY = "?r=grid,charts"
PAGES = {"wallchart": "", "workshop_state": STATE_QUERY}


def room_of(n: int, organisation, facilitator):
    """A workshop of ``n`` members with every rating, consensus, target and action recorded."""
    members = [
        MembershipFactory(organisation=organisation, role=Role.MEMBER, user=UserFactory()).user
        for _ in range(n)
    ]
    workshop = workshop_completed(
        organisation=organisation, facilitator=facilitator, members=members, closed=False
    )
    return workshop, members[0]


@pytest.fixture
def rooms(northshire, alice):
    return {n: room_of(n, northshire, alice) for n in (5, 50)}


def room_at_consensus(n: int, organisation, facilitator):
    """A workshop of ``n`` members at step 3, every rating revealed."""
    members = [
        MembershipFactory(organisation=organisation, role=Role.MEMBER, user=UserFactory()).user
        for _ in range(n)
    ]
    workshop = workshop_rated(organisation=organisation, facilitator=facilitator, members=members)
    return workshop, members[0]


def queries_for(client, url: str, **headers) -> tuple[int, int]:
    client.get(url)  # first request of the test: warms Django's own caches (content types)
    # Whatever the page keeps in the cache would hide its queries: count a full render.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response.status_code, len(queries)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("as_facilitator", [True, False], ids=["facilitator", "member"])
def test_a_page_open_on_every_screen_costs_the_same_queries_for_5_or_50_participants(
    page, as_facilitator, rooms, alice, client
):
    counts = {}
    for n, (workshop, member) in rooms.items():
        client.force_login(alice if as_facilitator else member)
        url = reverse(page, kwargs={"org": workshop.organisation.slug, "code": workshop.code})
        status, counts[n] = queries_for(client, url + PAGES[page])
        assert status == 200, f"{page} for a room of {n} answered {status}"
    assert counts[5] == counts[50], f"{page}: {counts[5]} queries for 5, {counts[50]} for 50"


@pytest.mark.parametrize("as_facilitator", [True, False], ids=["facilitator", "member"])
def test_an_unchanged_poll_costs_the_same_few_queries_for_5_or_50_participants(
    as_facilitator, rooms, alice, client
):
    counts = {}
    for n, (workshop, member) in rooms.items():
        client.force_login(alice if as_facilitator else member)
        url = reverse(
            "workshop_state", kwargs={"org": workshop.organisation.slug, "code": workshop.code}
        )
        url += STATE_QUERY
        etag = client.get(url).headers["ETag"]
        status, counts[n] = queries_for(client, url, if_none_match=etag)
        assert status == 304, f"an unchanged poll for a room of {n} answered {status}"
    assert counts[5] == counts[50], f"304 poll: {counts[5]} queries for 5, {counts[50]} for 50"


@pytest.mark.parametrize("as_facilitator", [True, False], ids=["facilitator", "member"])
def test_the_consensus_page_costs_the_same_queries_for_5_or_50_participants(
    as_facilitator, northshire, alice, client
):
    """Step 3 shows every rating and all the evidence side by side: still no query per person."""
    counts = {}
    for n in (5, 50):
        workshop, member = room_at_consensus(n, northshire, alice)
        client.force_login(alice if as_facilitator else member)
        url = reverse(
            "workshop_detail", kwargs={"org": workshop.organisation.slug, "code": workshop.code}
        )
        status, counts[n] = queries_for(client, url)
        assert status == 200, f"the consensus page for a room of {n} answered {status}"
        assert workshop.participants.count() == n
    assert counts[5] == counts[50], f"consensus: {counts[5]} queries for 5, {counts[50]} for 50"


@pytest.mark.parametrize("as_facilitator", [True, False], ids=["facilitator", "member"])
def test_step_3s_live_regions_cost_the_same_queries_for_5_or_50_participants(
    as_facilitator, northshire, alice, client
):
    """After a challenge every open step-3 page asks for every barrier's evidence and
    consensus at once, as the page polls them: still no query per person."""
    counts, sizes = {}, {}
    for n in (5, 50):
        workshop, member = room_at_consensus(n, northshire, alice)
        client.force_login(alice if as_facilitator else member)
        url = reverse(
            "workshop_state", kwargs={"org": workshop.organisation.slug, "code": workshop.code}
        )
        url += "?r=stepper,progress,outcome" if as_facilitator else "?r=stepper,outcome"
        status, counts[n] = queries_for(client, url)
        assert status == 200, f"step 3's regions for a room of {n} answered {status}"
        regions = client.get(url).json()["regions"]
        # Three parts for each of the six barriers, and the stepper (the progress panel too).
        assert sum(name.startswith("outcome/") for name in regions) == 18
        sizes[n] = len(regions["outcome/leadership/evidence"])
    assert counts[5] == counts[50], f"step 3: {counts[5]} queries for 5, {counts[50]} for 50"
    assert sizes[50] > sizes[5]  # the fifty pieces of evidence are in it


def past_workshops(n: int, organisation, facilitator, members):
    """Add closed workshops, each with its 18 actions (half of the first six updated), until
    the organisation has ``n``: a council some years into the model."""
    from assessments.services.tracker import action_status_set
    from organisations.access import actor_for

    actor = actor_for(organisation=organisation, user=facilitator)
    while organisation.workshops.count() < n:
        done = organisation.workshops.count()
        workshop = workshop_completed(
            organisation=organisation,
            facilitator=facilitator,
            members=members,
            date=timezone.localdate() - datetime.timedelta(days=30 * done),
        )
        for i, action in enumerate(workshop.actions.all()[:6]):
            action_status_set(
                action=action,
                status="done" if i % 2 else "in_progress",
                note="Under way",
                actor=actor,
            )


TRACKER_VIEWS = ["", "?show=closed", "?show=yours", "?status=overdue", "?page=2", "?person={bob}"]


def test_the_action_tracker_costs_the_same_queries_and_size_for_3_or_30_past_workshops(
    northshire, alice, team, bob, vic, client
):
    """Listing every action of every past workshop made the tracker 600 KB and 126 ms after
    40 workshops: a page of 25 now, whatever the history."""
    client.force_login(vic)
    url = reverse("action_tracker", kwargs={"org": northshire.slug})
    counts, sizes = {}, {}
    for n in (3, 30):
        past_workshops(n, northshire, alice, team)
        for view in TRACKER_VIEWS:
            view = view.format(bob=bob.pk)
            status, counts[n, view] = queries_for(client, url + view)
            assert status == 200
            page = client.get(url + view).content.decode()
            sizes[n, view] = len(page)
            assert page.count('<tr role="row"') - 1 <= 25  # less the header row
    for view in TRACKER_VIEWS:
        view = view.format(bob=bob.pk)
        assert counts[3, view] == counts[30, view], (
            f"tracker{view}: {counts[3, view]} queries for 3 workshops, {counts[30, view]} for 30"
        )
        # A page at most (a short one fills up to 25), and the workshop filter's 20 most
        # recent: some 25 KB, where every action of 40 workshops was 600 KB.
        assert sizes[30, view] < 50_000, f"tracker{view}: {sizes[30, view]} bytes for 30"


def test_the_progress_page_costs_the_same_queries_and_size_for_3_or_30_past_workshops(
    northshire, alice, team, client
):
    """Every workshop on one page made the progress page 2.6 times slower after 40: six at a
    time now, the most recent first."""
    client.force_login(alice)
    url = reverse("series", kwargs={"org": northshire.slug})
    counts, sizes, columns = {}, {}, {}
    for n in (3, 10, 30):
        past_workshops(n, northshire, alice, team)
        for view in ("", "?page=2"):
            status, counts[n, view] = queries_for(client, url + view)
            assert status == 200
            page = client.get(url + view).content.decode()
            sizes[n, view] = len(page)
            columns[n, view] = page.count('<th scope="col"><a href=')
    for view in ("", "?page=2"):
        assert counts[3, view] == counts[30, view], (
            f"series{view}: {counts[3, view]} queries for 3 workshops, {counts[30, view]} for 30"
        )
    assert columns[3, ""] == 3 and columns[10, ""] == columns[30, ""] == 6
    # A full page is a full page, however many came before.
    assert sizes[30, ""] < sizes[10, ""] * 1.05, f"series: {sizes[10, '']} bytes, {sizes[30, '']}"


def test_a_room_opening_the_wall_chart_costs_four_queries_each(
    rooms, client, django_assert_num_queries
):
    """The moment a whole room opens the wall chart: everything the room shares is kept per
    revision (the grid, the charts, the page), so each person costs only who they are."""
    workshop, member = rooms[50]
    client.force_login(member)
    url = reverse("wallchart", kwargs={"org": workshop.organisation.slug, "code": workshop.code})
    client.get(url)  # the first in the room renders what everyone shares

    # 1. the session; 2. its user; 3. their memberships (the one in the URL and the
    # navigation's); 4. the workshop, with its model version.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("at", ["target", "closed"])
@pytest.mark.parametrize("as_facilitator", [True, False], ids=["facilitator", "member"])
def test_step_4_and_the_closed_record_cost_the_same_queries_for_5_or_50_participants(
    at, as_facilitator, northshire, alice, client
):
    """Both keep every barrier's evidence and challenges (collapsed), and step 4 draws the
    facilitator's form of three rows per barrier: still no query per person or per row."""
    from assessments.models import Step, Workshop

    counts = {}
    for n in (5, 50):
        workshop, member = room_of(n, northshire, alice)
        if at == "target":
            Workshop.objects.filter(pk=workshop.pk).update(step=Step.TARGET)
        else:
            Workshop.objects.filter(pk=workshop.pk).update(closed_at=timezone.now())
        client.force_login(alice if as_facilitator else member)
        url = reverse(
            "workshop_detail", kwargs={"org": workshop.organisation.slug, "code": workshop.code}
        )
        status, counts[n] = queries_for(client, url)
        assert status == 200
    assert counts[5] == counts[50], f"{at}: {counts[5]} queries for 5, {counts[50]} for 50"


def test_the_organisation_home_costs_the_same_queries_for_one_series_or_three(
    northshire, alice, team, client
):
    """Every workshop of the organisation, grouped in series, with their latest consensus
    and overdue actions: still no query per workshop."""
    from tests.builders import series_of_two

    client.force_login(alice)
    url = reverse("organisation_home", kwargs={"org": northshire.slug})
    counts = {}
    for n in (1, 3):
        while northshire.workshops.count() < 2 * n:
            series_of_two(organisation=northshire, facilitator=alice, members=team)
        status, counts[n] = queries_for(client, url)
        assert status == 200
    assert counts[1] == counts[3], f"home: {counts[1]} queries for 1 series, {counts[3]} for 3"
