"""Step 4: the stage to reach, and the three key actions that will take the team there, with
who is responsible and accountable (para 70d).

A barrier's target and its actions are one decision of the room, recorded by one form and
saved together here: either all of it or, with the reasons row by row, none of it.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from assessments.models import Action, Step, Target, Workshop
from assessments.services.workshop import (
    ensure_barrier_in_scope,
    ensure_revealed,
    ensure_step,
    history_record,
    stage_label,
    workshop_lock,
    workshop_touch,
)
from model_content.models import Barrier
from organisations.models import Membership
from organisations.rules import Actor, ensure

# "What are the three key actions that will take you there?" (para 70d)
KEY_ACTIONS = 3
ACTION_FIELDS = (
    "description",
    "responsible",
    "responsible_name",
    "accountable",
    "accountable_name",
    "due_on",
    "breakthrough_point",
)
TOO_MANY = (
    "Three key actions per barrier: that is the paper's number (para 70d), and {barrier} "
    "would have {count}. Remove one before adding another."
)


def row_error_key(index: int, field: str = NON_FIELD_ERRORS) -> str:
    """Where an error of the ``index``-th action row is filed in the ValidationError."""
    return f"actions.{index}.{field}"


@transaction.atomic
def barrier_outcome_record(
    *,
    workshop: Workshop,
    barrier: Barrier,
    stage: str,
    fewer_actions_reason: str,
    actions: list[dict],
    actor: Actor,
) -> list[str]:
    """Record a barrier's target and its key actions together.

    ``actions`` are the rows of the form, each a dict of the action's fields, with
    ``action`` (an action already recorded, edited in place) and ``remove`` (remove that
    one). An action recorded but not in ``actions`` stays as it is: a form drawn before a
    co-facilitator added one does not take it away.

    Raises a ValidationError keyed by the target's fields, ``row_error_key(i, field)`` for
    the rows and ``actions`` for the barrier's actions as a whole (a fourth); nothing is
    written then. Returns warnings that do not stop the save (one person both responsible and
    accountable).
    """
    ensure(actor, "facilitate", workshop)
    # Two facilitators saving the same barrier: the count of actions is checked under the lock.
    workshop_lock(workshop)
    ensure_step(workshop, Step.TARGET)
    ensure_revealed(workshop)
    ensure_barrier_in_scope(workshop, barrier)
    recorded = {
        a.pk: a
        for a in Action.objects.filter(workshop=workshop, barrier=barrier).select_related(
            "responsible", "accountable", "breakthrough_point"
        )
    }
    errors: dict[str, list[str]] = {}

    target = Target.objects.filter(workshop=workshop, barrier=barrier).first() or Target(
        workshop=workshop, barrier=barrier
    )
    target_before = (target.pk, target.stage, target.fewer_actions_reason)
    target.stage = stage
    target.fewer_actions_reason = (fewer_actions_reason or "").strip()
    target.recorded_by = actor.user
    try:
        target.full_clean()
    except ValidationError as e:
        errors.update(e.message_dict)

    added, changed, removed = [], [], []
    for i, row in enumerate(actions):
        given = row.get("action")
        action = recorded.get(given.pk) if given is not None else None
        if given is not None and action is None:
            errors[row_error_key(i)] = [
                "This key action is no longer recorded for this barrier (someone removed it "
                "a moment ago): leave the row empty, or fill it in again as a new one."
            ]
            continue
        if row.get("remove"):
            if action is not None:
                removed.append(action)
            continue
        before = _fields_of(action) if action is not None else None
        action = action or Action(workshop=workshop, barrier=barrier)
        for field in ACTION_FIELDS:
            setattr(action, field, row.get(field) or ("" if field.endswith("_name") else None))
        try:
            _action_validate(workshop, action)
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                errors[row_error_key(i, field)] = messages
            continue
        if before is None:
            added.append(action)
        elif _fields_of(action) != before:
            changed.append(action)

    count = len(recorded) - len(removed) + len(added)
    if added and count > KEY_ACTIONS:
        errors["actions"] = [TOO_MANY.format(barrier=barrier.name, count=count)]
    if errors:
        raise ValidationError(errors)

    anything = False
    if (target.pk, target.stage, target.fewer_actions_reason) != target_before:
        target.save()
        history_record(
            workshop=workshop,
            actor=actor.user,
            kind="target",
            summary=f"Target for {barrier.name}: {stage_label(stage)}.",
        )
        anything = True
    for action in removed:
        history_record(
            workshop=workshop,
            actor=actor.user,
            kind="action",
            audit="action_removed",
            summary=f"Removed action: {action.description[:80]}.",
        )
        action.delete()
        anything = True
    saved = [(a, "Action", "action_added") for a in added] + [
        (a, "Changed action", "action_changed") for a in changed
    ]
    for action, verb, audit in saved:
        action.save()
        history_record(
            workshop=workshop,
            actor=actor.user,
            kind="action",
            audit=audit,
            summary=f"{verb} for {barrier.name}: {action.description[:80]} "
            f"(responsible {action.responsible_display}, due {action.due_on:%-d %B %Y}).",
        )
        anything = True
    if anything:
        workshop_touch(workshop)
    return [same_person_warning(a) for a in [*added, *changed] if a.same_person_answers]


def same_person_warning(action: Action) -> str:
    return (
        f"{action.responsible_display} is both responsible and accountable for "
        f"“{action.description[:80]}”. That is allowed; the breakthroughs advise being clear "
        "about the difference between responsibility and accountability."
    )


_KEYS = {"responsible", "accountable", "breakthrough_point"}


def _fields_of(action: Action) -> tuple:
    return tuple(getattr(action, f"{f}_id" if f in _KEYS else f) for f in ACTION_FIELDS)


def _action_validate(workshop: Workshop, action: Action) -> None:
    errors = {}
    for who in ("responsible", "accountable"):
        user = getattr(action, who)
        name = getattr(action, f"{who}_name").strip()
        setattr(action, f"{who}_name", "" if user else name)
        if user is None and not name:
            errors[who] = f"Choose a member or name the person {who}."
        elif (
            user is not None
            and not Membership.objects.filter(
                organisation_id=workshop.organisation_id, user=user
            ).exists()
        ):
            errors[who] = "Choose a member of this organisation."
    if action.due_on and action.due_on < workshop.date:
        errors["due_on"] = "The due date cannot be before the workshop."
    if action.breakthrough_point_id and action.breakthrough_point.barrier_id != action.barrier_id:
        errors["breakthrough_point"] = "Choose one of this barrier's breakthrough points."
    if errors:
        raise ValidationError(errors)
    action.full_clean()
