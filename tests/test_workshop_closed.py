"""A closed workshop is a read-only record: every write is refused with a clear message."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Action,
    Challenge,
    Consensus,
    HistoryEntry,
    Participant,
    Rating,
    RatingDraft,
    Target,
    Workshop,
)
from tests.builders import workshop_completed
from tests.posts import action_row, outcome_post, review_post


@pytest.fixture
def closed(northshire, alice, team):
    return workshop_completed(organisation=northshire, facilitator=alice, members=team)


# Alice facilitates without rating: she is told these are for participants, which is true too.
PARTICIPANTS_ONLY = {"understanding_confirm", "rating_submit", "rating_draft"}


def snapshot(workshop):
    workshop = Workshop.objects.get(pk=workshop.pk)
    return (
        workshop.revision,
        workshop.step,
        workshop.reassess_on,
        workshop.timebox_ends_at,
        workshop.lead_facilitator_id,
        list(Consensus.objects.order_by("pk").values_list("stage", "rationale")),
        list(Target.objects.order_by("pk").values_list("stage", "fewer_actions_reason")),
        list(Action.objects.order_by("pk").values_list("description", "status")),
        Rating.objects.count(),
        RatingDraft.objects.count(),
        Challenge.objects.count(),
        Participant.objects.filter(understood_at__isnull=True).count(),
        HistoryEntry.objects.count(),
    )


def writes(closed, fay):
    rating = Rating.objects.filter(participant__workshop=closed).first()
    action = closed.actions.first()
    due = (closed.date + datetime.timedelta(days=40)).isoformat()
    later = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    return [
        ("step_move", {}, {"step": 3}),
        ("timebox_set", {}, {"minutes": 10}),
        ("facilitators_change", {}, {"email": fay.email, "action": "add"}),
        ("understanding_confirm", {}, {}),
        ("rating_submit", {"barrier": "learning"}, {"stage": "starting", "evidence": "late"}),
        ("rating_draft", {"barrier": "learning"}, {"stage": "starting", "evidence": "late"}),
        ("ratings_reveal", {}, {}),
        ("challenge_add", {"rating": rating.code}, {"text": "late challenge"}),
        (
            "consensus_record",
            {"barrier": "learning"},
            {"stage": "consolidating", "rationale": "x", "lock": 9},
        ),
        (
            "barrier_outcome_record",
            {"barrier": "learning"},
            outcome_post(
                stage="consolidating",
                rows=[
                    action_row(action, DELETE=True),
                    action_row(
                        description="late", responsible_name="X", accountable_name="Y", due_on=due
                    ),
                ],
                recorded=1,
            ),
        ),
        ("actions_review", {}, review_post({action: ("dropped", "late")})),
        ("reassessment_date", {}, {"reassess_on": later}),
        ("workshop_close", {}, {}),
    ]


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_every_write_to_a_closed_workshop_is_refused_and_changes_nothing(
    request, client_for, closed, fay, who
):
    client = client_for(request.getfixturevalue(who))
    before = snapshot(closed)
    for name, kwargs, data in writes(closed, fay):
        path = reverse(name, kwargs={"org": "northshire", "code": closed.code, **kwargs})
        response = client.post(path, data)
        assert response.status_code in (400, 403), (name, response.status_code)
        if not (who == "alice" and name in PARTICIPANTS_ONLY):
            assert "closed" in response.content.decode(), (who, name)
    assert snapshot(closed) == before


def test_the_closed_workshop_page_offers_no_forms_but_the_reassessment(client_for, closed, alice):
    page = (
        client_for(alice)
        .get(reverse("workshop_detail", kwargs={"org": "northshire", "code": closed.code}))
        .content.decode()
    )
    assert 'name="stage"' not in page
    assert reverse("reassessment_start", kwargs={"org": "northshire", "code": closed.code}) in page


def test_the_closed_record_on_screen_keeps_every_piece_of_evidence_and_challenge_for_a_viewer(
    client_for, closed, team, vic
):
    from tests.builders import evidence_text

    page = (
        client_for(vic)
        .get(reverse("workshop_detail", kwargs={"org": "northshire", "code": closed.code}))
        .content.decode()
        .replace("&#x27;", "'")
    )
    for barrier in closed.barriers.all():
        assert f'Evidence and challenges<span class="visually-hidden"> for {barrier.name}' in page
        for user in team:
            assert evidence_text(user, barrier) in page
    assert "Is that true in every directorate, or only in yours?" in page
