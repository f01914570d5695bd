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
    # Start the chart-export browser in each worker before anyone asks for a PDF: it costs
    # about two seconds once, which would otherwise fall on the first report of the day.
    from assessments.pdf.charts import warm_in_background

    warm_in_background()
    # Everything loaded so far (Django, the app, plotly, WeasyPrint: some 140,000 objects)
    # lives as long as the worker. Out of the collector's sight, a full collection no longer
    # walks them all: measured, that walk paused a request for 60-70 ms every few thousand
    # requests (bench/README.md).
    gc.collect()
    gc.freeze()
