from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments import charts
from assessments.selectors.series import series_of
from assessments.views.fetch import unit_seen
from model_content.models import Stage
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@require_safe
def series(request: OrganisationRequest) -> HttpResponse:
    """The organisation over time: each barrier's consensus and target at each workshop,
    the most recent first (?page=2 for the ones before)."""
    # ?unit=: a unit's own progress, for its people; the organisation's (its top unit's)
    # without.
    unit = unit_seen(request, request.GET.get("unit"))
    data = series_of(organisation=request.organisation, page=request.GET.get("page"), unit=unit)
    figure = (
        charts.figure_json(charts.figure_series_trend(data["points"])) if data["points"] else None
    )
    return render(
        request,
        "series/series.html",
        {**data, "figure": figure, "stage_labels": dict(Stage.choices), "unit": unit},
    )
