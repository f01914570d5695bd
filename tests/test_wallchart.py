"""The wall chart page: counts before the reveal, markers, consensus and target after."""

from django.urls import reverse

from assessments.selectors.workshops import workshop_actor_for
from assessments.services import consensus
from tests.builders import evidence_text, series_of_two, workshop_rated


def wallchart_url(workshop, **params):
    url = reverse("wallchart", kwargs={"org": workshop.organisation.slug, "code": workshop.code})
    return url + ("?projector=1" if params.get("projector") else "")


def test_before_the_reveal_the_wall_chart_shows_only_how_many_have_rated(
    client_for, northshire, alice, bob, team
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    page = client_for(alice).get(wallchart_url(workshop)).content.decode()
    assert "4 of 4 have rated" in page
    assert evidence_text(bob, workshop.barriers.get(slug="leadership")) not in page
    assert 'class="marker"' not in page


def test_after_the_reveal_each_rating_is_a_marker_with_initials(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    page = client_for(alice).get(wallchart_url(workshop)).content.decode()
    # Bob, Carol, Dan and Erin Example: 4 people x 6 barriers.
    assert page.count('class="marker"') == 24
    assert ">BE</li>" in page
    assert "Wide spread: start here" in page


def test_once_the_team_agrees_a_wide_spread_is_still_shown_but_no_longer_the_place_to_start(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    for barrier in workshop.barriers.all():
        consensus.consensus_record(
            workshop=workshop,
            barrier=barrier,
            stage="developing",
            rationale="Agreed after the discussion",
            lock=0,
            actor=role,
        )
    client = client_for(alice)
    chart = client.get(wallchart_url(workshop)).content.decode()
    assert "Wide spread" in chart and "start here" not in chart
    step3 = client.get(
        reverse("workshop_detail", kwargs={"org": "northshire", "code": workshop.code})
    )
    page = step3.content.decode()
    assert "Wide spread" in page and "Start the discussion here" not in page


def test_an_anonymous_workshop_shows_letters_not_initials(client_for, northshire, alice, team):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, anonymous=True
    )
    page = client_for(alice).get(wallchart_url(workshop)).content.decode()
    assert ">BE</li>" not in page
    assert ">A</li>" in page


def test_consensus_target_and_previous_are_marked_in_words(client_for, northshire, alice, team):
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = client_for(alice).get(wallchart_url(current)).content.decode()
    assert page.count('<span class="label label-consensus">Consensus</span>') == 6 + 1
    assert page.count('<span class="label label-target">Target</span>') == 6 + 1
    assert page.count('<span class="label label-previous">Previous</span>') == 6 + 1
    assert "3 actions" in page
    assert current.model_version.label in page


def test_projector_mode_hides_the_charts(client_for, northshire, alice, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    page = client_for(alice).get(wallchart_url(workshop, projector=True)).content.decode()
    assert "projector" in page
    assert 'data-figure="chart-spread"' not in page


def test_a_viewer_can_read_the_wall_chart(client_for, workshop, vic):
    assert client_for(vic).get(wallchart_url(workshop)).status_code == 200
