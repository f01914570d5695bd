"""Setting up and running a workshop: create it, show it, move its steps, the timebox, who
facilitates and who takes part."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.forms.workshops import (
    PersonForm,
    TimeboxForm,
    WorkshopDetailsForm,
    WorkshopForm,
)
from assessments.pages import workshop_page
from assessments.selectors.workshops import participants_of
from assessments.services import setup as services
from assessments.views.fetch import actor_in, back, errors_of, form_post, unit_get, workshop_get
from model_content.selectors import model_version_current
from organisations.access import OrganisationRequest, organisation_view
from organisations.forms import refusal_onto
from organisations.rules import can, ensure
from organisations.units import top_unit


def refused(request: OrganisationRequest, workshop, e: ValidationError) -> HttpResponse:
    """A rule of the workshop said no: say why on the workshop page, change nothing."""
    messages.error(request, errors_of(e))
    return workshop_page(request, workshop, status=400)


@organisation_view
def workshop_create(request: OrganisationRequest) -> HttpResponse:
    # ?unit=: a workshop of that unit (a directorate, a team); the organisation's own
    # without. The form itself is the unit's facilitators' (the service checks again).
    code = request.GET.get("unit")
    unit = unit_get(request, code) if code else top_unit(request.organisation)
    # A facilitator of some units only: the unit's page sets its workshop up.
    if (
        not code
        and not can(request.actor, "create_workshops", unit)
        and can(request.actor, "create_workshops")
    ):
        messages.info(request, "Choose the unit the workshop is for: its page sets one up.")
        return redirect("units", request.organisation.slug)
    ensure(request.actor, "create_workshops", unit)
    barriers = list(model_version_current(organisation=request.organisation).barriers.all())
    form = WorkshopForm(
        request.POST or None,
        organisation=request.organisation,
        unit=unit,
        barriers=barriers,
        initial={
            "title": "Management team workshop",
            "date": timezone.localdate(),
            "barriers": [b.slug for b in barriers],
            "submission": uuid.uuid4(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(
                organisation=request.organisation,
                actor=request.actor,
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                barrier_slugs=form.cleaned_data["barriers"],
                participants=list(form.cleaned_data["participants"]),
                anonymous=form.cleaned_data["anonymous"],
                auto_reveal=form.cleaned_data["auto_reveal"],
                submission=form.cleaned_data["submission"],
                unit=unit,
            )
        except ValidationError as e:
            form.add_error(None, errors_of(e))
        else:
            messages.success(request, "Workshop set up. Step 1: explain the model.")
            return back(request, workshop)
    status = 400 if request.method == "POST" else 200
    return render(request, "workshops/create.html", {"form": form, "unit": unit}, status=status)


@organisation_view
@require_GET
def workshop_detail(request: OrganisationRequest, code) -> HttpResponse:
    return workshop_page(request, workshop_get(request, code))


@organisation_view
@form_post
def workshop_details(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = WorkshopDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.workshop_details_set(
                workshop=workshop,
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                actor=actor_in(request, workshop),
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(request, "Title and date saved.")
            return back(request, workshop)
    return workshop_page(request, workshop, bound={"details": form}, status=400)


@organisation_view
@form_post
def step_move(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        to = int(request.POST.get("step", ""))
    except ValueError:
        messages.error(request, "Choose a step.")
        return workshop_page(request, workshop, status=400)
    try:
        services.step_move(workshop=workshop, to=to, actor=actor_in(request, workshop))
    except ValidationError as e:
        return refused(request, workshop, e)
    return back(request, workshop)


@organisation_view
@form_post
def timebox_set(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = TimeboxForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a number of minutes between 1 and 180.")
        return workshop_page(request, workshop, status=400)
    try:
        services.timebox_set(
            workshop=workshop,
            minutes=form.cleaned_data["minutes"],
            actor=actor_in(request, workshop),
        )
    except ValidationError as e:
        return refused(request, workshop, e)
    return back(request, workshop)


@organisation_view
@form_post
def facilitators_change(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = PersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a facilitator.")
        return workshop_page(request, workshop, status=400)
    person = (
        get_user_model()
        .objects.filter(
            email__iexact=form.cleaned_data["email"],
            memberships__organisation=request.organisation,
        )
        .first()
    )
    if person is None:
        raise Http404("No such person")
    actor = actor_in(request, workshop)
    change = request.POST.get("action")
    try:
        if change == "lead":
            services.lead_hand_over(workshop=workshop, to=person, actor=actor)
        elif change in ("add", "remove"):
            services.co_facilitator_set(
                workshop=workshop, user=person, add=change == "add", actor=actor
            )
        else:
            messages.error(request, "Choose what to change.")
            return workshop_page(request, workshop, status=400)
    except ValidationError as e:
        return refused(request, workshop, e)
    return back(request, workshop)


@organisation_view
@form_post
def lead_take_over(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        services.lead_take_over(workshop=workshop, actor=actor_in(request, workshop))
    except ValidationError as e:
        return refused(request, workshop, e)
    messages.success(request, "You lead this workshop now.")
    return back(request, workshop)


@organisation_view
@form_post
def participant_add(request: OrganisationRequest, code) -> HttpResponse:
    """Add a member of the organisation, or invite someone new by email, to this workshop."""
    workshop = workshop_get(request, code)
    actor = actor_in(request, workshop)
    form = PersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a valid email address.")
        return workshop_page(request, workshop, status=400)
    email = form.cleaned_data["email"].lower()
    member = (
        get_user_model()
        .objects.filter(email__iexact=email, memberships__organisation=request.organisation)
        .first()
    )
    try:
        if member is not None:
            current = [p.user for p in participants_of(workshop)]
            services.participants_set(workshop=workshop, users=[*current, member], actor=actor)
            messages.success(request, f"{member.get_full_name() or email} now takes part.")
        else:
            invitation, _token = services.participant_invite(
                workshop=workshop, email=email, actor=actor
            )
            messages.success(
                request, f"Invitation sent to {invitation.email}: they join when they accept."
            )
    except ValidationError as e:
        return refused(request, workshop, e)
    return back(request, workshop)
