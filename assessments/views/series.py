from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments import charts
from assessments.selectors.series import series_of
from model_content.models import Stage
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@require_safe
def series(request: OrganisationRequest) -> HttpResponse:
    """The organisation over time: each barrier's consensus and target at each workshop,
    the most recent first (?page=2 for the ones before)."""
    data = series_of(organisation=request.organisation, page=request.GET.get("page"))
    figure = (
        charts.figure_json(charts.figure_series_trend(data["points"])) if data["points"] else None
    )
    return render(
        request,
        "series/series.html",
        {**data, "figure": figure, "stage_labels": dict(Stage.choices)},
    )
