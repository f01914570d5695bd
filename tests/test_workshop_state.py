"""The live state endpoint: 304 when nothing changed, regions when it did, no secret leaks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.views import live
from tests.builders import evidence_text, workshop_rated


@pytest.fixture(autouse=True)
def _forget_authorisations():
    live._authorised.clear()
    yield
    live._authorised.clear()


def state_url(workshop, regions="grid,charts"):
    url = reverse(
        "workshop_state", kwargs={"org": workshop.organisation.slug, "code": workshop.code}
    )
    return f"{url}?r={regions}" if regions else url


def test_an_unchanged_workshop_answers_304_with_the_same_etag(client_for, alice, workshop):
    client = client_for(alice)
    first = client.get(state_url(workshop))
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    again = client.get(state_url(workshop), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_a_poll_reaching_a_worker_that_has_not_seen_the_person_answers_304(
    client_for, alice, workshop
):
    """With two or more server processes the next poll often lands on another one, whose
    memo of recent authorisations is empty; Django's own ETag check must then agree. It
    splits If-None-Match at commas, so an ETag naming the regions "grid,charts" with the
    comma never matched and every such poll re-rendered the grid (seen in the bench)."""
    client = client_for(alice)
    first = client.get(state_url(workshop, "grid,charts"))
    live._authorised.clear()
    again = client.get(state_url(workshop, "grid,charts"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_a_change_to_the_workshop_answers_200_with_the_new_revision(client_for, alice, workshop):
    client = client_for(alice)
    first = client.get(state_url(workshop))
    workshop.revision += 1
    workshop.save(update_fields=["revision"])
    changed = client.get(state_url(workshop), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed.json()["revision"] == workshop.revision
    assert "grid" in changed.json()["regions"]


def test_an_unknown_region_is_a_bad_request(client_for, alice, workshop):
    response = client_for(alice).get(state_url(workshop, "grid,secrets"))
    assert response.status_code == 400


def test_before_the_reveal_nobody_sees_anothers_rating_in_the_state(
    client_for, northshire, alice, bob, carol, team
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    secret = evidence_text(bob, workshop.barriers.get(slug="learning"))
    for person in (alice, carol):
        body = client_for(person).get(state_url(workshop, "stepper,progress,grid,charts,outcome"))
        assert body.status_code == 200
        # Step 3's evidence and consensus are not drawn at all before it.
        assert not [name for name in body.json()["regions"] if name.startswith("outcome/")]
        text = body.content.decode()
        assert secret not in text
        assert "4 of 4 have rated" in text
        assert 'class="marker"' not in text


def test_after_the_reveal_step_3s_regions_carry_the_evidence_to_everyone(
    client_for, northshire, alice, bob, carol, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    secret = evidence_text(bob, workshop.barriers.get(slug="learning"))
    for person in (alice, carol):
        body = client_for(person).get(state_url(workshop, "stepper,outcome")).json()
        assert secret in body["regions"]["outcome/learning/evidence"]
        assert body["says"]["outcome/learning/consensus"] == "No consensus yet for Learning."


def test_an_unchanged_poll_is_answered_after_one_query(client_for, alice, workshop):
    """Room-size independence is in test_query_counts.py; here, the floor the bench relies on."""
    client = client_for(alice)
    etag = client.get(state_url(workshop))["ETag"]
    with CaptureQueriesContext(connection) as unchanged:
        response = client.get(state_url(workshop), headers={"if-none-match": etag})
    assert response.status_code == 304
    assert len(unchanged) == 1  # the revision; no session, user or membership lookup


def test_another_organisations_workshop_is_not_found(client_for, mallory, workshop):
    assert client_for(mallory).get(state_url(workshop)).status_code == 404


def test_a_remembered_session_still_gets_404_for_another_organisations_workshop(
    client_for, alice, mallory, workshop
):
    client = client_for(alice)
    etag = client.get(state_url(workshop))["ETag"]
    client.force_login(mallory)  # a new session key: nothing remembered for it
    response = client.get(state_url(workshop), headers={"if-none-match": etag})
    assert response.status_code == 404


def test_the_reveal_reaches_a_page_that_saw_the_grid_before_it(client_for, northshire, alice, team):
    """The grid is rendered once per revision and kept: the reveal must not serve the old one."""
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services.assess import ratings_reveal

    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    client = client_for(alice)
    before = client.get(state_url(workshop))
    assert 'class="marker"' not in before.content.decode()

    role = workshop_actor_for(workshop=workshop, user=alice)
    ratings_reveal(workshop=workshop, actor=role)

    after = client.get(state_url(workshop), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert 'class="marker"' in after.json()["regions"]["grid"]


# ---------------------------------------------------------------- what a region shows
#
# Alice facilitates; Bob and Carol take part. A rating submitted changes Alice's progress
# panel and the wall chart, not the stepper Bob's and Carol's pages show at step 2: their
# polls stay 304 until the step, the timebox or the closing changes what they show.


def _at_step_2(workshop, alice):
    from assessments.models import Step
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services.setup import step_move

    step_move(
        workshop=workshop, to=Step.ASSESS, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    workshop.refresh_from_db()
    return workshop


def _bob_rates(workshop, bob):
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services.assess import rating_submit

    rating_submit(
        workshop=workshop,
        barrier=workshop.barriers.get(slug="learning"),
        stage="developing",
        evidence="We changed the induction after the audit.",
        actor=workshop_actor_for(workshop=workshop, user=bob),
    )


@pytest.mark.parametrize("memo", ["remembered", "another process"])
def test_a_rating_submitted_leaves_a_members_page_unchanged_but_not_the_facilitators(
    client_for, alice, bob, carol, workshop, memo
):
    workshop = _at_step_2(workshop, alice)
    etags = {
        p: client_for(p).get(state_url(workshop, "stepper,progress"))["ETag"]
        for p in (alice, carol)
    }
    _bob_rates(workshop, bob)
    if memo == "another process":
        live._authorised.clear()  # Django's own ETag check must agree with the 304 path
    carol_poll = client_for(carol).get(
        state_url(workshop, "stepper,progress"), headers={"if-none-match": etags[carol]}
    )
    assert carol_poll.status_code == 304
    alice_poll = client_for(alice).get(
        state_url(workshop, "stepper,progress"), headers={"if-none-match": etags[alice]}
    )
    assert alice_poll.status_code == 200
    assert "1 of 4</strong> have rated Learning" in alice_poll.json()["regions"]["progress"]


def test_a_rating_submitted_changes_the_wall_chart_for_a_member_too(
    client_for, alice, bob, carol, workshop
):
    workshop = _at_step_2(workshop, alice)
    client = client_for(carol)
    etag = client.get(state_url(workshop, "grid,charts"))["ETag"]
    _bob_rates(workshop, bob)
    assert (
        client.get(state_url(workshop, "grid,charts"), headers={"if-none-match": etag}).status_code
        == 200
    )


@pytest.mark.parametrize("memo", ["remembered", "another process"])
@pytest.mark.parametrize("change", ["step moved", "timebox started", "workshop closed"])
def test_what_the_stepper_shows_reaches_a_members_page(
    client_for, northshire, alice, carol, team, workshop, change, memo
):
    from assessments.models import Step
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services.reassess import workshop_close
    from assessments.services.setup import step_move, timebox_set
    from tests.builders import workshop_completed

    if change == "workshop closed":
        workshop = workshop_completed(
            organisation=northshire, facilitator=alice, members=team, closed=False
        )
    else:
        workshop = _at_step_2(workshop, alice)
    client = client_for(carol)
    etag = client.get(state_url(workshop, "stepper,progress"))["ETag"]
    actor = workshop_actor_for(workshop=workshop, user=alice)
    if change == "step moved":
        step_move(workshop=workshop, to=Step.CONSENSUS, actor=actor)
    elif change == "timebox started":
        timebox_set(workshop=workshop, minutes=10, actor=actor)
    else:
        workshop_close(workshop=workshop, actor=actor)
    if memo == "another process":
        live._authorised.clear()
    poll = client.get(state_url(workshop, "stepper,progress"), headers={"if-none-match": etag})
    assert poll.status_code == 200
    stepper = poll.json()["regions"]["stepper"]
    if change == "timebox started":
        assert "Time left for this step" in stepper
    if change == "workshop closed":
        assert "<strong>Closed</strong>" in stepper
