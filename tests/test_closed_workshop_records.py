"""Nothing in a closed workshop is hard-deleted."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from assessments.models import Action, Rating, Workshop
from tests.builders import workshop_completed


def test_a_closed_workshop_cannot_be_deleted_nor_any_record_in_it(northshire, alice, team):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    rating = Rating.objects.filter(participant__workshop=workshop).first()
    action = Action.objects.filter(workshop=workshop).first()
    # Each attempt in its own savepoint, as a request would be.
    for record in (workshop, rating, action):
        with pytest.raises(ProtectedError), transaction.atomic():
            record.delete()
    assert Workshop.objects.filter(pk=workshop.pk).exists()
    assert Rating.objects.filter(participant__workshop=workshop).count() == 24


def test_an_open_workshop_can_still_lose_a_mistaken_action(northshire, alice, team):
    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    workshop.actions.first().delete()
    assert workshop.actions.count() == 17
