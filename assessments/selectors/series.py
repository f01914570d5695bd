"""The organisation's workshops over time: where each barrier stood, and what was done.

A page of the most recent ``WORKSHOPS_PER_PAGE`` workshops, earlier ones a page further:
every workshop of the organisation on one page made it 2.6 times slower after 40.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Min, Q

from assessments.models import OPEN_STATUSES, Action, ActionStatus, Consensus, Target, Workshop
from model_content.models import Barrier

WORKSHOPS_PER_PAGE = 6


def series_of(*, organisation, page=1) -> dict:
    """Seven queries whatever the number of workshops, participants or actions."""
    paginator = Paginator(
        Workshop.objects.filter(organisation=organisation)
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
        organisation=organisation, reassess_on__isnull=False, next_workshop__isnull=True
    ).aggregate(next=Min("reassess_on"))["next"]
    actions = Action.objects.filter(workshop__organisation=organisation).aggregate(
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
