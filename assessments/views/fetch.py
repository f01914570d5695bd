"""Every object a workshop view works on, fetched through the request's organisation: a
404 for anything that is not this organisation's, exactly as for something that does not
exist (nothing leaks about another council's workshops)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from assessments.models import Action, Participant, Rating, Workshop
from assessments.selectors.workshops import workshop_actor, workshop_barrier
from model_content.models import Barrier
from organisations.access import OrganisationRequest, post_or_back
from organisations.models import Unit
from organisations.rules import Actor, sees_outcomes, sees_unit, sees_workshop


def workshop_get(request: OrganisationRequest, code) -> Workshop:
    """The workshop, for someone who sees it in full: anyone of the organisation for one of
    its top unit (every member is in it); in a unit below, its people and whoever took part
    (organisations/rules.py, ``sees_workshop``). Anyone else, a viewer of a unit above
    included (they see its outcomes on the roll-up, never its ratings), gets a 404."""
    workshop = (
        Workshop.objects.select_related("model_version", "unit")
        .filter(organisation=request.organisation, code=code)
        .first()
    )
    if workshop is None:
        raise Http404("No such workshop")
    workshop.organisation = request.organisation
    if not workshop.unit.is_top and not sees_workshop(actor_in(request, workshop), workshop):
        raise Http404("No such workshop")
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
    workshop = (
        Workshop.objects.filter(organisation=request.organisation, code=code)
        .select_related("unit")
        .first()
    )
    if workshop is None or not outcomes_seen(request, workshop.unit):
        return None
    return workshop


def actor_in(request: OrganisationRequest, workshop: Workshop) -> Actor:
    """Who the person asking is in ``workshop``, for the rules."""
    return workshop_actor(
        workshop=workshop,
        user=request.user,
        role=request.membership.role,
        unit_roles=request.actor.unit_roles,
    )


def unit_get(request: OrganisationRequest, code) -> Unit:
    """One of the organisation's units by its code, or 404 (a malformed code too)."""
    try:
        code = uuid.UUID(str(code))
    except ValueError as e:
        raise Http404("No such unit") from e
    unit = Unit.objects.filter(organisation=request.organisation, code=code).first()
    if unit is None:
        raise Http404("No such unit")
    return unit


def unit_seen(request: OrganisationRequest, code: str | None) -> Unit | None:
    """The unit a page is narrowed to, for one of its people (404 for anyone else, as for a
    unit that does not exist); None without a code."""
    if not code:
        return None
    unit = unit_get(request, code)
    if not sees_unit(request.actor, unit):
        raise Http404("No such unit")
    return unit


def outcomes_seen(request: OrganisationRequest, unit) -> bool:
    """Whether the person asking follows the outcomes of ``unit`` (its consensus, targets and
    actions): its own people, and the viewers and facilitators of a unit above it."""
    return unit.is_top or sees_outcomes(request.actor, unit)


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
        .select_related("workshop__unit", "barrier", "responsible")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    # An action is an outcome: its unit's people and those above follow it, and so do the
    # people it names, wherever they are.
    named = request.user.pk in (action.responsible_id, action.accountable_id)
    if not named and not outcomes_seen(request, action.workshop.unit):
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
    """``post_or_back`` for a workshop's and the tracker's forms: reopened, the page the form
    was on, at its barrier's card. Every object the address names is still fetched through
    the organisation first, so another's answers 404 as before."""

    def reopened(request: OrganisationRequest, *args, **kwargs) -> HttpResponse:
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

    wrapper = post_or_back(view, reopened)
    wrapper.form_post = True  # the form-address test finds every form by it
    return wrapper
