"""Documents in tests as a person gets them (PDFs, the Word report, the spreadsheets): ask
(the preparing page), a worker draws it, download.

Request workers never draw a PDF; here the task worker's loop (django-tasks-db's, as
``manage.py worker`` runs it) takes the queued tasks in the test's own process and
transaction, so that no worker has to be running for the tests.
"""

from __future__ import annotations

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def worker_run() -> list[DBTaskResult]:
    """Run every task queued now, then stop; the task results it ran, oldest first."""
    before = set(DBTaskResult.objects.finished().values_list("pk", flat=True))
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # The loop closes "old" connections between tasks, as a long-running worker must; in a
    # test that would be the test's own transaction.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
    return list(DBTaskResult.objects.finished().exclude(pk__in=before).order_by("finished_at"))


def pdf_get(client, url: str):
    """Download a PDF: the first ask queues it (202, the preparing page), the worker draws
    it, the second ask is the file."""
    return document_get(client, url, "application/pdf")


def document_get(client, url: str, content_type: str):
    """Download any document of a workshop (a PDF, the Word report, a spreadsheet) as
    ``pdf_get`` does a PDF."""
    response = client.get(url)
    if response.status_code == 202:
        for result in worker_run():
            assert result.status == "SUCCESSFUL", result.traceback
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == content_type
    return response
