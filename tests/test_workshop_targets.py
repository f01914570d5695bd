"""Step 4: a target stage per barrier and its key actions (para 70d).

Fewer than three actions is allowed only with a reason: ``step_move`` refuses to leave
step 4 while a barrier has fewer than three actions and no reason on its target.
"""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import Action, Consensus, HistoryEntry, Step, Target
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from tests.builders import workshop_rated


def url(name, workshop, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


@pytest.fixture
def targeting(northshire, alice, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    for barrier in workshop.barriers.all():
        Consensus.objects.create(
            workshop=workshop,
            barrier=barrier,
            stage="starting",
            rationale="Agreed.",
            recorded_by=alice,
        )
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.TARGET, actor=role)
    return workshop


def action_data(workshop, **overrides):
    return {
        "description": "Publish the three priorities on one page",
        "responsible_name": "Head of communications",
        "accountable_name": "Chief executive",
        "due_on": (workshop.date + datetime.timedelta(days=30)).isoformat(),
        **overrides,
    }


def test_an_action_can_name_people_outside_the_app_and_draw_on_a_breakthrough_point(
    client_for, targeting, alice
):
    point = targeting.barriers.get(slug="priorities").points.first()
    response = client_for(alice).post(
        url("action_add", targeting, barrier="priorities"),
        action_data(targeting, breakthrough_point=point.pk),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.responsible is None and action.responsible_name == "Head of communications"
    assert action.breakthrough_point == point
    assert HistoryEntry.objects.filter(workshop=targeting, kind="action", actor=alice).exists()
    # Shown as a phrase of its own, not with the ";" that joined it to the next in the paper.
    assert point.text.endswith(";")
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    assert f"Draws on: {point.text.removesuffix(';')}</span>" in page.replace("&#x27;", "'")


def test_the_barriers_breakthrough_points_are_offered_as_ideas(client_for, targeting, alice):
    point = targeting.barriers.get(slug="learning").points.first()
    page = client_for(alice).get(url("workshop_detail", targeting)).content.decode()
    assert point.text.split(";")[0][:30].replace("'", "&#x27;") in page


def test_a_breakthrough_point_of_another_barrier_is_refused_and_the_text_kept(
    client_for, targeting, alice
):
    other = targeting.barriers.get(slug="leadership").points.first()
    response = client_for(alice).post(
        url("action_add", targeting, barrier="priorities"),
        action_data(targeting, breakthrough_point=other.pk, description="Keep this sentence"),
    )
    assert response.status_code == 400
    assert "Keep this sentence" in response.content.decode()
    assert not Action.objects.exists()


def test_a_member_cannot_add_an_action_or_set_a_target(client_for, targeting, bob):
    client = client_for(bob)
    assert (
        client.post(
            url("action_add", targeting, barrier="learning"), action_data(targeting)
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("target_record", targeting, barrier="learning"), {"stage": "consolidating"}
        ).status_code
        == 403
    )
    assert not Action.objects.exists() and not Target.objects.exists()


def test_with_a_reason_for_fewer_than_three_actions_the_workshop_moves_on(
    client_for, targeting, alice
):
    client = client_for(alice)
    for barrier in targeting.barriers.all():
        client.post(
            url("target_record", targeting, barrier=barrier.slug),
            {"stage": "developing", "fewer_actions_reason": "One action is enough for now."},
        )
    response = client.post(url("step_move", targeting), {"step": Step.REASSESS})
    targeting.refresh_from_db()
    assert targeting.step == Step.REASSESS, response.content.decode()[:400]


def test_without_a_reason_the_workshop_stays_at_step_4_and_says_which_barriers(
    client_for, targeting, alice
):
    client = client_for(alice)
    client.post(url("target_record", targeting, barrier="learning"), {"stage": "developing"})
    response = client.post(url("step_move", targeting), {"step": Step.REASSESS}, follow=True)
    targeting.refresh_from_db()
    assert targeting.step == Step.TARGET
    assert "three key actions" in response.content.decode()


def test_every_field_on_the_target_and_consensus_pages_has_an_id_of_its_own(
    client_for, targeting, alice
):
    # Each barrier's card has the same forms; a label points at its field by id, so a
    # repeated id sent the second card's labels to the first card's fields.
    page = client_for(alice).get(url("workshop_detail", targeting))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())
    assert "target-learning-stage" in ids and "action-learning-description" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []

    targeting.step = Step.CONSENSUS
    targeting.save()
    page = client_for(alice).get(url("workshop_detail", targeting))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())
    assert "consensus-learning-rationale" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
