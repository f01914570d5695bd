"""The ways an organisation's people sign in (passwords, sign-in links by email, single
sign-on), and the page where its facilitators choose them and who single sign-on admits.

Northshire takes single sign-on only, in most tests here; Alice is its facilitator, Bob a
member, Vic a viewer. The server has single sign-on configured (the settings alone: these
tests never reach a provider).
"""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from organisations.models import Organisation, Role, SsoAdmission, SsoIdentity
from organisations.rules import sign_in_refusal
from tests.factories import PASSWORD, MembershipFactory

SSO_BUTTON = "“Sign in with Northshire ID”"


@pytest.fixture
def sso_configured(settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_RP_CLIENT_ID = "breakthrough"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_PROVIDER_NAME = "Northshire ID"


@pytest.fixture
def sso_only(northshire, sso_configured):
    northshire.allow_password = northshire.allow_sign_in_link = False
    northshire.save()
    return northshire


# ---------------------------------------------------------------- without single sign-on


def test_without_single_sign_on_configured_there_is_no_button_and_its_addresses_are_404(client, db):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_it_configured_the_sign_in_page_shows_the_button(client, sso_configured, db):
    page = client.get(reverse("login") + "?next=/o/northshire/").content.decode()
    assert f'href="{reverse("sso_start")}?next=/o/northshire/"' in page
    assert "Sign in with Northshire ID" in page


# ---------------------------------------------------------------- the ways in refused


def test_a_password_is_refused_by_an_organisation_that_requires_single_sign_on(
    client, sso_only, bob
):
    response = client.post(reverse("login"), {"username": bob.email, "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert (
        f"Northshire Council does not use a password to sign in: use {SSO_BUTTON}."
        in response.content.decode()
    )


def test_a_wrong_password_says_only_that_whoever_the_email_is(client, sso_only, bob):
    response = client.post(reverse("login"), {"username": bob.email, "password": "wrong"})
    page = response.content.decode()
    assert "do not match an account" in page and "single sign-on" not in page


def test_the_admins_password_sign_in_is_held_to_the_same_ways_in(client, sso_only, bob):
    bob.is_staff = True
    bob.save()
    response = client.post(reverse("admin:login"), {"username": bob.email, "password": PASSWORD})
    assert SESSION_KEY not in client.session
    assert "does not use a password to sign in" in response.content.decode()


def test_a_password_reset_emails_the_way_in_instead_of_a_link(client, sso_only, bob):
    response = client.post(reverse("password_reset"), {"email": bob.email})
    assert response.status_code == 302  # the page says the same as for anyone
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "reset" not in body.lower() and "/accounts/reset/" not in body
    assert f"Northshire Council does not use a password to sign in: use {SSO_BUTTON}." in body


def test_a_sign_in_link_is_not_sent_and_the_email_names_the_way_in(client, sso_only, bob):
    client.post(reverse("sign_in_link_request"), {"email": bob.email})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "sesame=" not in body
    assert "does not use a sign-in link by email to sign in" in body


def test_a_sign_in_link_sent_before_the_organisation_stopped_taking_them_is_refused(
    client, northshire, sso_configured, bob
):
    client.post(reverse("sign_in_link_request"), {"email": bob.email})
    link = re.search(r"http\S+", mail.outbox[0].body).group(0)
    token = re.search(r"sesame=([^&\s]+)", link).group(1)
    northshire.allow_sign_in_link = False
    northshire.save()
    response = client.post(reverse("sign_in_link_use"), {"sesame": token})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert "does not use a sign-in link by email" in response.content.decode()


def test_someone_in_two_organisations_needs_a_way_both_allow(northshire, southshire):
    northshire.allow_password = False
    assert sign_in_refusal(organisations=[southshire], method="password") is None
    assert sign_in_refusal(organisations=[southshire, northshire], method="password") == (
        "Northshire Council does not use a password to sign in: use a sign-in link by email "
        "or “Sign in with your organisation's account”."
    )


def test_an_organisation_always_keeps_a_way_in(northshire):
    from django.db import IntegrityError

    Organisation.objects.filter(pk=northshire.pk).update(allow_password=False, allow_sso=False)
    with pytest.raises(IntegrityError):
        Organisation.objects.filter(pk=northshire.pk).update(allow_sign_in_link=False)


# ---------------------------------------------------------------- the signing-in page


def ways(client, **on):
    return client.post(
        reverse("sign_in_methods", kwargs={"org": "northshire"}),
        {k: "on" for k, v in on.items() if v},
    )


def admit(client, kind="domain", value="northshire.gov.uk", role=Role.MEMBER):
    return client.post(
        reverse("sso_admission_add", kwargs={"org": "northshire"}),
        {"kind": kind, "value": value, "role": role},
    )


def test_a_facilitator_admits_a_domain_and_a_group_with_their_roles(client_for, alice, northshire):
    client = client_for(alice)
    assert admit(client, value=" @Northshire.GOV.uk ").status_code == 302
    assert admit(client, "group", "8c3f0f4e-group-object-id", Role.FACILITATOR).status_code == 302
    assert sorted(northshire.sso_admissions.values_list("kind", "value", "role")) == [
        ("domain", "northshire.gov.uk", "member"),
        ("group", "8c3f0f4e-group-object-id", "facilitator"),
    ]
    page = client.get(reverse("sign_in_settings", kwargs={"org": "northshire"}))
    assert "northshire.gov.uk" in page.content.decode()


def test_a_domain_that_is_no_domain_is_refused_on_the_form(client_for, alice, northshire):
    response = admit(client_for(alice), value="not a domain")
    assert response.status_code == 400
    assert "Give a domain such as council.gov.uk" in response.content.decode()
    assert not northshire.sso_admissions.exists()


def test_a_domain_another_organisation_admits_is_refused_without_naming_it(
    client_for, alice, southshire
):
    SsoAdmission.objects.create(organisation=southshire, kind="domain", value="shared.gov.uk")
    response = admit(client_for(alice), value="shared.gov.uk")
    assert response.status_code == 400
    page = response.content.decode()
    assert "admits people to another organisation here" in page and "Southshire" not in page


def test_a_facilitator_removes_an_admission(client_for, alice, northshire):
    admission = SsoAdmission.objects.create(organisation=northshire, kind="group", value="g")
    response = client_for(alice).post(
        reverse("sso_admission_remove", kwargs={"org": "northshire"}), {"id": admission.pk}
    )
    assert response.status_code == 302
    assert not SsoAdmission.objects.exists()


def test_another_organisations_admission_cannot_be_removed_from_here(client_for, alice, southshire):
    theirs = SsoAdmission.objects.create(organisation=southshire, kind="group", value="g")
    response = client_for(alice).post(
        reverse("sso_admission_remove", kwargs={"org": "northshire"}), {"id": theirs.pk}
    )
    assert response.status_code == 404
    assert SsoAdmission.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["bob", "vic"])
def test_members_and_viewers_read_the_page_but_change_nothing(
    client_for, request, who, northshire, sso_configured
):
    client = client_for(request.getfixturevalue(who))
    page = client.get(reverse("sign_in_settings", kwargs={"org": "northshire"}))
    assert page.status_code == 200 and "Save the ways in" not in page.content.decode()
    assert ways(client, sso=True).status_code == 403
    assert admit(client).status_code == 403
    northshire.refresh_from_db()
    assert northshire.allow_password and not northshire.sso_admissions.exists()


def test_single_sign_on_only_is_refused_when_the_server_has_none(client_for, alice, northshire):
    SsoIdentity.objects.create(user=alice, issuer="https://idp", subject="alice")
    response = ways(client_for(alice), sso=True)
    assert response.status_code == 400
    assert "set up: keep passwords or sign-in links." in response.content.decode()
    northshire.refresh_from_db()
    assert northshire.allow_password


def test_single_sign_on_only_waits_until_the_facilitator_has_used_it_once(
    client_for, alice, northshire, sso_configured
):
    client = client_for(alice)
    refused = ways(client, sso=True)
    assert refused.status_code == 400
    assert "Sign in once yourself with single sign-on" in refused.content.decode()
    SsoIdentity.objects.create(user=alice, issuer="https://idp", subject="alice")
    assert ways(client, sso=True).status_code == 302
    northshire.refresh_from_db()
    assert (northshire.allow_password, northshire.allow_sign_in_link, northshire.allow_sso) == (
        False,
        False,
        True,
    )


def test_no_way_in_at_all_is_refused(client_for, alice, northshire):
    response = ways(client_for(alice))
    assert response.status_code == 400
    assert "Keep at least one way to sign in" in response.content.decode()


def test_the_members_page_says_which_memberships_single_sign_on_made(client_for, alice, northshire):
    from organisations.models import MembershipSource

    MembershipFactory(organisation=northshire, source=MembershipSource.SSO)
    page = client_for(alice).get(reverse("members", kwargs={"org": "northshire"}))
    assert page.content.decode().count("from single sign-on") == 1


def test_the_admin_edits_an_organisations_ways_in_and_admissions(client, northshire):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:organisations_organisation_change", args=[northshire.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Single sign-on" in text and "single sign-on admission" in text.lower()
    assert client.get(reverse("admin:organisations_ssoidentity_changelist")).status_code == 200
