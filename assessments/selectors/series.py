"""The organisation's workshops over time: where each barrier stood, and what was done.

A page of the most recent ``WORKSHOPS_PER_PAGE`` workshops, earlier ones a page further:
every workshop of the organisation on one page made it 2.6 times slower after 40.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action, ActionStatus, Consensus, Target, Workshop
from assessments.selectors.units import Scope, workshops_seen
from model_content.models import Barrier

WORKSHOPS_PER_PAGE = 6


def series_of(*, organisation, page=1, unit=None) -> dict:
    """Seven queries whatever the number of workshops, participants or actions. ``unit``:
    that unit's workshops (a unit's progress is its own; the roll-up sets units side by
    side); the organisation's top unit if not given."""
    in_unit = Q(unit=unit) if unit is not None else Q(unit__parent__isnull=True)
    paginator = Paginator(
        Workshop.objects.filter(in_unit, organisation=organisation)
        .annotate(
            actions_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            actions_open=Count("actions", filter=Q(actions__status__in=OPEN_STATUSES)),
        )
        .order_by("-date", "-created_at"),
        WORKSHOPS_PER_PAGE,
    )
    shown = paginator.get_page(page)
    # Newest first into pages; oldest first across the table and the chart, as time reads.
    workshops = list(reversed(shown.object_list))
    ids = [w.pk for w in workshops]
    consensus = defaultdict(dict)
    for c in Consensus.objects.filter(workshop_id__in=ids).select_related("barrier"):
        consensus[c.workshop_id][c.barrier.slug] = c.stage
    target = defaultdict(dict)
    for t in Target.objects.filter(workshop_id__in=ids).select_related("barrier"):
        target[t.workshop_id][t.barrier.slug] = t.stage
    # Barrier names from the newest version these workshops used; the slug is the identity.
    names: dict[str, str] = {}
    orders: dict[str, int] = {}
    for b in (
        Barrier.objects.filter(workshops__in=ids)
        .distinct()
        .order_by("version__number", "version__organisation_id")
    ):
        names[b.slug] = b.name
        orders[b.slug] = b.order
    slugs = sorted(names, key=lambda s: orders[s])
    rows = [
        {
            "slug": slug,
            "name": names[slug],
            "cells": [
                {
                    "workshop": w,
                    "consensus": consensus[w.pk].get(slug),
                    "target": target[w.pk].get(slug),
                }
                for w in workshops
            ],
        }
        for slug in slugs
    ]
    points = [
        {
            "date": w.date.isoformat(),
            "barrier": names[slug],
            "consensus": consensus[w.pk].get(slug),
            "target": target[w.pk].get(slug),
        }
        for w in workshops
        for slug in slugs
        if consensus[w.pk].get(slug) or target[w.pk].get(slug)
    ]
    # Over all the workshops, each in one query: the date of the reassessment still to be
    # started, and the actions.
    next_reassessment = Workshop.objects.filter(
        in_unit, organisation=organisation, reassess_on__isnull=False, next_workshop__isnull=True
    ).aggregate(next=Min("reassess_on"))["next"]
    actions = Action.objects.filter(
        Q(workshop__unit=unit) if unit is not None else Q(workshop__unit__parent__isnull=True),
        workshop__organisation=organisation,
    ).aggregate(
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    return {
        "page": shown,
        "workshops": workshops,
        "rows": rows,
        "points": points,
        "next_reassessment": next_reassessment,
        "actions_done": actions["done"],
        "actions_open": actions["open"],
    }


# ---------------------------------------------------------------- the organisation's home


@dataclass
class BarrierStanding:
    """Where the team last agreed a barrier stands: a stage in words, and when."""

    name: str
    order: int
    stage: str
    stage_label: str
    agreed_on: datetime.date
    workshop: Workshop


@dataclass
class Series:
    """A workshop and its reassessments, each following the one before (``previous``)."""

    workshops: list[Workshop]
    standings: list[BarrierStanding] = field(default_factory=list)
    overdue: int = 0

    @property
    def latest(self) -> Workshop:
        return self.workshops[-1]

    @property
    def first(self) -> Workshop:
        return self.workshops[0]

    @property
    def open_workshop(self) -> Workshop | None:
        return next((w for w in self.workshops if not w.is_closed), None)

    @property
    def next_reassessment(self) -> datetime.date | None:
        """The date the latest workshop agreed to look again (para 70e), if it has."""
        return self.latest.reassess_on

    @property
    def reassessment_overdue(self) -> bool:
        """Closed, its date come, and the reassessment not started."""
        return bool(
            self.latest.is_closed
            and self.latest.reassess_on
            and self.latest.reassess_on <= timezone.localdate()
        )


def organisation_dashboard(*, organisation, scope: Scope | None = None) -> dict:
    """The organisation's home: open workshops first, then each series with the latest
    consensus per barrier (never a score), the next reassessment date and its overdue
    actions. Two queries whatever the number of workshops. ``scope``: only the workshops
    that person sees in full (those of their units, and those they took part in)."""
    today = timezone.localdate()
    seen = Workshop.objects.filter(organisation=organisation)
    if scope is not None:
        seen = workshops_seen(scope, seen)
    workshops = list(
        seen.select_related("lead_facilitator", "unit")
        .annotate(
            participant_count=Count("participants", distinct=True),
            overdue_count=Count(
                "actions",
                filter=Q(actions__status__in=OPEN_STATUSES, actions__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("date", "created_at")
    )
    by_pk = {w.pk: w for w in workshops}
    following = {w.previous_id: w for w in workshops if w.previous_id in by_pk}
    series = []
    for root in (w for w in workshops if w.previous_id not in by_pk):
        chain = [root]
        while chain[-1].pk in following:
            chain.append(following[chain[-1].pk])
        series.append(Series(workshops=chain, overdue=sum(w.overdue_count for w in chain)))
    in_series = {w.pk: s for s in series for w in s.workshops}
    latest: dict[tuple[int, str], Consensus] = {}
    for c in (
        Consensus.objects.filter(workshop__in=by_pk)
        .select_related("barrier")
        .order_by("workshop__date", "workshop__created_at")
    ):
        # In date order: the last one seen for a barrier of a series is its latest.
        latest[in_series[c.workshop_id].first.pk, c.barrier.slug] = c
    for c in latest.values():
        w = by_pk[c.workshop_id]
        in_series[w.pk].standings.append(
            BarrierStanding(
                name=c.barrier.name,
                order=c.barrier.order,
                stage=c.stage,
                stage_label=c.get_stage_display(),
                agreed_on=w.date,
                workshop=w,
            )
        )
    for s in series:
        s.standings.sort(key=lambda b: b.order)
    # The series being worked on first, then the most recent.
    series.sort(key=lambda s: (s.open_workshop is None, -s.latest.date.toordinal()))
    return {
        "open_workshops": [w for w in reversed(workshops) if not w.is_closed],
        "series": series,
        "workshop_count": len(workshops),
    }
