"""Step 3: challenge the evidence, record the consensus."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse

from assessments.forms.workshops import ChallengeForm, ConsensusForm
from assessments.pages import workshop_page
from assessments.services import consensus as services
from assessments.services.workshop import Conflict
from assessments.views.fetch import (
    actor_in,
    back,
    barrier_get,
    errors_of,
    form_post,
    rating_get,
    workshop_get,
)
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@form_post
def challenge_add(request: OrganisationRequest, code, rating) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_rating = rating_get(workshop, rating)
    form = ChallengeForm(request.POST)
    # Refused, the challenge comes back in its own box, as typed, with the reason.
    bound = {("challenge", the_rating.code): form}
    if not form.is_valid():
        messages.error(request, "Write your challenge (up to 1,000 characters).")
        return workshop_page(request, workshop, bound=bound, status=400)
    try:
        services.challenge_add(
            workshop=workshop,
            rating=the_rating,
            text=form.cleaned_data["text"],
            actor=actor_in(request, workshop),
        )
    except ValidationError as e:
        form.add_error(None, errors_of(e))
        return workshop_page(request, workshop, bound=bound, status=400)
    except PermissionDenied as e:
        # The workshop moved on from step 3 while this was typed (the page says so beside
        # the box; without JavaScript this is where they learn it): what they wrote comes
        # back in the message, since the page they land on has no box to put it in.
        messages.error(
            request,
            f"{e} Your challenge was not added. What you wrote: “{form.cleaned_data['text']}”",
        )
        return workshop_page(request, workshop, status=403)
    return back(request, workshop, f"barrier-{the_rating.barrier.slug}")


@organisation_view
@form_post
def consensus_record(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = barrier_get(workshop, barrier)
    form = ConsensusForm(request.POST)
    if not form.is_valid():
        return workshop_page(request, workshop, bound={("consensus", barrier): form}, status=400)
    try:
        services.consensus_record(
            workshop=workshop,
            barrier=the_barrier,
            stage=form.cleaned_data["stage"],
            rationale=form.cleaned_data["rationale"],
            lock=form.cleaned_data["lock"],
            actor=actor_in(request, workshop),
        )
    except Conflict as e:
        # Keep what they typed; tell them what it is now and let them save again on top.
        current = e.current
        data = request.POST.copy()
        data["lock"] = current.lock if current else 0
        return workshop_page(
            request,
            workshop,
            bound={("consensus", barrier): ConsensusForm(data)},
            status=409,
            conflict={"barrier": the_barrier, "current": current},
        )
    except ValidationError as e:
        form.add_error(None, errors_of(e))
        return workshop_page(request, workshop, bound={("consensus", barrier): form}, status=400)
    except PermissionDenied as e:
        # The workshop moved on from step 3 while this was typed: the page it lands on has
        # no consensus form, so what they wrote comes back in the message.
        said = form.cleaned_data["rationale"]
        messages.error(
            request,
            f"{e} The consensus for {the_barrier.name} was not recorded."
            + (f" What you wrote: “{said}”" if said else ""),
        )
        return workshop_page(request, workshop, status=403)
    return back(request, workshop, f"barrier-{barrier}")
