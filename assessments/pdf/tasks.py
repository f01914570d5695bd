"""The task a worker runs to draw a PDF (``python manage.py worker``; README, Operations).

Queued by ``queue.py``, one per render row, whether a workshop's or the roll-up's (what it
is of: ``subjects.py``). The row is claimed with a conditional update (queued to
rendering), so that a render queued twice (a lost worker's, asked again) is still drawn
once.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from assessments.models import PdfRender, PdfRenderStatus
from assessments.pdf import cache
from assessments.pdf.cache import cache_write
from assessments.pdf.subjects import Subject, subject_of

log = logging.getLogger(__name__)

# A PDF drawn without its chart (the export failed or was too slow) is drawn once more
# this much later, while the one with the tables is served.
CHARTS_AGAIN_AFTER = datetime.timedelta(minutes=5)


@task()
def pdf_prepare(render_id: int) -> str:
    """Draw the PDF of render row ``render_id``, if it is still queued."""
    claimed = PdfRender.objects.filter(pk=render_id, status=PdfRenderStatus.QUEUED).update(
        status=PdfRenderStatus.RENDERING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "taken"  # drawn, being drawn by another worker, or gone
    render = PdfRender.objects.defer("data").get(pk=render_id)
    subject = subject_of(render)
    if subject is None:
        # What it is of changed since the ask (the workshop's revision moved, the roll-up
        # shows something else): nobody will ask for this key again.
        render.delete()
        return "superseded"
    if render.release != cache.release_fingerprint():
        log.warning(
            "PDF asked for by release %s, drawn by release %s: upgrade the workers with the "
            "app servers",
            render.release,
            cache.release_fingerprint(),
        )
    started = time.monotonic()
    try:
        drawn = subject.draw(render.kind, as_at=render.as_at)
    except Exception as e:
        PdfRender.objects.filter(pk=render_id).update(
            status=PdfRenderStatus.FAILED, finished_at=timezone.now(), error=repr(e)[:2000]
        )
        log.exception("Could not draw the %s of %s", render.kind, subject)
        raise
    PdfRender.objects.filter(pk=render_id).update(
        status=PdfRenderStatus.READY,
        data=drawn.data,
        charts_complete=drawn.charts_complete,
        finished_at=timezone.now(),
        render_ms=int((time.monotonic() - started) * 1000),
    )
    _keep(render, subject, drawn.data, drawn.charts_complete)
    if not drawn.charts_complete:
        pdf_charts_again.using(run_after=timezone.now() + CHARTS_AGAIN_AFTER).enqueue(render_id)
    return "ready"


@task()
def pdf_charts_again(render_id: int) -> str:
    """Draw once more a PDF that came without its chart; the one with tables stays served
    until this one is in."""
    claimed = PdfRender.objects.filter(
        pk=render_id, status=PdfRenderStatus.READY, charts_complete=False, attempts__lt=2
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "taken"
    render = PdfRender.objects.defer("data").get(pk=render_id)
    subject = subject_of(render)
    if subject is None:
        return "superseded"
    drawn = subject.draw(render.kind, as_at=render.as_at)
    if not drawn.charts_complete:
        return "still without charts"
    PdfRender.objects.filter(pk=render_id).update(data=drawn.data, charts_complete=True)
    _keep(render, subject, drawn.data, True)
    return "ready"


def _keep(render: PdfRender, subject: Subject, data: bytes, charts_complete: bool) -> None:
    if charts_complete:
        path = subject.path(render.kind, release=render.release, as_at=render.as_at)
        cache_write(path, data, kind=render.kind)
    # Earlier revisions, days and releases of this document are never served again.
    subject.earlier(render).exclude(pk=render.pk).exclude(
        status__in=(PdfRenderStatus.QUEUED, PdfRenderStatus.RENDERING)
    ).delete()
    subject.disk_tidy(render)
