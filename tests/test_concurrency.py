"""A room full of people at once, on a real database with real connections.

Threads, each with its own database connection, through the real views. On
PostgreSQL (CI) they test the row locks; on SQLite (the quick start, where
they first found "database is locked" 500s) that the file lock is waited for.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Action, Consensus, Rating, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, setup
from tests.builders import workshop_rated
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory
from tests.posts import action_row, outcome_post

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(functions):
    """Run each function in its own thread, all released together; return their results."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = []

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as e:  # collected and asserted below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_twenty_participants_submitting_at_the_same_moment_are_all_stored_once(northshire, alice):
    members = [UserFactory() for _ in range(20)]
    for m in members:
        MembershipFactory(user=m, organisation=northshire)
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=members)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    url = reverse(
        "rating_submit", kwargs={"org": "northshire", "code": workshop.code, "barrier": "learning"}
    )

    def submit(user):
        def go():
            client = Client()
            client.force_login(user)
            return client.post(
                url, {"stage": "developing", "evidence": f"Seen by {user.email}"}
            ).status_code

        return go

    statuses = at_once([submit(m) for m in members])
    assert statuses == [302] * 20
    ratings = Rating.objects.filter(participant__workshop=workshop, barrier__slug="learning")
    assert ratings.count() == 20
    assert sorted(r.evidence for r in ratings) == sorted(f"Seen by {m.email}" for m in members)
    workshop.refresh_from_db()
    assert workshop.revision >= 20  # every submission bumped it: no lost update


def test_two_facilitators_recording_the_same_consensus_at_once_one_wins_one_is_told(
    northshire, alice, fay, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    workshop.co_facilitators.add(fay)
    url = reverse(
        "consensus_record",
        kwargs={"org": "northshire", "code": workshop.code, "barrier": "leadership"},
    )

    def record(user, stage):
        def go():
            client = Client()
            client.force_login(user)
            return client.post(
                url, {"stage": stage, "rationale": f"{user.first_name} says", "lock": 0}
            ).status_code

        return go

    statuses = at_once([record(alice, "starting"), record(fay, "consolidating")])
    assert sorted(statuses) == [302, 409]
    consensus = Consensus.objects.get(workshop=workshop, barrier__slug="leadership")
    winner = "starting" if statuses[0] == 302 else "consolidating"
    assert consensus.stage == winner
    assert consensus.lock == 1


def test_two_facilitators_adding_actions_to_one_barrier_at_once_never_make_it_four(
    northshire, alice, fay, team
):
    # Each form was drawn with no action recorded, and each adds two: three is the paper's
    # number (para 70d), so one save is refused, whichever comes second.
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    workshop.co_facilitators.add(fay)
    Workshop.objects.filter(pk=workshop.pk).update(step=Step.TARGET)
    url = reverse(
        "barrier_outcome_record",
        kwargs={"org": "northshire", "code": workshop.code, "barrier": "leadership"},
    )
    due = workshop.date.isoformat()

    def add_two(user):
        rows = [
            action_row(
                description=f"{user.first_name}'s action {n}",
                responsible_name="X",
                accountable_name="Y",
                due_on=due,
            )
            for n in (1, 2)
        ]

        def go():
            client = Client()
            client.force_login(user)
            return client.post(url, outcome_post(rows=rows, reason="Two for now.")).status_code

        return go

    statuses = at_once([add_two(alice), add_two(fay)])
    assert sorted(statuses) == [302, 400]
    assert Action.objects.filter(workshop=workshop).count() == 2


def test_a_submit_and_its_own_autosave_arriving_together_both_succeed(northshire, alice, bob):
    # Found on the quick start: typing, then pressing Submit before the autosave's
    # answer came back, gave a 500 ("database is locked") on SQLite.
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=[bob])
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    kwargs = {"org": "northshire", "code": workshop.code, "barrier": "priorities"}
    typed = {"stage": "developing", "evidence": "Two projects were dropped to fund the new one"}

    # One person, one session, two requests from the same page (a client each: the
    # test client is not meant to be shared between threads).
    page, autosave = Client(), Client()
    page.force_login(bob)
    autosave.cookies[settings.SESSION_COOKIE_NAME] = page.cookies[
        settings.SESSION_COOKIE_NAME
    ].value

    def post(client, name):
        return lambda: client.post(reverse(name, kwargs=kwargs), typed).status_code

    for _ in range(10):
        assert at_once([post(autosave, "rating_draft"), post(page, "rating_submit")]) == [200, 302]
    rating = Rating.objects.get(participant__user=bob, barrier__slug="priorities")
    assert rating.evidence == typed["evidence"]


def test_a_submit_that_loses_the_race_with_the_reveal_is_not_stored_and_its_typing_is_kept(
    northshire, alice, bob
):
    """The submit takes the workshop's lock last (bench/README.md): if the facilitator
    closes step 2 in between, the submit waits, finds it closed, and is rolled back whole;
    the reveal never shows a rating that arrived after it."""
    import time

    from django.db import transaction

    from assessments.models import RatingDraft

    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=[bob])
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    url = reverse(
        "rating_submit", kwargs={"org": "northshire", "code": workshop.code, "barrier": "learning"}
    )
    typed = {"stage": "developing", "evidence": "Sent as the facilitator revealed"}
    client = Client()
    client.force_login(bob)
    revealing = threading.Event()
    saw_the_submit_wait = []

    def reveal():
        with transaction.atomic():
            assess.ratings_reveal(workshop=workshop, actor=role)
            revealing.set()
            # Hold the lock until the submit is queued behind it (PostgreSQL says so).
            deadline = time.monotonic() + 10
            while connection.vendor == "postgresql" and time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    if cursor.fetchone()[0]:
                        saw_the_submit_wait.append(True)
                        break
                time.sleep(0.01)
        return "revealed"

    def submit():
        revealing.wait(10)
        return client.post(url, typed).status_code

    assert at_once([reveal, submit]) == ["revealed", 403]
    if connection.vendor == "postgresql":
        assert saw_the_submit_wait, "the submit never waited for the reveal's lock"
    assert not Rating.objects.filter(participant__workshop=workshop).exists()
    draft = RatingDraft.objects.get(participant__user=bob)
    assert draft.evidence == typed["evidence"]
