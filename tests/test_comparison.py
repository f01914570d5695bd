"""Comparison between bodies: an organisation opts in to share its latest consensus per
barrier; a body that shares sees, per barrier, how many sharing bodies stand at each stage,
only from five bodies up, never which body is which; opting out takes its figures out at
once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Consensus
from assessments.selectors.comparison import MIN_BODIES, comparison_for
from model_content.models import Stage
from organisations.access import actor_for
from organisations.comparison import comparison_share_set
from organisations.models import AuditEvent, ComparisonShare, Role
from organisations.units import top_unit, unit_create
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.test_rollup import days_ago, light_closed

S, D, C = Stage.STARTING, Stage.DEVELOPING, Stage.CONSOLIDATING


def body(name: str, stage: str | None, *, shares=True, when=None):
    """A body with a facilitator and, unless ``stage`` is None, a closed workshop of the
    organisation itself agreeing ``stage`` on every barrier."""
    org = OrganisationFactory(name=name, slug=name.lower().replace(" ", "-"))
    facilitator = UserFactory(email=f"facilitator@{org.slug}.example")
    MembershipFactory(user=facilitator, organisation=org, role=Role.FACILITATOR)
    if stage is not None:
        light_closed(top_unit(org), facilitator, when or days_ago(30), stage)
    if shares:
        comparison_share_set(
            organisation=org, share=True, actor=actor_for(organisation=org, user=facilitator)
        )
    return org


@pytest.fixture
def shared(northshire, alice):
    """Northshire shares (developing everywhere) with three other bodies: four in all."""
    light_closed(top_unit(northshire), alice, days_ago(20), D)
    comparison_share_set(
        organisation=northshire, share=True, actor=actor_for(organisation=northshire, user=alice)
    )
    return [body("Eastshire Council", S), body("Westshire Council", S), body("Upshire Council", C)]


def counts(comparison, barrier="Learning"):
    figure = next(f for f in comparison.figures if f.barrier == barrier)
    return None if figure.withheld else [n for _s, _l, n in figure.counts]


def test_from_four_bodies_every_figure_is_withheld_and_the_page_says_why(
    client_for, shared, northshire, bob
):
    comparison = comparison_for(organisation=northshire)
    assert all(f.withheld for f in comparison.figures)
    assert comparison.bodies is None
    page = client_for(bob).get(reverse("comparison", kwargs={"org": "northshire"})).content.decode()
    assert page.count("<strong>Withheld:</strong> fewer than 5 bodies") == 6
    assert "Fewer than 5 bodies</strong> share their figures" in page
    assert "4 bodies" not in page and "3 bodies" not in page


def test_from_five_bodies_each_figure_counts_the_bodies_at_each_stage(client_for, shared, bob):
    body("Downshire Council", S)
    comparison = comparison_for(organisation=shared[0].__class__.objects.get(slug="northshire"))
    # Starting: Eastshire, Westshire, Downshire; developing: Northshire; consolidating: Upshire.
    assert counts(comparison) == [3, 1, 1]
    assert comparison.bodies == 5
    page = client_for(bob).get(reverse("comparison", kwargs={"org": "northshire"})).content.decode()
    assert "Withheld" not in page
    assert "<td>3 bodies</td><td>1 body</td><td>1 body</td>" in page


def test_nothing_on_the_page_names_or_singles_out_another_body(client_for, shared, bob, vic):
    others = [*shared, body("Downshire Council", S), body("Fareshire Council", C)]
    for who in (bob, vic):
        page = client_for(who).get(reverse("comparison", kwargs={"org": "northshire"})).content
        page = page.decode()
        for other in others:
            for mark in (other.name, other.slug, str(other.code)):
                assert (
                    f"{mark}<" not in page and f'"{mark}"' not in page and f"/{mark}/" not in page
                )
        # The counts, and its own stage: nothing per body, no dates of the others' workshops.
        assert "<td>3 bodies</td><td>1 body</td><td>2 bodies</td>" in page
        assert days_ago(30).strftime("%-d %b %Y") not in page
        assert days_ago(30).isoformat() not in page


def test_a_body_that_does_not_share_sees_nothing_and_counts_for_nothing(
    client_for, shared, southshire, mallory
):
    body("Downshire Council", S)
    northshire = ComparisonShare.objects.get(organisation__slug="northshire").organisation
    before = counts(comparison_for(organisation=northshire))
    light_closed(top_unit(southshire), mallory, days_ago(10), C)  # Southshire does not share
    assert counts(comparison_for(organisation=northshire)) == before == [3, 1, 1]
    assert comparison_for(organisation=southshire).figures == []
    page = client_for(mallory).get(reverse("comparison", kwargs={"org": "southshire"}))
    text = page.content.decode()
    assert "does not share its figures, so it sees none of the others" in text
    assert "<td>" not in text.split("<main")[1].split("Share Southshire")[0]


def test_opting_out_takes_a_bodys_figures_out_at_once(shared, northshire):
    downshire = body("Downshire Council", S)
    assert counts(comparison_for(organisation=northshire)) == [3, 1, 1]
    facilitator = downshire.memberships.get().user
    comparison_share_set(
        organisation=downshire,
        share=False,
        actor=actor_for(organisation=downshire, user=facilitator),
    )
    assert counts(comparison_for(organisation=northshire)) is None  # four again: withheld
    assert comparison_for(organisation=downshire).shares is False


def test_a_bodys_figure_is_its_latest_closed_consensus_of_the_organisation_itself(
    shared, northshire, alice
):
    """Not a directorate's, not an older workshop's, not an open one's."""
    downshire = body("Downshire Council", S, when=days_ago(300))
    facilitator = downshire.memberships.get().user
    as_them = actor_for(organisation=downshire, user=facilitator)
    light_closed(top_unit(downshire), facilitator, days_ago(10), C)  # newer: consolidating
    team = unit_create(
        organisation=downshire, parent=top_unit(downshire), name="Team", actor=as_them
    )
    light_closed(team, facilitator, days_ago(5), D)  # a unit's: not the body's
    open_one = light_closed(top_unit(downshire), facilitator, days_ago(1), S)
    type(open_one).objects.filter(pk=open_one.pk).update(closed_at=None)
    # Starting: Eastshire, Westshire; developing: Northshire; consolidating: Upshire, Downshire.
    assert counts(comparison_for(organisation=northshire)) == [2, 1, 2]


def test_a_barrier_some_bodies_have_not_agreed_is_withheld_on_its_own(shared, northshire):
    downshire = body("Downshire Council", S)
    # Its workshop agreed every barrier but Learning (reopened to say so: a closed record
    # keeps its consensus).
    workshop = downshire.workshops.get()
    type(workshop).objects.filter(pk=workshop.pk).update(closed_at=None)
    Consensus.objects.filter(workshop=workshop, barrier__slug="learning").delete()
    type(workshop).objects.filter(pk=workshop.pk).update(closed_at=timezone.now())
    comparison = comparison_for(organisation=northshire)
    assert counts(comparison, "Learning") is None
    assert counts(comparison, "Leadership") == [3, 1, 1]


def test_only_a_facilitator_opts_in_or_out_and_the_audit_log_says_who(
    client_for, northshire, alice, bob, vic
):
    url = reverse("comparison_share", kwargs={"org": "northshire"})
    for who in (bob, vic):
        assert client_for(who).post(url, {"share": "yes"}).status_code == 403
    assert not ComparisonShare.objects.exists()
    assert client_for(alice).post(url, {"share": "yes"}).status_code == 302
    assert client_for(alice).post(url, {"share": "yes"}).status_code == 302  # once is enough
    assert client_for(alice).post(url, {"share": "no"}).status_code == 302
    events = list(
        AuditEvent.objects.filter(organisation=northshire, action__startswith="comparison_")
        .order_by("at", "id")
        .values_list("action", "actor_label")
    )
    assert events == [
        ("comparison_joined", "Alice Example <alice@example.org>"),
        ("comparison_left", "Alice Example <alice@example.org>"),
    ]


def test_a_choice_that_is_neither_is_refused_with_a_sentence(client_for, alice):
    url = reverse("comparison_share", kwargs={"org": "northshire"})
    response = client_for(alice).post(url, {"share": "maybe"})
    assert response.status_code == 400
    assert "Choose whether to share the figures or not." in response.content.decode()
    assert client_for(alice).get(url).status_code == 302


def test_the_comparison_costs_the_same_queries_for_5_bodies_or_20(client_for, shared, bob):
    from tests.test_query_counts import queries_for

    url = reverse("comparison", kwargs={"org": "northshire"})
    found = {}
    for n in (5, 20):
        while ComparisonShare.objects.count() < n:
            body(f"Body {ComparisonShare.objects.count()}", [S, D, C][n % 3])
        status, found[n] = queries_for(client_for(bob), url)
        assert status == 200
    assert found[5] == found[20], found
    assert MIN_BODIES == 5
    assert timezone.localdate() - datetime.timedelta(days=30) == days_ago(30)
