"""The organisation's workshops over time: where each barrier stood, and what was done."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from assessments.models import OPEN_STATUSES, ActionStatus, Consensus, Target, Workshop
from model_content.models import Barrier


def series_of(*, organisation) -> dict:
    """Five queries whatever the number of workshops or participants."""
    workshops = list(
        Workshop.objects.filter(organisation=organisation)
        .annotate(
            actions_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            actions_open=Count("actions", filter=Q(actions__status__in=OPEN_STATUSES)),
        )
        .order_by("date", "created_at")
    )
    consensus = defaultdict(dict)
    for c in Consensus.objects.filter(workshop__organisation=organisation).select_related(
        "barrier"
    ):
        consensus[c.workshop_id][c.barrier.slug] = c.stage
    target = defaultdict(dict)
    for t in Target.objects.filter(workshop__organisation=organisation).select_related("barrier"):
        target[t.workshop_id][t.barrier.slug] = t.stage
    # Barrier names from the newest version any workshop used; the slug is the identity.
    names: dict[str, str] = {}
    orders: dict[str, int] = {}
    for b in Barrier.objects.filter(workshops__organisation=organisation).order_by(
        "version__number", "version__organisation_id"
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
    next_dates = [
        w.reassess_on
        for w in workshops
        if w.reassess_on and not any(x.previous_id == w.pk for x in workshops)
    ]
    return {
        "workshops": workshops,
        "rows": rows,
        "points": points,
        "next_reassessment": min(next_dates) if next_dates else None,
        "actions_done": sum(w.actions_done for w in workshops),
        "actions_open": sum(w.actions_open for w in workshops),
    }
