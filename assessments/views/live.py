"""The live wall chart and the state endpoint every open workshop page polls.

Stateless HTTP, so that it works behind any load balancer with several app
servers and nothing else: each page polls ``state/`` every second with the
ETag it last saw. An unchanged workshop answers 304 after one SQL statement,
or none where the process's watch has heard of no change (``_unchanged``,
``assessments/watch.py``); a changed one answers the server-rendered regions the
page asked for, so the page and the poll show the same HTML.

"Unchanged" is judged by what the regions asked for show (``_etag``): a member's
workshop page at step 2 shows the stepper, which changes with the step and not
with each rating submitted, so the submits of the room do not make eleven
pages re-render what they already show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition, require_GET

from assessments import charts
from assessments.kept import kept_for_revision
from assessments.models import Step, Workshop
from assessments.pages import outcome_regions
from assessments.selectors import workshops as selectors
from assessments.selectors.outcome import workshop_outcome
from assessments.views.fetch import actor_in, workshop_get
from assessments.watch import workshop_row
from breakthrough.middleware import answers_json
from model_content.models import Stage
from organisations.access import NO_STORE, OrganisationRequest, organisation_view

# The regions a page may ask the state endpoint for. "outcome" stands for step 3's parts
# of every barrier's card (assessments/pages.py, OUTCOME_PARTS), answered by their own
# names, "outcome/<barrier>/<part>".
REGIONS = ("stepper", "progress", "grid", "charts", "outcome")


# ---------------------------------------------------------------- the 304 path

# A minute: each screen's polls land on every process in turn, and each process checks the
# person in full once per window. At ten seconds about one poll in five went the full way,
# and those took as much of the workers' time as all the one-query 304s together (py-spy
# on a worker in the rooms run, bench/README.md).
AUTHORISED_FOR = 60.0  # seconds


@dataclass(frozen=True)
class _Authorised:
    user_id: int
    workshop_id: int
    facilitator: bool  # sees the progress panel, which changes with every rating submitted
    until: float


# Per process: this session was allowed to read this workshop a moment ago.
# Measured (bench/README.md): loading the session, user and membership on every
# poll caps the 304 at a seventh of a trivial view; with this, a 304 is one query
# (the revision, through the ORM), or none while the process's watch has it. A stale
# entry can only tell a person whose access was withdrawn in the last minute that
# nothing changed: every 200 goes through the full checks below, so nothing new
# reaches them.
_authorised: dict[tuple[str, str, str], _Authorised] = {}


# What the stepper shows (templates/workshops/_stepper.html): the step, whether the
# workshop is closed, the timebox, and whether it has a review step. Read by the 304 path in
# its one query, beside the revision.
STEP_FIELDS = ("step", "closed_at", "timebox_ends_at", "previous_id")
# Regions that may change with anything that moves the revision (a rating submitted, a
# challenge, a consensus); the progress panel too, for whoever sees it.
FOLLOW_REVISION = {"grid", "charts", "outcome"}


def _etag(*, revision: int, step: tuple, user_id: int, regions: str, facilitator: bool) -> str:
    """The version of what ``regions`` show this person. The stepper alone, and a member's
    (empty) progress panel, follow the step fields, not the revision: a submit leaves their
    pages as they are, and only the pages that show it (the facilitator's, the wall chart)
    re-render."""
    asked = set(regions.split(","))
    if asked & FOLLOW_REVISION or ("progress" in asked and facilitator):
        version = f"r{revision}"
    else:
        version = "s" + ".".join(
            repr(v.timestamp()) if hasattr(v, "timestamp") else str(v) for v in step
        )
    # No comma inside: Django's If-None-Match parsing splits the header at commas, and an
    # ETag holding "grid,charts" never matched in a process that had not seen the person.
    return f'W/"{version}-{user_id}-{regions.replace(",", "+")}"'


def _unchanged(request: HttpRequest, org: str, code) -> HttpResponse | None:
    if_none_match = request.headers.get("If-None-Match")
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not if_none_match or not session_key:
        return None
    entry = _authorised.get((session_key, org, str(code)))
    if entry is None or entry.until < time.monotonic():
        return None
    row = workshop_row(
        entry.workshop_id,
        lambda: (
            Workshop.objects.filter(pk=entry.workshop_id)
            .values_list("revision", *STEP_FIELDS)
            .first()
        ),
    )
    if row is None:
        return None
    etag = _etag(
        revision=row[0],
        step=row[1:],
        user_id=entry.user_id,
        regions=_regions_param(request),
        facilitator=entry.facilitator,
    )
    if etag != if_none_match:
        return None
    return HttpResponseNotModified(headers={"ETag": etag, "Cache-Control": NO_STORE})


def _regions_param(request: HttpRequest) -> str:
    return request.GET.get("r", "")


def _remember(request: HttpRequest, org: str, code, workshop: Workshop, *, facilitator) -> None:
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return
    if len(_authorised) > 10_000:  # bound the memory of a long-running worker
        _authorised.clear()
    _authorised[(session_key, org, str(code))] = _Authorised(
        user_id=request.user.pk,
        workshop_id=workshop.pk,
        facilitator=facilitator,
        until=time.monotonic() + AUTHORISED_FOR,
    )


# ---------------------------------------------------------------- context


def wallchart_context(request: OrganisationRequest, workshop: Workshop) -> dict:
    """Everything the grid and the charts show; a fixed number of queries."""
    role = actor_in(request, workshop)
    barriers = selectors.workshop_barriers(workshop)
    progress = {p.barrier.pk: p for p in selectors.workshop_progress(workshop, barriers)}
    spreads = selectors.ratings_revealed(workshop, barriers, with_challenges=False)
    outcomes = {o.barrier.pk: o for o in workshop_outcome(workshop, barriers)}
    rows = []
    for barrier in barriers:
        outcome = outcomes[barrier.pk]
        spread = spreads.get(barrier.pk) if spreads is not None else None
        cells = []
        consensus = outcome.consensus.stage if outcome.consensus else None
        target = outcome.target.stage if outcome.target else None
        previous = outcome.previous_consensus.stage if outcome.previous_consensus else None
        for cell in barrier.stages.all():
            cells.append(
                {
                    "cell": cell,
                    "markers": spread.ratings_at(cell.stage) if spread else [],
                    "count": spread.counts.get(cell.stage, 0) if spread else None,
                    "is_consensus": cell.stage == consensus,
                    "is_target": cell.stage == target and target != consensus,
                    "is_previous": cell.stage == previous,
                    "step_to_target": _step_direction(consensus, target, cell.stage),
                }
            )
        rows.append(
            {
                "barrier": barrier,
                "cells": cells,
                "progress": progress[barrier.pk],
                "spread": spread,
                "outcome": outcome,
            }
        )
    figures = {}
    if spreads is not None:
        figures["spread"] = charts.figure_json(
            charts.figure_spread(charts.spread_rows(spreads, barriers))
        )
    outcome_list = [outcomes[b.pk] for b in barriers]
    if any(o.consensus or o.target for o in outcome_list):
        figures["consensus_target"] = charts.figure_json(
            charts.figure_consensus_target(charts.outcome_rows(outcome_list))
        )
    return {
        "workshop": workshop,
        "role": role,
        "rows": rows,
        "stages": Stage.choices,
        "revealed": spreads is not None,
        "has_previous": workshop.previous_id is not None,
        "figures": figures,
    }


def _step_direction(consensus: str | None, target: str | None, stage: str) -> str:
    """'start', 'through' or 'end' where the consensus-to-target arrow crosses this cell."""
    if not consensus or not target or consensus == target:
        return ""
    a, b, here = Stage.position(consensus), Stage.position(target), Stage.position(stage)
    low, high = min(a, b), max(a, b)
    if here == a:
        return "start"
    if here == b:
        return "end"
    if low < here < high:
        return "through"
    return ""


def _workshop_url(request: OrganisationRequest, workshop: Workshop) -> str:
    return reverse(
        "workshop_detail", kwargs={"org": request.organisation.slug, "code": workshop.code}
    )


def wallchart_regions(request: OrganisationRequest, workshop: Workshop) -> dict[str, str]:
    """The grid and the charts, rendered once per workshop revision.

    They are the same for every viewer, and after a change every open page asks
    for them at once: 50 identical renders of about 75 ms each (bench/README.md).
    """

    def render() -> dict[str, str]:
        chart = wallchart_context(request, workshop)
        return {
            "grid": render_to_string("live/_grid.html", chart, request),
            "charts": render_to_string("live/_charts.html", chart, request),
        }

    regions = kept_for_revision(f"wallchart-regions:{workshop.code}", workshop.revision, render)
    # Our own templates' output, escaped when it was rendered.
    return {name: mark_safe(html) for name, html in regions.items()}  # noqa: S308


# ---------------------------------------------------------------- views


@organisation_view
@require_GET
def wallchart(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    projector = request.GET.get("projector") == "1"

    def page() -> str:
        # Nothing in it is anyone's own (the navigation and the sign-out form are base.html's).
        context = {
            "workshop": workshop,
            "regions": wallchart_regions(request, workshop),
            "projector": projector,
            "workshop_url": _workshop_url(request, workshop),
        }
        return render_to_string("live/_wallchart_page.html", context, request)

    content = kept_for_revision(
        f"wallchart-page:{workshop.code}:{projector}", workshop.revision, page
    )
    context = {"workshop": workshop, "projector": projector, "content": mark_safe(content)}  # noqa: S308 (our own template's output, escaped when rendered)
    return render(request, "live/wallchart.html", context)


@answers_json
def workshop_state(request: HttpRequest, org: str, code) -> HttpResponse:
    if request.method == "GET" and (unchanged := _unchanged(request, org, code)):
        return unchanged
    return _workshop_state(request, org=org, code=code)


def _state_etag(request: OrganisationRequest, code) -> str:
    """The state's ETag for Django's ``condition``: the workshop (fetched through the
    organisation) and the person in it (both kept on the request for the view), and the
    regions asked for."""
    request.workshop = workshop = workshop_get(request, code)
    regions = _regions_param(request)
    # The wall chart's grid and charts are the same for everyone: no need to know who asks.
    needs_role = {"stepper", "progress", "outcome"} & set(regions.split(","))
    request.role = role = actor_in(request, workshop) if needs_role else None
    facilitator = role is not None and role.is_facilitator
    _remember(request, request.organisation.slug, code, workshop, facilitator=facilitator)
    return _etag(
        revision=workshop.revision,
        step=tuple(getattr(workshop, f) for f in STEP_FIELDS),
        user_id=request.user.pk,
        regions=regions,
        facilitator=facilitator,
    )


@organisation_view
@require_GET
@condition(etag_func=_state_etag)
def _workshop_state(request: OrganisationRequest, code) -> HttpResponse:
    asked = [r for r in _regions_param(request).split(",") if r]
    if any(r not in REGIONS for r in asked):
        return HttpResponseBadRequest(f"Unknown region. Known: {', '.join(REGIONS)}.")
    workshop, role = request.workshop, request.role
    regions, says = {}, {}
    if "stepper" in asked or "progress" in asked:
        step = selectors.step_context(workshop=workshop, role=role)
        for name in ("stepper", "progress"):
            if name in asked:
                regions[name] = render_to_string(f"workshops/_{name}.html", step, request)
    if "grid" in asked or "charts" in asked:
        cached = wallchart_regions(request, workshop)
        regions.update({name: cached[name] for name in ("grid", "charts") if name in asked})
    if "outcome" in asked:
        parts, says = outcome_regions(request, workshop, role)
        regions.update(parts)
    return JsonResponse(
        {
            "revision": workshop.revision,
            "step": workshop.step,
            "step_label": Step(workshop.step).label,
            "step_url": _workshop_url(request, workshop),
            "regions": regions,
            # What each changed region says to a screen reader (live.js announces it once).
            "says": says,
        },
        headers={"Cache-Control": NO_STORE},
    )
