"""Every document a person downloads: of a workshop, the A3 wall chart and the report as
PDF, the report as Word, the action plan and the ratings as a workbook and as CSV files; of
the organisation, the corporate roll-up as an A3 PDF and a workbook.

All of them are drawn by the task worker and kept as ``assessments/pdf/`` keeps the PDFs
(one render row per workshop revision, day, release and kind; a preparing page until it is
drawn), and downloaded by the same people: anyone of the organisation, as the PDFs; the
roll-up's by those who may read the roll-up, as its page. This module says what each is
called, what type of file it is, and what draws it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.text import slugify

from assessments.models import PdfKind, Workshop
from assessments.office import sheets, word
from assessments.pdf import render as pdf_render
from assessments.selectors.rollup import Rollup

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Document:
    kind: str
    name: str  # as a sentence says it: "Preparing the {name}…"
    link: str  # the download link's words, its type and size said
    slug: str  # the end of the file's name
    extension: str
    content_type: str


DOCUMENTS = {
    d.kind: d
    for d in (
        Document(
            PdfKind.WALLCHART, "wall chart", "Wall chart (PDF, A3)", "wall-chart", "pdf",
            "application/pdf",
        ),
        Document(
            PdfKind.REPORT, "report", "Report (PDF, A4)", "report", "pdf", "application/pdf"
        ),
        Document(
            PdfKind.REPORT_DOCX, "Word report", "Report (Word)", "report", "docx", DOCX
        ),
        Document(
            PdfKind.WORKBOOK, "action plan and ratings workbook",
            "Action plan and ratings (Excel)", "action-plan-and-ratings", "xlsx", XLSX,
        ),
        Document(
            PdfKind.ACTIONS_CSV, "action plan as CSV", "Action plan (CSV)", "action-plan",
            "csv", "text/csv; charset=utf-8",
        ),
        Document(
            PdfKind.RATINGS_CSV, "ratings as CSV", "Ratings (CSV)", "ratings", "csv",
            "text/csv; charset=utf-8",
        ),
        Document(
            PdfKind.ROLLUP, "roll-up", "Roll-up (PDF, A3)", "roll-up", "pdf", "application/pdf"
        ),
        Document(
            PdfKind.ROLLUP_XLSX, "roll-up workbook", "Roll-up (Excel)", "roll-up", "xlsx", XLSX
        ),
    )
}  # fmt: skip


class Drawn(NamedTuple):
    data: bytes
    # False when a chart could not be exported: the document has its tables and a note
    # instead, and the worker draws it again a few minutes later.
    charts_complete: bool


def document_filename(workshop: Workshop, kind: str) -> str:
    document = DOCUMENTS[kind]
    return (
        f"{workshop.organisation.slug}-{slugify(workshop.title)[:60]}-"
        f"{workshop.date:%Y-%m-%d}-{document.slug}.{document.extension}"
    )


def document_draw(workshop: Workshop, kind: str, *, as_at: datetime.date) -> Drawn:
    """Draw the document ``kind`` of ``workshop`` as at ``as_at``: only a task worker calls
    it (``assessments/pdf/tasks.py``), never a request."""
    if kind in (PdfKind.WALLCHART, PdfKind.REPORT):
        drawn = pdf_render.pdf_render(workshop, kind, as_at=as_at)
        return Drawn(drawn.data, drawn.charts_complete)
    if kind == PdfKind.REPORT_DOCX:
        return Drawn(*word.report_docx(workshop, as_at=as_at))
    if kind == PdfKind.WORKBOOK:
        return Drawn(sheets.workbook_bytes(workshop, as_at=as_at), True)
    if kind == PdfKind.ACTIONS_CSV:
        return Drawn(sheets.actions_csv(workshop, as_at=as_at), True)
    if kind == PdfKind.RATINGS_CSV:
        return Drawn(sheets.ratings_csv(workshop, as_at=as_at), True)
    raise ValueError(kind)


def rollup_filename(organisation, rollup: Rollup, kind: str) -> str:
    document = DOCUMENTS[kind]
    level = "" if rollup.level is None else f"-level-{rollup.level}"
    return (
        f"{organisation.slug}-{document.slug}{level}-{rollup.today:%Y-%m-%d}.{document.extension}"
    )


def rollup_draw(organisation, rollup: Rollup, kind: str) -> Drawn:
    """Draw the roll-up document ``kind``: only a task worker calls it, never a request."""
    if kind == PdfKind.ROLLUP:
        return Drawn(pdf_render.rollup_pdf(organisation, rollup), True)
    if kind == PdfKind.ROLLUP_XLSX:
        return Drawn(sheets.rollup_workbook_bytes(organisation, rollup), True)
    raise ValueError(kind)
