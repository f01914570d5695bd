"""The watch: an unchanged poll answered without a query, while PostgreSQL's notices say
nothing changed; and never an old revision for long when they stop (assessments/watch.py).

Transactional tests: PostgreSQL sends a notice when a change commits, and the test's own
transaction of an ordinary test never does.
"""

import time

import pytest
from django.db import connection
from django.db.models import F

from assessments import watch as watch_module
from assessments.models import Workshop
from assessments.views import live
from tests.test_workshop_state import state_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="notices are PostgreSQL's (SQLite has none)"
    ),
]


def _until(condition, *, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def watch():
    """This process's watch, as each app server runs one; gone after the test."""
    live._authorised.clear()
    started = watch_module.watch_start()
    assert _until(started.trusted), "the watch never heard its own ping"
    yield started
    watch_module.watch_stop()
    live._authorised.clear()


def _heard_up_to_now(watch) -> bool:
    """Every change committed before now has been heard (a ping sent after it came back)."""
    now = time.monotonic()
    return _until(lambda: watch.heard_until > now)


@pytest.fixture
def polling(client_for, alice, workshop, watch):
    """Alice's wall chart, polled once in full (so this process remembers her) and once more
    (so the watch keeps the workshop's row); the ETag her page now holds."""
    client = client_for(alice)
    etag = client.get(state_url(workshop))["ETag"]
    assert client.get(state_url(workshop), headers={"if-none-match": etag}).status_code == 304
    return client, etag


def test_an_unchanged_poll_asks_the_database_nothing_while_the_watch_hears_itself(
    polling, workshop, django_assert_num_queries
):
    client, etag = polling
    with django_assert_num_queries(0):
        again = client.get(state_url(workshop), headers={"if-none-match": etag})
    assert again.status_code == 304


def test_a_change_committed_by_anyone_reaches_the_next_poll(polling, workshop, watch):
    """Not only the services: the trigger on the table tells of any update (here a bare
    ``update()``, as the admin or another server might make)."""
    client, etag = polling
    Workshop.objects.filter(pk=workshop.pk).update(revision=F("revision") + 1)
    assert _heard_up_to_now(watch)

    changed = client.get(state_url(workshop), headers={"if-none-match": etag})

    assert changed.status_code == 200
    assert changed.json()["revision"] == workshop.revision + 1


def test_a_workshop_deleted_is_never_answered_unchanged(polling, workshop, watch):
    client, etag = polling
    Workshop.objects.filter(pk=workshop.pk).delete()
    assert _heard_up_to_now(watch)

    gone = client.get(state_url(workshop), headers={"if-none-match": etag})

    assert gone.status_code == 404


def test_a_watch_that_stops_hearing_itself_stops_answering_for_the_database(
    polling, workshop, watch, monkeypatch
):
    """A pooler in transaction mode, or a connection dropped without a word: the notices
    stop. Within TRUST_FOR the polls ask the database again, and see the change."""
    client, etag = polling
    monkeypatch.setattr(watch, "heard", lambda payload: None)  # nothing comes through
    Workshop.objects.filter(pk=workshop.pk).update(revision=F("revision") + 1)

    assert _until(lambda: not watch.trusted(), seconds=watch_module.TRUST_FOR + 1)
    changed = client.get(state_url(workshop), headers={"if-none-match": etag})
    assert changed.status_code == 200


def test_a_lost_connection_forgets_everything_kept_and_listens_again(
    polling, workshop, watch, monkeypatch
):
    client, etag = polling
    monkeypatch.setattr(watch_module, "RETRY_AFTER", 0.1)
    assert watch.rows  # the workshop's row, kept by the second poll
    with connection.cursor() as cursor:  # as a failover or an idle timeout would, from outside
        cursor.execute("SELECT pg_terminate_backend(%s)", [watch.backend_pid])

    assert _until(lambda: not watch.rows and not watch.trusted(), seconds=2)
    assert _until(watch.trusted), "the watch did not listen again"
    assert client.get(state_url(workshop), headers={"if-none-match": etag}).status_code == 304


def test_an_operator_can_turn_the_watch_off(settings):
    """Behind a pooler that passes no notices on, the connection it holds is spared."""
    settings.WORKSHOP_WATCH = False
    assert watch_module.watch_start() is None
    assert watch_module._watch is None
