"""Step 3: after the reveal everyone sees the spread and the evidence; the facilitator records
the agreed stage, and the record shows who changed it and when."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Challenge, Consensus, HistoryEntry, Rating
from tests.builders import evidence_text, series_of_two, workshop_rated
from tests.factories import MembershipFactory, UserFactory


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


def test_an_anonymous_workshop_shows_the_evidence_without_names(
    client_for, northshire, alice, bob, carol, team
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, anonymous=True
    )
    leadership = workshop.barriers.get(slug="leadership")
    page = client_for(carol).get(url("workshop_detail", workshop)).content.decode()
    assert evidence_text(bob, leadership) in page
    assert "Participant A" in page
    assert "Bob Example" not in page


def test_a_named_workshop_shows_who_gave_each_piece_of_evidence(
    client_for, northshire, alice, bob, carol, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    page = client_for(carol).get(url("workshop_detail", workshop)).content.decode()
    assert "Bob Example" in page


def test_the_spread_is_counts_per_stage_and_never_an_average(client_for, northshire, alice, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    page = client_for(alice).get(url("workshop_detail", workshop)).content.decode()
    # Leadership is rated starting, consolidating, developing, developing (tests/builders.py).
    assert "Starting: <strong>1</strong>" in page
    assert "Developing: <strong>2</strong>" in page
    assert "average" not in page.lower().replace("there is no average", "")
    assert "Wide spread" in page


def test_a_consensus_is_recorded_with_who_and_when_and_shown_in_the_history(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    response = client_for(alice).post(
        url("consensus_record", workshop, barrier="learning"),
        {"stage": "developing", "rationale": "Three of four saw it in their teams.", "lock": 0},
    )
    assert response.status_code == 302
    consensus = Consensus.objects.get(workshop=workshop, barrier__slug="learning")
    assert consensus.recorded_by == alice and consensus.stage == "developing"
    entry = HistoryEntry.objects.get(workshop=workshop, kind="consensus")
    assert entry.actor == alice
    page = client_for(team[0]).get(url("workshop_detail", workshop)).content.decode()
    assert entry.summary in page.replace("&#x27;", "'").replace("&quot;", '"')


def test_a_member_cannot_record_the_consensus(client_for, northshire, alice, bob, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    response = client_for(bob).post(
        url("consensus_record", workshop, barrier="learning"),
        {"stage": "consolidating", "rationale": "I say so", "lock": 0},
    )
    assert response.status_code == 403
    assert b"facilitators" in response.content
    assert not Consensus.objects.exists()


def test_the_follow_up_shows_the_previous_consensus_for_comparison(
    client_for, northshire, alice, team
):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    page = client_for(team[0]).get(url("workshop_detail", current)).content.decode()
    assert "Previous workshop's consensus: <strong>Starting</strong>" in page


@pytest.mark.parametrize("size", [5, 30])
def test_the_consensus_page_makes_no_query_per_participant(
    client_for, northshire, alice, size, django_assert_max_num_queries
):
    members = [UserFactory() for _ in range(size)]
    for m in members:
        MembershipFactory(user=m, organisation=northshire)
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=members)
    client = client_for(alice)
    client.get(url("workshop_detail", workshop))  # the session and caches warm
    with django_assert_max_num_queries(25):
        assert client.get(url("workshop_detail", workshop)).status_code == 200


def test_anonymous_labels_are_distinct_for_a_big_room_and_do_not_follow_the_names(northshire):
    from assessments.models import Participant
    from assessments.selectors.workshops import author_labels
    from tests.factories import WorkshopFactory

    people = [UserFactory(first_name=f"Person{n:02}") for n in range(30)]
    workshop = WorkshopFactory(organisation=northshire, members=people, anonymous=True)
    participants = list(Participant.objects.filter(workshop=workshop))
    labels = author_labels(workshop, participants)
    assert len(set(labels.values())) == 30
    by_name = [labels[p.pk][0] for p in participants]  # participants come in name order
    assert by_name != sorted(by_name, key=lambda s: (len(s), s))


def test_each_piece_of_evidence_sits_under_its_stage_with_a_challenge_form_of_its_own(
    client_for, northshire, alice, bob, carol, vic, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    leadership = workshop.barriers.get(slug="leadership")
    page = client_for(carol).get(url("workshop_detail", workshop)).content.decode()
    ratings = Rating.objects.filter(participant__workshop=workshop)
    for rating in ratings:
        # Posted to its card's anchor, so a refusal opens where it was typed.
        action = url("challenge_add", workshop, rating=rating.code)
        assert page.count(f'action="{action}#barrier-{rating.barrier.slug}"') == 1
    # Under its own stage's heading, and only there.
    bobs = ratings.get(participant__user=bob, barrier=leadership)
    article = page[page.index('id="barrier-leadership"') :]
    boxes = article[: article.index("</article>")].split("stage-box stage-")[1:]
    holding = [box.split('"')[0] for box in boxes if evidence_text(bob, leadership) in box]
    assert holding == [bobs.stage]

    # The form's own action is where the challenge goes.
    action = url("challenge_add", workshop, rating=bobs.code)
    response = client_for(carol).post(action, {"text": "Seen only at the board?"})
    assert response.status_code == 302
    assert Challenge.objects.get(rating=bobs).author == carol
    assert (
        "Seen only at the board?"
        in client_for(bob).get(url("workshop_detail", workshop)).content.decode()
    )

    # Vic, a viewer, reads the evidence but is offered no challenge form.
    page = client_for(vic).get(url("workshop_detail", workshop)).content.decode()
    assert evidence_text(bob, leadership) in page
    assert "Challenge this evidence" not in page


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf_token(page: str) -> str:
    return TOKEN.search(page).group(1)


def _without_tokens(page: str) -> str:
    return TOKEN.sub("", page)


def test_the_page_kept_for_the_room_carries_each_persons_own_csrf_token(
    northshire, alice, bob, carol, team
):
    # The evidence section is rendered once per revision and shared: each person's
    # challenge form must still carry a token that works for them, and only them.
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    bobs = Rating.objects.get(participant__user=bob, barrier__slug="leadership")
    action = url("challenge_add", workshop, rating=bobs.code)
    clients = {}
    for person in (carol, bob):  # Carol's visit renders it; Bob's is served what was kept
        clients[person] = Client(enforce_csrf_checks=True)
        clients[person].force_login(person)
    pages = {
        p: c.get(url("workshop_detail", workshop)).content.decode() for p, c in clients.items()
    }
    assert f'action="{action}#barrier-leadership"' in pages[bob]
    assert "csrf-" not in pages[bob].replace("csrfmiddlewaretoken", "")

    # Bob's own token works for Bob; Carol's token, in Bob's session, does not.
    refused = clients[bob].post(action, {"text": "x", "csrfmiddlewaretoken": "A" * 64})
    assert refused.status_code == 403
    for person, text in ((bob, "Also in housing"), (carol, "Only at the board?")):
        response = clients[person].post(
            action, {"text": text, "csrfmiddlewaretoken": _csrf_token(pages[person])}
        )
        assert response.status_code == 302, person
    assert set(Challenge.objects.values_list("text", flat=True)) == {
        "Also in housing",
        "Only at the board?",
    }


def test_the_page_kept_for_the_room_is_kept_per_kind_of_viewer(
    client_for, northshire, alice, bob, vic, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    # In turn, at one revision: a member, a viewer, the facilitator, the member again.
    member = client_for(bob).get(url("workshop_detail", workshop)).content.decode()
    viewer = client_for(vic).get(url("workshop_detail", workshop)).content.decode()
    facilitator = client_for(alice).get(url("workshop_detail", workshop)).content.decode()
    again = client_for(bob).get(url("workshop_detail", workshop)).content.decode()
    assert "Challenge this evidence" in member and "Record the consensus" not in member
    assert "Challenge this evidence" not in viewer and "Record the consensus" not in viewer
    assert "Record the consensus" in facilitator
    assert _csrf_token(again) != _csrf_token(member)  # masked afresh, as on any page
    assert _without_tokens(again) == _without_tokens(member)


def test_the_room_opening_the_consensus_page_reads_the_ratings_once_per_change(
    client_for, northshire, alice, bob, carol, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    client_for(carol).get(url("workshop_detail", workshop))
    with CaptureQueriesContext(connection) as queries:
        page = client_for(bob).get(url("workshop_detail", workshop)).content.decode()
    assert evidence_text(bob, workshop.barriers.get(slug="leadership")) in page
    assert not [q for q in queries if '"assessments_rating"' in q["sql"]]


def test_a_challenge_posted_once_the_workshop_has_moved_past_step_3_is_refused_and_not_stored(
    client_for, northshire, alice, carol, team
):
    """A page left open at step 3, or a script: the evidence is challenged at step 3 (para
    70c); at step 4 it is shown to read while the team sets targets."""
    from assessments.models import Step

    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    workshop.step = Step.TARGET
    workshop.save(update_fields=["step"])
    rating = Rating.objects.filter(participant__workshop=workshop).first()
    response = client_for(carol).post(
        url("challenge_add", workshop, rating=rating.code), {"text": "Too late to ask?"}
    )
    assert response.status_code == 403
    assert not Challenge.objects.filter(rating__participant__workshop=workshop).exists()
    # What was typed is not lost: it comes back with the reason.
    page = response.content.decode()
    assert "Too late to ask?" in page and "Your challenge was not added" in page


def test_a_consensus_posted_after_step_3_is_refused_and_what_was_typed_comes_back(
    client_for, northshire, alice, team
):
    """The stage is agreed at step 3 (para 70c) and step 4 sets targets from it: a page left
    open at step 3, without JavaScript, must not change it underneath the targets."""
    from assessments.models import Step

    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    workshop.step = Step.TARGET
    workshop.save(update_fields=["step"])
    client = client_for(alice)
    assert (
        "Record the consensus" not in client.get(url("workshop_detail", workshop)).content.decode()
    )
    response = client.post(
        url("consensus_record", workshop, barrier="learning"),
        {
            "stage": "developing",
            "rationale": "On reflection the induction evidence holds.",
            "lock": 0,
        },
    )
    assert response.status_code == 403
    assert not Consensus.objects.filter(workshop=workshop).exists()
    page = response.content.decode()
    assert "The consensus for Learning was not recorded" in page
    assert "On reflection the induction evidence holds." in page
