"""Fixtures for the single sign-on tests: the real provider, and Breakthrough set up for it
as a deployment's environment would set it up (the OIDC_ settings, README)."""

import pytest

from organisations import oidc
from tests.oidc.harness import CLIENT_ID, CLIENT_SECRET, Forger, TestProvider

PROVIDER_NAME = "Northshire ID"


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """oidc-provider on a free 127.0.0.1 port, its client registered for the live server."""
    provider = TestProvider(
        redirect_uri=f"{live_server.url}/accounts/sso/callback/",
        post_logout_redirect_uri=f"{live_server.url}/accounts/login/",
    )
    yield provider
    provider.stop()


@pytest.fixture
def sso(oidc_provider, settings):
    """Single sign-on on, with the test provider; no accounts there until the test adds them."""
    settings.OIDC_DISCOVERY_URL = oidc_provider.discovery_url
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
    oidc_provider.set_accounts()
    oidc._discovered.clear()
    yield oidc_provider
    oidc._discovered.clear()


@pytest.fixture
def forger(sso, settings):
    """Breakthrough pointed at a token endpoint that answers with the test's own ID token."""
    forger = Forger(sso)
    settings.OIDC_DISCOVERY_URL = forger.discovery_url
    yield forger
    forger.stop()
