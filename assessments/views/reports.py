from django.http import HttpResponse
from django.views.decorators.http import require_GET

from assessments.pdf.render import pdf_filename, pdf_for
from assessments.views.fetch import workshop_get
from organisations.access import OrganisationRequest, organisation_view


def _download(request: OrganisationRequest, code, kind: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    response = HttpResponse(pdf_for(workshop=workshop, kind=kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(workshop, kind)}"'
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
