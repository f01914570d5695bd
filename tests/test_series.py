"""The organisation over time: consensus and target per barrier at each workshop."""

from django.urls import reverse

from tests.builders import series_of_two
from tests.factories import MembershipFactory, UserFactory


def test_the_series_page_shows_each_workshop_and_the_trend(client_for, northshire, alice, team):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = client_for(alice).get(reverse("series", kwargs={"org": "northshire"}))
    assert page.status_code == 200
    text = page.content.decode()
    assert earlier.title in text and current.title in text
    assert "→ target Consolidating" in text
    assert 'data-figure="chart-series"' in text
    assert "Actions done: <strong>5</strong>" in text  # 18 reviewed, every fourth done


def test_the_series_page_costs_the_same_queries_whatever_the_team_size(
    client_for, northshire, alice, team
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    series_of_two(organisation=northshire, facilitator=alice, members=team)
    client = client_for(alice)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("series", kwargs={"org": "northshire"}))
    more = [UserFactory() for _ in range(10)]
    for m in more:
        MembershipFactory(user=m, organisation=northshire)
    series_of_two(organisation=northshire, facilitator=alice, members=more)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("series", kwargs={"org": "northshire"}))
    assert len(small) == len(large)
