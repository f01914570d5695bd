"""The cast, shared by every test.

- Alice is a facilitator of Northshire Council: she runs its workshops.
- Bob, Carol, Dan and Erin are members of Northshire: they take part.
- Fay is a facilitator of Northshire too: she can co-facilitate.
- Vic is a viewer of Northshire (the chief executive): reads and prints only.
- Mallory is a facilitator of Southshire Council: she must see nothing of Northshire.
"""

import os

import pytest

from organisations.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, WorkshopFactory

# The real OpenID Connect provider, and Breakthrough set up for it (tests/oidc/).
from tests.oidc.fixtures import forger, oidc_provider, sso  # noqa: F401

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls from such a thread unless told it is safe (it is: tests are serial).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _model_loaded(request):
    """Transactional tests flush the tables the data migration filled; refill them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        from model_content.loader import original_load, real_models

        request.getfixturevalue("transactional_db")
        original_load(real_models())


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def northshire(db):
    return OrganisationFactory(name="Northshire Council", slug="northshire")


@pytest.fixture
def southshire(db):
    return OrganisationFactory(name="Southshire Council", slug="southshire")


def _person(first: str, org, role: str):
    user = UserFactory(first_name=first, last_name="Example", email=f"{first.lower()}@example.org")
    MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def alice(northshire):
    return _person("Alice", northshire, Role.FACILITATOR)


@pytest.fixture
def fay(northshire):
    return _person("Fay", northshire, Role.FACILITATOR)


@pytest.fixture
def bob(northshire):
    return _person("Bob", northshire, Role.MEMBER)


@pytest.fixture
def carol(northshire):
    return _person("Carol", northshire, Role.MEMBER)


@pytest.fixture
def dan(northshire):
    return _person("Dan", northshire, Role.MEMBER)


@pytest.fixture
def erin(northshire):
    return _person("Erin", northshire, Role.MEMBER)


@pytest.fixture
def vic(northshire):
    return _person("Vic", northshire, Role.VIEWER)


@pytest.fixture
def mallory(southshire):
    return _person("Mallory", southshire, Role.FACILITATOR)


@pytest.fixture
def team(bob, carol, dan, erin):
    return [bob, carol, dan, erin]


@pytest.fixture
def workshop(northshire, alice, team):
    """Northshire's workshop, led by Alice, with Bob, Carol, Dan and Erin taking part."""
    return WorkshopFactory(
        organisation=northshire, lead_facilitator=alice, title="Northshire SMT", members=team
    )


@pytest.fixture
def client_for(client):
    """Sign a person in on the test client: ``client_for(alice).get(...)``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
