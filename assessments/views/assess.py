"""Step 2: each participant's own rating, saved as a draft while they type; the reveal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from assessments.forms.workshops import RatingForm
from assessments.models import Step
from assessments.pages import workshop_page
from assessments.selectors.workshops import still_to_rate, workshop_progress
from assessments.services import assess as services
from assessments.views.fetch import (
    actor_in,
    back,
    barrier_get,
    errors_of,
    form_post,
    participant_by_email,
    workshop_get,
)
from assessments.views.setup import refused
from breakthrough.middleware import answers_json
from organisations.access import OrganisationRequest, organisation_view
from organisations.rules import can


def _typed(request) -> dict:
    """What the person typed into a rating form, for their draft, whatever it holds."""
    return {
        "stage": request.POST.get("stage", ""),
        "evidence": request.POST.get("evidence", ""),
        "descriptor_ids": request.POST.getlist("descriptors"),
    }


@answers_json
@organisation_view
@form_post
def rating_draft(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    """Autosave: keeps what is typed, whatever the step (autosave.js posts here)."""
    workshop = workshop_get(request, code)
    the_barrier = barrier_get(workshop, barrier)
    try:
        services.draft_save(
            workshop=workshop,
            barrier=the_barrier,
            actor=actor_in(request, workshop),
            **_typed(request),
        )
    except ValidationError as e:
        return JsonResponse({"saved": False, "error": errors_of(e)}, status=400)
    return JsonResponse(
        {"saved": True, "at": timezone.localtime().strftime("%H:%M:%S"), "step": workshop.step}
    )


@organisation_view
@form_post
def rating_submit(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = barrier_get(workshop, barrier)
    actor = actor_in(request, workshop)
    on_behalf = request.POST.get("on_behalf_of")
    on_behalf_of = participant_by_email(workshop, on_behalf) if on_behalf else None
    form = RatingForm(request.POST, barrier=the_barrier)

    def refused_with_draft(status: int) -> HttpResponse:
        if on_behalf_of is None and can(actor, "rate", workshop):
            # Whatever was refused, what they typed is kept (a success needs no draft).
            services.draft_save(
                workshop=workshop, barrier=the_barrier, actor=actor, **_typed(request)
            )
        return workshop_page(request, workshop, bound={("rating", barrier): form}, status=status)

    if not form.is_valid():
        return refused_with_draft(400)
    try:
        services.rating_submit(
            workshop=workshop,
            barrier=the_barrier,
            stage=form.cleaned_data["stage"],
            evidence=form.cleaned_data["evidence"],
            descriptor_ids=form.cleaned_data["descriptors"],
            actor=actor,
            on_behalf_of=on_behalf_of,
        )
    except PermissionDenied as e:
        if not can(actor, "rate", workshop) and on_behalf_of is None:
            raise
        messages.error(request, str(e))
        return refused_with_draft(403)
    except ValidationError as e:
        form.add_error(None, errors_of(e))
        return refused_with_draft(400)
    who = "" if on_behalf_of is None else f" for {on_behalf_of.user.get_full_name()}"
    messages.success(request, f"Rating for {the_barrier.name} submitted{who}.")
    if workshop.is_revealed:
        messages.info(request, "Everyone has rated every barrier: the ratings are revealed.")
        return back(request, workshop)
    return back(request, workshop, f"barrier-{barrier}")


@organisation_view
@form_post
def ratings_reveal(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    actor = actor_in(request, workshop)
    if (
        request.POST.get("confirm") != "yes"
        and workshop.step == Step.ASSESS
        and can(actor, "facilitate", workshop)
    ):
        waiting = still_to_rate(workshop_progress(workshop))
        if waiting:
            # The reveal closes the individual assessment for good: nobody can rate after
            # it. One click on a projector should not leave half the room out, so ask.
            return workshop_page(request, workshop, still_to_rate=waiting)
    try:
        services.ratings_reveal(workshop=workshop, actor=actor)
    except ValidationError as e:
        return refused(request, workshop, e)
    return back(request, workshop)
