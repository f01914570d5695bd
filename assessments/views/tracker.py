"""The organisation's action tracker: where each key action stands."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from assessments.forms.workshops import ActionStatusForm
from assessments.selectors import tracker as selectors
from assessments.services import tracker as services
from assessments.views.fetch import action_get, form_post
from organisations.access import OrganisationRequest, organisation_view
from organisations.rules import can


@organisation_view
@require_safe
def action_tracker(request: OrganisationRequest) -> HttpResponse:
    return _tracker_page(request, _tracker_view(request.GET))


def _tracker_page(request: OrganisationRequest, show: str, typed=None, status: int = 200):
    """The tracker as ``show`` asks. ``typed``: an action's status form that was refused,
    shown back in that action's row as it was typed."""
    # ?show=yours: the actions a person answers for, the list they open on their phone.
    # ?show=closed: done or dropped, what a board asks has been achieved.
    organisation = request.organisation
    if show == "closed":
        actions = selectors.closed_actions(organisation=organisation)
    else:
        actions = selectors.open_actions(
            organisation=organisation, of=request.user if show == "yours" else None
        )
    for action in actions:
        action.may_update = can(request.actor, "update_action", action)
        action.typed = typed[1] if typed and typed[0] == action.code else None
    return render(
        request,
        "workshops/action_tracker.html",
        {
            "actions": actions,
            "counts": selectors.action_counts(organisation=organisation),
            "show": show,
            "status_form": ActionStatusForm(),
        },
        status=status,
    )


def _tracker_view(data) -> str:
    return data.get("show") if data.get("show") in ("yours", "closed") else ""


def _to_tracker(request: OrganisationRequest) -> HttpResponse:
    """Back to the tracker as it was shown: all open actions, the person's own, or the closed."""
    url = reverse("action_tracker", kwargs={"org": request.organisation.slug})
    show = _tracker_view(request.POST)
    return redirect(url + (f"?show={show}" if show else ""))


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
        return _tracker_page(
            request, _tracker_view(request.POST), typed=(the_action.code, form), status=400
        )
    messages.success(
        request, f"“{the_action.description[:60]}” is {the_action.get_status_display().lower()}."
    )
    return _to_tracker(request)
