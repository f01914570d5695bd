"""Single sign-on is configured from the environment, checked at start-up."""

import json

from tests.test_settings import manage

READ = (
    "import json; from django.conf import settings as s; print(json.dumps([s.OIDC_DISCOVERY_URL, "
    "s.OIDC_RP_CLIENT_ID, s.OIDC_RP_SCOPES, s.OIDC_EMAIL_CLAIM, s.OIDC_GROUPS_CLAIM]))"
)


def oidc_settings(**env) -> list:
    result = manage("shell", "-c", READ, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_the_oidc_settings_single_sign_on_is_off():
    assert oidc_settings() == ["", "", "openid email profile", "email", ""]


def test_an_issuer_address_is_enough_the_discovery_document_is_found_from_it():
    tenant = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
    found = oidc_settings(
        OIDC_DISCOVERY_URL=tenant,
        OIDC_CLIENT_ID="breakthrough",
        OIDC_CLIENT_SECRET="secret",
        OIDC_EMAIL_CLAIM="preferred_username",
        OIDC_GROUPS_CLAIM="groups",
    )
    assert found == [
        f"{tenant}/.well-known/openid-configuration",
        "breakthrough",
        "openid email profile",
        "preferred_username",
        "groups",
    ]


def test_a_discovery_address_without_its_client_stops_the_app_at_start():
    result = manage("check", DEBUG="true", OIDC_DISCOVERY_URL="https://idp.example/")
    assert result.returncode != 0
    assert "OIDC_DISCOVERY_URL is set, so set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" in (
        result.stderr
    )


def test_scopes_without_openid_stop_the_app_at_start():
    result = manage(
        "check",
        DEBUG="true",
        OIDC_DISCOVERY_URL="https://idp.example/",
        OIDC_CLIENT_ID="c",
        OIDC_CLIENT_SECRET="s",
        OIDC_SCOPES="email profile",
    )
    assert result.returncode != 0
    assert "OIDC_SCOPES must include openid" in result.stderr
