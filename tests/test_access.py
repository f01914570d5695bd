"""What every page under /o/<org>/ does first: the person's membership of the organisation in
the URL, and the workshop fetched through it. Anything else answers 404, exactly as if it did
not exist.

The cast: Bob is a member of Northshire; Mallory is a facilitator of Southshire only.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments.views.fetch import workshop_get
from organisations.access import memberships_of, organisation_view
from organisations.models import Role
from tests.factories import MembershipFactory


def read_through_the_url(user, org: str, code):
    """The workshop as a page under /o/<org>/w/<code>/ gets it."""
    got = {}

    @organisation_view
    def page(request, code):
        got["workshop"] = workshop_get(request, code)
        got["actor"] = request.actor
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    page(request, org=org, code=code)
    return got["workshop"]


def test_a_member_reads_the_workshop_of_their_organisation(workshop, bob):
    assert read_through_the_url(bob, "northshire", workshop.code) == workshop


def test_the_memberships_are_listed_by_organisation_name(northshire, southshire, bob):
    MembershipFactory(user=bob, organisation=southshire, role=Role.VIEWER)
    assert [m.organisation.name for m in memberships_of(bob)] == [
        "Northshire Council",
        "Southshire Council",
    ]


def test_a_code_that_names_no_workshop_is_not_found(workshop, bob):
    with pytest.raises(Http404):
        read_through_the_url(bob, "northshire", "00000000-0000-0000-0000-000000000000")


def test_another_organisations_workshop_is_not_found_through_ones_own(
    workshop, southshire, mallory
):
    with pytest.raises(Http404):
        read_through_the_url(mallory, "southshire", workshop.code)


def test_someone_who_is_not_a_member_finds_no_workshop(workshop, mallory):
    with pytest.raises(Http404):
        read_through_the_url(mallory, "northshire", workshop.code)


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
