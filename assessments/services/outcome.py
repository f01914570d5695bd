"""Step 4: the stage to reach, and the three key actions that will take the team there, with
who is responsible and accountable (para 70d)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import Action, Target, Workshop
from assessments.services.workshop import (
    ensure_barrier_in_scope,
    ensure_revealed,
    history_record,
    stage_label,
    workshop_touch,
)
from model_content.models import Barrier
from organisations.models import Membership
from organisations.rules import Actor, ensure


@transaction.atomic
def target_record(
    *, workshop: Workshop, barrier: Barrier, stage: str, fewer_actions_reason: str, actor: Actor
) -> Target:
    ensure(actor, "facilitate", workshop)
    ensure_revealed(workshop)
    ensure_barrier_in_scope(workshop, barrier)
    target = Target.objects.filter(workshop=workshop, barrier=barrier).first() or Target(
        workshop=workshop, barrier=barrier
    )
    target.stage = stage
    target.fewer_actions_reason = (fewer_actions_reason or "").strip()
    target.recorded_by = actor.user
    target.full_clean()
    target.save()
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="target",
        summary=f"Target for {barrier.name}: {stage_label(stage)}.",
    )
    workshop_touch(workshop)
    return target


@transaction.atomic
def action_add(*, workshop: Workshop, barrier: Barrier, actor: Actor, **fields) -> Action:
    ensure(actor, "facilitate", workshop)
    ensure_revealed(workshop)
    ensure_barrier_in_scope(workshop, barrier)
    action = Action(workshop=workshop, barrier=barrier, **fields)
    _action_validate(workshop, action)
    action.save()
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="action",
        audit="action_added",
        summary=f"Action for {barrier.name}: {action.description[:80]} "
        f"(responsible {action.responsible_display}, due {action.due_on:%-d %B %Y}).",
    )
    workshop_touch(workshop)
    return action


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


@transaction.atomic
def action_remove(*, workshop: Workshop, action: Action, actor: Actor) -> None:
    ensure(actor, "facilitate", workshop)
    if action.workshop_id != workshop.pk:
        raise ValidationError("That action is not part of this workshop.")
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="action",
        audit="action_removed",
        summary=f"Removed action: {action.description[:80]}.",
    )
    action.delete()
    workshop_touch(workshop)
