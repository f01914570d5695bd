"""The rules the foundations issue lists, one test (or two) each, numbered as in the issue.

Each fails when its rule is broken in the code; what was broken to see it fail is in the
report of the change that added them. Covered elsewhere already: every service refusing
every kind of person (test_rules_matrix.py), secrecy before the reveal at step 2
(test_secrecy.py), the first of two consensus saves (test_concurrency.py). Rule 8 (a
participant's name and a consensus rationale escaped on every page that shows them) is in
test_escaping.py, with the other free text.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from assessments.models import Action, Consensus, HistoryEntry, Rating, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, setup
from assessments.views import live
from organisations.access import actor_for
from organisations.models import Invitation, Membership, Role
from organisations.services import invitation_create, membership_change_role
from tests.builders import evidence_text, workshop_completed, workshop_rated
from tests.factories import PASSWORD
from tests.test_concurrency import at_once

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


def state_url(workshop, regions="grid,charts"):
    return url("workshop_state", workshop) + f"?r={regions}"


def lead(workshop):
    return workshop_actor_for(workshop=workshop, user=workshop.lead_facilitator)


# ---------------------------------------------------------------- 1. hidden until the reveal


def test_1_ratings_stay_hidden_after_step_2_closes_until_the_reveal_itself(
    client_for, northshire, alice, team, vic
):
    bob, carol = team[0], team[1]
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    setup.step_move(workshop=workshop, to=Step.CONSENSUS, actor=lead(workshop))
    workshop.refresh_from_db()
    assert workshop.step == Step.CONSENSUS and workshop.assessment_closed_at is not None
    assert not workshop.is_revealed

    secrets = [evidence_text(bob, b) for b in workshop.barriers.all()]
    for person in (alice, carol, vic):
        client = client_for(person)
        state = client.get(state_url(workshop, "stepper,progress,grid,charts"))
        assert state.status_code == 200
        bodies = {
            "workshop page": client.get(url("workshop_detail", workshop)).content.decode(),
            "wall chart": client.get(url("wallchart", workshop)).content.decode(),
            "state": " ".join(json.loads(state.content)["regions"].values()),
        }
        for where, body in bodies.items():
            for secret in secrets:
                assert secret not in body, f"the {where} showed Bob's evidence to {person}"
            assert 'class="marker"' not in body, f"the {where} showed a rating to {person}"
            assert "chart-spread" not in body, f"the {where} showed the spread to {person}"
        # What the wall chart shows instead: only how many have rated.
        assert "4 of 4 have rated" in bodies["wall chart"]
        assert "4 of 4 have rated" in bodies["state"]


# ---------------------------------------------------------------- 2. only a facilitator reveals


def test_2_a_member_cannot_reveal_even_by_posting_the_confirmation(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    response = client_for(team[0]).post(url("ratings_reveal", workshop), {"confirm": "yes"})
    assert response.status_code == 403
    workshop.refresh_from_db()
    assert not workshop.is_revealed
    assert workshop.assessment_closed_at is None and workshop.step == Step.ASSESS
    assert not HistoryEntry.objects.filter(workshop=workshop, kind="reveal").exists()


# ---------------------------------------------------------------- 3. an invitation works once


def _invited(alice, email="newcomer@example.org"):
    _invitation, token = invitation_create(
        organisation=alice.memberships.get().organisation,
        email=email,
        role=Role.MEMBER,
        actor=actor_for(organisation=alice.memberships.get().organisation, user=alice),
    )
    return reverse("invitation_accept", kwargs={"token": token})


SIGN_UP = {
    "first_name": "Nia",
    "last_name": "Newcomer",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_3_a_used_invitation_link_no_longer_shows_the_sign_up_form(alice):
    path = _invited(alice)
    first = Client()
    assert 'name="password1"' in first.get(path).content.decode()
    assert first.post(path, SIGN_UP).status_code == 302

    newcomer = get_user_model().objects.get(email="newcomer@example.org")
    for client in (Client(), first):  # someone else with the link, and the newcomer
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 410
        assert "already been used" in page
        assert 'name="password1"' not in page and "Create my account" not in page
    assert Membership.objects.filter(user=newcomer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_3_two_simultaneous_accepts_of_one_link_create_one_account(alice):
    """On SQLite every transaction takes the file's write lock when it begins, so the two
    accepts are serialised whatever the service does; on PostgreSQL the invitation's row
    lock is what makes the second one wait and then find the link used."""
    for n in range(8):
        email = f"twice-{n}@example.org"
        path = _invited(alice, email=email)

        def accept(path=path):
            return Client().post(path, SIGN_UP).status_code

        assert sorted(at_once([accept, accept])) == [302, 410]
        assert get_user_model().objects.filter(email=email).count() == 1
        assert Membership.objects.filter(user__email=email).count() == 1
        assert Invitation.objects.get(email=email).accepted_by.email == email


# ---------------------------------------------------------------- 4. a stale consensus


def test_4_a_stale_consensus_update_is_refused_and_the_stored_one_is_kept(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    client = client_for(alice)
    record = url("consensus_record", workshop, barrier="learning")

    def save(stage, rationale, lock):
        return client.post(record, {"stage": stage, "rationale": rationale, "lock": lock})

    def stored():
        c = Consensus.objects.get(workshop=workshop, barrier__slug="learning")
        return c.stage, c.rationale, c.lock

    assert save("starting", "First view", 0).status_code == 302
    assert stored() == ("starting", "First view", 1)
    assert save("developing", "Second view", 1).status_code == 302
    assert stored() == ("developing", "Second view", 2)

    stale = save("consolidating", "Made from the first view", 1)
    assert stale.status_code == 409
    assert "changed while you were editing it" in stale.content.decode()
    assert stored() == ("developing", "Second view", 2)


# ---------------------------------------------------------------- 5. the live poll's memo


@pytest.fixture
def forget_authorisations():
    live._authorised.clear()
    yield
    live._authorised.clear()


def test_5_a_removed_member_stops_getting_304_once_the_window_has_passed(
    client_for, workshop, bob, monkeypatch, forget_authorisations
):
    clock = [1000.0]

    class FakeTime:
        @staticmethod
        def monotonic():
            return clock[0]

    monkeypatch.setattr(live, "time", FakeTime)
    client = client_for(bob)
    first = client.get(state_url(workshop))
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(state_url(workshop), headers={"if-none-match": etag}).status_code == 304

    Membership.objects.filter(user=bob).delete()
    # Within the stated window the per-process memo may still say "unchanged" (never a
    # 200: every 200 goes through the full checks).
    clock[0] += live.AUTHORISED_FOR - 1
    assert client.get(state_url(workshop), headers={"if-none-match": etag}).status_code == 304
    # Once it has passed, the poll goes through the checks and Bob is no longer a member.
    clock[0] += 2
    response = client.get(state_url(workshop), headers={"if-none-match": etag})
    assert response.status_code == 404


# ---------------------------------------------------------------- 6. made viewer, rates no more


def test_6_a_participant_made_viewer_can_no_longer_rate(client_for, workshop, alice, bob):
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=lead(workshop))
    client = client_for(bob)
    rate = url("rating_submit", workshop, barrier="learning")
    membership_change_role(
        membership=Membership.objects.get(user=bob),
        role=Role.VIEWER,
        actor=actor_for(organisation=workshop.organisation, user=alice),
    )

    response = client.post(rate, {"stage": "developing", "evidence": "Still rating?"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        assess.rating_submit(
            workshop=workshop,
            barrier=workshop.barriers.get(slug="learning"),
            stage="developing",
            evidence="Through the service",
            actor=workshop_actor_for(workshop=workshop, user=bob),
        )
    assert not Rating.objects.filter(participant__user=bob).exists()


def test_6_nor_does_a_facilitator_rate_on_behalf_of_a_participant_made_viewer_or_removed(
    client_for, workshop, alice, bob, carol
):
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=lead(workshop))
    as_alice = actor_for(organisation=workshop.organisation, user=alice)
    membership_change_role(
        membership=Membership.objects.get(user=bob), role=Role.VIEWER, actor=as_alice
    )
    Membership.objects.filter(user=carol).delete()
    rate = url("rating_submit", workshop, barrier="learning")
    for person in (bob, carol):
        response = client_for(alice).post(
            rate, {"stage": "developing", "evidence": "Told to Alice", "on_behalf_of": person.email}
        )
        assert response.status_code == 403
        assert "cannot give a rating" in response.content.decode()
        with pytest.raises(PermissionDenied, match="cannot give a rating"):
            assess.rating_submit(
                workshop=workshop,
                barrier=workshop.barriers.get(slug="learning"),
                stage="developing",
                evidence="Through the service",
                actor=lead(workshop),
                on_behalf_of=workshop.participants.get(user=person),
            )
    assert not Rating.objects.filter(participant__workshop=workshop).exists()


# ---------------------------------------------------------------- 7. a viewer's action


def test_7_a_viewer_responsible_for_an_action_cannot_update_it(
    client_for, northshire, alice, team, vic
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = Action.objects.filter(workshop=workshop).first()
    Action.objects.filter(pk=action.pk).update(responsible=vic)
    history = HistoryEntry.objects.count()

    response = client_for(vic).post(
        reverse("action_status", kwargs={"org": "northshire", "action": action.code}),
        {"status": "done", "note": "Done, says the viewer."},
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert (action.status, action.status_note, action.status_updated_by) == (
        "not_started",
        "",
        None,
    )
    assert HistoryEntry.objects.count() == history


# ---------------------------------------------------------------- 9. no consensus before reveal


def test_9_the_workshop_cannot_move_past_consensus_before_the_reveal(workshop):
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=lead(workshop))
    setup.step_move(workshop=workshop, to=Step.CONSENSUS, actor=lead(workshop))
    with pytest.raises(ValidationError, match="Reveal the ratings"):
        setup.step_move(workshop=workshop, to=Step.TARGET, actor=lead(workshop))
    assert Workshop.objects.get(pk=workshop.pk).step == Step.CONSENSUS

    # Nor behind the service's back: the database's own check refuses it.
    refused = pytest.raises(IntegrityError, match="workshop_past_consensus_revealed")
    with refused, transaction.atomic():
        Workshop.objects.filter(pk=workshop.pk).update(step=Step.TARGET)
    assert Workshop.objects.get(pk=workshop.pk).step == Step.CONSENSUS


# ---------------------------------------------------------------- 10. the last facilitator


def test_10_the_last_facilitator_can_be_neither_demoted_nor_removed(client_for, alice, bob):
    client = client_for(alice)
    members = reverse("members", kwargs={"org": "northshire"})
    for name, data in (
        ("member_role", {"email": alice.email, "role": Role.MEMBER}),
        ("member_remove", {"email": alice.email}),
    ):
        response = client.post(reverse(name, kwargs={"org": "northshire"}), data, follow=True)
        assert response.redirect_chain == [(members, 302)]
        assert "An organisation needs at least one facilitator." in response.content.decode()
        assert Membership.objects.get(user=alice).role == Role.FACILITATOR
    assert Membership.objects.count() == 2


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="SQLite serialises whole transactions (BEGIN IMMEDIATE): the row lock this is "
    "about does not exist there",
)
@pytest.mark.django_db(transaction=True)
def test_10_two_facilitators_demoting_themselves_at_once_leave_one(alice, fay):
    organisation = alice.memberships.get().organisation
    for _ in range(10):
        Membership.objects.filter(organisation=organisation).update(role=Role.FACILITATOR)

        def demote(user):
            membership = Membership.objects.get(user=user)
            actor = actor_for(organisation=organisation, user=user)

            def go():
                try:
                    membership_change_role(membership=membership, role=Role.MEMBER, actor=actor)
                except ValidationError as e:
                    return e.messages[0]
                return "demoted"

            return go

        results = at_once([demote(alice), demote(fay)])
        assert sorted(results) == ["An organisation needs at least one facilitator.", "demoted"]
        assert (
            Membership.objects.filter(organisation=organisation, role=Role.FACILITATOR).count() == 1
        )
