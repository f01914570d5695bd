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
