"""The stepper, who runs the workshop, and the explain step (para 70a)."""

from django.urls import reverse

from assessments.models import Participant, Step


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


def test_everyone_sees_the_five_steps_and_the_live_hooks(client_for, workshop, bob, vic):
    for person in (bob, vic):
        page = client_for(person).get(url("workshop_detail", workshop)).content.decode()
        for label in ("Explain", "Assess individually", "Consensus", "Target and actions"):
            assert label in page
        assert f'data-live-state-url="{url("workshop_state", workshop)}"' in page
        assert 'data-live-region="stepper"' in page
        assert "js/live.js" in page
        assert workshop.model_version.label in page


def test_only_facilitators_see_the_progress_of_the_room(client_for, workshop, alice, bob):
    assert (
        'data-live-region="progress"'
        in client_for(alice).get(url("workshop_detail", workshop)).content.decode()
    )
    assert (
        'data-live-region="progress"'
        not in client_for(bob).get(url("workshop_detail", workshop)).content.decode()
    )


def test_a_participant_confirms_they_understand_and_the_facilitator_sees_it(
    client_for, workshop, alice, bob
):
    client_for(bob).post(url("understanding_confirm", workshop))
    assert Participant.objects.get(workshop=workshop, user=bob).understood_at is not None
    page = client_for(alice).get(url("workshop_detail", workshop)).content.decode()
    assert "1 of 4" in page


def test_a_viewer_cannot_confirm_or_move_a_step(client_for, workshop, vic):
    client = client_for(vic)
    assert client.post(url("understanding_confirm", workshop)).status_code == 403
    assert client.post(url("step_move", workshop), {"step": Step.ASSESS}).status_code == 403
    workshop.refresh_from_db()
    assert workshop.step == Step.EXPLAIN


def test_a_member_cannot_change_who_facilitates(client_for, workshop, bob, fay, alice):
    response = client_for(bob).post(
        url("facilitators_change", workshop), {"email": fay.email, "action": "lead"}
    )
    assert response.status_code == 403
    assert b"lead facilitator" in response.content
    workshop.refresh_from_db()
    assert workshop.lead_facilitator == alice


def test_the_lead_cannot_go_to_a_member(client_for, workshop, alice, bob):
    response = client_for(alice).post(
        url("facilitators_change", workshop), {"email": bob.email, "action": "lead"}
    )
    assert response.status_code in (400, 403)
    workshop.refresh_from_db()
    assert workshop.lead_facilitator == alice


def test_a_removed_co_facilitator_can_no_longer_move_the_steps(client_for, workshop, alice, fay):
    lead = client_for(alice)
    lead.post(url("facilitators_change", workshop), {"email": fay.email, "action": "add"})
    lead.post(url("facilitators_change", workshop), {"email": fay.email, "action": "remove"})
    response = client_for(fay).post(url("step_move", workshop), {"step": Step.ASSESS})
    assert response.status_code == 403
    workshop.refresh_from_db()
    assert workshop.step == Step.EXPLAIN


def test_the_facilitator_can_move_back_a_step(client_for, workshop, alice):
    client = client_for(alice)
    client.post(url("step_move", workshop), {"step": Step.ASSESS})
    client.post(url("step_move", workshop), {"step": Step.EXPLAIN})
    workshop.refresh_from_db()
    assert workshop.step == Step.EXPLAIN


def test_a_first_workshop_has_no_review_step(client_for, workshop, alice):
    response = client_for(alice).post(url("step_move", workshop), {"step": Step.REVIEW})
    assert response.status_code == 400
    workshop.refresh_from_db()
    assert workshop.step == Step.EXPLAIN
