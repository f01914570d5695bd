"""Three edges of running a workshop: a double-clicked "Create workshop", a lead facilitator
who is no longer a facilitator, and a rating recorded on someone's behalf over their own."""

import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessments.models import HistoryEntry, Rating, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, setup
from organisations.access import actor_for
from organisations.models import Membership, Role
from organisations.services import membership_change_role
from tests.factories import WorkshopFactory

NEW = reverse("workshop_create", kwargs={"org": "northshire"})


def _workshop_url(workshop, name="workshop_detail"):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code})


# ---------------------------------------------------------------- a double click


def test_the_set_up_form_carries_a_token_of_its_own(client_for, alice):
    pages = [client_for(alice).get(NEW).content.decode() for _ in range(2)]
    tokens = [re.search(r'name="submission" value="([0-9a-f-]+)"', p).group(1) for p in pages]
    assert tokens[0] != tokens[1]


def test_a_double_clicked_create_makes_one_workshop_and_both_clicks_land_on_it(
    client_for, alice, bob
):
    data = {
        "title": "Away day",
        "date": timezone.localdate().isoformat(),
        "barriers": ["leadership"],
        "participants": [bob.pk],
        "submission": str(uuid.uuid4()),
    }
    client = client_for(alice)
    first, second = client.post(NEW, data), client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    (workshop,) = Workshop.objects.all()
    assert first["Location"] == second["Location"] == _workshop_url(workshop)
    assert workshop.participants.count() == 1


def test_two_forms_sent_make_two_workshops(client_for, alice):
    client = client_for(alice)
    for _ in range(2):
        data = {
            "title": "Away day",
            "date": timezone.localdate().isoformat(),
            "barriers": ["leadership"],
            "submission": str(uuid.uuid4()),
        }
        assert client.post(NEW, data).status_code == 302
    assert Workshop.objects.count() == 2


# ---------------------------------------------------------------- a lead who left


@pytest.fixture
def lead_demoted(northshire, alice, fay, team):
    """Alice led the workshop and is a member now; Fay is still a facilitator."""
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    membership_change_role(
        membership=Membership.objects.get(user=alice),
        role=Role.MEMBER,
        actor=actor_for(organisation=northshire, user=fay),
    )
    return workshop


def test_another_facilitator_takes_over_a_workshop_whose_lead_is_no_longer_a_facilitator(
    client_for, lead_demoted, alice, fay
):
    page = client_for(fay).get(_workshop_url(lead_demoted)).content.decode()
    assert "Take over as lead facilitator" in page
    response = client_for(fay).post(_workshop_url(lead_demoted, "lead_take_over"))
    assert response.status_code == 302
    lead_demoted.refresh_from_db()
    assert lead_demoted.lead_facilitator == fay
    entry = HistoryEntry.objects.get(workshop=lead_demoted, kind="lead")
    assert entry.actor == fay and "Alice Example" in entry.summary
    # And she runs it now.
    setup.step_move(
        workshop=lead_demoted,
        to=Step.ASSESS,
        actor=workshop_actor_for(workshop=lead_demoted, user=fay),
    )


def test_a_workshop_whose_lead_is_still_a_facilitator_cannot_be_taken_over(
    client_for, northshire, alice, fay, team
):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    assert "Take over" not in client_for(fay).get(_workshop_url(workshop)).content.decode()
    response = client_for(fay).post(_workshop_url(workshop, "lead_take_over"))
    assert response.status_code == 403
    workshop.refresh_from_db()
    assert workshop.lead_facilitator == alice
    assert not HistoryEntry.objects.exists()


def test_a_member_cannot_take_over_a_workshop(client_for, lead_demoted, alice, bob):
    for person in (bob, alice):
        response = client_for(person).post(_workshop_url(lead_demoted, "lead_take_over"))
        assert response.status_code == 403
    lead_demoted.refresh_from_db()
    assert lead_demoted.lead_facilitator == alice


def test_a_closed_workshop_cannot_be_taken_over(lead_demoted, fay):
    Workshop.objects.filter(pk=lead_demoted.pk).update(
        step=Step.REASSESS,
        assessment_closed_at=timezone.now(),
        revealed_at=timezone.now(),
        reassess_on=timezone.localdate(),
        closed_at=timezone.now(),
    )
    lead_demoted.refresh_from_db()
    with pytest.raises(PermissionDenied):
        setup.lead_take_over(
            workshop=lead_demoted, actor=workshop_actor_for(workshop=lead_demoted, user=fay)
        )


# ---------------------------------------------------------------- on someone's behalf


@pytest.fixture
def assessing(northshire, alice, team):
    workshop = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    setup.step_move(
        workshop=workshop, to=Step.ASSESS, actor=workshop_actor_for(workshop=workshop, user=alice)
    )
    return workshop


def _rate(workshop, user, *, by=None, stage="developing", evidence="What I saw"):
    on_behalf = workshop.participants.get(user=user) if by else None
    return assess.rating_submit(
        workshop=workshop,
        barrier=workshop.barriers.get(slug="learning"),
        stage=stage,
        evidence=evidence,
        actor=workshop_actor_for(workshop=workshop, user=by or user),
        on_behalf_of=on_behalf,
    )


def test_a_rating_recorded_on_behalf_over_the_participants_own_is_in_the_history(
    client_for, assessing, alice, bob
):
    _rate(assessing, bob, stage="starting")
    _rate(assessing, bob, by=alice, stage="consolidating", evidence="Said in the room")
    rating = Rating.objects.get(participant__user=bob)
    assert rating.given_by == alice and rating.replaced_own_at is not None
    entry = HistoryEntry.objects.get(workshop=assessing, kind="on_behalf")
    assert entry.actor == alice
    assert entry.summary == (
        "Recorded Bob Example's rating for Learning on their behalf, replacing the one they gave."
    )
    # Nothing of either rating's stage or evidence: the history is for everyone to read.
    assert "onsolidating" not in entry.summary and "tarting" not in entry.summary
    page = client_for(bob).get(_workshop_url(assessing)).content.decode()
    card = page[page.index('id="barrier-learning"') :]
    card = card[: card.index("</article>")]
    assert "Recorded on your behalf by Alice Example" in card
    assert "replacing the rating you gave" in card


def test_a_rating_recorded_on_behalf_of_someone_who_had_not_rated_is_no_replacement(
    assessing, alice, bob
):
    _rate(assessing, bob, by=alice)
    assert Rating.objects.get(participant__user=bob).replaced_own_at is None
    assert not HistoryEntry.objects.filter(kind="on_behalf").exists()


def test_in_an_anonymous_workshop_the_history_does_not_name_whose_rating_was_replaced(
    assessing, alice, bob
):
    Workshop.objects.filter(pk=assessing.pk).update(anonymous=True)
    assessing.refresh_from_db()
    _rate(assessing, bob)
    _rate(assessing, bob, by=alice)
    entry = HistoryEntry.objects.get(kind="on_behalf")
    assert "Bob" not in entry.summary
    assert "a participant's rating for Learning" in entry.summary
