"""Password guessing is stopped: after five failures, even the right password is refused."""

from django.urls import reverse

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
