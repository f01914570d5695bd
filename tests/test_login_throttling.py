"""Password guessing is stopped: after five failures from one address, even the right password
is refused from there; guesses at one account from many addresses slow it down, never lock it
for good; password reset mails are limited per address and per account."""

import datetime
import re

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from organisations.throttle import (
    ACCOUNT_FREE_FAILURES,
    ACCOUNT_LONGEST_WAIT_MINUTES,
    RESETS_PER_ACCOUNT,
    RESETS_PER_ADDRESS,
)
from tests.factories import PASSWORD


def test_five_wrong_passwords_lock_the_account_for_that_address(client, bob):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": bob.email, "password": "guess"})
    response = client.post(reverse("login"), {"username": bob.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"locked" in response.content.lower()


def test_a_wrong_password_then_the_right_one_signs_in(client, bob):
    client.post(reverse("login"), {"username": bob.email, "password": "guess"})
    response = client.post(reverse("login"), {"username": bob.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


# ---------------------------------------------------------------- behind the reverse proxy

PROXY = "127.0.0.1"


def _sign_in(client, email, password, address, forwarded=None):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded or address,
    )


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_a_guesser_locks_only_their_own_address(client, behind_a_proxy, alice):
    for _ in range(5):
        _sign_in(Client(), alice.email, "guess", "198.51.100.7")
    assert _sign_in(Client(), alice.email, PASSWORD, "198.51.100.7").status_code == 429
    # Alice at her desk, through the same proxy, is not the guesser.
    response = _sign_in(client, alice.email, PASSWORD, "203.0.113.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_an_address_made_up_in_the_header_does_not_hide_the_guesser(behind_a_proxy, alice):
    for n in range(5):
        # The proxy appends the address it saw; what the client wrote stays in front.
        _sign_in(Client(), alice.email, "guess", "", forwarded=f"10.9.9.{n}, 198.51.100.7")
    assert _sign_in(Client(), alice.email, PASSWORD, "198.51.100.7").status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, alice):
    for n in range(5):
        _sign_in(Client(), alice.email, "guess", f"198.51.100.{n}")
    # Every attempt came from the proxy's own address, which is all the app can trust.
    assert _sign_in(client, alice.email, PASSWORD, "203.0.113.20").status_code == 429


# ---------------------------------------------------------------- one account, many addresses


def _guess_from_many_addresses(email, times, first=0):
    for n in range(first, first + times):
        _sign_in(Client(), email, "guess", f"198.51.100.{n}")


def test_guesses_at_one_account_from_many_addresses_slow_it_down_with_a_wait_said(
    behind_a_proxy, alice
):
    _guess_from_many_addresses(alice.email, ACCOUNT_FREE_FAILURES)
    response = _sign_in(Client(), alice.email, PASSWORD, "203.0.113.20")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins to this account" in page
    assert "Wait 1 minute" in page


def test_the_wait_grows_with_the_guesses_and_is_never_a_lock_for_good(behind_a_proxy, alice):
    from organisations.models import RateEvent

    _guess_from_many_addresses(alice.email, ACCOUNT_FREE_FAILURES)
    waits = []
    for n in range(4):
        RateEvent.objects.update(at=F("at") - datetime.timedelta(hours=1))  # the wait is over
        _sign_in(Client(), alice.email, "guess", f"192.0.2.{n}")
        response = _sign_in(Client(), alice.email, PASSWORD, "203.0.113.20")
        waits.append(int(re.search(r"Wait (\d+) minute", response.content.decode()).group(1)))
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert waits[-1] <= ACCOUNT_LONGEST_WAIT_MINUTES
    # Once the wait is over the owner signs in, and that clears the count.
    RateEvent.objects.update(at=F("at") - datetime.timedelta(hours=1))
    client = Client()
    assert _sign_in(client, alice.email, PASSWORD, "203.0.113.20").status_code == 302
    assert not RateEvent.objects.filter(kind="sign-in-failure").exists()


def test_attempts_during_the_wait_do_not_lengthen_it(behind_a_proxy, alice):
    from organisations.models import RateEvent

    _guess_from_many_addresses(alice.email, ACCOUNT_FREE_FAILURES)
    counted = RateEvent.objects.count()
    for n in range(3):
        assert _sign_in(Client(), alice.email, "guess", f"192.0.2.{n}").status_code == 429
    assert RateEvent.objects.count() == counted


def test_a_few_failures_across_addresses_do_not_slow_anyone(behind_a_proxy, alice):
    _guess_from_many_addresses(alice.email, ACCOUNT_FREE_FAILURES - 1)
    assert _sign_in(Client(), alice.email, PASSWORD, "203.0.113.20").status_code == 302


# ---------------------------------------------------------------- password reset


def _reset(client, email, address):
    return client.post(
        reverse("password_reset"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_password_reset_requests_from_one_address_are_limited(bob, behind_a_proxy, mailoutbox):
    for n in range(RESETS_PER_ADDRESS):
        assert _reset(Client(), f"someone{n}@example.org", "198.51.100.7").status_code == 302
    refused = _reset(Client(), bob.email, "198.51.100.7")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert mailoutbox == []
    # Another address is not held back.
    assert _reset(Client(), bob.email, "203.0.113.20").status_code == 302
    assert [m.to for m in mailoutbox] == [[bob.email]]


def test_password_reset_mails_to_one_account_are_limited_and_the_answer_is_the_same_for_unknown(
    bob, behind_a_proxy, mailoutbox
):
    answers = {}
    for email in (bob.email, "nobody@example.org"):
        answers[email] = [
            _reset(Client(), email, f"198.51.100.{n}") for n in range(RESETS_PER_ACCOUNT + 2)
        ]
    assert len(mailoutbox) == RESETS_PER_ACCOUNT
    assert all(m.to == [bob.email] for m in mailoutbox)
    known, unknown = answers[bob.email], answers["nobody@example.org"]
    assert [(r.status_code, r["Location"]) for r in known] == [
        (r.status_code, r["Location"]) for r in unknown
    ]
