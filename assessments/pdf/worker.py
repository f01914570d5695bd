"""What a task worker does besides running tasks: tidy up after the dead, start the chart
browser, and say it is alive (``/readyz`` reads the heartbeat)."""

from __future__ import annotations

import atexit
import contextlib
import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import Error, connection
from django.utils import timezone

from assessments.models import WorkerHeartbeat
from assessments.pdf import charts

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 10.0  # seconds; /readyz calls a worker gone after 30 s of silence
# Heartbeats of workers stopped long ago (another host, a SIGKILL) are cleared away.
FORGET_AFTER = datetime.timedelta(days=1)


def worker_start(worker_id: str) -> _Heartbeat:
    """Called once in each worker process, before its first task; ``stop()`` what it
    returns when the worker ends."""
    priority_lower()
    for folder in charts.clear_stale():
        log.info("Removed the chart-export folder of a stopped worker: %s", folder)
    charts.warm_in_background()
    beat = _Heartbeat(worker_id)
    beat.start()
    atexit.register(beat.stop)
    return beat


def priority_lower() -> int:
    """Lower this process's CPU priority by ``WORKER_NICE`` (its children, the chart
    browser among them, inherit it); the new niceness.

    A niceness only weighs against processes of the same scheduling group. A worker that
    leads its own session (a service, a container, the benchmark) is its own autogroup
    where the kernel has them, and the kernel shares the CPU fairly between groups, so its
    renders still took half the CPU from the app servers (bench/README.md); the group's own
    niceness is lowered too. Under systemd with the CPU controller, give the unit a low
    ``CPUWeight`` (README, Operations)."""
    niceness = os.nice(settings.WORKER_NICE)
    if settings.WORKER_NICE and os.getsid(0) == os.getpid():
        charts.autogroup_match(os.getpid())
    return niceness


class _Heartbeat(threading.Thread):
    """A row per worker, its ``seen_at`` moved every few seconds, on a connection of its own
    (Django's connections are per thread), closed after each beat so that an idle worker
    holds only the connection its loop uses."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        with contextlib.suppress(Error):
            WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - FORGET_AFTER).delete()
        while not self.stopping.is_set():
            self.beat()
            self.stopping.wait(HEARTBEAT_EVERY)
        # A worker stopping says so at once, rather than after 30 s of silence; from this
        # thread, so that no beat of it can land after.
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Error:
            log.warning("Could not clear the worker's heartbeat", exc_info=True)
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "started_at": self.started_at,
                    "seen_at": timezone.now(),
                },
            )
        except Error:
            log.warning("Could not record the worker's heartbeat; trying again", exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=25)  # a beat may wait for SQLite's write lock (20 s)
