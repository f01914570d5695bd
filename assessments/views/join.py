"""Joining from the projector: a short address and its QR code, shown on the facilitator's
screen, that land a participant on their own page of the workshop (signing in first)."""

from __future__ import annotations

import io

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from assessments.models import Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.views.fetch import workshop_get
from organisations.access import OrganisationRequest, organisation_view
from organisations.rules import sees_workshop


@login_required
@require_GET
def workshop_join(request: HttpRequest, join_code: str) -> HttpResponse:
    """The workshop of that code, if it is one of the person's organisations'; else 404, as
    for a code that names nothing."""
    workshop = (
        Workshop.objects.filter(
            join_code=join_code.strip().upper(),
            organisation__memberships__user=request.user,
        )
        .select_related("organisation", "unit")
        .first()
    )
    if workshop is None:
        raise Http404("No such workshop")
    # A unit's workshop: for its people and whoever is named in it, as on its page.
    if not workshop.unit.is_top and not sees_workshop(
        workshop_actor_for(workshop=workshop, user=request.user), workshop
    ):
        raise Http404("No such workshop")
    return redirect("workshop_detail", workshop.organisation.slug, workshop.code)


@organisation_view
@require_GET
def workshop_join_qr(request: OrganisationRequest, code) -> HttpResponse:
    """The QR code of the short address, as SVG: drawn here, no outside service."""
    workshop = workshop_get(request, code)
    svg = io.BytesIO()
    segno.make(workshop.join_url, error="m").save(
        svg, kind="svg", scale=8, border=2, title="", xmldecl=False, svgns=True
    )
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response
