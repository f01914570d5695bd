"""Following the actions up: where each stands, said by the person responsible or a
facilitator, and seen by everyone, viewers included."""

from django.db import transaction
from django.utils import timezone

from assessments.models import Action
from assessments.services.workshop import history_record, workshop_touch
from organisations.rules import Actor, ensure


@transaction.atomic
def action_status_set(*, action: Action, status: str, note: str, actor: Actor) -> Action:
    ensure(actor, "update_action", action)
    action.status = status
    action.status_note = (note or "").strip()
    action.status_updated_at = timezone.now()
    action.status_updated_by = actor.user
    action.full_clean()
    action.save(update_fields=["status", "status_note", "status_updated_at", "status_updated_by"])
    history_record(
        workshop=action.workshop,
        actor=actor.user,
        kind="action",
        audit="action_status",
        summary=f"{action.description[:80]}: {action.get_status_display().lower()}.",
    )
    workshop_touch(action.workshop)
    return action
