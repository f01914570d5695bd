"""The navigation bar lists the organisations the signed-in person belongs to, and only those.

Pages under /o/<org>/ take the list from the organisation check (one query for both);
other pages, such as the published model, look it up themselves.
"""

import pytest

from organisations.models import Role
from tests.factories import MembershipFactory


@pytest.fixture
def alice_in_both(alice, southshire):
    # Alice also sits on Southshire's team; Mallory is Southshire's alone.
    MembershipFactory(organisation=southshire, user=alice, role=Role.MEMBER)
    return alice


@pytest.mark.parametrize("url", ["/o/northshire/", "/model/"])
def test_the_navigation_lists_every_organisation_of_the_person_and_no_other(
    url, client_for, alice_in_both, mallory
):
    page = client_for(alice_in_both).get(url).content.decode()
    assert 'href="/o/northshire/"' in page
    assert 'href="/o/southshire/"' in page


def test_the_navigation_of_an_outsider_does_not_show_another_organisation(client_for, mallory):
    page = client_for(mallory).get("/model/").content.decode()
    assert 'href="/o/southshire/"' in page
    assert 'href="/o/northshire/"' not in page
