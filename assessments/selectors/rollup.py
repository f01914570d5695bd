"""The corporate roll-up: every unit a person follows, side by side.

For each unit, its latest closed workshop's consensus and target per barrier; the spread of
the units per barrier as counts ("4 units at starting, 2 at developing"); each unit's trend
over its last reassessments, stage words by date; its overdue actions; and whether it has
not assessed itself for a year. Never an average, a total or a score: the paper's model is
"neither a formula to follow nor a scoring system", and a stage is a place on the chart,
not a number (para 65).

Outcomes only (organisations/rules.py, ``sees_outcomes``): a consensus, a target, a count of
actions; no individual rating or piece of evidence is read here at all.

A fixed number of queries whatever the number of units or workshops: the tree, the person's
unit roles, the last workshops of every unit (at most ``TREND_WORKSHOPS`` each, by a window
function), their consensus and targets, the barriers' names, the overdue actions.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action, Consensus, Target, Workshop
from assessments.selectors.units import Scope
from model_content.models import Stage
from model_content.selectors import model_version_current
from organisations.models import Unit
from organisations.rules import sees_unit

# How many of a unit's closed workshops its trend shows, the most recent: a page that grows
# with the years of a council's use would not be read.
TREND_WORKSHOPS = 4
# A unit that has not closed a workshop for this long is flagged (the paper's rhythm is a
# reassessment every six to twelve months, para 70e).
STALE_AFTER = datetime.timedelta(days=365)

STAGES = list(Stage.choices)


@dataclass
class Cell:
    """One unit and one barrier in its latest closed workshop: stages as words."""

    consensus: str | None
    target: str | None

    @property
    def consensus_label(self) -> str:
        return Stage(self.consensus).label if self.consensus else ""

    @property
    def target_label(self) -> str:
        return Stage(self.target).label if self.target else ""


@dataclass
class TrendPoint:
    workshop: Workshop
    stage: str | None

    @property
    def label(self) -> str:
        return Stage(self.stage).label if self.stage else "not agreed"


@dataclass
class TrendRow:
    barrier: str
    points: list[TrendPoint]


@dataclass
class UnitRow:
    unit: Unit
    path: list[Unit]
    latest: Workshop | None
    cells: list[Cell]
    trend: list[TrendRow]
    trend_workshops: list[Workshop]
    overdue: int
    stale: bool
    in_full: bool  # the person sees its workshops in full (else outcomes only)

    @property
    def trend_changes(self) -> bool:
        return len(self.trend_workshops) > 1


@dataclass
class Spread:
    """How many of the units shown stand at each stage of one barrier: counts, never an
    average (para 65)."""

    barrier: str
    counts: list[tuple[str, str, int]]  # (stage, label, how many units)
    not_agreed: int  # units shown with no closed workshop agreeing this barrier

    @property
    def sentence(self) -> str:
        """ "4 units at starting, 2 at developing": the stages some units are at."""
        parts = [f"{n} {_units(n)} at {label.lower()}" for _s, label, n in self.counts if n]
        return ", ".join(parts) if parts else "No unit has agreed a stage yet"


def _units(n: int) -> str:
    return "unit" if n == 1 else "units"


@dataclass
class Level:
    depth: int
    label: str
    names: list[str] = field(default_factory=list)


@dataclass
class Rollup:
    rows: list[UnitRow]
    barriers: list[tuple[str, str]]  # (slug, name) in the model's order
    spread: list[Spread]
    levels: list[Level]
    level: int | None
    today: datetime.date
    stale_after_days: int = STALE_AFTER.days
    trend_workshops: int = TREND_WORKSHOPS

    @property
    def stale_count(self) -> int:
        return sum(1 for r in self.rows if r.stale)


def level_label(depth: int) -> str:
    return "The organisation itself" if depth == 0 else f"Level {depth} below the organisation"


def rollup_of(*, organisation, scope: Scope, level: int | None = None, today=None) -> Rollup:
    """The units ``scope``'s person follows (at ``level`` of the tree only, if given)."""
    today = today or timezone.localdate()
    tree = scope.tree
    followed = scope.followed
    levels: dict[int, Level] = {}
    for unit in followed:
        levels.setdefault(unit.depth, Level(unit.depth, level_label(unit.depth))).names.append(
            unit.name
        )
    if level not in levels:
        level = None
    units = [u for u in followed if level is None or u.depth == level]
    ids = [u.pk for u in units]

    recent = list(
        Workshop.objects.filter(organisation=organisation, unit_id__in=ids, closed_at__isnull=False)
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("unit_id")],
                order_by=[F("date").desc(), F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(recency__lte=TREND_WORKSHOPS)
        .only("pk", "code", "title", "date", "unit_id", "created_at")
    )
    by_unit: dict[int, list[Workshop]] = defaultdict(list)
    for w in sorted(recent, key=lambda w: (w.date, w.created_at, w.pk)):
        by_unit[w.unit_id].append(w)  # oldest first, as time reads
    workshop_ids = [w.pk for w in recent]
    consensus: dict[tuple[int, str], str] = {
        (workshop_id, slug): stage
        for workshop_id, slug, stage in Consensus.objects.filter(
            workshop_id__in=workshop_ids
        ).values_list("workshop_id", "barrier__slug", "stage")
    }
    target: dict[tuple[int, str], str] = {
        (workshop_id, slug): stage
        for workshop_id, slug, stage in Target.objects.filter(
            workshop_id__in=workshop_ids
        ).values_list("workshop_id", "barrier__slug", "stage")
    }
    barriers = _barriers(organisation, {slug for _w, slug in consensus})
    overdue = dict(
        Action.objects.filter(workshop__unit_id__in=ids, status__in=OPEN_STATUSES, due_on__lt=today)
        .values("workshop__unit_id")
        .annotate(n=Count("pk"))
        .values_list("workshop__unit_id", "n")
    )

    rows = []
    for unit in units:
        history = by_unit.get(unit.pk, [])
        latest = history[-1] if history else None
        rows.append(
            UnitRow(
                unit=unit,
                path=tree.path(unit),
                latest=latest,
                cells=[
                    Cell(
                        consensus=consensus.get((latest.pk, slug)) if latest else None,
                        target=target.get((latest.pk, slug)) if latest else None,
                    )
                    for slug, _name in barriers
                ],
                trend=[
                    TrendRow(
                        barrier=name,
                        points=[TrendPoint(w, consensus.get((w.pk, slug))) for w in history],
                    )
                    for slug, name in barriers
                ],
                trend_workshops=history,
                overdue=overdue.get(unit.pk, 0),
                stale=latest is None or latest.date < today - STALE_AFTER,
                in_full=sees_unit(scope.actor, unit),
            )
        )
    return Rollup(
        rows=rows,
        barriers=barriers,
        spread=spread_of(rows, barriers),
        levels=sorted(levels.values(), key=lambda lv: lv.depth),
        level=level,
        today=today,
    )


def spread_of(rows: list[UnitRow], barriers: list[tuple[str, str]]) -> list[Spread]:
    """Per barrier, how many of ``rows`` stand at each stage (their latest consensus)."""
    spread = []
    for i, (_slug, name) in enumerate(barriers):
        at = Counter(r.cells[i].consensus for r in rows if r.cells[i].consensus)
        spread.append(
            Spread(
                barrier=name,
                counts=[(s, label, at.get(s, 0)) for s, label in STAGES],
                not_agreed=sum(1 for r in rows if not r.cells[i].consensus),
            )
        )
    return spread


def _barriers(organisation, seen_slugs: set[str]) -> list[tuple[str, str]]:
    """The barriers in the order and words of the model the organisation uses now; any a
    unit agreed on an earlier version keep their identity, the slug (series.py does the
    same)."""
    current = list(
        model_version_current(organisation=organisation)
        .barriers.order_by("order")
        .values_list("slug", "name")
    )
    known = {slug for slug, _name in current}
    extra = sorted(seen_slugs - known)
    return current + [(slug, slug.replace("-", " ").capitalize()) for slug in extra]


def rollup_digest(rollup: Rollup, *, organisation) -> str:
    """A hash of everything the roll-up's documents show, read from ``rollup`` (no query):
    the key of their render (``PdfRender.digest``). Two people who follow the same units see
    the same and share one render; a workshop closing, a unit renamed, an action overdue is
    another document, and another key.

    What the documents do not show stays out, so that it does not split renders: whether the
    person sees a unit's workshops in full (the documents show outcomes only, to everyone).
    """
    shown = {
        "organisation": [organisation.pk, organisation.name],
        "today": rollup.today.isoformat(),
        "level": rollup.level,
        "barriers": rollup.barriers,
        "stale_after_days": rollup.stale_after_days,
        "rows": [
            {
                "unit": [row.unit.pk, row.unit.name, row.unit.depth],
                "path": [u.name for u in row.path],
                "workshops": [
                    [str(w.code), w.title, w.date.isoformat()] for w in row.trend_workshops
                ],
                "cells": [[c.consensus, c.target] for c in row.cells],
                "trend": [[p.stage for p in t.points] for t in row.trend],
                "overdue": row.overdue,
                "stale": row.stale,
            }
            for row in rollup.rows
        ],
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
