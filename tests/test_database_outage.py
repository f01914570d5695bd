"""A database outage is answered as one: 503 with Retry-After, JSON to the scripts, the
app's own page to a person, and nothing else breaks on the way.

PostgreSQL stopped for 12 s used to answer every request 500 with an HTML page, the JSON
endpoints too, with no Retry-After: the live page and the autosave could not tell "try
again in a moment" from "broken".
"""

import datetime

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import WorkerHeartbeat


class DatabaseDown:
    """Every query on the test's connection fails as a stopped PostgreSQL's does."""

    def __init__(self, error=OperationalError):
        self.error = error
        self.tried = 0

    def __call__(self, execute, sql, params, many, context):
        self.tried += 1
        raise self.error("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@pytest.fixture(params=[OperationalError, InterfaceError], ids=["operational", "interface"])
def database_down(request):
    down = DatabaseDown(request.param)
    with connection.execute_wrapper(down):
        yield down


@pytest.fixture
def signed_in(client_for, workshop, bob):
    client = client_for(bob)
    client.get(reverse("workshop_detail", kwargs={"org": "northshire", "code": workshop.code}))
    return client


def wurl(workshop, name, **kwargs):
    return reverse(name, kwargs={"org": "northshire", "code": workshop.code, **kwargs})


def test_a_page_answers_the_apps_own_503_with_retry_after_and_asks_nothing_more_of_the_database(
    signed_in, workshop, database_down
):
    response = signed_in.get(wurl(workshop, "workshop_detail"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The server is briefly unavailable" in page
    assert "tries again by itself in 5 seconds" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    # One query tried (the session), refused; drawing the 503 page asked for none.
    assert database_down.tried == 1


def test_a_form_sent_during_the_outage_is_not_sent_again_by_the_503_page(
    signed_in, workshop, database_down
):
    response = signed_in.post(wurl(workshop, "rating_submit", barrier="leadership"), {})

    assert response.status_code == 503
    page = response.content.decode()
    assert 'http-equiv="refresh"' not in page  # a refresh would post it again
    assert "what you typed is still on the page you came from" in page


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [
        ("workshop_state", {}, "get"),
        ("rating_draft", {"barrier": "leadership"}, "post"),
        ("report_pdf_status", {}, "get"),
    ],
)
def test_the_scripts_endpoints_answer_json_503_with_retry_after(
    signed_in, workshop, database_down, name, kwargs, method
):
    # No Accept header at all: the endpoint is a script's whatever the caller says.
    response = getattr(signed_in, method)(wurl(workshop, name, **kwargs))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith("The server is briefly unavailable")
    assert database_down.tried == 1


def test_a_script_asking_for_json_gets_json_anywhere(signed_in, workshop, database_down):
    response = signed_in.get(
        wurl(workshop, "workshop_detail"), headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert "error" in response.json()


def test_an_outage_met_outside_a_view_is_a_503_too(workshop, bob, monkeypatch):
    """Saving the session happens after the view, in a middleware: Django's 500 handler
    answers there, and it too knows an outage when it sees one."""

    def session_save_fails(self, request, response):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionMiddleware, "process_response", session_save_fails)
    client = Client(raise_request_exception=False)
    client.force_login(bob)

    response = client.get(wurl(workshop, "workshop_detail"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()


def test_any_other_error_is_still_a_500(workshop, bob, monkeypatch):
    def broken(self, request, response):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SessionMiddleware, "process_response", broken)
    client = Client(raise_request_exception=False)
    client.force_login(bob)

    response = client.get(wurl(workshop, "workshop_detail"))

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_next_request_after_the_database_is_back_is_served(signed_in, workshop):
    with connection.execute_wrapper(DatabaseDown()):
        assert signed_in.get(wurl(workshop, "workshop_state")).status_code == 503
    assert signed_in.get(wurl(workshop, "workshop_state")).status_code == 200


# ---------------------------------------------------------------- readiness


def beat(seconds_ago: int = 0) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id="w1",
        defaults={
            "host": "worker-1",
            "pid": 1,
            "started_at": now - datetime.timedelta(hours=1),
            "seen_at": now - datetime.timedelta(seconds=seconds_ago),
        },
    )


def test_readyz_is_ready_with_the_database_and_a_worker_that_beats(client, db):
    beat(seconds_ago=5)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker": "ok"}


def test_readyz_says_when_no_worker_has_been_seen(client, db):
    beat(seconds_ago=120)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert "no task worker" in response.json()["worker"]


def test_readyz_says_when_the_workers_do_not_keep_up(client, workshop):
    from django_tasks_db.models import DBTaskResult

    from assessments.pdf.queue import pdf_request

    beat()
    pdf_request(workshop=workshop, kind="report")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "do not keep up" in response.json()["worker"]


def test_readyz_answers_503_while_the_database_is_down_and_healthz_does_not_ask_it(
    client, db, database_down
):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["database"].startswith("unavailable")

    assert client.get("/healthz").status_code == 200
    assert database_down.tried == 1  # readyz's, not healthz's
