"""Asking for a PDF (or any document of ``assessments/documents.py``: the Word report, the
spreadsheets, the roll-up's) and serving it once drawn; the drawing is a task worker's
(``tasks.py``).

A request never draws a PDF: seconds of CPU in a request worker held every poll of every
open wall chart behind it (ten cold reports at once: polls waited 7.7 s). A download asks
for the PDF of the workshop's current revision; the first ask for a key (workshop,
revision, release, kind, day) creates its ``PdfRender`` row and queues the task in the same
transaction, and every later ask finds that row and waits for that render, however many
ask at once (the unique constraint decides between two asking together).

The roll-up's documents go the same way, keyed by the organisation and a digest of what
they show instead of a workshop and its revision (``subjects.py``): every function here
takes the ``workshop`` whose document it is, or the ``subject`` (``RollupDocuments``).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import PdfKind, PdfRender, PdfRenderStatus, Workshop
from assessments.pdf import cache
from assessments.pdf.cache import cache_read, cache_write
from assessments.pdf.subjects import Subject, WorkshopDocuments
from assessments.pdf.tasks import pdf_prepare

# Drawn ahead when a closed workshop changes: the chief executive's two PDFs. The Word and
# spreadsheet files are drawn when someone asks (in seconds).
AHEAD = (PdfKind.WALLCHART, PdfKind.REPORT)
# What the preparing page promises before any render has been timed.
EXPECTED_MS = 4000
# A render still "rendering" after this long lost its worker (killed, the machine restarted):
# the next ask queues it again. The slowest report measured takes under 10 s.
RENDER_LOST_AFTER = datetime.timedelta(minutes=2)
# A render queued this long without a worker taking it is queued once more (its task row
# may have been pruned or lost); the claim in the task keeps it to one render.
QUEUED_LOST_AFTER = datetime.timedelta(minutes=15)
# A render that failed is tried again on the next ask, this many times in all.
MAX_ATTEMPTS = 3


def _subject(workshop: Workshop | None, subject: Subject | None) -> Subject:
    return subject if workshop is None else WorkshopDocuments(workshop)


def _key(subject: Subject, kind: str) -> dict:
    if kind not in subject.kinds:
        raise ValueError(kind)
    return {
        **subject.key(),
        "release": cache.release_fingerprint(),
        "kind": kind,
        # A document says which actions are overdue as at a day: drawn afresh each day.
        "as_at": timezone.localdate(),
    }


def _path(subject: Subject, key: dict):
    return subject.path(key["kind"], release=key["release"], as_at=key["as_at"])


def pdf_ready(
    *, kind: str, workshop: Workshop | None = None, subject: Subject | None = None
) -> bytes | None:
    """The PDF's bytes if it has been drawn for the workshop as it is now, else None.

    The local cache folder first (no query); then the database, which every app server
    shares, keeping a copy in the folder for next time (best effort)."""
    key = _key(subject := _subject(workshop, subject), kind)
    path = _path(subject, key)
    data = cache_read(path)
    if data is not None:
        return data
    row = (
        PdfRender.objects.filter(**key, status=PdfRenderStatus.READY)
        .values_list("data", "charts_complete")
        .first()
    )
    if row is None:
        return None
    data, charts_complete = bytes(row[0]), row[1]
    if charts_complete:  # one drawn without its chart is tried again: do not pin it on disk
        cache_write(path, data, kind=kind)
    return data


def pdf_request(
    *, kind: str, workshop: Workshop | None = None, subject: Subject | None = None
) -> PdfRender:
    """Ask for the PDF of the workshop as it is now: its render row, queued if nobody asked
    before, or queued again if its last render failed or its worker was lost."""
    key = _key(subject := _subject(workshop, subject), kind)
    render = PdfRender.objects.defer("data").filter(**key).first()
    if render is None:
        try:
            # The row and its task are written together: a worker never sees one without
            # the other, and a rolled-back close queues nothing.
            with transaction.atomic():
                render = PdfRender.objects.create(**key, **subject.fields())
                pdf_prepare.enqueue(render.pk)
        except IntegrityError:
            # Somebody asked a moment ago: wait for their render.
            return PdfRender.objects.defer("data").get(**key)
        return render
    if _lost_or_failed(render) and _queue_again(render):
        render.status = PdfRenderStatus.QUEUED
    return render


def _lost_or_failed(render: PdfRender) -> bool:
    now = timezone.now()
    if render.status == PdfRenderStatus.FAILED:
        return render.attempts < MAX_ATTEMPTS
    if render.status == PdfRenderStatus.RENDERING:
        return render.started_at is not None and render.started_at < now - RENDER_LOST_AFTER
    if render.status == PdfRenderStatus.QUEUED:
        return render.asked_at < now - QUEUED_LOST_AFTER
    return False


def _queue_again(render: PdfRender) -> bool:
    """Queue ``render`` once more, unless somebody else just did (the update decides)."""
    with transaction.atomic():
        moved = PdfRender.objects.filter(
            pk=render.pk, status=render.status, started_at=render.started_at
        ).update(status=PdfRenderStatus.QUEUED, asked_at=timezone.now(), error="")
        if moved:
            pdf_prepare.enqueue(render.pk)
    return bool(moved)


def pdfs_queue(*, workshop: Workshop) -> None:
    """Both PDFs of a closed workshop, drawn ahead of the chief executive's download: called
    where its revision moves (``workshop_touch``), inside that change's transaction."""
    for kind in AHEAD:
        pdf_request(workshop=workshop, kind=kind)


@dataclass(frozen=True)
class PdfProgress:
    state: str  # queued, rendering, ready or failed
    ahead: int  # renders queued before this one, any workshop's
    elapsed_ms: int
    expected_ms: int

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "ahead": self.ahead,
            "elapsed_ms": self.elapsed_ms,
            "expected_ms": self.expected_ms,
        }


def pdf_progress(
    *, kind: str, workshop: Workshop | None = None, subject: Subject | None = None
) -> PdfProgress:
    """Where the PDF of the workshop as it is now stands, for the preparing page. Asking is
    idempotent, so a poll also recovers a render whose worker was lost."""
    key = _key(subject := _subject(workshop, subject), kind)
    expected = _expected_ms(kind)
    if _path(subject, key).exists():
        return PdfProgress("ready", 0, 0, expected)
    render = pdf_request(kind=kind, subject=subject)
    now = timezone.now()
    if render.status == PdfRenderStatus.QUEUED:
        ahead = PdfRender.objects.filter(
            Q(asked_at__lt=render.asked_at) | Q(status=PdfRenderStatus.RENDERING),
            status__in=(PdfRenderStatus.QUEUED, PdfRenderStatus.RENDERING),
        ).count()
        return PdfProgress("queued", ahead, _ms(now - render.asked_at), expected)
    if render.status == PdfRenderStatus.RENDERING:
        return PdfProgress("rendering", 0, _ms(now - render.started_at), expected)
    return PdfProgress(render.status, 0, 0, expected)


def _expected_ms(kind: str) -> int:
    """How long the last few renders of this kind took (the median), to pace the bar."""
    recent = list(
        PdfRender.objects.filter(kind=kind, render_ms__isnull=False)
        .order_by("-finished_at")
        .values_list("render_ms", flat=True)[:20]
    )
    return int(statistics.median(recent)) if recent else EXPECTED_MS


def _ms(delta: datetime.timedelta) -> int:
    return max(0, int(delta.total_seconds() * 1000))
