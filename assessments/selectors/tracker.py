"""Reads of the organisation's action tracker: a fixed number of queries and at most a page
of actions, whatever the number of actions or workshops.

Listing every action of every past workshop made the tracker 600 KB and 126 ms after 40
workshops (2.9 ms more for each): it is a page of ``PAGE_SIZE`` now, filtered by workshop,
person and status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action, ActionStatus, Workshop
from assessments.selectors.units import Scope, workshops_followed
from organisations.models import Membership

PAGE_SIZE = 25
# The workshops offered in the filter: the most recent, as a follow-up meeting looks for.
WORKSHOPS_OFFERED = 20
# What the status filter offers in each view.
OPEN_FILTERS = {
    "overdue": "Overdue",
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.IN_PROGRESS: "In progress",
}
CLOSED_FILTERS = {ActionStatus.DONE: "Done", ActionStatus.DROPPED: "Dropped"}


@dataclass(frozen=True)
class TrackerQuery:
    """What a tracker page shows: open or closed, and narrowed down."""

    closed: bool = False
    person: int | None = None  # responsible or accountable
    workshop: Workshop | None = None
    status: str = ""


def _actions_followed(organisation, scope: Scope | None) -> QuerySet[Action]:
    """The organisation's actions the person follows: those of the units whose outcomes they
    see, those of the workshops they took part in, and those naming them, wherever."""
    actions = Action.objects.filter(workshop__organisation=organisation)
    if scope is None or scope.only_the_top:
        return actions
    user = scope.actor.user
    return actions.filter(
        Q(workshop__in=workshops_followed(scope).values("pk"))
        | Q(responsible=user)
        | Q(accountable=user)
    )


def tracker_actions(
    *, organisation, query: TrackerQuery, scope: Scope | None = None
) -> QuerySet[Action]:
    """Open actions overdue first, then by due date; done or dropped, the latest news first."""
    actions = _actions_followed(organisation, scope)
    if query.closed:
        actions = actions.exclude(status__in=OPEN_STATUSES).order_by(
            F("status_updated_at").desc(nulls_last=True), "-due_on", "created_at", "pk"
        )
    else:
        actions = actions.filter(status__in=OPEN_STATUSES).order_by("due_on", "created_at", "pk")
    if query.person is not None:
        actions = actions.filter(Q(responsible_id=query.person) | Q(accountable_id=query.person))
    if query.workshop is not None:
        actions = actions.filter(workshop=query.workshop)
    if query.status == "overdue" and not query.closed:
        actions = actions.filter(due_on__lt=timezone.localdate())
    elif query.status in (OPEN_FILTERS if not query.closed else CLOSED_FILTERS):
        actions = actions.filter(status=query.status)
    return actions.select_related(
        "workshop__unit", "barrier", "responsible", "accountable", "status_updated_by"
    )


def tracker_page(actions: QuerySet[Action], number) -> Page:
    """One page of ``actions`` (two queries: how many, and the page), overdue ones marked."""
    page = Paginator(actions, PAGE_SIZE).get_page(number)
    today = timezone.localdate()
    for a in page.object_list:
        a.is_overdue = a.overdue_on(today)
    return page


def tracker_workshops(
    *, organisation, selected: Workshop | None = None, scope: Scope | None = None
) -> list[Workshop]:
    """The most recent workshops, for the filter; the one chosen too, however old."""
    workshops = Workshop.objects.filter(organisation=organisation)
    recent = list(
        (workshops if scope is None else workshops_followed(scope, workshops))
        .only("code", "title", "date")
        .order_by("-date", "-created_at")[:WORKSHOPS_OFFERED]
    )
    if selected is not None and selected.pk not in {w.pk for w in recent}:
        recent.append(selected)
    return recent


def tracker_people(*, organisation) -> list:
    """The organisation's people, for the filter by person (grows with the team, not with
    the workshops)."""
    return list(
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(organisation=organisation).values("user_id")
        )
        .only("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name", "email")
    )


def action_counts(*, organisation, scope: Scope | None = None) -> dict[str, int]:
    """How many of the organisation's key actions stand where, in one query: a count of
    actions, not a score (para 64)."""
    by_status = {status: Count("pk", filter=Q(status=status)) for status, _ in ActionStatus.choices}
    return _actions_followed(organisation, scope).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())),
        **by_status,
    )
