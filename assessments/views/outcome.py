"""Step 4: a barrier's target and its key actions, in one form saved together."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse

from assessments.forms.workshops import TargetForm, action_rows_form, organisation_people
from assessments.models import Action
from assessments.pages import workshop_page
from assessments.services import outcome as services
from assessments.views.fetch import actor_in, back, barrier_get, form_post, workshop_get
from organisations.access import OrganisationRequest, organisation_view


@organisation_view
@form_post
def barrier_outcome_record(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = barrier_get(workshop, barrier)
    target_form = TargetForm(request.POST)
    rows = action_rows_form(
        people=organisation_people(request.organisation), barrier=the_barrier, data=request.POST
    )
    # Both validated, so that every row says what is wrong with it at once.
    valid = target_form.is_valid() & rows.is_valid()
    if valid:
        indexes, actions = _actions_of(workshop, the_barrier, rows)
        try:
            warnings = services.barrier_outcome_record(
                workshop=workshop,
                barrier=the_barrier,
                stage=target_form.cleaned_data["stage"],
                fewer_actions_reason=target_form.cleaned_data["fewer_actions_reason"],
                actions=actions,
                actor=actor_in(request, workshop),
            )
        except ValidationError as e:
            _errors_to_forms(e, target_form, rows, indexes)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            return back(request, workshop, f"barrier-{barrier}")
    return workshop_page(
        request, workshop, bound={("outcome", barrier): (target_form, rows)}, status=400
    )


def _actions_of(workshop, barrier, rows) -> tuple[list[int], list[dict]]:
    """The rows that say something as the service takes them, and the index in the form of
    each; every recorded action fetched through the workshop and barrier (a code from
    elsewhere finds nothing)."""
    indexed = rows.rows()
    codes = [f.cleaned_data.get("code") for _i, f in indexed if f.cleaned_data.get("code")]
    recorded = {
        a.code: a for a in Action.objects.filter(workshop=workshop, barrier=barrier, code__in=codes)
    }
    missing = Action(workshop=workshop, barrier=barrier)  # stands for a code not found
    actions = []
    for _i, form in indexed:
        data = form.cleaned_data
        code = data.get("code")
        actions.append(
            {
                **{f: data.get(f) for f in services.ACTION_FIELDS},
                "action": recorded.get(code, missing) if code else None,
                "remove": bool(data.get("DELETE")) and code is not None,
            }
        )
    return [i for i, _form in indexed], actions


def _errors_to_forms(e: ValidationError, target_form, rows, indexes: list[int]) -> None:
    """File the service's errors where they belong: the target's fields, the row's field,
    or the whole set of actions (a fourth)."""
    for key, messages_ in e.message_dict.items():
        if key.startswith("actions."):
            _prefix, index, field = key.split(".", 2)
            form = rows.forms[indexes[int(index)]]
            form.add_error(field if field in form.fields else None, messages_)
        elif key == "actions":
            rows.non_form_errors().extend(messages_)
        else:
            target_form.add_error(
                key if key in target_form.fields and key != NON_FIELD_ERRORS else None, messages_
            )
