"""Step 5 and after: the reassessment date and its calendar entry, closing the workshop,
starting the reassessment and reviewing last time's actions."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from assessments.forms.workshops import ReassessForm, review_forms
from assessments.pages import workshop_page
from assessments.selectors import outcome as outcome_selectors
from assessments.services import reassess as services
from assessments.views.fetch import actor_in, back, form_post, workshop_get
from assessments.views.setup import refused
from organisations.access import OrganisationRequest, organisation_view
from organisations.forms import refusal_onto


@organisation_view
@form_post
def actions_review(request: OrganisationRequest, code) -> HttpResponse:
    """Every previous action's status and note, from one form, saved together."""
    workshop = workshop_get(request, code)
    forms = review_forms(outcome_selectors.previous_actions(workshop), request.POST)
    if all(f.is_valid() for f in forms):
        try:
            saved = services.actions_review(
                workshop=workshop,
                reviews=[{"action": f.action, **f.cleaned_data} for f in forms],
                actor=actor_in(request, workshop),
            )
        except ValidationError as e:
            by_code = {str(f.action.code): f for f in forms}
            for key, errors in e.message_dict.items():
                action_code, _, field = key.partition(".")
                form = by_code.get(action_code)
                if form is None:
                    return refused(request, workshop, e)
                form.add_error(field if field in form.fields else None, errors)
        else:
            reviewed = sum(1 for f in forms if f.action.review or f.cleaned_data["status"])
            messages.success(
                request,
                f"Review saved ({saved} changed): {reviewed} of {len(forms)} actions reviewed.",
            )
            return back(request, workshop, "review")
    return workshop_page(request, workshop, bound={"review": forms}, status=400)


@organisation_view
@form_post
def reassessment_date(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = ReassessForm(request.POST)
    if form.is_valid():
        try:
            services.reassessment_date_set(
                workshop=workshop,
                reassess_on=form.cleaned_data["reassess_on"],
                actor=actor_in(request, workshop),
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            return back(request, workshop)
    return workshop_page(request, workshop, bound={"reassess": form}, status=400)


@organisation_view
@require_GET
def reassessment_ics(request: OrganisationRequest, code) -> HttpResponse:
    """The reassessment date as a calendar entry."""
    workshop = workshop_get(request, code)
    if workshop.reassess_on is None:
        raise Http404("No reassessment date yet")
    calendar = Calendar()
    calendar.add("prodid", "-//Breakthrough//Reassessment//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"reassess-{workshop.code}@breakthrough")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", workshop.reassess_on)
    event.add("dtend", workshop.reassess_on + datetime.timedelta(days=1))
    event.add("summary", f"Reassess against the breakthrough model: {workshop.title}")
    event.add(
        "description",
        f"{request.organisation.name}: reassess the organisation against the breakthrough "
        "model. First item: review the actions agreed at the last workshop.",
    )
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="reassessment-{workshop.reassess_on:%Y-%m-%d}.ics"'
    )
    return response


@organisation_view
@form_post
def workshop_close(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        services.workshop_close(workshop=workshop, actor=actor_in(request, workshop))
    except ValidationError as e:
        return refused(request, workshop, e)
    messages.success(request, "The workshop is closed: it is now a read-only record.")
    return back(request, workshop)


@organisation_view
@form_post
def reassessment_start(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        follow_up = services.reassessment_start(workshop=workshop, actor=request.actor)
    except ValidationError as e:
        return refused(request, workshop, e)
    messages.success(request, "Reassessment started: first, review the actions agreed last time.")
    return back(request, follow_up)
