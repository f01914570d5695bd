"""gunicorn settings: `gunicorn breakthrough.wsgi` picks this file up from the project folder.

Two sync workers suit a 2-core server (bench/README.md has the measurements);
set WEB_CONCURRENCY to change it.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Behind the organisation's reverse proxy, which sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker on a core of its own, where there are as many workers as cores: measured
# (bench/README.md), while the task worker drew PDFs on the same server the kernel now and
# then put both request workers on one core and left the other to the renderer, whatever its
# priority, and the room's polls waited behind each other (p95 2 x). Pinned, a request worker
# woken on its core takes it from the renderer at once. With fewer workers than the cores
# this process may use (a container given a share of a bigger host), or more, the kernel
# places them: pinned there, every such container's workers would crowd onto the same cores.
pin_workers = os.environ.get("GUNICORN_PIN_WORKERS", "true").lower() in ("1", "true", "yes")


def core_for(cores: list[int], taken: list[int | None], workers: int) -> int | None:
    """The core for a worker about to start, given those its running siblings hold; None to
    leave it to the kernel (not one worker per core)."""
    if workers != len(cores):
        return None
    return min(cores, key=lambda core: (taken.count(core), core))


def pre_fork(server, worker):
    # In the arbiter, which knows which cores the running workers hold: a worker that
    # replaces one that died takes the core it left.
    worker.core = None
    if pin_workers and hasattr(os, "sched_setaffinity"):
        worker.core = core_for(
            sorted(os.sched_getaffinity(0)),
            [getattr(w, "core", None) for w in server.WORKERS.values()],
            server.num_workers,
        )


def post_fork(server, worker):
    if getattr(worker, "core", None) is not None:
        os.sched_setaffinity(0, {worker.core})


def post_worker_init(worker):
    # No chart-export browser here: request workers never draw a PDF (the task worker does,
    # `manage.py worker`, which starts its own). Load now what every worker ends up holding
    # anyway (the views, through the URLs, which import WeasyPrint for the PDFs' task), then
    # put it all (some 115,000 objects, there as long as the worker) out of the garbage
    # collector's sight: measured, a full collection walking them paused a request for
    # 60-70 ms every few thousand requests (bench/README.md).
    from django.urls import get_resolver

    import assessments.pdf.render  # noqa: F401

    get_resolver().url_patterns  # noqa: B018
    gc.collect()
    gc.freeze()
    # The unchanged poll's revision, from PostgreSQL's notices rather than a query each time
    # (assessments/watch.py); after the fork, so that each worker has its own connection.
    from assessments.watch import watch_start

    watch_start()
