"""Step 5 and after: the date to look again (para 70e), closing the workshop as a record,
and the reassessment, whose first item is last time's actions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.dates import date_in_range
from assessments.models import Action, ActionReview, Step, Workshop
from assessments.services.setup import takers_part, workshop_create
from assessments.services.workshop import (
    ensure_step,
    history_record,
    workshop_lock,
    workshop_touch,
)
from organisations.rules import Actor, ensure


@transaction.atomic
def reassessment_date_set(*, workshop: Workshop, reassess_on, actor: Actor) -> None:
    ensure(actor, "facilitate", workshop)
    ensure_step(workshop, Step.REASSESS)
    if reassess_on is None or reassess_on <= max(workshop.date, timezone.localdate()):
        raise ValidationError({"reassess_on": "Choose a date after today and after the workshop."})
    try:
        date_in_range(reassess_on)
    except ValidationError as e:
        raise ValidationError({"reassess_on": e.messages}) from e
    workshop.reassess_on = reassess_on
    workshop.save(update_fields=["reassess_on"])
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="reassess",
        summary=f"Reassess on {reassess_on:%-d %B %Y}.",
    )
    workshop_touch(workshop)


@transaction.atomic
def workshop_close(*, workshop: Workshop, actor: Actor) -> None:
    ensure(actor, "facilitate", workshop)
    workshop_lock(workshop)
    ensure_step(workshop, Step.REASSESS)
    if workshop.reassess_on is None:
        raise ValidationError("Agree the date to reassess before closing the workshop.")
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["closed_at"])
    history_record(
        workshop=workshop, actor=actor.user, kind="close", summary="Closed the workshop."
    )
    workshop_touch(workshop)


@transaction.atomic
def reassessment_start(*, workshop: Workshop, actor: Actor) -> Workshop:
    """The next workshop of the series; its first item is last time's actions."""
    # A series belongs to one unit: its facilitators start the next, in the same unit.
    ensure(actor, "start_reassessment", workshop.unit)
    workshop_lock(workshop)
    if not workshop.is_closed:
        raise ValidationError("Close this workshop before starting its reassessment.")
    if Workshop.objects.filter(previous=workshop).exists():
        raise ValidationError("The reassessment of this workshop has already been started.")
    # Last time's team, as far as they can still take part.
    can_take_part = takers_part(workshop.unit)
    users = [
        p.user
        for p in workshop.participants.select_related("user").filter(
            user__in=can_take_part.values("user")
        )
    ]
    follow_up = workshop_create(
        organisation=workshop.organisation,
        actor=actor,
        title=f"{workshop.title}: reassessment",
        # On the date the team agreed to look again (para 70e), not the day it is set up.
        date=workshop.reassess_on or max(timezone.localdate(), workshop.date),
        barrier_slugs=list(workshop.barriers.values_list("slug", flat=True)),
        participants=users,
        anonymous=workshop.anonymous,
        auto_reveal=workshop.auto_reveal,
        unit=workshop.unit,
    )
    follow_up.previous = workshop
    follow_up.step = Step.REVIEW if workshop.actions.exists() else Step.EXPLAIN
    follow_up.save(update_fields=["previous", "step"])
    return follow_up


@transaction.atomic
def actions_review(*, workshop: Workshop, reviews: list[dict], actor: Actor) -> int:
    """Step 0 of a reassessment: where each of last time's actions stands, all in one go.

    ``reviews`` are ``{"action", "status", "note"}``; a status left empty leaves that action
    as it was (not reviewed yet, or as reviewed before). Checked whole before anything is
    written: a bad row changes nothing, and its error is keyed ``"<action code>.<field>"``.
    Returns how many actions this save reviewed or changed.
    """
    ensure(actor, "facilitate", workshop)
    workshop_lock(workshop)
    ensure_step(workshop, Step.REVIEW)
    existing = {r.action_id: r for r in ActionReview.objects.filter(workshop=workshop)}
    errors: dict[str, list[str]] = {}
    changed: list[tuple[Action, ActionReview]] = []
    for row in reviews:
        action, status, note = row["action"], row.get("status") or "", (row.get("note") or "")
        note = note.strip()
        if action.workshop_id != workshop.previous_id:
            errors[f"{action.code}.__all__"] = ["That action is not from the previous workshop."]
            continue
        review = existing.get(action.pk)
        if not status:
            if note and review is None:
                errors[f"{action.code}.status"] = ["Choose where it stands, to save the note."]
            continue
        if review is not None and (review.status, review.note) == (status, note):
            continue
        review = review or ActionReview(workshop=workshop, action=action)
        review.status, review.note, review.reviewed_by = status, note, actor.user
        try:
            review.full_clean()
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                errors[f"{action.code}.{field}"] = messages
            continue
        changed.append((action, review))
    if errors:
        raise ValidationError(errors)
    for action, review in changed:
        review.save()
        Action.objects.filter(pk=action.pk).update(
            status=review.status,
            status_note=review.note,
            status_updated_at=review.reviewed_at,
            status_updated_by=actor.user,
        )
        history_record(
            workshop=workshop,
            actor=actor.user,
            kind="review",
            summary=f"Reviewed “{action.description[:60]}”: {review.get_status_display().lower()}.",
        )
    if changed:
        workshop_touch(workshop)
    return len(changed)
