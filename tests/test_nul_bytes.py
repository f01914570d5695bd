"""A NUL character anywhere in a request (a form field, the query string, a JSON body) is
refused with a 400 that says so, before any view or database sees it: PostgreSQL refuses NUL
in text, which used to surface as a 500 (an email in the member role form, ``on_behalf_of``
in a rating)."""

import json

import pytest
from django.urls import reverse

from assessments.models import Rating, Step
from organisations.models import Membership
from tests.factories import WorkshopFactory
from tests.test_isolation import northshire_objects, pattern_kwargs, scoped_names  # noqa: F401

MESSAGE = "The request held a NUL character"


def test_a_nul_in_the_member_role_form_answers_400_and_nothing_changed(client_for, alice, bob):
    response = client_for(alice).post(
        reverse("member_role", kwargs={"org": "northshire"}),
        {"email": bob.email + "\x00", "role": "viewer"},
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Membership.objects.get(user=bob).role == "member"


def test_a_nul_in_on_behalf_of_answers_400_and_no_rating_was_stored(
    client_for, northshire, alice, team
):
    workshop = WorkshopFactory(
        organisation=northshire, lead_facilitator=alice, members=team, step=Step.ASSESS
    )
    url = reverse(
        "rating_submit",
        kwargs={"org": "northshire", "code": workshop.code, "barrier": "learning"},
    )
    response = client_for(alice).post(
        url, {"on_behalf_of": "\x00bob@example.org", "stage": "starting", "evidence": "Seen"}
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Rating.objects.exists()


def test_a_nul_in_the_query_string_answers_400(client_for, alice):
    url = reverse("action_tracker", kwargs={"org": "northshire"})
    response = client_for(alice).get(url, {"show": "yours\x00"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_a_nul_in_a_field_name_answers_400(client_for, alice):
    url = reverse("member_invite", kwargs={"org": "northshire"})
    response = client_for(alice).post(url, {"email\x00": "x@example.org"})
    assert response.status_code == 400


def test_a_nul_at_sign_in_answers_400(client, bob):
    response = client.post(reverse("login"), {"username": bob.email, "password": "a\x00b"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize("body", ['{"text": "a\\u0000b"}', '{"a\\u0000": 1}', '["\\u0000"]'])
def test_a_nul_in_a_json_body_answers_400_in_json(client_for, alice, body):
    url = reverse("members", kwargs={"org": "northshire"})
    response = client_for(alice).post(
        url, body, content_type="application/json", headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert MESSAGE in json.loads(response.content)["error"]


def test_a_raw_nul_byte_in_any_body_answers_400(client_for, alice):
    url = reverse("members", kwargs={"org": "northshire"})
    response = client_for(alice).post(url, b"plain\x00text", content_type="text/plain")
    assert response.status_code == 400


def test_every_organisation_url_refuses_a_nul_with_400(client_for, alice, northshire_objects):  # noqa: F811
    client = client_for(alice)
    for name in scoped_names():
        values = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
        url = reverse(name, kwargs={"org": "northshire", **values})
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"email": "alice@example.org\x00"})
            assert response.status_code == 400, f"{method.upper()} {url} ({name})"
