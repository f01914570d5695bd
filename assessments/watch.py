"""Which workshops changed, as PostgreSQL tells it, so that an unchanged poll asks nothing.

Every open page polls its workshop's state once a second (``views/live.py``), and nearly
every answer is "nothing changed" (304). Each of those read the workshop's revision: one
query, half of what a 304 cost in all (bench/README.md). Here a process listens, on a
connection of its own, to the notice a trigger on the workshop table sends when any row is
updated or deleted (migration 0016), and keeps each workshop's revision and step as it last
read them until a notice says they changed. PostgreSQL sends a notice when the change
commits, whatever made it: the services, the admin, a data migration, another server.

A kept revision must never be old for long (a screen would miss a change), so the watch
trusts itself only while it hears itself: every ``PING_EVERY`` seconds the listener sends a
notice of its own on the channel, stamped with the time it was sent. Notices arrive in
the order their transactions committed, so hearing a ping means every change committed
before it was sent has been heard. If no ping sent in the last ``TRUST_FOR`` seconds has come
back (the database gone, a connection dropped silently, a pooler in transaction mode that
does not pass notices on), nothing kept is used and every poll asks the database, as
without a watch; a new connection starts with nothing kept.

Started in each app server process (``gunicorn.conf.py``); on SQLite, which has no notices,
and wherever it is not started, polls ask the database every time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

CHANNEL = "workshop_changed"  # the trigger's (migration 0016)
EVERYTHING = "*"  # the notice of a TRUNCATE: forget every workshop
PING_EVERY = 0.5  # seconds
TRUST_FOR = 2.0  # seconds: a change reaches a screen within the poll's second plus this
RETRY_AFTER = 2.0  # seconds between attempts to connect again
KEPT_AT_MOST = 10_000  # workshops; a long-running process forgets them all past this

Row = TypeVar("Row")


class Watch(threading.Thread):
    def __init__(self, connect: Callable) -> None:
        super().__init__(name="workshop-watch", daemon=True)
        self.connect = connect
        self.rows: dict[int, object] = {}
        # Moved by every notice of a change, under the lock: a row read from the database
        # is kept only if no notice came between the read and the keeping (it may predate
        # the change the notice was about).
        self.generation = 0
        self.lock = threading.Lock()
        self.heard_until = float("-inf")  # every change committed before this was heard
        self.stopping = threading.Event()
        self.backend_pid: int | None = None  # the listening connection's, in PostgreSQL
        self.ping_prefix = f"ping-{os.getpid()}-{id(self)}-"

    # --------------------------------------------------------- what the polls ask

    def trusted(self) -> bool:
        return time.monotonic() - self.heard_until < TRUST_FOR

    def row(self, workshop_id: int, read: Callable[[], Row]) -> Row:
        """The workshop's row as ``read`` reads it from the database, or as it was kept."""
        if not self.trusted():
            return read()
        kept = self.rows.get(workshop_id)
        if kept is not None:
            return kept  # type: ignore[return-value]
        generation = self.generation
        row = read()
        with self.lock:
            if row is not None and generation == self.generation and self.trusted():
                if len(self.rows) >= KEPT_AT_MOST:
                    self.rows.clear()
                self.rows[workshop_id] = row
        return row

    # --------------------------------------------------------- the listener

    def run(self) -> None:
        said = False  # once per outage, not every RETRY_AFTER seconds of it
        while not self.stopping.is_set():
            try:
                self.listen()
            except Exception:  # psycopg's errors, the network's: connect again
                if not self.stopping.is_set() and (self.backend_pid or not said):
                    log.warning(
                        "The workshop watch has no connection; polls ask the database until "
                        "it is back",
                        exc_info=True,
                    )
                said = True
            self.backend_pid = None
            self.distrust()
            self.stopping.wait(RETRY_AFTER)

    def listen(self) -> None:
        # LISTEN and pg_notify have no ORM form, and a LISTEN lasts only as long as its
        # connection: so a psycopg connection of the thread's own, held open, not Django's
        # (per request thread, and closed or recycled between requests).
        with self.connect() as conn:
            self.backend_pid = conn.info.backend_pid
            conn.execute(f"LISTEN {CHANNEL}")
            # What was kept before this connection listened may have missed a change.
            self.distrust()
            while not self.stopping.is_set():
                conn.execute(
                    "SELECT pg_notify(%s, %s)",
                    [CHANNEL, f"{self.ping_prefix}{time.monotonic()!r}"],
                )
                for notice in conn.notifies(timeout=PING_EVERY):
                    self.heard(notice.payload)

    def heard(self, payload: str) -> None:
        if payload.startswith(self.ping_prefix):
            self.heard_until = max(self.heard_until, float(payload[len(self.ping_prefix) :]))
        elif payload.isdigit():
            with self.lock:
                self.generation += 1
                self.rows.pop(int(payload), None)
        elif payload == EVERYTHING:
            self.forget()
        # Anything else is another process's ping.

    def forget(self) -> None:
        with self.lock:
            self.generation += 1
            self.rows.clear()

    def distrust(self) -> None:
        self.heard_until = float("-inf")
        self.forget()

    def stop(self) -> None:
        self.stopping.set()


_watch: Watch | None = None


def workshop_row(workshop_id: int, read: Callable[[], Row]) -> Row:
    """``read()``, the workshop's row from the database, unless this process's watch has it
    and has heard of no change to it since."""
    watch = _watch
    if watch is None:
        return read()
    return watch.row(workshop_id, read)


def watch_start() -> Watch | None:
    """Start this process's watch (once; none on a database without notices)."""
    global _watch
    wrapper = connections["default"]
    if wrapper.vendor != "postgresql" or not settings.WORKSHOP_WATCH:
        return None
    if _watch is not None and _watch.is_alive():
        return _watch

    def connect():
        import psycopg

        params = wrapper.get_connection_params()
        # A connection dropped without a word (a firewall's idle timeout) is noticed in
        # seconds, not at TCP's own pace; a Unix socket ignores these.
        params.setdefault("keepalives", 1)
        params.setdefault("keepalives_idle", 10)
        params.setdefault("keepalives_interval", 5)
        params.setdefault("keepalives_count", 2)
        return psycopg.Connection.connect(**params, autocommit=True)

    _watch = Watch(connect)
    _watch.start()
    return _watch


def watch_stop() -> None:
    global _watch
    watch, _watch = _watch, None
    if watch is not None:
        watch.stop()
        watch.join(timeout=PING_EVERY * 4)
