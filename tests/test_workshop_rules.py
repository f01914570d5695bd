"""Each rule that refuses something answers with a clear message and changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, Consensus, Rating, RatingDraft, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.builders import workshop_rated
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from tests.posts import action_row, outcome_post


def url(name, workshop, **kwargs):
    return reverse(
        name, kwargs={"org": workshop.organisation.slug, "code": workshop.code, **kwargs}
    )


def lead(workshop):
    return workshop_actor_for(workshop=workshop, user=workshop.lead_facilitator)


@pytest.fixture
def assessing(workshop):
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=lead(workshop))
    return workshop


@pytest.fixture
def revealed(northshire, alice, team):
    return workshop_rated(organisation=northshire, facilitator=alice, members=team)


def test_a_facilitator_who_is_not_running_this_workshop_cannot_move_its_steps(
    client_for, workshop, fay
):
    response = client_for(fay).post(url("step_move", workshop), {"step": Step.ASSESS})
    assert response.status_code == 403
    assert b"Only the workshop&#x27;s facilitators" in response.content
    workshop.refresh_from_db()
    assert workshop.step == Step.EXPLAIN


def test_a_co_facilitator_added_by_the_lead_can_move_the_steps(client_for, workshop, alice, fay):
    client_for(alice).post(
        url("facilitators_change", workshop), {"email": fay.email, "action": "add"}
    )
    client_for(fay).post(url("step_move", workshop), {"step": Step.ASSESS})
    workshop.refresh_from_db()
    assert workshop.step == Step.ASSESS


def test_the_lead_can_hand_the_lead_to_another_facilitator(client_for, workshop, alice, fay):
    client_for(alice).post(
        url("facilitators_change", workshop), {"email": fay.email, "action": "lead"}
    )
    workshop.refresh_from_db()
    assert workshop.lead_facilitator == fay
    assert alice in workshop.co_facilitators.all()


def test_over_long_evidence_is_refused_and_the_text_is_kept(client_for, assessing, bob):
    text = "x" * 2001
    response = client_for(bob).post(
        url("rating_submit", assessing, barrier="learning"),
        {"stage": "developing", "evidence": text},
    )
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert text in response.content.decode()
    assert not Rating.objects.exists()
    assert RatingDraft.objects.get(participant__user=bob).evidence == text


def test_an_invalid_stage_is_refused(client_for, assessing, bob):
    response = client_for(bob).post(
        url("rating_submit", assessing, barrier="learning"),
        {"stage": "excellent", "evidence": "We saw it."},
    )
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_a_descriptor_of_another_barrier_is_refused(client_for, assessing, bob):
    other = assessing.model_version.barriers.get(slug="priorities").stages.first()
    response = client_for(bob).post(
        url("rating_submit", assessing, barrier="learning"),
        {"stage": "developing", "evidence": "We saw it.", "descriptors": [9999999]},
    )
    assert response.status_code == 400
    assert other is not None
    assert not Rating.objects.exists()


def test_submitting_twice_keeps_one_rating_with_the_latest_answer(client_for, assessing, bob):
    client = client_for(bob)
    for stage in ("starting", "developing"):
        client.post(
            url("rating_submit", assessing, barrier="learning"),
            {"stage": stage, "evidence": f"Seen: {stage}"},
        )
    rating = Rating.objects.get(participant__user=bob)
    assert (rating.stage, rating.evidence) == ("developing", "Seen: developing")


def test_a_facilitator_records_a_rating_on_behalf_of_someone_without_a_device(
    client_for, assessing, alice, carol
):
    client_for(alice).post(
        url("rating_submit", assessing, barrier="learning"),
        {
            "stage": "starting",
            "evidence": "Told to Alice in the room.",
            "on_behalf_of": carol.email,
        },
    )
    rating = Rating.objects.get(participant__user=carol)
    assert rating.given_by == alice


def test_a_member_cannot_record_a_rating_on_someone_elses_behalf(client_for, assessing, bob, carol):
    response = client_for(bob).post(
        url("rating_submit", assessing, barrier="learning"),
        {"stage": "starting", "evidence": "Pretending.", "on_behalf_of": carol.email},
    )
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_a_viewer_cannot_rate_even_if_named(client_for, assessing, vic):
    response = client_for(vic).post(
        url("rating_submit", assessing, barrier="learning"),
        {"stage": "starting", "evidence": "A viewer."},
    )
    assert response.status_code == 403


def test_two_facilitators_saving_the_same_consensus_one_is_told_it_changed(
    client_for, revealed, alice, fay
):
    revealed.co_facilitators.add(fay)
    first = client_for(alice).post(
        url("consensus_record", revealed, barrier="learning"),
        {"stage": "developing", "rationale": "Alice's view", "lock": 0},
    )
    assert first.status_code == 302
    second = client_for(fay).post(
        url("consensus_record", revealed, barrier="learning"),
        {"stage": "starting", "rationale": "Fay's view", "lock": 0},
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "changed while you were editing it" in page
    assert "Alice&#x27;s view" in page  # the current value
    assert "Fay&#x27;s view" in page  # what she typed, kept
    consensus = Consensus.objects.get(workshop=revealed, barrier__slug="learning")
    assert (consensus.stage, consensus.rationale) == ("developing", "Alice's view")


def test_an_action_due_before_the_workshop_is_refused(client_for, revealed, alice, dan):
    setup.step_move(workshop=revealed, to=Step.TARGET, actor=lead(revealed))
    row = action_row(
        description="Start learning sets",
        responsible=dan.pk,
        accountable=dan.pk,
        due_on=(revealed.date - datetime.timedelta(days=1)).isoformat(),
    )
    response = client_for(alice).post(
        url("barrier_outcome_record", revealed, barrier="learning"), outcome_post(rows=[row])
    )
    assert response.status_code == 400
    assert "cannot be before the workshop" in response.content.decode()
    assert not Action.objects.exists()


def test_an_action_needs_someone_responsible(client_for, revealed, alice):
    setup.step_move(workshop=revealed, to=Step.TARGET, actor=lead(revealed))
    row = action_row(description="Nobody's", accountable_name="Board", due_on=revealed.date)
    response = client_for(alice).post(
        url("barrier_outcome_record", revealed, barrier="learning"), outcome_post(rows=[row])
    )
    assert response.status_code == 400
    assert "responsible" in response.content.decode()
    assert not Action.objects.exists()


def test_the_workshop_cannot_move_past_targets_with_fewer_than_three_actions_and_no_reason(
    client_for, revealed, alice
):
    setup.step_move(workshop=revealed, to=Step.TARGET, actor=lead(revealed))
    response = client_for(alice).post(url("step_move", revealed), {"step": Step.REASSESS})
    assert response.status_code == 400
    assert "three key actions" in response.content.decode()
    revealed.refresh_from_db()
    assert revealed.step == Step.TARGET


def test_a_reassessment_date_in_the_past_is_refused(client_for, northshire, alice, team):
    from tests.builders import workshop_completed

    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    before = workshop.reassess_on
    response = client_for(alice).post(
        url("reassessment_date", workshop),
        {"reassess_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    workshop.refresh_from_db()
    assert workshop.reassess_on == before


def test_an_outsider_cannot_even_see_that_the_workshop_exists(client_for, workshop, mallory):
    assert client_for(mallory).get(url("workshop_detail", workshop)).status_code == 404


def test_the_assessment_page_costs_the_same_queries_for_5_and_for_25_participants(
    client_for, northshire, alice
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (5, 25):
        members = [UserFactory() for _ in range(size)]
        for m in members:
            MembershipFactory(user=m, organisation=northshire)
        workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=members)
        setup.step_move(workshop=workshop, to=Step.ASSESS, actor=lead(workshop))
        for person in (alice, members[0]):
            client = client_for(person)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url("workshop_detail", workshop)).status_code == 200
            counts.append((person == alice, len(ctx)))
    assert counts[0] == counts[2] and counts[1] == counts[3]
    assert Workshop.objects.count() == 2


def test_a_facilitator_adds_a_member_or_invites_someone_new_from_the_workshop(
    client_for, workshop, alice, fay, mailoutbox
):
    from assessments.models import Invitation, Participant

    client = client_for(alice)
    client.post(url("participant_add", workshop), {"email": fay.email})
    assert Participant.objects.filter(workshop=workshop, user=fay).exists()
    client.post(url("participant_add", workshop), {"email": "new.director@example.org"})
    invitation = Invitation.objects.get(email="new.director@example.org")
    assert invitation.workshop_link.workshop == workshop
    assert mailoutbox[-1].to == ["new.director@example.org"]


def test_a_member_cannot_add_people_to_a_workshop(client_for, workshop, bob):
    response = client_for(bob).post(url("participant_add", workshop), {"email": "x@example.org"})
    assert response.status_code == 403
