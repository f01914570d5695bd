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


def test_the_progress_page_shows_the_six_most_recent_workshops_and_the_earlier_a_page_on(
    client_for, northshire, alice, team
):
    import datetime

    from django.utils import timezone

    from assessments.models import Action
    from tests.builders import workshop_completed

    today = timezone.localdate()
    workshops = []
    for i in range(8):  # oldest first, six months apart
        w = workshop_completed(
            organisation=northshire,
            facilitator=alice,
            members=team,
            date=today - datetime.timedelta(days=182 * (7 - i)),
            previous=workshops[-1] if workshops else None,
        )
        w.title = f"Workshop number {i + 1}"
        w.save(update_fields=["title"])
        workshops.append(w)
    Action.objects.filter(workshop=workshops[0]).update(status="done")
    client = client_for(alice)
    url = reverse("series", kwargs={"org": "northshire"})

    recent = client.get(url).content.decode()
    earlier = client.get(url + "?page=2").content.decode()

    shown = [w.title for w in workshops if w.title in recent]
    assert shown == [f"Workshop number {i}" for i in range(3, 9)]
    assert recent.index("Workshop number 3") < recent.index("Workshop number 8")  # time reads on
    assert "Workshops 1 to 6 of 8" in recent and 'href="?page=2">← Earlier workshops' in recent
    assert [w.title for w in workshops if w.title in earlier] == [
        "Workshop number 1",
        "Workshop number 2",
    ]
    assert 'href="?page=1">Later workshops →' in earlier
    # Over every workshop, whichever page: the actions, and the one reassessment to start.
    for page in (recent, earlier):
        assert "Actions done: <strong>18</strong>" in page
        assert f"{workshops[-1].reassess_on:%-d %B %Y}" in page
