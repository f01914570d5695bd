from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.selectors.series import organisation_dashboard
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@require_safe
def organisation_home(request: OrganisationRequest) -> HttpResponse:
    context = organisation_dashboard(organisation=request.organisation)
    return render(request, "organisations/home.html", context)
