"""Single sign-on in Chromium, through a real OpenID Connect provider (oidc-provider, on
loopback: tests/oidc/): Breakthrough's sign-in page → the provider's sign-in page → its
consent page → back in the organisation with the role its groups give.

Northshire admits its staff's domain (northshire.gov.uk) as members, and the provider group
"smt-facilitators" as facilitators. Alice is Northshire's facilitator; Bob is a member with
a password account (bob@example.org).
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from organisations.models import Membership, MembershipSource, Role, SsoAdmission, SsoIdentity
from tests.browser.conftest import screenshot
from tests.oidc.fixtures import PROVIDER_NAME
from tests.oidc.harness import PASSWORD, account, free_port

pytestmark = pytest.mark.browser

GROUP = "smt-facilitators"


@pytest.fixture
def admissions(northshire, alice):
    SsoAdmission.objects.create(
        organisation=northshire, kind="domain", value="northshire.gov.uk", role=Role.MEMBER
    )
    SsoAdmission.objects.create(
        organisation=northshire, kind="group", value=GROUP, role=Role.FACILITATOR
    )


@pytest.fixture
def browser_page(browser):
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in_through_the_provider(page, live_server, username: str, shots: str = ""):
    """From Breakthrough's sign-in page, through the provider's pages, back to Breakthrough."""
    page.goto(f"{live_server.url}/accounts/login/")
    if shots:
        screenshot(page, f"{shots}-breakthrough-sign-in")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    if shots:
        screenshot(page, f"{shots}-provider-sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url) or "/interaction/" in url)
    if "/interaction/" in page.url:  # the consent page, the first time for this client
        if shots:
            screenshot(page, f"{shots}-provider-consent")
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url))
    page.wait_for_load_state()


def counts():
    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        SsoIdentity.objects.count(),
    )


def test_a_new_person_signs_in_through_the_provider_and_lands_in_their_organisation(
    live_server, browser_page, sso, admissions, northshire
):
    sso.set_accounts(("jane", account("jane", "Jane.Smith@northshire.gov.uk", groups=[GROUP])))
    page = browser_page()
    authorize = []
    page.on("request", lambda r: authorize.append(r.url) if "/auth?" in r.url else None)

    sign_in_through_the_provider(page, live_server, "jane", shots="sso")

    expect(page).to_have_url(f"{live_server.url}/o/northshire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Northshire Council")
    expect(page.get_by_role("link", name="New workshop")).to_be_visible()  # a facilitator
    screenshot(page, "sso-landed")
    jane = get_user_model().objects.get(email="jane.smith@northshire.gov.uk")
    assert (jane.first_name, jane.last_name) == ("Jane", "Tester")
    assert not jane.has_usable_password()
    membership = jane.memberships.get()
    assert (membership.organisation, membership.role, membership.source) == (
        northshire,
        Role.FACILITATOR,
        MembershipSource.SSO,
    )
    assert SsoIdentity.objects.get(user=jane).subject == "sub-jane"
    # The authorization code flow, with a PKCE challenge and a nonce.
    assert re.search(r"response_type=code&", authorize[0])
    assert "code_challenge_method=S256" in authorize[0] and "nonce=" in authorize[0]


def test_a_domain_not_admitted_is_turned_away_and_nothing_was_created(
    live_server, browser_page, sso, admissions
):
    sso.set_accounts(("olly", account("olly", "olly@elsewhere.gov.uk")))
    before = counts()
    page = browser_page()

    sign_in_through_the_provider(page, live_server, "olly")

    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.locator("#sso-reason")).to_contain_text(
        "olly@elsewhere.gov.uk is not admitted to any organisation"
    )
    screenshot(page, "sso-refused-not-admitted")
    assert counts() == before
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_taken_out_of_the_group_a_person_loses_the_role_at_their_next_sign_in(
    live_server, browser_page, sso, admissions, northshire, southshire, mallory
):
    sso.set_accounts(("jane", account("jane", "jane@northshire.gov.uk", groups=[GROUP])))
    sign_in_through_the_provider(browser_page(), live_server, "jane")
    jane = get_user_model().objects.get(email="jane@northshire.gov.uk")
    assert jane.memberships.get(organisation=northshire).role == Role.FACILITATOR
    # Southshire's facilitator adds her by hand, as a viewer: that one is not the groups'.
    Membership.objects.create(user=jane, organisation=southshire, role=Role.VIEWER)

    # IT takes her out of the group; her domain still admits her as a member.
    sso.set_accounts(("jane", account("jane", "jane@northshire.gov.uk", groups=[])))
    page = browser_page()
    sign_in_through_the_provider(page, live_server, "jane")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert jane.memberships.get(organisation=northshire).role == Role.MEMBER
    assert jane.memberships.get(organisation=southshire).role == Role.VIEWER

    # Northshire stops admitting the domain: her membership goes; Southshire's stays.
    SsoAdmission.objects.filter(kind="domain").delete()
    page = browser_page()
    sign_in_through_the_provider(page, live_server, "jane")
    assert not jane.memberships.filter(organisation=northshire).exists()
    assert jane.memberships.get(organisation=southshire).role == Role.VIEWER
    expect(page).to_have_url(f"{live_server.url}/o/southshire/")


def test_an_existing_account_with_the_same_verified_email_is_linked_not_duplicated(
    live_server, browser_page, sso, bob, northshire
):
    # No admission at all: Bob comes in because he is a member already.
    sso.set_accounts(("bob", account("bob", "BOB@example.org")))
    before = get_user_model().objects.count()
    page = browser_page()

    sign_in_through_the_provider(page, live_server, "bob")

    expect(page).to_have_url(f"{live_server.url}/o/northshire/")
    expect(page.get_by_text("Bob Example")).to_be_visible()
    assert get_user_model().objects.count() == before
    assert SsoIdentity.objects.get(subject="sub-bob").user == bob
    membership = bob.memberships.get()
    assert (membership.role, membership.source) == (Role.MEMBER, MembershipSource.HAND)
    assert bob.has_usable_password()  # his password stays, as Northshire still takes it


def test_a_provider_that_is_down_gets_a_clear_page_not_a_500(
    live_server, browser_page, sso, settings
):
    settings.OIDC_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    page = browser_page()
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_response(re.compile(r"/accounts/sso/$")) as answer:
        page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    response = answer.value
    assert response.status == 503
    expect(page.get_by_role("heading", name=f"{PROVIDER_NAME} is not answering")).to_be_visible()
    screenshot(page, "sso-provider-down")


def test_signing_out_ends_the_session_and_offers_the_providers_sign_out(
    live_server, browser_page, sso, admissions
):
    sso.set_accounts(("jane", account("jane", "jane@northshire.gov.uk")))
    page = browser_page()
    sign_in_through_the_provider(page, live_server, "jane")
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="You have signed out of Breakthrough")).to_be_visible()
    screenshot(page, "sso-signed-out")
    provider_sign_out = page.get_by_role("link", name=f"Sign out of {PROVIDER_NAME} too")
    assert provider_sign_out.get_attribute("href").startswith(f"{sso.issuer}/session/end?")
    provider_sign_out.click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")

    page.goto(f"{live_server.url}/o/northshire/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))  # the session has ended
    # And the provider's: it asks for the password again.
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible()


def test_an_organisation_that_requires_single_sign_on_turns_passwords_away_by_name(
    live_server, browser_page, sso, bob, northshire
):
    northshire.allow_password = northshire.allow_sign_in_link = False
    northshire.save()
    page = browser_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(bob.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(
        page.get_by_text("Northshire Council does not use a password to sign in")
    ).to_contain_text(f"use “Sign in with {PROVIDER_NAME}”")
    screenshot(page, "sso-required-password-refused")


def test_a_facilitator_admits_a_group_on_the_signing_in_page(
    live_server, page_for, sso, alice, northshire
):
    page = page_for(alice)
    page.goto(f"{live_server.url}/o/northshire/members/")
    page.get_by_role("link", name="Signing in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in to Northshire Council")
    page.get_by_label("Admit by").select_option(label="Group")
    page.get_by_label("Domain or group").fill("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b")
    page.get_by_label("Role").select_option(label="Facilitator")
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_role("status")).to_contain_text("now admits people as facilitators")
    row = page.get_by_role("row", name=re.compile("6f1c2a9e"))
    expect(row).to_contain_text("Facilitator")
    screenshot(page, "sso-signing-in-page")
    assert page.csp_errors == []
    assert northshire.sso_admissions.get().role == Role.FACILITATOR


def test_the_sign_in_and_signing_in_pages_have_no_serious_accessibility_violation(
    live_server, page_for, browser, sso, alice, northshire
):
    from tests.browser.test_accessibility import serious_violations

    SsoAdmission.objects.create(organisation=northshire, kind="group", value="smt")
    page = page_for(alice, bypass_csp=True)
    page.goto(f"{live_server.url}/o/northshire/sign-in/")
    assert serious_violations(page) == []
    signed_out = browser.new_context(bypass_csp=True)
    try:
        page = signed_out.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        assert serious_violations(page) == []
        page.goto(f"{live_server.url}/accounts/sso/callback/?code=c&state=s")
        expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
        assert serious_violations(page) == []
    finally:
        signed_out.close()


def test_an_invitee_to_an_organisation_without_passwords_joins_through_the_provider(
    live_server, browser_page, sso, northshire, alice
):
    from organisations.access import actor_for
    from organisations.services import invitation_create

    northshire.allow_password = False
    northshire.save()
    _invitation, token = invitation_create(
        organisation=northshire,
        email="newcomer@elsewhere.gov.uk",
        role=Role.VIEWER,
        actor=actor_for(organisation=northshire, user=alice),
    )
    sso.set_accounts(("newcomer", account("newcomer", "newcomer@elsewhere.gov.uk")))
    page = browser_page()
    page.goto(f"{live_server.url}/invitations/{token}/")
    screenshot(page, "sso-invitation")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Join Northshire Council").click()
    expect(page).to_have_url(f"{live_server.url}/o/northshire/")
    newcomer = get_user_model().objects.get(email="newcomer@elsewhere.gov.uk")
    assert newcomer.memberships.get().role == Role.VIEWER
