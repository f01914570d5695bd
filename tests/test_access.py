"""What every page reads before anything else: the session, its user, the person's
memberships and the workshop in the URL.

These reads are written by hand (assessments/statements.py) because they run on every
request; the ORM would give the same rows. The tests hold them to that, field by field,
on whichever database the suite runs (SQLite converts dates, booleans and UUIDs itself).
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments.access import memberships_of, organisation_view, workshop_get
from assessments.models import Membership, Organisation, Role, Workshop
from assessments.selectors.workshops import workshop_role
from tests.factories import MembershipFactory, WorkshopFactory


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def asking(user, organisation):
    request = RequestFactory().get("/")
    request.user = user
    request.organisation = organisation
    return request


@pytest.fixture
def finished(northshire, alice, team):
    """A workshop with every optional field filled in, the kinds SQLite stores as text."""
    earlier = WorkshopFactory(organisation=northshire, lead_facilitator=alice, members=team)
    now = timezone.now().replace(microsecond=123456)
    return WorkshopFactory(
        organisation=northshire,
        lead_facilitator=alice,
        members=team,
        previous=earlier,
        anonymous=True,
        step=5,
        assessment_closed_at=now - datetime.timedelta(hours=3),
        revealed_at=now - datetime.timedelta(hours=2),
        timebox_ends_at=now + datetime.timedelta(minutes=5),
        reassess_on=datetime.date(2027, 3, 31),
        closed_at=now,
        revision=42,
    )


def read_through_the_url(user, org: str, code):
    """The workshop as a page under /o/<org>/w/<code>/ gets it: read with the membership."""
    got = {}

    @organisation_view()
    def page(request, code):
        got["workshop"] = workshop_get(request, code)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    page(request, org=org, code=code)
    return got["workshop"]


def read_on_its_own(user, org: str, code):
    """The workshop as workshop_get reads it when nothing was read with the membership."""
    return workshop_get(asking(user, Organisation.objects.get(slug=org)), code)


READS = [read_through_the_url, read_on_its_own]


@pytest.mark.parametrize("read", READS)
def test_a_workshop_is_read_exactly_as_the_database_holds_it(read, finished, bob):
    got = read(bob, "northshire", finished.code)

    expected = Workshop.objects.get(pk=finished.pk)
    assert fields_of(got) == fields_of(expected)
    for name, value in fields_of(expected).items():
        assert type(getattr(got, name)) is type(value), name
    assert fields_of(got.model_version) == fields_of(expected.model_version)
    assert got.organisation is not None and got.organisation.slug == "northshire"
    assert got.lead_facilitator == expected.lead_facilitator  # fetched when asked for


def test_the_memberships_are_read_as_the_database_holds_them_by_organisation_name(
    northshire, southshire, bob
):
    MembershipFactory(user=bob, organisation=southshire, role=Role.VIEWER)

    got = memberships_of(bob)

    expected = list(Membership.objects.select_related("organisation").filter(user=bob))
    assert [fields_of(m) for m in got] == [fields_of(m) for m in expected]
    assert [fields_of(m.organisation) for m in got] == [fields_of(m.organisation) for m in expected]
    assert [m.organisation.name for m in got] == ["Northshire Council", "Southshire Council"]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("code", ["not-a-code", "00000000-0000-0000-0000-000000000000"])
def test_a_code_that_names_no_workshop_is_not_found(read, code, workshop, bob):
    with pytest.raises(Http404):
        read(bob, "northshire", code)


@pytest.mark.parametrize("read", READS)
def test_another_organisations_workshop_is_not_found_through_ones_own(
    read, workshop, southshire, mallory
):
    with pytest.raises(Http404):
        read(mallory, "southshire", workshop.code)


def test_someone_who_is_not_a_member_finds_no_workshop(workshop, mallory):
    with pytest.raises(Http404):
        read_through_the_url(mallory, "northshire", workshop.code)


@pytest.mark.parametrize("read", READS)
def test_a_persons_place_in_the_workshop_comes_with_it(
    read, workshop, bob, vic, django_assert_num_queries
):
    taking_part = read(bob, "northshire", workshop.code)
    looking_on = read(vic, "northshire", workshop.code)

    with django_assert_num_queries(0):
        bobs = workshop_role(workshop=taking_part, user=bob, membership_role=Role.MEMBER)
        vics = workshop_role(workshop=looking_on, user=vic, membership_role=Role.VIEWER)
    assert bobs.participant is not None and bobs.participant.user == bob
    assert bobs.participant == workshop.participants.get(user=bob)
    assert vics.participant is None
    # Asked about someone else, it asks the database rather than answer for the wrong person.
    carols = workshop_role(
        workshop=taking_part, user=workshop.participants.last().user, membership_role=Role.MEMBER
    )
    assert carols.participant is not None and carols.participant.user != bob


def test_an_expired_session_signs_nobody_in(client, workshop, bob):
    client.force_login(bob)
    url = reverse("wallchart", kwargs={"org": "northshire", "code": workshop.code})
    assert client.get(url).status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_someone_whose_account_is_deactivated_is_signed_out_at_their_next_request(
    client, workshop, bob
):
    client.force_login(bob)
    url = reverse("wallchart", kwargs={"org": "northshire", "code": workshop.code})
    assert client.get(url).status_code == 200

    bob.is_active = False
    bob.save()

    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
