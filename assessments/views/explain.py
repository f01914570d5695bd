"""Step 1: each participant confirms they understand the model."""

from django.http import HttpResponse

from assessments.services import explain as services
from assessments.views.fetch import actor_in, back, form_post, workshop_get
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@form_post
def understanding_confirm(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    services.understanding_confirm(workshop=workshop, actor=actor_in(request, workshop))
    return back(request, workshop)
