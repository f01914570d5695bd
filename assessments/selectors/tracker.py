"""Reads of the organisation's action tracker: a fixed number of queries, whatever the number
of actions or workshops."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action, ActionStatus


def _tracker_rows(actions) -> list[Action]:
    today = timezone.localdate()
    rows = list(
        actions.select_related(
            "workshop", "barrier", "responsible", "accountable", "status_updated_by"
        )
    )
    for a in rows:
        a.is_overdue = a.is_open and a.due_on < today
    return rows


def open_actions(*, organisation, of=None) -> list[Action]:
    """The organisation's action tracker: open actions, overdue first, then by due date;
    only those ``of`` a person (responsible or accountable) if given."""
    actions = Action.objects.filter(workshop__organisation=organisation, status__in=OPEN_STATUSES)
    if of is not None:
        actions = actions.filter(Q(responsible=of) | Q(accountable=of))
    return _tracker_rows(actions.order_by("due_on", "created_at"))


def closed_actions(*, organisation) -> list[Action]:
    """Done or dropped, the latest news first: what a board asks has been achieved."""
    actions = Action.objects.filter(workshop__organisation=organisation).exclude(
        status__in=OPEN_STATUSES
    )
    return _tracker_rows(
        actions.order_by(F("status_updated_at").desc(nulls_last=True), "-due_on", "created_at")
    )


def action_counts(*, organisation) -> dict[str, int]:
    """How many of the organisation's key actions stand where, in one query: a count of
    actions, not a score (para 64)."""
    by_status = {status: Count("pk", filter=Q(status=status)) for status, _ in ActionStatus.choices}
    return Action.objects.filter(workshop__organisation=organisation).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())),
        **by_status,
    )
