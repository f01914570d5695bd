"""Slowing down password guessing and reset-mail flooding, beyond django-axes' lock of one
account from one address.

- **One account, many addresses.** Guesses at one account spread over many addresses (a
  botnet, or a whole council behind one proxy if ``TRUSTED_PROXY_COUNT`` is wrong) each stay
  under axes' five. After ``ACCOUNT_FREE_FAILURES`` failures within a day, each further try
  must wait after the last failure, twice as long each time, up to
  ``ACCOUNT_LONGEST_WAIT_MINUTES``: it slows the guesser to a few tries an hour and never
  locks the owner out for good. Tries refused while waiting are not counted (the owner's
  retries do not lengthen the wait); the owner's successful sign-in clears the count.
- **Password reset.** At most ``RESETS_PER_ADDRESS`` requests an hour from one address (a
  429), and at most ``RESETS_PER_ACCOUNT`` mails an hour to one email address: past that
  nothing is sent and the answer is the same page, so it says nothing about whether an
  account exists, as Django's own answer does not.

Counts live in the database (``RateEvent``) like everything else, so every app server sees
the same ones; keys are hashes, not the emails or addresses typed.
"""

from __future__ import annotations

import datetime
import hashlib
import math

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from breakthrough.client_ip import client_ip
from organisations.models import RateEvent

ACCOUNT_FREE_FAILURES = 10
ACCOUNT_FIRST_WAIT_SECONDS = 60
ACCOUNT_LONGEST_WAIT_MINUTES = 15
ACCOUNT_WINDOW = datetime.timedelta(days=1)
RESETS_PER_ADDRESS = 10
RESETS_PER_ACCOUNT = 3
RESET_WINDOW = datetime.timedelta(hours=1)

SIGN_IN_FAILURE = "sign-in-failure"
RESET_FROM_ADDRESS = "reset-address"
RESET_TO_ACCOUNT = "reset-account"


def _key(value: str | None) -> str:
    return hashlib.sha256((value or "").strip().lower().encode("utf-8")).hexdigest()


def event_record(kind: str, value: str | None) -> None:
    now = timezone.now()
    # Nothing older than the longest window is ever asked about.
    RateEvent.objects.filter(kind=kind, at__lt=now - ACCOUNT_WINDOW).delete()
    RateEvent.objects.create(kind=kind, key=_key(value), at=now)


def _events(kind: str, value: str | None, window: datetime.timedelta):
    return RateEvent.objects.filter(kind=kind, key=_key(value), at__gte=timezone.now() - window)


# ---------------------------------------------------------------- sign-in


def account_wait(username: str | None) -> int:
    """Seconds the account ``username`` must wait before its next try (0: none)."""
    failures = list(
        _events(SIGN_IN_FAILURE, username, ACCOUNT_WINDOW).order_by("-at").values_list("at")
    )
    extra = len(failures) - ACCOUNT_FREE_FAILURES
    if extra < 0:
        return 0
    wait = min(ACCOUNT_FIRST_WAIT_SECONDS * 2**extra, ACCOUNT_LONGEST_WAIT_MINUTES * 60)
    left = wait - (timezone.now() - failures[0][0]).total_seconds()
    return max(0, math.ceil(left))


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        "Too many failed sign-ins to this account, from more than one place. Wait "
        f"{minutes} minute{'s' if minutes != 1 else ''}, then try again; the password is "
        "not locked, only slowed down."
    )


class AccountThrottleBackend:
    """Refuses a sign-in to an account that must wait, before its password is checked
    (settings.AUTHENTICATION_BACKENDS, after django-axes' and before Django's)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        wait = account_wait(username)
        if wait:
            if request is not None:
                request.sign_in_wait = wait
            raise PermissionDenied(wait_message(wait))
        return None

    # No get_user: a session names the backend that can load its user back (Django's), and
    # Django's test client's force_login picks the first backend that has one.


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None and (
        getattr(request, "sign_in_wait", 0) or getattr(request, "axes_locked_out", False)
    ):
        return  # refused before the password was tried: not a guess
    event_record(SIGN_IN_FAILURE, credentials.get("username"))


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs):
    RateEvent.objects.filter(kind=SIGN_IN_FAILURE, key=_key(user.get_username())).delete()


# ---------------------------------------------------------------- password reset


def reset_allowed_from(request) -> bool:
    return _events(RESET_FROM_ADDRESS, client_ip(request), RESET_WINDOW).count() < (
        RESETS_PER_ADDRESS
    )


def reset_mail_allowed(email: str) -> bool:
    return _events(RESET_TO_ACCOUNT, email, RESET_WINDOW).count() < RESETS_PER_ACCOUNT


def reset_requested(request, email: str) -> None:
    event_record(RESET_FROM_ADDRESS, client_ip(request))
    event_record(RESET_TO_ACCOUNT, email)


# ---------------------------------------------------------------- sign-in links

LINK_FROM_ADDRESS = "link-address"
LINK_TO_ACCOUNT = "link-account"


def sign_in_link_allowed(request, email: str) -> bool:
    """A sign-in link by email: at most so many an account and an address in the window
    (settings.MAGIC_LINKS_PER_*); past that, the same answer and no mail."""
    window = datetime.timedelta(seconds=settings.MAGIC_LINK_WINDOW)
    return (
        _events(LINK_TO_ACCOUNT, email, window).count() < settings.MAGIC_LINKS_PER_ACCOUNT
        and _events(LINK_FROM_ADDRESS, client_ip(request), window).count()
        < settings.MAGIC_LINKS_PER_ADDRESS
    )


def sign_in_link_requested(request, email: str) -> None:
    event_record(LINK_FROM_ADDRESS, client_ip(request))
    event_record(LINK_TO_ACCOUNT, email)
