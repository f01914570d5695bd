from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.selectors.series import organisation_dashboard
from assessments.selectors.units import scope_of
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@require_safe
def organisation_home(request: OrganisationRequest) -> HttpResponse:
    scope = scope_of(organisation=request.organisation, actor=request.actor)
    context = organisation_dashboard(organisation=request.organisation, scope=scope)
    context["scope"] = scope
    return render(request, "organisations/home.html", context)
