"""The task a worker runs to draw a PDF (``python manage.py worker``; README, Operations).

Queued by ``queue.py``, one per render row. The row is claimed with a conditional update
(queued to rendering), so that a render queued twice (a lost worker's, asked again) is
still drawn once.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.db.models import F
from django.utils import timezone
from django_tasks import task

from assessments.documents import document_draw
from assessments.models import PdfRender, PdfRenderStatus, Workshop
from assessments.pdf import cache
from assessments.pdf.cache import cache_path, cache_write

log = logging.getLogger(__name__)

# A PDF drawn without its chart (the export failed or was too slow) is drawn once more
# this much later, while the one with the tables is served.
CHARTS_AGAIN_AFTER = datetime.timedelta(minutes=5)


def _workshop(render: PdfRender) -> Workshop:
    return Workshop.objects.select_related("organisation", "model_version").get(
        pk=render.workshop_id
    )


@task()
def pdf_prepare(render_id: int) -> str:
    """Draw the PDF of render row ``render_id``, if it is still queued."""
    claimed = PdfRender.objects.filter(pk=render_id, status=PdfRenderStatus.QUEUED).update(
        status=PdfRenderStatus.RENDERING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "taken"  # drawn, being drawn by another worker, or gone
    render = PdfRender.objects.defer("data").get(pk=render_id)
    workshop = _workshop(render)
    if workshop.revision != render.revision:
        # The workshop changed since the ask: nobody will ask for this revision again (a
        # download asks for the current one; a closed workshop's change queued its own).
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
        drawn = document_draw(workshop, render.kind, as_at=render.as_at)
    except Exception as e:
        PdfRender.objects.filter(pk=render_id).update(
            status=PdfRenderStatus.FAILED, finished_at=timezone.now(), error=repr(e)[:2000]
        )
        log.exception("Could not draw the %s of workshop %s", render.kind, workshop.code)
        raise
    PdfRender.objects.filter(pk=render_id).update(
        status=PdfRenderStatus.READY,
        data=drawn.data,
        charts_complete=drawn.charts_complete,
        finished_at=timezone.now(),
        render_ms=int((time.monotonic() - started) * 1000),
    )
    _keep(render, workshop, drawn.data, drawn.charts_complete)
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
    workshop = _workshop(render)
    if workshop.revision != render.revision:
        return "superseded"
    drawn = document_draw(workshop, render.kind, as_at=render.as_at)
    if not drawn.charts_complete:
        return "still without charts"
    PdfRender.objects.filter(pk=render_id).update(data=drawn.data, charts_complete=True)
    _keep(render, workshop, drawn.data, True)
    return "ready"


def _keep(render: PdfRender, workshop: Workshop, data: bytes, charts_complete: bool) -> None:
    if charts_complete:
        path = cache_path(
            workshop=workshop,
            kind=render.kind,
            revision=render.revision,
            release=render.release,
            as_at=render.as_at,
        )
        cache_write(path, data, kind=render.kind)
    # Earlier revisions, days and releases of this document are never served again.
    PdfRender.objects.filter(
        workshop_id=render.workshop_id, kind=render.kind, revision__lte=render.revision
    ).exclude(pk=render.pk).exclude(
        status__in=(PdfRenderStatus.QUEUED, PdfRenderStatus.RENDERING)
    ).delete()
