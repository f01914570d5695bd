"""Single sign-on through an OpenID Connect provider, with mozilla-django-oidc.

What the library does: the authorization code flow with PKCE (``OIDC_USE_PKCE``), a state
and a nonce for each sign-in kept in the session (a state works once: it is deleted as the
callback reads it), the exchange of the code at the token endpoint, and the ID token's
signature checked against the keys the provider publishes, then its nonce.

What it leaves out, done here:
- finding the provider's endpoints: the library wants each set by hand; they are read from
  the discovery document (``OIDC_DISCOVERY_URL``) and kept for an hour;
- the ID token's issuer and audience: mozilla-django-oidc 5.0 decodes it with the audience
  check off and names no issuer, so a token the same provider made for another application
  would pass. ``_verify_jws`` decodes it again with both required (and the expiry, with a
  minute's leeway for the two clocks);
- a page a person can act on for every failure (the library answers a replayed state with
  a 400, an expired token or a provider that is down with a 500);
- who comes in: ``organisations.services.sso_sign_in``, deciding with ``rules``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from organisations import services
from organisations.services import SignInRefused

log = logging.getLogger(__name__)

# The session remembers a single sign-on, for the provider's sign-out link.
SIGNED_IN_WITH = "signed_in_with"
DISCOVERY_SECONDS = 3600
# Between this server's clock and the provider's; Entra ID's tokens are valid from the
# second they are made (nbf), which a clock a little behind would otherwise refuse.
LEEWAY_SECONDS = 60

START_AGAIN = (
    "This sign-in has been used already, or was started in another browser or too long ago. "
    "Nobody was signed in: start again."
)
UNTRUSTED = (
    "Breakthrough could not trust the answer from your sign-in provider: {why}. Nobody was "
    "signed in. Start again; if this happens again, tell your IT service desk."
)


def sso_configured() -> bool:
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_RP_CLIENT_ID)


class ProviderUnavailable(Exception):
    """The provider did not answer, or not as a provider should."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


_discovered: dict[str, tuple[float, Provider]] = {}
_discovered_lock = threading.Lock()


def provider() -> Provider:
    """The configured provider's endpoints, from its discovery document (kept an hour)."""
    url = settings.OIDC_DISCOVERY_URL
    with _discovered_lock:
        kept = _discovered.get(url)
    if kept and kept[0] > time.monotonic():
        return kept[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        found = Provider(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            userinfo_endpoint=document.get("userinfo_endpoint", ""),
            end_session_endpoint=document.get("end_session_endpoint", ""),
        )
    except (requests.RequestException, ValueError, KeyError, TypeError) as e:
        raise ProviderUnavailable(f"discovery at {url}: {e}") from e
    with _discovered_lock:
        _discovered[url] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


def not_a_password_attempt(request, credentials=None) -> bool:
    """For django-axes (AXES_WHITELIST_CALLABLE): the single sign-on callback's attempt,
    known by the nonce it carries, is neither blocked nor counted."""
    return bool(credentials) and "nonce" in credentials and "code_verifier" in credentials


def _untrusted(why: str) -> SignInRefused:
    return SignInRefused(UNTRUSTED.format(why=why))


class SsoBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # No settings read, no network: Django makes every backend afresh for each
        # authenticate() call, password sign-ins included. The provider is read when a
        # single sign-on comes back.
        self.UserModel = get_user_model()

    def authenticate(self, request, *, nonce, code_verifier):
        # Keyword-only and required: Django's authenticate() skips a backend whose signature
        # does not take the credentials given, so a password or a sign-in link never gets
        # here; only the callback view passes these two.
        if request is None or not sso_configured():
            return None
        self.provider = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SignInRefused as e:
            # Kept for the page: Django's authenticate() swallows the exception.
            request.sso_refusal = str(e)
            log.warning("Single sign-on refused: %s", e)
            raise
        except requests.HTTPError as e:
            status = e.response.status_code if e.response is not None else None
            if status is not None and 400 <= status < 500:
                # The provider refused the code (used, expired, or PKCE not matching).
                request.sso_refusal = UNTRUSTED.format(why="it would not confirm the sign-in")
                log.warning("Single sign-on refused by the provider: %s", e)
                raise SignInRefused(request.sso_refusal) from e
            raise ProviderUnavailable(str(e)) from e
        except requests.RequestException as e:
            raise ProviderUnavailable(str(e)) from e

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.InvalidTokenError, KeyError, TypeError) as e:
            # No token, or one without the key id the library looks its key up by.
            raise _untrusted("it was not a token signed by your provider") from e
        except SuspiciousOperation as e:
            # The library's own refusals: a nonce not the one this browser was given, or a
            # key the provider does not publish, or a signature that does not verify.
            text = str(e)
            if "Nonce" in text:
                raise _untrusted("it answered a different sign-in from this one") from e
            raise _untrusted("it was not signed with your provider's key") from e

    def _verify_jws(self, payload, key):
        """The ID token decoded with its signature, issuer, audience and expiry checked."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as e:
            raise _untrusted("it was not a token") from e
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise _untrusted(f"it was signed with {algorithm}, not {self.OIDC_RP_SIGN_ALGO}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as e:
            raise _untrusted("the sign-in had expired") from e
        except jwt.InvalidAudienceError as e:
            raise _untrusted("the sign-in was meant for another application") from e
        except jwt.InvalidIssuerError as e:
            raise _untrusted("the sign-in came from another provider") from e
        except jwt.InvalidSignatureError as e:
            raise _untrusted("it was not signed with your provider's key") from e
        except jwt.InvalidTokenError as e:
            raise _untrusted(f"the token was not valid ({e})") from e
        # Several audiences: the token must say it was issued to this application.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise _untrusted("the sign-in was meant for another application")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's on top where there is one
        (Entra ID puts the groups in the ID token only, other providers the email only at
        the endpoint)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core 5.3.2: the answer is about the same person, or ignored.
            if info.get("sub") != payload.get("sub"):
                raise _untrusted("its details were about someone else")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        groups_claim = settings.OIDC_GROUPS_CLAIM
        if groups_claim and groups_claim in (claims.get("_claim_names") or {}):
            # Entra ID sends no groups, but a pointer to them, past 200 groups ("overage").
            raise SignInRefused(
                "You are in too many groups for your sign-in provider to list them. Ask your "
                "IT service desk to send only the groups assigned to Breakthrough."
            )
        groups = claims.get(groups_claim, []) if groups_claim else []
        if isinstance(groups, str):
            groups = [groups]
        verified = claims.get("email_verified")
        if isinstance(verified, str):  # some providers send "true"
            verified = verified.lower() == "true"
        name = str(claims.get("name") or "")
        return services.sso_sign_in(
            issuer=payload["iss"],
            subject=str(payload["sub"]),
            email=str(claims.get(settings.OIDC_EMAIL_CLAIM) or ""),
            email_verified=verified,
            groups=[str(g) for g in groups],
            first_name=str(claims.get("given_name") or name.partition(" ")[0]),
            last_name=str(claims.get("family_name") or name.partition(" ")[2]),
        )

    def get_user(self, user_id):
        # Django's, which also turns away a switched-off account on every request.
        return ModelBackend.get_user(self, user_id)


def _refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "registration/sso_refused.html",
        {"reason": reason, "provider_name": settings.OIDC_PROVIDER_NAME},
        status=status,
    )


def _unavailable(request: HttpRequest, e: Exception) -> HttpResponse:
    log.error("Single sign-on provider unavailable: %s", e)
    return render(
        request,
        "registration/sso_unavailable.html",
        {"provider_name": settings.OIDC_PROVIDER_NAME},
        status=503,
    )


class SsoStart(OIDCAuthenticationRequestView):
    """Send the browser to the provider, with a new state, nonce and PKCE challenge."""

    def __init__(self, **kwargs):
        # The library reads the endpoint from a setting here; ours is discovered.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not sso_configured():
            raise Http404("Single sign-on is not set up")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable as e:
            return _unavailable(request, e)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SsoCallback(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the library checks the state and signs
    the person in; every way it can go wrong ends on a page that says what to do."""

    def get(self, request):
        if not sso_configured():
            raise Http404("Single sign-on is not set up")
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this session never had, or has spent: a callback replayed.
            log.warning("Single sign-on callback with an unknown state")
            return _refused(request, START_AGAIN)
        except ProviderUnavailable as e:
            return _unavailable(request, e)

    def login_failure(self):
        request = self.request
        reason = getattr(request, "sso_refusal", None)
        if reason is None and request.GET.get("error"):
            reason = (
                "Your sign-in provider did not sign you in"
                + (
                    f" ({request.GET['error_description']})"
                    if "error_description" in request.GET
                    else ""
                )
                + ". Nobody was signed in."
            )
        return _refused(request, reason or START_AGAIN)

    def login_success(self):
        response = super().login_success()
        self.request.session[SIGNED_IN_WITH] = "sso"
        return response


def provider_sign_out_url(request: HttpRequest) -> str:
    """The provider's own sign-out, for someone who came in through it, where it has one."""
    if request.session.get(SIGNED_IN_WITH) != "sso" or not sso_configured():
        return ""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        return ""
    if not endpoint:
        return ""
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if id_token := request.session.get("oidc_id_token"):
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
