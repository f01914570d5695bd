"""The documents of a workshop (``assessments/documents.py``: the two PDFs, the Word report,
the spreadsheets): served once a task worker has drawn them, a preparing page until then.
The roll-up's documents are served the same way (``document_response``; ``rollup.py``).

Request workers never draw a document (``assessments/pdf/queue.py`` says why): a download
of one not drawn yet asks for it and answers a page that follows the render
(``pdf_wait.js`` polls the status endpoint, then fetches the file; without JavaScript the
page refreshes). Anyone of the organisation downloads any of them, viewers included; what
each may show before the reveal is decided by the reads they are drawn from.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessments.documents import DOCUMENTS
from assessments.models import PdfKind, PdfRenderStatus
from assessments.pdf import queue
from assessments.pdf.subjects import Subject, WorkshopDocuments
from assessments.views.fetch import workshop_get
from breakthrough.middleware import answers_json
from organisations.access import OrganisationRequest, organisation_view

# Each document's address, by name (``assessments/urls/reports.py``); its status is
# "<name>_status".
URL_NAMES = {
    PdfKind.WALLCHART: "wallchart_pdf",
    PdfKind.REPORT: "report_pdf",
    PdfKind.REPORT_DOCX: "report_docx",
    PdfKind.WORKBOOK: "workbook_xlsx",
    PdfKind.ACTIONS_CSV: "actions_csv",
    PdfKind.RATINGS_CSV: "ratings_csv",
}
# How long the preparing page waits before refreshing itself (without JavaScript).
REFRESH_AFTER = 3  # seconds


def _download(request: OrganisationRequest, code, kind: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    kwargs = {"org": request.organisation.slug, "code": workshop.code}
    return document_response(
        request,
        WorkshopDocuments(workshop),
        kind,
        pdf_url=reverse(URL_NAMES[kind], kwargs=kwargs),
        status_url=reverse(f"{URL_NAMES[kind]}_status", kwargs=kwargs),
        back_url=reverse("workshop_detail", kwargs=kwargs),
        back_label=workshop.title,
    )


def document_response(
    request: OrganisationRequest,
    subject: Subject,
    kind: str,
    *,
    pdf_url: str,
    status_url: str,
    back_url: str,
    back_label: str,
) -> HttpResponse:
    """The document ``kind`` of ``subject`` if drawn; else, having asked for it, the page
    that follows its render (``pdf_url`` and ``status_url`` say where, and ``back_url``
    leads back to what it is of)."""
    data = queue.pdf_ready(subject=subject, kind=kind)
    progress = None
    if data is None:
        progress = queue.pdf_progress(subject=subject, kind=kind)  # asks for it
        if progress.state == "ready":  # drawn a moment ago
            data = queue.pdf_ready(subject=subject, kind=kind)
    if data is not None:
        document = DOCUMENTS[kind]
        response = HttpResponse(data, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{subject.filename(kind)}"'
        response["Cache-Control"] = "private, no-cache"
        return response
    failed = progress.state == PdfRenderStatus.FAILED
    response = render(
        request,
        "reports/preparing.html",
        {
            "kind": kind,
            "name": DOCUMENTS[kind].name,
            "progress": progress,
            "failed": failed,
            "refresh_after": REFRESH_AFTER,
            "pdf_url": pdf_url,
            "status_url": status_url,
            "back_url": back_url,
            "back_label": back_label,
        },
        # 202: asked for and being prepared; a render that failed for good is our error.
        status=500 if failed else 202,
    )
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(REFRESH_AFTER)
    return response


def document_status_response(subject: Subject, kind: str) -> JsonResponse:
    """Where a document's render stands, for the preparing page (``pdf_wait.js``)."""
    progress = queue.pdf_progress(subject=subject, kind=kind)
    return JsonResponse(progress.as_json(), headers={"Cache-Control": "no-store"})


@organisation_view
@require_GET
def document_download(request: OrganisationRequest, code, kind: str) -> HttpResponse:
    """A document of the workshop (the URL says which), for facilitators, members and
    viewers of the organisation."""
    return _download(request, code, kind)


@answers_json
@organisation_view
@require_GET
def document_status(request: OrganisationRequest, code, kind: str) -> JsonResponse:
    """Where a document's render stands, for the preparing page (``pdf_wait.js``)."""
    workshop = workshop_get(request, code)
    return document_status_response(WorkshopDocuments(workshop), kind)
