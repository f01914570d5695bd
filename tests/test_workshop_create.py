"""Setting up a workshop: the form a facilitator fills in, and what it refuses."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Step, Workshop
from organisations.models import Role
from tests.builders import workshop_completed
from tests.factories import MembershipFactory, OrganisationFactory

NEW = reverse("workshop_create", kwargs={"org": "northshire"})


def test_the_set_up_form_offers_all_six_barriers_and_today_ready_filled(client_for, alice):
    page = client_for(alice).get(NEW).content.decode()
    boxes = re.findall(r'<input[^>]*name="barriers"[^>]*>', page)
    assert len(boxes) == 6
    assert all("checked" in box for box in boxes)
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page


def test_members_and_facilitators_are_offered_as_participants_but_viewers_are_not(
    client_for, alice, fay, bob, vic, team
):
    page = client_for(alice).get(NEW).content.decode()
    assert "Bob Example" in page and "Fay Example" in page
    assert "Vic Example" not in page


def test_a_member_here_who_is_a_viewer_elsewhere_can_still_take_part(client_for, alice, bob):
    MembershipFactory(user=bob, organisation=OrganisationFactory(), role=Role.VIEWER)
    assert "Bob Example" in client_for(alice).get(NEW).content.decode()


def test_a_viewer_posted_as_participant_is_refused_and_no_workshop_is_made(
    client_for, alice, bob, vic
):
    response = client_for(alice).post(
        NEW,
        {
            "title": "Away day",
            "date": timezone.localdate().isoformat(),
            "barriers": ["leadership"],
            "participants": [bob.pk, vic.pk],
        },
    )
    assert response.status_code == 400
    assert not Workshop.objects.exists()


@pytest.mark.parametrize("junk", ["99999999999999999999", "²", "-1", "Bob"])
def test_a_participant_that_cannot_be_an_id_is_refused_and_the_title_kept(
    client_for, alice, bob, junk
):
    # An id past the bigint range was a 500 on SQLite (the quick-start database).
    response = client_for(alice).post(
        NEW,
        {
            "title": "Our away day",
            "date": timezone.localdate().isoformat(),
            "barriers": ["leadership"],
            "participants": [bob.pk, junk],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Our away day" in page
    assert junk in page  # named in the error message
    assert not Workshop.objects.exists()


def test_a_member_cannot_set_up_a_workshop(client_for, bob):
    response = client_for(bob).post(
        NEW, {"title": "Mine", "date": timezone.localdate().isoformat(), "barriers": ["learning"]}
    )
    assert response.status_code == 403
    assert not Workshop.objects.exists()


def test_a_workshop_needs_at_least_one_barrier_and_keeps_the_title_typed(client_for, alice):
    response = client_for(alice).post(
        NEW, {"title": "Our very own title", "date": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert "Our very own title" in response.content.decode()
    assert not Workshop.objects.exists()


def test_the_workshop_pins_the_model_version_and_shows_its_label(client_for, alice, bob):
    client_for(alice).post(
        NEW,
        {
            "title": "Away day",
            "date": timezone.localdate().isoformat(),
            "barriers": ["leadership"],
            "participants": [bob.pk],
        },
    )
    workshop = Workshop.objects.get()
    assert workshop.step == Step.EXPLAIN and workshop.lead_facilitator == alice
    page = client_for(bob).get(
        reverse("workshop_detail", kwargs={"org": "northshire", "code": workshop.code})
    )
    assert workshop.model_version.label in page.content.decode()


def test_the_reassessment_date_field_shows_the_date_already_agreed(
    client_for, northshire, alice, team
):
    workshop = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=1),
        closed=False,
    )
    page = client_for(alice).get(
        reverse("workshop_detail", kwargs={"org": "northshire", "code": workshop.code})
    )
    assert f'value="{workshop.reassess_on:%Y-%m-%d}"' in page.content.decode()
