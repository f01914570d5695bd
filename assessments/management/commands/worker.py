"""``python manage.py worker``: the task worker that draws the PDFs.

django-tasks-db's ``db_worker`` (every option of it: ``--help``), with what this app's
worker does besides: clears the chart-export folders that killed workers left behind,
starts the chart browser ahead of the first PDF, and records a heartbeat for ``/readyz``.
Run as many as you like, on any host that reaches the database.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from assessments.pdf.worker import worker_start


class Command(DbWorkerCommand):
    help = "Run a task worker: it draws the PDFs (django-tasks-db's db_worker, and a heartbeat)"

    def handle(self, *args, **options):
        # With --reload (the default under DEBUG) this process only watches the files and
        # runs the worker in a child, which comes back here with the variable set.
        watcher_only = (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if watcher_only:
            return super().handle(*args, **options)
        heartbeat = worker_start(options["worker_id"])
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
