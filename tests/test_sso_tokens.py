"""The ID token's checks, against the real provider's published keys.

Each test starts a single sign-on as a browser would (Breakthrough makes the state, nonce and
PKCE challenge and sends the browser to the provider), then comes back to the callback with a
code that the token endpoint answers with an ID token the test crafted: the provider's own
claims with one thing wrong, signed with the provider's key (which the test made for it).
Breakthrough fetches the provider's keys from the provider itself and checks the token.

Northshire admits northshire.gov.uk as members, so a token with everything right signs
a newcomer in; each wrong one must be refused with a page that says so, and leave nothing.
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from organisations.models import Membership, SsoAdmission, SsoIdentity
from tests.oidc.harness import CLIENT_ID, signing_key

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def northshire_admits_its_domain(northshire, alice):
    SsoAdmission.objects.create(
        organisation=northshire, kind="domain", value="northshire.gov.uk", role="member"
    )


def start(client) -> tuple[str, str, dict]:
    """Press the button: the state and nonce Breakthrough sent to the provider."""
    response = client.get(reverse("sso_start"))
    assert response.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    return query["state"], query["nonce"], query


def come_back(client, state: str):
    return client.get(reverse("sso_callback"), {"code": "a-code", "state": state})


def counts() -> tuple[int, int, int]:
    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        SsoIdentity.objects.count(),
    )


def refused(response, words: str) -> None:
    assert response.status_code == 403, response.status_code
    page = response.content.decode()
    assert "You are not signed in" in page
    assert words in page, page


def test_a_token_with_everything_right_signs_the_newcomer_in(
    client, forger, northshire_admits_its_domain
):
    """The control for every test below: only the one thing each gets wrong refuses it."""
    state, nonce, sent = start(client)
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    forger.answer(forger.claims(nonce=nonce))
    response = come_back(client, state)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = get_user_model().objects.get(email="forged@northshire.gov.uk")
    assert int(client.session[SESSION_KEY]) == person.pk
    # The library sent the PKCE verifier with the code, and authenticated as the client.
    assert "code_verifier=" in forger.token_requests[-1]


def test_a_token_for_another_application_is_refused_and_nothing_was_created(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce, aud="another-application"))
    refused(come_back(client, state), "meant for another application")
    assert counts() == before and SESSION_KEY not in client.session


def test_a_token_naming_several_audiences_not_issued_to_breakthrough_is_refused(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce, aud=[CLIENT_ID, "other"], azp="other"))
    refused(come_back(client, state), "meant for another application")
    assert counts() == before


def test_an_expired_token_is_refused_and_nothing_was_created(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, nonce, _ = start(client)
    an_hour_ago = int(time.time()) - 3600
    forger.answer(forger.claims(nonce=nonce, iat=an_hour_ago - 300, exp=an_hour_ago))
    refused(come_back(client, state), "had expired")
    assert counts() == before and SESSION_KEY not in client.session


def test_a_token_for_another_sign_in_wrong_nonce_is_refused_and_nothing_was_created(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, _nonce, _ = start(client)
    forger.answer(forger.claims(nonce="the-nonce-of-someone-elses-sign-in"))
    refused(come_back(client, state), "answered a different sign-in")
    assert counts() == before and SESSION_KEY not in client.session


def test_a_token_from_another_issuer_is_refused(client, forger, northshire_admits_its_domain):
    before = counts()
    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce, iss="https://login.example.com/another-tenant"))
    refused(come_back(client, state), "came from another provider")
    assert counts() == before


def test_a_token_signed_with_another_key_under_the_providers_key_id_is_refused(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, nonce, _ = start(client)
    not_the_providers, _jwk = signing_key("provider-key")
    forger.answer(forger.claims(nonce=nonce), key=not_the_providers)
    refused(come_back(client, state), "not signed with your provider")
    assert counts() == before


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, nonce, _ = start(client)
    unknown, _jwk = signing_key("some-other-key")
    forger.answer(forger.claims(nonce=nonce), key=unknown, kid="some-other-key")
    refused(come_back(client, state), "not signed")
    assert counts() == before


def test_a_replayed_state_is_refused_and_nothing_more_is_created(
    client, forger, northshire_admits_its_domain
):
    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce))
    assert come_back(client, state).status_code == 302
    before = counts()
    # The same answer again, in the browser that made it, its session still there: the
    # state was spent the first time.
    refused(come_back(client, state), "used already")
    assert counts() == before


def test_a_callback_from_another_browser_is_refused(
    client, forger, northshire_admits_its_domain, django_user_model
):
    from django.test import Client

    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce))
    before = counts()
    elsewhere = Client()
    refused(come_back(elsewhere, state), "started in another browser")
    assert counts() == before and SESSION_KEY not in elsewhere.session


def test_the_provider_saying_no_is_a_clear_page(client, forger):
    state, _nonce, _ = start(client)
    response = client.get(
        reverse("sso_callback"),
        {"error": "access_denied", "error_description": "The person cancelled", "state": state},
    )
    refused(response, "did not sign you in (The person cancelled)")


def test_an_email_the_provider_has_not_verified_is_refused_and_nothing_was_created(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce, email_verified=False))
    refused(come_back(client, state), "is not verified")
    assert counts() == before


def test_refused_sign_ins_do_not_lock_single_sign_on_for_the_office_address(
    client, forger, northshire_admits_its_domain, settings
):
    """django-axes counts failed sign-ins per username and address; a sign-on carries no
    username, so counted, five refusals from one office would lock everyone in it out."""
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        state, nonce, _ = start(client)
        forger.answer(forger.claims(nonce=nonce, aud="another-application"))
        refused(come_back(client, state), "another application")
    state, nonce, _ = start(client)
    forger.answer(forger.claims(nonce=nonce))
    assert come_back(client, state).status_code == 302
    assert SESSION_KEY in client.session


def test_a_provider_that_does_not_answer_the_code_is_a_clear_page_not_a_500(
    client, forger, northshire_admits_its_domain
):
    state, nonce, _ = start(client)
    forger.stop()  # the provider's token endpoint goes down after the browser left for it
    response = come_back(client, state)
    assert response.status_code == 503
    assert "is not answering" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_code_the_provider_will_not_exchange_is_refused_and_nothing_was_created(
    client, forger, northshire_admits_its_domain
):
    before = counts()
    state, _nonce, _ = start(client)
    forger.token_error = "invalid_grant"  # a code used already, or a PKCE verifier not matching
    refused(come_back(client, state), "would not confirm the sign-in")
    assert counts() == before and SESSION_KEY not in client.session
