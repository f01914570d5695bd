"""The organisation's action tracker: where each key action stands."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from assessments.forms.workshops import ActionStatusForm
from assessments.ids import id_typed
from assessments.selectors import tracker as selectors
from assessments.selectors.units import scope_of
from assessments.services import tracker as services
from assessments.views.fetch import action_get, form_post, workshop_chosen
from organisations.access import OrganisationRequest, organisation_view
from organisations.rules import can

# What a tracker page is narrowed down by, carried in its links and back after an update.
FILTERS = ("show", "workshop", "person", "status", "page")


@organisation_view
@require_safe
def action_tracker(request: OrganisationRequest) -> HttpResponse:
    # ?show=yours: the actions a person answers for, the list they open on their phone.
    # ?show=closed: done or dropped, what a board asks has been achieved.
    # ?workshop=, ?person=, ?status= narrow it down; ?page= pages through it.
    return _tracker_page(request, _tracker_params(request.GET))


def _tracker_page(request: OrganisationRequest, params: dict, typed=None, status: int = 200):
    """The tracker as ``params`` narrow it. ``typed``: an action's status form that was
    refused, shown back in that action's row as it was typed."""
    organisation = request.organisation
    scope = scope_of(organisation=organisation, actor=request.actor)
    show = params.get("show", "")
    workshop = workshop_chosen(request, params.get("workshop"))
    person = request.user.pk if show == "yours" else id_typed(params.get("person", ""))
    query = selectors.TrackerQuery(
        closed=show == "closed", person=person, workshop=workshop, status=params.get("status", "")
    )
    page = selectors.tracker_page(
        selectors.tracker_actions(organisation=organisation, query=query, scope=scope),
        params.get("page"),
    )
    for action in page.object_list:
        # Its unit as the tree knows it (the units above it with it, for the rule).
        action.workshop.unit = scope.tree.by_id[action.workshop.unit_id]
        action.may_update = can(request.actor, "update_action", action)
        action.typed = typed[1] if typed and typed[0] == action.code else None
    narrowed = {k: v for k, v in params.items() if k != "page"}
    return render(
        request,
        "workshops/action_tracker.html",
        {
            "page": page,
            "actions": page.object_list,
            "counts": selectors.action_counts(organisation=organisation, scope=scope),
            "show": show,
            "query": query,
            "params": params,
            "narrowed": urlencode(narrowed),
            "back": urlencode({k: v for k, v in params.items() if k != "show"}),
            "workshops": selectors.tracker_workshops(
                organisation=organisation, selected=workshop, scope=scope
            ),
            "people": selectors.tracker_people(organisation=organisation),
            "statuses": selectors.CLOSED_FILTERS if query.closed else selectors.OPEN_FILTERS,
            "status_form": ActionStatusForm(),
            "page_size": selectors.PAGE_SIZE,
        },
        status=status,
    )


def _tracker_params(data) -> dict[str, str]:
    """The tracker's filters as given, the meaningless ones dropped."""
    params = {k: data.get(k, "").strip() for k in FILTERS if data.get(k, "").strip()}
    if params.get("show") not in ("yours", "closed"):
        params.pop("show", None)
    if params.get("status") not in {*selectors.OPEN_FILTERS, *selectors.CLOSED_FILTERS}:
        params.pop("status", None)
    if "person" in params and (params.get("show") == "yours" or id_typed(params["person"]) is None):
        params.pop("person")
    return params


def _shown(request: OrganisationRequest) -> dict:
    """The tracker's filters as the update form was sent from (carried in ``back``, as the
    form's own ``status`` is the action's new status)."""
    shown = QueryDict(request.POST.get("back", "")).dict()
    shown["show"] = request.POST.get("show", "")
    return _tracker_params(shown)


def _to_tracker(request: OrganisationRequest) -> HttpResponse:
    """Back to the tracker as it was shown: the same view, filters and page."""
    url = reverse("action_tracker", kwargs={"org": request.organisation.slug})
    params = _shown(request)
    return redirect(url + (f"?{urlencode(params)}" if params else ""))


@organisation_view
@form_post
def action_status(request: OrganisationRequest, action) -> HttpResponse:
    the_action = action_get(request, action)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_status_set(
                action=the_action,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                actor=request.actor,
            )
        except ValidationError as e:
            form.add_error(None, " ".join(e.messages))
    if form.errors:
        # The tracker again, this action's row as it was typed, with the reason.
        why = " ".join(form.non_field_errors())
        messages.error(request, f"“{the_action.description[:60]}” was not updated. {why}".strip())
        return _tracker_page(request, _shown(request), typed=(the_action.code, form), status=400)
    messages.success(
        request, f"“{the_action.description[:60]}” is {the_action.get_status_display().lower()}."
    )
    return _to_tracker(request)
