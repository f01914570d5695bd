"""Who comes in through single sign-on, and as what: organisations.services.sso_sign_in, given
what the provider vouched for (the token checks are tests/test_sso_tokens.py, the whole flow
in a browser tests/browser/test_single_sign_on.py).

Northshire admits northshire.gov.uk as viewers, the group "smt" as members and the group
"facilitators" as facilitators. Southshire admits nobody. Bob is a member of Northshire,
added by hand; Mallory is Southshire's facilitator.
"""

import pytest
from django.contrib.auth import get_user_model

from organisations.access import actor_for
from organisations.models import Membership, MembershipSource, Role, SsoAdmission, SsoIdentity
from organisations.services import SignInRefused, membership_change_role, sso_sign_in

ISSUER = "https://login.example.com/tenant/v2.0"


@pytest.fixture
def admissions(northshire, alice):
    for kind, value, role in [
        ("domain", "northshire.gov.uk", Role.VIEWER),
        ("group", "smt", Role.MEMBER),
        ("group", "facilitators", Role.FACILITATOR),
    ]:
        SsoAdmission.objects.create(organisation=northshire, kind=kind, value=value, role=role)


def sign_in(email="jane@northshire.gov.uk", groups=(), subject="jane", verified=True):
    return sso_sign_in(
        issuer=ISSUER,
        subject=subject,
        email=email,
        email_verified=verified,
        groups=list(groups),
        first_name="Jane",
        last_name="Smith",
    )


def counts():
    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        SsoIdentity.objects.count(),
    )


def test_a_newcomer_gets_the_highest_role_their_domain_and_groups_give(admissions, northshire):
    jane = sign_in(groups=["smt", "facilitators", "someone-elses-group"])
    membership = jane.memberships.get()
    assert (membership.organisation, membership.role, membership.source) == (
        northshire,
        Role.FACILITATOR,
        MembershipSource.SSO,
    )
    assert (jane.username, jane.email, jane.get_full_name()) == (
        "jane@northshire.gov.uk",
        "jane@northshire.gov.uk",
        "Jane Smith",
    )


def test_the_next_sign_in_finds_the_same_account_by_its_provider_identity(admissions):
    jane = sign_in()
    before = counts()
    # Her email changed at the provider (a new surname): still the same person.
    assert sign_in(email="jane.jones@northshire.gov.uk", groups=["smt"]) == jane
    assert counts() == before


def test_nobody_admits_them_and_nothing_was_created(admissions):
    before = counts()
    with pytest.raises(SignInRefused, match="not admitted to any organisation"):
        sign_in(email="olly@elsewhere.gov.uk", groups=["some-group"])
    assert counts() == before


def test_an_organisation_that_does_not_take_single_sign_on_admits_nobody_by_it(
    admissions, northshire
):
    northshire.allow_sso = False
    northshire.save()
    before = counts()
    with pytest.raises(SignInRefused, match="not admitted"):
        sign_in(groups=["facilitators"])
    assert counts() == before


def test_a_member_of_an_organisation_without_single_sign_on_is_refused_naming_its_way_in(
    admissions, southshire, mallory
):
    southshire.allow_sso = False
    southshire.save()
    before = counts()
    with pytest.raises(SignInRefused) as refusal:
        sign_in(email="mallory@example.org", subject="mallory")
    assert str(refusal.value) == (
        "Southshire Council does not use single sign-on to sign in: use a password or "
        "a sign-in link by email."
    )
    assert counts() == before


def test_an_unverified_email_is_refused_and_nothing_was_created(admissions, bob):
    before = counts()
    with pytest.raises(SignInRefused, match="not verified"):
        sign_in(email="bob@example.org", verified=False)
    assert counts() == before
    # A provider that sends no email_verified at all (Entra ID) is taken at its word.
    assert sign_in(email="bob@example.org", verified=None) == bob


def test_an_account_linked_to_someone_else_at_the_provider_is_not_taken_over(admissions, bob):
    sign_in(email="bob@example.org", subject="bob")
    with pytest.raises(SignInRefused, match="linked to someone else"):
        sign_in(email="bob@example.org", subject="an-impostor-with-bobs-address")
    assert SsoIdentity.objects.get().subject == "bob"


def test_a_switched_off_account_is_refused(admissions, bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(SignInRefused, match="switched off"):
        sign_in(email="bob@example.org")


def test_the_groups_role_follows_the_groups_up_and_down(admissions, northshire):
    jane = sign_in(groups=["smt"])
    assert jane.memberships.get().role == Role.MEMBER
    sign_in(groups=["smt", "facilitators"])
    assert jane.memberships.get().role == Role.FACILITATOR
    sign_in(groups=[])  # the domain still admits her, as a viewer
    assert jane.memberships.get().role == Role.VIEWER


def test_a_role_taken_away_stays_taken_away_when_the_sign_in_is_then_refused(
    admissions, northshire, southshire
):
    jane = sign_in(email="jane@northshire.gov.uk", groups=["facilitators"])
    Membership.objects.create(user=jane, organisation=southshire, role=Role.MEMBER)
    southshire.allow_sso = False
    southshire.save()
    with pytest.raises(SignInRefused, match="Southshire Council does not use single sign-on"):
        sign_in(email="jane@northshire.gov.uk", groups=[])
    assert jane.memberships.get(organisation=northshire).role == Role.VIEWER


def test_a_membership_made_by_hand_is_left_alone(admissions, northshire, bob):
    sign_in(email="bob@example.org", groups=["facilitators"])
    membership = bob.memberships.get()
    assert (membership.role, membership.source) == (Role.MEMBER, MembershipSource.HAND)


def test_a_facilitators_change_of_role_makes_the_membership_theirs(admissions, northshire, alice):
    jane = sign_in(groups=["smt"])
    membership = jane.memberships.get()
    membership_change_role(
        membership=membership,
        role=Role.FACILITATOR,
        actor=actor_for(organisation=northshire, user=alice),
    )
    sign_in(groups=[])
    membership.refresh_from_db()
    assert (membership.role, membership.source) == (Role.FACILITATOR, MembershipSource.HAND)


def test_a_domain_admits_to_one_organisation_only(admissions, southshire):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SsoAdmission.objects.create(
            organisation=southshire, kind="domain", value="northshire.gov.uk"
        )
    # A group may admit to several organisations.
    SsoAdmission.objects.create(organisation=southshire, kind="group", value="smt")


def test_an_invitation_lets_a_newcomer_make_their_account_through_single_sign_on(
    northshire, alice, client, settings
):
    from django.urls import reverse

    from organisations.services import invitation_create

    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_RP_CLIENT_ID = "breakthrough"
    northshire.allow_password = False
    northshire.save()
    _invitation, token = invitation_create(
        organisation=northshire,
        email="newcomer@elsewhere.gov.uk",
        role=Role.VIEWER,
        actor=actor_for(organisation=northshire, user=alice),
    )
    # The invitation page asks for no password: it sends them to the provider and back.
    page = client.get(reverse("invitation_accept", kwargs={"token": token}))
    assert "Choose a name and a password" not in page.content.decode()
    assert f"?next=/invitations/{token}/" in page.content.decode()
    refused = client.post(
        reverse("invitation_accept", kwargs={"token": token}),
        {"first_name": "N", "last_name": "C", "password1": "x" * 20, "password2": "x" * 20},
    )
    assert refused.status_code == 400
    assert not get_user_model().objects.filter(email="newcomer@elsewhere.gov.uk").exists()

    newcomer = sign_in(email="newcomer@elsewhere.gov.uk", subject="newcomer")
    assert not newcomer.memberships.exists()  # until they accept, signed in
    client.force_login(newcomer)
    client.post(reverse("invitation_accept", kwargs={"token": token}))
    membership = newcomer.memberships.get()
    assert (membership.role, membership.source) == (Role.VIEWER, MembershipSource.HAND)
