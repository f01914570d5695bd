from django.http import HttpResponse
from django.shortcuts import render

from assessments.access import OrganisationRequest, organisation_view


@organisation_view()
def organisation_home(request: OrganisationRequest) -> HttpResponse:
    workshops = request.organisation.workshops.select_related("lead_facilitator")
    return render(request, "organisations/home.html", {"workshops": workshops})
