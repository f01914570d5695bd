"""Step 4: the target and the key actions of each barrier."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse

from assessments.forms.workshops import ActionForm, TargetForm
from assessments.pages import workshop_page
from assessments.services import outcome as services
from assessments.views.fetch import (
    action_get,
    actor_in,
    back,
    barrier_get,
    errors_of,
    form_post,
    workshop_get,
)
from organisations.access import OrganisationRequest, organisation_view
from organisations.forms import refusal_onto


@organisation_view
@form_post
def target_record(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = barrier_get(workshop, barrier)
    form = TargetForm(request.POST)
    if not form.is_valid():
        return workshop_page(request, workshop, bound={("target", barrier): form}, status=400)
    try:
        services.target_record(
            workshop=workshop,
            barrier=the_barrier,
            stage=form.cleaned_data["stage"],
            fewer_actions_reason=form.cleaned_data["fewer_actions_reason"],
            actor=actor_in(request, workshop),
        )
    except ValidationError as e:
        form.add_error(None, errors_of(e))
        return workshop_page(request, workshop, bound={("target", barrier): form}, status=400)
    return back(request, workshop, f"barrier-{barrier}")


@organisation_view
@form_post
def action_add(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = barrier_get(workshop, barrier)
    form = ActionForm(request.POST, organisation=request.organisation, barrier=the_barrier)
    if not form.is_valid():
        return workshop_page(request, workshop, bound={("action", barrier): form}, status=400)
    try:
        services.action_add(
            workshop=workshop,
            barrier=the_barrier,
            actor=actor_in(request, workshop),
            **form.cleaned_data,
        )
    except ValidationError as e:
        refusal_onto(form, e)
        return workshop_page(request, workshop, bound={("action", barrier): form}, status=400)
    return back(request, workshop, f"barrier-{barrier}")


@organisation_view
@form_post
def action_remove(request: OrganisationRequest, code, action) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_action = action_get(request, action)
    if the_action.workshop_id != workshop.pk:
        raise Http404("No such action in this workshop")
    services.action_remove(workshop=workshop, action=the_action, actor=actor_in(request, workshop))
    return back(request, workshop, f"barrier-{the_action.barrier.slug}")
