"""The two PDFs: served once a task worker has drawn them, a preparing page until then.

Request workers never draw a PDF (``assessments/pdf/queue.py`` says why): a download of a
PDF not drawn yet asks for it and answers a page that follows the render (``pdf_wait.js``
polls the status endpoint, then fetches the file; without JavaScript the page refreshes).
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessments.models import PdfRenderStatus
from assessments.pdf import queue
from assessments.pdf.render import pdf_filename
from assessments.views.fetch import workshop_get
from breakthrough.middleware import answers_json
from organisations.access import OrganisationRequest, organisation_view

NAMES = {"wallchart": "wall chart", "report": "report"}
URL_NAMES = {"wallchart": "wallchart_pdf", "report": "report_pdf"}
# How long the preparing page waits before refreshing itself (without JavaScript).
REFRESH_AFTER = 3  # seconds


def _download(request: OrganisationRequest, code, kind: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    data = queue.pdf_ready(workshop=workshop, kind=kind)
    progress = None
    if data is None:
        progress = queue.pdf_progress(workshop=workshop, kind=kind)  # asks for it
        if progress.state == "ready":  # drawn a moment ago
            data = queue.pdf_ready(workshop=workshop, kind=kind)
    if data is not None:
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(workshop, kind)}"'
        response["Cache-Control"] = "private, no-cache"
        return response
    failed = progress.state == PdfRenderStatus.FAILED
    kwargs = {"org": request.organisation.slug, "code": workshop.code}
    response = render(
        request,
        "reports/preparing.html",
        {
            "workshop": workshop,
            "kind": kind,
            "name": NAMES[kind],
            "progress": progress,
            "failed": failed,
            "refresh_after": REFRESH_AFTER,
            "pdf_url": reverse(URL_NAMES[kind], kwargs=kwargs),
            "status_url": reverse(f"{kind}_pdf_status", kwargs=kwargs),
            "workshop_url": reverse("workshop_detail", kwargs=kwargs),
        },
        # 202: asked for and being prepared; a render that failed for good is our error.
        status=500 if failed else 202,
    )
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(REFRESH_AFTER)
    return response


@organisation_view
@require_GET
def wallchart_pdf(request: OrganisationRequest, code) -> HttpResponse:
    """The A3 wall chart, for facilitators, members and viewers of the organisation."""
    return _download(request, code, "wallchart")


@organisation_view
@require_GET
def report_pdf(request: OrganisationRequest, code) -> HttpResponse:
    """The chief executive's report, A4."""
    return _download(request, code, "report")


def _status(request: OrganisationRequest, code, kind: str) -> JsonResponse:
    workshop = workshop_get(request, code)
    progress = queue.pdf_progress(workshop=workshop, kind=kind)
    return JsonResponse(progress.as_json(), headers={"Cache-Control": "no-store"})


@answers_json
@organisation_view
@require_GET
def wallchart_pdf_status(request: OrganisationRequest, code) -> JsonResponse:
    """Where the wall chart's render stands, for the preparing page (``pdf_wait.js``)."""
    return _status(request, code, "wallchart")


@answers_json
@organisation_view
@require_GET
def report_pdf_status(request: OrganisationRequest, code) -> JsonResponse:
    """Where the report's render stands, for the preparing page (``pdf_wait.js``)."""
    return _status(request, code, "report")
