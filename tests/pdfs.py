"""Documents in tests as a person gets them (PDFs, the Word report, the spreadsheets): ask
(the preparing page), a worker draws it, download.

Request workers never draw a PDF; here the task worker's loop (django-tasks-db's, as
``manage.py worker`` runs it) takes the queued tasks in the test's own process and
transaction, so that no worker has to be running for the tests.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from unittest import mock

from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "pdf"


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


def pdf_url(workshop, kind: str) -> str:
    name = "wallchart_pdf" if kind == "wallchart" else "report_pdf"
    return reverse(name, kwargs={"org": workshop.organisation.slug, "code": workshop.code})


def pages_text(data: bytes) -> list[str]:
    """Each page's text as a reader's tool extracts it (pypdf)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def text_of(data: bytes) -> str:
    return "\n".join(pages_text(data))


def flat(text: str) -> str:
    return " ".join(text.split())


def as_printed(text: str) -> re.Pattern:
    """``text`` word for word, as it may be broken over lines: a space may be a line break,
    and a line may also break after a hyphen, a dash or a slash ("appraisal/incentive/"
    at a line's end, "reward scheme" on the next)."""
    pattern = ""
    for chunk in re.split(r"(\s+)", text.strip()):
        if chunk.isspace():
            pattern += r"\s+"
        else:
            pattern += r"\s*".join(
                re.escape(piece) for piece in re.split(r"(?<=[-–—/])", chunk) if piece
            )
    return re.compile(pattern)


def type_sizes(data: bytes) -> dict[float, int]:
    """The size in points of every run of text on the pages (with its number of characters)."""
    sizes: dict[float, int] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            # The size set times the scale of the text and page matrices.
            scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
            size = round(font_size * scale, 2)
            sizes[size] = sizes.get(size, 0) + len(text.strip())

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def save_pages(data: bytes, name: str, first: int = 1, last: int = 3, dpi: int = 60) -> list[Path]:
    """PNGs of pages ``first`` to ``last``, to look at (test-artifacts/pdf/)."""
    if not shutil.which("pdftoppm"):
        return []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-[0-9]*.png"):  # an earlier run's, of more pages
        old.unlink()
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last), str(pdf)]  # noqa: S607
        + [str(ARTIFACTS / name)],
        check=True,
    )
    return sorted(ARTIFACTS.glob(f"{name}-[0-9]*.png"))
