"""Signing in with an email and password, signing out, and resetting a password by email."""

import re
from urllib.parse import quote

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_signing_in_with_email_and_password_lands_in_the_organisation(client, bob):
    response = client.post(reverse("login"), {"username": "BOB@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # one organisation: straight to it


def test_signing_out_ends_the_session(client_for, bob):
    client = client_for(bob)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_password_is_reset_through_the_emailed_link(client, bob):
    client.post(reverse("password_reset"), {"email": bob.email})
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    new = "a brand new long password 42"
    client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    client.logout()
    client.post(reverse("login"), {"username": bob.email, "password": new})
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_the_login_page_asks_for_an_email(client):
    assert "Email" in client.get(reverse("login")).content.decode()


def test_a_wrong_password_is_refused_in_the_words_of_the_form_and_the_email_is_kept(client, bob):
    response = client.post(reverse("login"), {"username": bob.email, "password": "not it"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That email and password do not match an account" in page
    assert "correct username" not in page  # Django's words, for a field nobody is shown
    assert f'value="{bob.email}"' in page


def test_a_form_sent_after_the_session_ended_comes_back_to_its_page_after_signing_in(
    client, workshop
):
    # The rating's address answers only POST: coming back to it would be a 405 error page.
    page = f"/o/northshire/w/{workshop.code}/"
    submit = reverse(
        "rating_submit", kwargs={"org": "northshire", "code": workshop.code, "barrier": "learning"}
    )
    response = client.post(
        submit, {"stage": "starting"}, headers={"referer": f"http://testserver{page}"}
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={quote(page)}"
    # Without a page of this site to go back to: the organisation's page.
    for headers in ({}, {"referer": f"https://elsewhere.example{page}"}):
        response = client.post(submit, {"stage": "starting"}, headers=headers)
        assert response.url == f"{reverse('login')}?next={quote('/o/northshire/')}"
    # A page opened while signed out comes back to itself, as before.
    response = client.get(page + "?x=1")
    assert response.url == f"{reverse('login')}?next={quote(page + '?x=1')}"
