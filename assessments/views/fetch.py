"""Every object a workshop view works on, fetched through the request's organisation: a
404 for anything that is not this organisation's, exactly as for something that does not
exist (nothing leaks about another council's workshops)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from assessments.models import Action, Participant, Rating, Workshop
from assessments.selectors.workshops import workshop_actor, workshop_barrier
from model_content.models import Barrier
from organisations.access import OrganisationRequest
from organisations.rules import Actor


def workshop_get(request: OrganisationRequest, code) -> Workshop:
    workshop = (
        Workshop.objects.select_related("model_version")
        .filter(organisation=request.organisation, code=code)
        .first()
    )
    if workshop is None:
        raise Http404("No such workshop")
    workshop.organisation = request.organisation
    return workshop


def workshop_chosen(request: OrganisationRequest, code: str | None) -> Workshop | None:
    """The organisation's workshop a filter names, or None for no filter: a code that is
    malformed or names none of the organisation's workshops narrows nothing (and says
    nothing about anybody else's)."""
    try:
        code = uuid.UUID(code) if code else None
    except ValueError:
        return None
    if code is None:
        return None
    return Workshop.objects.filter(organisation=request.organisation, code=code).first()


def actor_in(request: OrganisationRequest, workshop: Workshop) -> Actor:
    """Who the person asking is in ``workshop``, for the rules."""
    return workshop_actor(workshop=workshop, user=request.user, role=request.membership.role)


def barrier_get(workshop: Workshop, slug: str) -> Barrier:
    barrier = workshop_barrier(workshop, slug)
    if barrier is None:
        raise Http404("No such barrier in this workshop")
    return barrier


def rating_get(workshop: Workshop, code) -> Rating:
    rating = (
        Rating.objects.filter(participant__workshop=workshop, code=code)
        .select_related("barrier", "participant")
        .first()
    )
    if rating is None:
        raise Http404("No such rating")
    return rating


def action_get(request: OrganisationRequest, code) -> Action:
    action = (
        Action.objects.filter(workshop__organisation=request.organisation, code=code)
        .select_related("workshop", "barrier", "responsible")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def participant_by_email(workshop: Workshop, email: str) -> Participant:
    participant = workshop.participants.filter(user__email__iexact=email).first()
    if participant is None:
        raise Http404("No such participant")
    return participant


def back(request: OrganisationRequest, workshop: Workshop, anchor: str = "") -> HttpResponse:
    url = reverse(
        "workshop_detail", kwargs={"org": request.organisation.slug, "code": workshop.code}
    )
    return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""))


def errors_of(e: ValidationError) -> str:
    return " ".join(e.messages)


def form_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form's address answers POST. Reopened from the address bar (a reloaded tab, the
    history, a phone restoring its tabs) it answers GET with the page the form was on, at
    its barrier's card, instead of a blank 405. Every object the address names is still
    fetched through the organisation first, so another's answers 404 as before."""

    @wraps(view)
    def wrapper(request: OrganisationRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            return view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["POST"])
        if "code" not in kwargs:  # the tracker's own forms
            action_get(request, kwargs["action"])
            return redirect("action_tracker", request.organisation.slug)
        workshop = workshop_get(request, kwargs["code"])
        if "action" in kwargs:
            action_get(request, kwargs["action"])
        if "rating" in kwargs:
            rating_get(workshop, kwargs["rating"])
        anchor = ""
        if "barrier" in kwargs:
            anchor = f"barrier-{barrier_get(workshop, kwargs['barrier']).slug}"
        return back(request, workshop, anchor)

    wrapper.form_post = True  # the form-address test finds every form by it
    return wrapper
