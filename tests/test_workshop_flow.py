"""The sample workshop of para 70, end to end, as Alice and her team run it through the browser.

Alice facilitates; Bob, Carol, Dan and Erin take part; Vic, the chief
executive, reads. Each step goes through the real URLs and views.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Action,
    ActionReview,
    Challenge,
    Consensus,
    HistoryEntry,
    Rating,
    RatingDraft,
    Step,
    Target,
    Workshop,
)
from tests.posts import action_row, outcome_post, review_post


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def evidence_of(user, barrier_slug):
    return f"SECRET-{user.first_name}-{barrier_slug}: in the last quarter we saw it happen."


@pytest.fixture
def team_clients(alice, team, vic):
    return {u.first_name: as_(u) for u in [alice, *team, vic]}


def test_the_whole_workshop_from_explaining_the_model_to_the_reassessment(
    alice, bob, carol, dan, erin, vic, team, team_clients
):
    c = team_clients
    today = timezone.localdate()

    # Setting up: two barriers only (para 69: a team may start with one or two).
    response = c["Alice"].post(
        reverse("workshop_create", kwargs={"org": "northshire"}),
        {
            "title": "SMT away day",
            "date": today.isoformat(),
            "barriers": ["leadership", "learning"],
            "participants": [u.pk for u in (bob, carol, dan, erin)],
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(title="SMT away day")
    assert workshop.step == Step.EXPLAIN
    assert workshop.model_version.is_original
    assert sorted(workshop.barriers.values_list("slug", flat=True)) == ["leadership", "learning"]
    page = c["Bob"].get(url("workshop_detail", workshop)).content.decode()
    assert "I understand the model" in page
    assert "Leaders aren&#x27;t interested." in page

    # Step 1: each participant confirms they understand; Alice sees who has not.
    for name in ("Bob", "Carol", "Dan"):
        assert c[name].post(url("understanding_confirm", workshop)).status_code == 302
    page = c["Alice"].get(url("workshop_detail", workshop)).content.decode()
    assert "3 of 4" in page and "Erin Example" in page

    # Only the facilitator moves the steps.
    refused = c["Bob"].post(url("step_move", workshop), {"step": Step.ASSESS})
    assert refused.status_code == 403
    assert b"Only the workshop" in refused.content
    workshop.refresh_from_db()
    assert workshop.step == Step.EXPLAIN
    c["Alice"].post(url("step_move", workshop), {"step": Step.ASSESS})
    workshop.refresh_from_db()
    assert workshop.step == Step.ASSESS

    # Step 2: a draft is kept; a submission without evidence is refused with the text kept.
    c["Bob"].post(
        url("rating_draft", workshop, barrier="leadership"),
        {"stage": "developing", "evidence": "half a thought"},
    )
    assert RatingDraft.objects.get(participant__user=bob).evidence == "half a thought"
    page = c["Bob"].get(url("workshop_detail", workshop)).content.decode()
    assert "half a thought" in page
    refused = c["Bob"].post(
        url("rating_submit", workshop, barrier="leadership"),
        {"stage": "developing", "evidence": ""},
    )
    assert refused.status_code == 400
    assert "Give the evidence" in refused.content.decode()
    assert not Rating.objects.exists()

    stages = {
        "Bob": "starting",
        "Carol": "consolidating",
        "Dan": "developing",
        "Erin": "developing",
    }
    for user in team:
        for slug in ("leadership", "learning"):
            r = c[user.first_name].post(
                url("rating_submit", workshop, barrier=slug),
                {"stage": stages[user.first_name], "evidence": evidence_of(user, slug)},
            )
            assert r.status_code == 302, r.content.decode()[:500]
    assert Rating.objects.filter(participant__workshop=workshop).count() == 8

    # Secrecy: before the reveal nobody but the author sees a rating or its evidence.
    secret = evidence_of(bob, "leadership")
    for name in ("Alice", "Carol", "Vic"):
        for page_url in (
            url("workshop_detail", workshop),
            url("wallchart", workshop),
            url("workshop_state", workshop) + "?r=stepper,progress,grid,charts",
        ):
            body = c[name].get(page_url).content.decode()
            assert secret not in body, (name, page_url)
    assert secret in c["Bob"].get(url("workshop_detail", workshop)).content.decode()
    assert "4 of 4" in c["Alice"].get(url("workshop_detail", workshop)).content.decode()

    # A viewer writes nothing.
    assert c["Vic"].post(url("ratings_reveal", workshop)).status_code == 403

    # Reveal: the assessment closes; a late rating is refused and the text kept as a draft.
    c["Alice"].post(url("ratings_reveal", workshop))
    workshop.refresh_from_db()
    assert workshop.is_revealed and workshop.step == Step.CONSENSUS
    late = c["Erin"].post(
        url("rating_submit", workshop, barrier="learning"),
        {"stage": "starting", "evidence": "I changed my mind"},
    )
    assert late.status_code == 403
    assert RatingDraft.objects.get(participant__user=erin).evidence == "I changed my mind"
    assert (
        Rating.objects.get(participant__user=erin, barrier__slug="learning").stage == "developing"
    )

    # Step 3: everyone sees the spread and evidence; a wide spread is called out; challenges.
    page = c["Carol"].get(url("workshop_detail", workshop)).content.decode()
    assert secret in page
    assert "Wide spread" in page
    bobs = Rating.objects.get(participant__user=bob, barrier__slug="leadership")
    c["Carol"].post(url("challenge_add", workshop, rating=bobs.code), {"text": "Only in finance?"})
    assert Challenge.objects.get().author == carol

    for slug in ("leadership", "learning"):
        r = c["Alice"].post(
            url("consensus_record", workshop, barrier=slug),
            {"stage": "developing", "rationale": "Most evidence points here.", "lock": 0},
        )
        assert r.status_code == 302
    assert Consensus.objects.filter(workshop=workshop).count() == 2

    # Step 4: per barrier, one form: the target and its three key actions, saved together.
    c["Alice"].post(url("step_move", workshop), {"step": Step.TARGET})
    due = today + datetime.timedelta(days=60)
    for slug in ("leadership", "learning"):
        rows = [
            action_row(
                description=f"{slug} action {n}",
                responsible=dan.pk,
                accountable_name="Chair of the board",
                due_on=due.isoformat(),
            )
            for n in range(3)
        ]
        r = c["Alice"].post(
            url("barrier_outcome_record", workshop, barrier=slug),
            outcome_post(stage="consolidating", rows=rows),
        )
        assert r.status_code == 302, r.content.decode()[:300]
    assert Target.objects.filter(workshop=workshop).count() == 2
    assert Action.objects.filter(workshop=workshop).count() == 6

    # Step 5: the reassessment date, its calendar file, and closing.
    c["Alice"].post(url("step_move", workshop), {"step": Step.REASSESS})
    workshop.refresh_from_db()
    assert workshop.step == Step.REASSESS
    later = today + datetime.timedelta(days=180)
    c["Alice"].post(url("reassessment_date", workshop), {"reassess_on": later.isoformat()})
    ics = c["Bob"].get(url("reassessment_ics", workshop))
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"DTSTART;VALUE=DATE:{later:%Y%m%d}" in ics.content.decode()
    c["Alice"].post(url("workshop_close", workshop))
    workshop.refresh_from_db()
    assert workshop.is_closed

    # Read-only: every write is refused and changes nothing.
    refused = c["Alice"].post(
        url("consensus_record", workshop, barrier="leadership"),
        {"stage": "starting", "rationale": "Too late", "lock": 1},
    )
    assert refused.status_code == 403
    assert (
        Consensus.objects.get(workshop=workshop, barrier__slug="leadership").stage == "developing"
    )
    assert HistoryEntry.objects.filter(workshop=workshop, kind="consensus").count() == 2

    # The reassessment: last time's actions come first.
    r = c["Alice"].post(url("reassessment_start", workshop))
    follow_up = Workshop.objects.get(previous=workshop)
    assert follow_up.step == Step.REVIEW
    page = c["Alice"].get(url("workshop_detail", follow_up)).content.decode()
    assert "leadership action 0" in page
    first, *rest = workshop.actions.order_by("pk")
    # Every previous action in one form, saved together; what is left unchosen stays unreviewed.
    reviews = {first: ("done", "Delivered"), rest[0]: ("in_progress", "Half way")}
    reviews.update(dict.fromkeys(rest[1:], ("", "")))
    r = c["Alice"].post(url("actions_review", follow_up), review_post(reviews))
    assert r.status_code == 302, r.content.decode()[:300]
    reviewed = ActionReview.objects.filter(workshop=follow_up).values_list("action", "status")
    assert dict(reviewed) == {first.pk: "done", rest[0].pk: "in_progress"}
    first.refresh_from_db()
    assert first.status == "done"
    assert "2 of 6 reviewed" in c["Alice"].get(url("workshop_detail", follow_up)).content.decode()
    c["Alice"].post(url("step_move", follow_up), {"step": Step.EXPLAIN})
    follow_up.refresh_from_db()
    assert follow_up.step == Step.EXPLAIN
