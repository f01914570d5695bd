"""Whatever a person (or a script) throws at the main forms: a clear 4xx or success, never a 500,
and nothing stored that the rules forbid."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import EVIDENCE_MAX, RATIONALE_MAX, Consensus, Rating, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import setup
from model_content.models import Stage
from tests.builders import workshop_rated
from tests.factories import WorkshopFactory

texts = st.text(max_size=2500)
stages = st.one_of(st.sampled_from(Stage.values), st.text(max_size=20))
anything = st.one_of(st.text(max_size=30), st.integers().map(str))
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def assessing(northshire, alice, bob, team):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    role = workshop_actor_for(workshop=workshop, user=alice)
    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role)
    return workshop


@SETTINGS
@given(stage=stages, evidence=texts, descriptors=st.lists(anything, max_size=3))
def test_any_rating_submission_is_stored_valid_or_refused(
    assessing, bob, stage, evidence, descriptors
):
    client = Client()
    client.force_login(bob)
    response = client.post(
        reverse(
            "rating_submit",
            kwargs={"org": "northshire", "code": assessing.code, "barrier": "learning"},
        ),
        {"stage": stage, "evidence": evidence, "descriptors": descriptors},
    )
    assert response.status_code in (302, 400)
    for rating in Rating.objects.filter(participant__workshop=assessing):
        assert rating.stage in Stage.values
        assert 0 < len(rating.evidence) <= EVIDENCE_MAX


@SETTINGS
@given(stage=stages, rationale=texts, lock=anything)
def test_any_consensus_is_stored_valid_or_refused(northshire, alice, team, stage, rationale, lock):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse(
            "consensus_record",
            kwargs={"org": "northshire", "code": workshop.code, "barrier": "learning"},
        ),
        {"stage": stage, "rationale": rationale, "lock": lock},
    )
    assert response.status_code in (302, 400, 409)
    for consensus in Consensus.objects.filter(workshop=workshop):
        assert consensus.stage in Stage.values
        assert 0 < len(consensus.rationale) <= RATIONALE_MAX


@SETTINGS
@given(
    title=st.text(max_size=300),
    date=anything,
    barriers=st.lists(anything, max_size=3),
    participants=st.lists(anything, max_size=3),
)
def test_any_workshop_set_up_is_created_valid_or_refused(
    alice, title, date, barriers, participants
):
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("workshop_create", kwargs={"org": "northshire"}),
        {"title": title, "date": date, "barriers": barriers, "participants": participants},
    )
    assert response.status_code in (302, 400)
