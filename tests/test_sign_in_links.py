"""Signing in with a one-time link by email, for a director who never set a password.

Bob is a member of Northshire; nobody has the address nobody@example.org."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from organisations.models import RateEvent

ASK = reverse("sign_in_link_request")


def link_in(message) -> str:
    return re.search(r"http\S+", message.body).group(0)


def path_of(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_member_asks_for_a_link_and_signs_in_with_it_once(client, bob):
    answer = client.post(ASK, {"email": "Bob@Example.org"})
    assert answer.status_code == 200
    assert "a sign-in link is on its way" in answer.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bob@example.org"]
    link = path_of(link_in(mail.outbox[0]))

    # Opening the link (as a mail scanner does) signs nobody in: the button on it does.
    opened = client.get(link)
    assert opened.status_code == 200 and SESSION_KEY not in client.session
    token = opened.context["token"]
    signed_in = client.post(reverse("sign_in_link_use"), {"sesame": token})
    assert signed_in.status_code == 302
    assert int(client.session[SESSION_KEY]) == bob.pk

    client.logout()
    again = client.post(reverse("sign_in_link_use"), {"sesame": token})
    assert again.status_code == 410
    assert SESSION_KEY not in client.session


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, db):
    answer = client.post(ASK, {"email": "nobody@example.org"})
    assert answer.status_code == 200
    assert "a sign-in link is on its way" in answer.content.decode()
    assert mail.outbox == []


def test_asking_too_often_sends_no_more_links_and_says_the_same(client, bob, settings):
    for _ in range(settings.MAGIC_LINKS_PER_ACCOUNT + 2):
        answer = client.post(ASK, {"email": "bob@example.org"})
        assert "a sign-in link is on its way" in answer.content.decode()
    assert len(mail.outbox) == settings.MAGIC_LINKS_PER_ACCOUNT
    # Each ask is counted, as a hash: no email typed is kept.
    assert RateEvent.objects.filter(kind="link-account").count() == (
        settings.MAGIC_LINKS_PER_ACCOUNT + 2
    )
    assert not RateEvent.objects.filter(key__icontains="bob").exists()


def test_one_address_asking_for_many_accounts_is_throttled_too(client, team, settings):
    settings.MAGIC_LINKS_PER_ADDRESS = 2
    for person in team:
        client.post(ASK, {"email": person.email})
    assert len(mail.outbox) == 2


def test_an_expired_link_is_refused(client, bob, settings):
    client.post(ASK, {"email": "bob@example.org"})
    link = path_of(link_in(mail.outbox[0]))
    settings.SESAME_MAX_AGE = -1
    assert client.get(link).status_code == 410


@pytest.mark.parametrize("where", ["/o/northshire/", "https://evil.example/"])
def test_the_link_brings_you_back_where_you_were_going_and_only_here(client, bob, where):
    client.post(ASK, {"email": "bob@example.org", "next": where})
    link = path_of(link_in(mail.outbox[0]))
    token = client.get(link).context["token"]
    response = client.post(
        reverse("sign_in_link_use"), {"sesame": token, "next": client.get(link).context["next"]}
    )
    assert response.url == (where if where.startswith("/") else reverse("home"))


def test_the_sign_in_page_offers_a_link_instead_of_a_password(client, db):
    assert reverse("sign_in_link_request") in client.get(reverse("login")).content.decode()
