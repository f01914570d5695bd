"""Rendering the two PDFs of a workshop, and the corporate roll-up, with WeasyPrint.

Both are tagged PDF/UA-1 documents with the language and title set, as UK
public bodies must publish accessible documents. Nothing is fetched from
the network while rendering: stylesheets are inlined, fonts are the
system's, charts are SVG made here.

Secrecy: the context comes from the same selectors as the pages, so before
the reveal no PDF carries an individual rating or evidence.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from assessments.models import Workshop
from assessments.pdf import context as pdf_context
from assessments.pdf import tagging
from assessments.selectors.rollup import STAGES, Rollup, level_label

KINDS = ("wallchart", "report")
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "reports"
STATIC = Path(__file__).resolve().parent.parent.parent / "static"


class LocalFetcher(URLFetcher):
    """Inline data, and files of the project's report templates and static folder; nothing else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"})

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlparse(url).path)).resolve()
            if not (path.is_relative_to(TEMPLATES) or path.is_relative_to(STATIC)):
                raise ValueError(f"Not a local static file: {url}")
        return super().fetch(url, headers)


class RenderedPdf(NamedTuple):
    data: bytes
    # False when a chart could not be exported: the PDF has its tables and a note instead.
    charts_complete: bool


# The wall chart's type, in quarter points: the largest size that keeps the whole chart on
# one A3 page (README, "The PDFs"). The Audit Commission's original, six barriers and
# 23,600 characters of model text, fits at 6.5 pt in Nimbus Sans Narrow (fonts-urw-base35):
# 8 pt would need about 1.5 sheets, so the aim of 8 pt holds only for fewer barriers, or
# the sheet printed on A2 (141 %: 9.2 pt). An adapted model with more words gets smaller
# type, down to WALLCHART_TYPE_MIN, rather than a second page.
WALLCHART_TYPE_MAX = 12.0
WALLCHART_TYPE_MIN = 5.0
WALLCHART_TYPE_STEP = 0.25
# Calibrated on the original (6.5 pt at 23,600 characters): the first size tried, so that
# most charts are laid out twice (this size, and one step up that does not fit).
WALLCHART_TYPE_GUESS = 6.5 * 23_600**0.5

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}


def pdf_render(workshop: Workshop, kind: str, *, as_at: datetime.date | None = None) -> RenderedPdf:
    """Draw the PDF ``kind`` of ``workshop`` as at the day ``as_at`` (today): seconds of CPU,
    so only a task worker calls it (``assessments/pdf/tasks.py``), never a request."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "wallchart":
        context = pdf_context.wallchart_context(workshop, as_at=as_at)
        document = _wallchart_fitted(context)
    else:
        context = pdf_context.report_context(workshop, as_at=as_at)
        document = _layout("report", context)
    return RenderedPdf(
        data=tagging.pdf_write(document, **PDF_OPTIONS),
        charts_complete=not context.get("charts_missing"),
    )


# Each stage's pattern on the roll-up, as its page's key says it (static/css/rollup.css).
STAGE_PATTERNS = {"starting": "dots", "developing": "stripes", "consolidating": "crossed"}


def rollup_pdf(organisation, rollup: Rollup) -> bytes:
    """The roll-up as a person's page shows it, on A3 landscape sheets: a task worker's."""
    context = {
        "organisation": organisation,
        "rollup": rollup,
        "stages": STAGES,
        "key": [(value, label, STAGE_PATTERNS[value]) for value, label in STAGES],
        "level_label": level_label(rollup.level) if rollup.level is not None else "",
    }
    return tagging.pdf_write(_layout("rollup", context), **PDF_OPTIONS)


def _layout(kind: str, context: dict):
    """The laid-out pages of ``kind``: only local files and inline data, never the network."""
    context["stylesheet"] = (TEMPLATES / f"{kind}.css").read_text(encoding="utf-8")
    html = render_to_string(f"reports/{kind}.html", context)
    return HTML(string=html, base_url=str(TEMPLATES), url_fetcher=LocalFetcher()).render(
        **PDF_OPTIONS
    )


def _wallchart_fitted(context: dict):
    """The wall chart at the largest type that keeps it on one page (a layout takes about
    0.3 s: from a first guess, up while it fits, down until it does)."""

    def laid_out(size: float):
        context["type_size"] = f"{size:g}"
        return _layout("wallchart", context)

    size = _wallchart_first_size(context)
    document = laid_out(size)
    if len(document.pages) == 1:
        while size + WALLCHART_TYPE_STEP <= WALLCHART_TYPE_MAX:
            larger = laid_out(size + WALLCHART_TYPE_STEP)
            if len(larger.pages) > 1:
                break
            size, document = size + WALLCHART_TYPE_STEP, larger
    else:
        while len(document.pages) > 1 and size - WALLCHART_TYPE_STEP >= WALLCHART_TYPE_MIN:
            size -= WALLCHART_TYPE_STEP
            document = laid_out(size)
    context["type_size"] = f"{size:g}"
    return document


def _wallchart_first_size(context: dict) -> float:
    """A first size from the amount of model text (type area goes with the square of the
    size), in steps of WALLCHART_TYPE_STEP within the bounds."""
    characters = 0
    for row in context["rows"]:
        barrier = row["barrier"]
        characters += len(barrier.name) + len(barrier.symptom) + len(barrier.breakthrough_title)
        characters += sum(len(p.text) + 1 for p in barrier.points.all())
        for cell in barrier.stages.all():
            characters += len(cell.headline) + len(cell.note)
            characters += sum(len(d.text) + 1 for d in cell.descriptors.all())
    size = WALLCHART_TYPE_GUESS / max(characters, 1) ** 0.5
    size = WALLCHART_TYPE_STEP * int(size / WALLCHART_TYPE_STEP)
    return min(max(size, WALLCHART_TYPE_MIN), WALLCHART_TYPE_MAX)
