"""Dates at the edges: a workshop, a reassessment or an action dated outside 2000–2100 is
refused with the range said, in every form, service and the import, and never reaches a page
that does arithmetic on it (the step 5 page adds 182 days, the .ics a day)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.dates import DATE_RANGE_MESSAGE
from assessments.models import Action, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import outcome, reassess, setup
from assessments.services.export import organisation_export
from assessments.services.transfer import TransferError, organisation_import
from organisations.access import actor_for
from tests.builders import workshop_completed, workshop_rated
from tests.posts import action_row, outcome_post

FAR = datetime.date(9999, 12, 31)
EARLY = datetime.date(1, 1, 1)


def test_the_message_says_the_range():
    assert DATE_RANGE_MESSAGE == "Give a date between 1 January 2000 and 31 December 2100."


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_workshop_dated_outside_the_range_is_refused_and_nothing_was_created(
    client_for, alice, date
):
    response = client_for(alice).post(
        reverse("workshop_create", kwargs={"org": "northshire"}),
        {"title": "Edge", "date": date, "barriers": ["learning"]},
    )
    assert response.status_code == 400
    assert DATE_RANGE_MESSAGE in response.content.decode()
    assert not Workshop.objects.exists()


def test_the_service_refuses_a_workshop_dated_outside_the_range_and_nothing_was_created(
    northshire, alice
):
    with pytest.raises(ValidationError, match="between 1 January 2000"):
        setup.workshop_create(
            organisation=northshire,
            actor=actor_for(organisation=northshire, user=alice),
            title="Edge",
            date=FAR,
            barrier_slugs=["learning"],
            participants=[],
            anonymous=False,
        )
    assert not Workshop.objects.exists()


def _at_step_5(northshire, alice, team):
    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    Workshop.objects.filter(pk=workshop.pk).update(reassess_on=None)
    workshop.refresh_from_db()
    return workshop


def test_a_reassessment_date_outside_the_range_is_refused_and_the_ics_never_overflows(
    client_for, northshire, alice, team
):
    workshop = _at_step_5(northshire, alice, team)
    url = reverse("reassessment_date", kwargs={"org": "northshire", "code": workshop.code})
    response = client_for(alice).post(url, {"reassess_on": "9999-12-31"})
    assert response.status_code == 400
    assert DATE_RANGE_MESSAGE in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.reassess_on is None
    with pytest.raises(ValidationError, match="between 1 January 2000"):
        reassess.reassessment_date_set(
            workshop=workshop,
            reassess_on=FAR,
            actor=workshop_actor_for(workshop=workshop, user=alice),
        )


def test_an_action_due_outside_the_range_is_refused_and_nothing_was_created(
    client_for, northshire, alice, team
):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    Workshop.objects.filter(pk=workshop.pk).update(step=Step.TARGET)
    url = reverse(
        "barrier_outcome_record",
        kwargs={"org": "northshire", "code": workshop.code, "barrier": "learning"},
    )
    row = action_row(
        description="Far off", responsible=alice.pk, accountable=alice.pk, due_on="9999-12-31"
    )
    response = client_for(alice).post(url, outcome_post(rows=[row], reason="Just the one."))
    assert response.status_code == 400
    assert DATE_RANGE_MESSAGE in response.content.decode()
    with pytest.raises(ValidationError, match="between 1 January 2000"):
        outcome.barrier_outcome_record(
            workshop=workshop,
            barrier=workshop.barriers.get(slug="learning"),
            stage="developing",
            fewer_actions_reason="Just the one.",
            actions=[
                {
                    "description": "Far off",
                    "responsible": alice,
                    "accountable": alice,
                    "due_on": FAR,
                }
            ],
            actor=workshop_actor_for(workshop=workshop, user=alice),
        )
    assert not Action.objects.exists()


@pytest.mark.parametrize("where", ["date", "reassess_on", "due_on"])
def test_an_import_with_a_date_outside_the_range_is_refused_and_nothing_was_created(
    northshire, alice, where
):
    import uuid

    from organisations.models import Organisation
    from tests.factories import WorkshopFactory

    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice)
    Action.objects.create(
        workshop=workshop,
        barrier=workshop.barriers.first(),
        description="Publish the plan",
        responsible=alice,
        accountable=alice,
        due_on=datetime.date(2030, 1, 1),
    )
    data = organisation_export(northshire)
    data["organisation"].update(slug="elsewhere", code=str(uuid.uuid4()))
    (w,) = data["workshops"]
    w["code"], w["actions"][0]["code"] = str(uuid.uuid4()), str(uuid.uuid4())
    if where == "due_on":
        w["actions"][0]["due_on"] = "0001-01-01"
    else:
        w[where] = "9999-12-31"
    with pytest.raises(TransferError, match="between 1 January 2000"):
        organisation_import(data)
    assert not Organisation.objects.filter(slug="elsewhere").exists()
