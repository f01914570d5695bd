"""The liveness endpoint a load balancer polls."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_ok_to_anyone_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0


def test_healthz_refuses_a_post(client, db):
    assert client.post("/healthz").status_code == 405
