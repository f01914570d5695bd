from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.selectors.workshops import workshops_of
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@require_safe
def organisation_home(request: OrganisationRequest) -> HttpResponse:
    return render(
        request,
        "organisations/home.html",
        {"workshops": workshops_of(organisation=request.organisation)},
    )
