"""The comparison between bodies: per barrier, how many of the bodies that share their
figures stand at each stage, by their latest consensus.

Nothing identifies a body:
- a figure is shown only when at least ``MIN_BODIES`` bodies give it (per barrier), and is
  withheld otherwise, with the reason: from fewer, a body could be recognised;
- only counts per stage, in the chart's fixed order, leave this module: no name, no code, no
  date, no list of bodies, no count per body;
- how many bodies share is said only from ``MIN_BODIES`` up ("fewer than five" below);
- only a body that shares its own figures sees the others' (``Comparison.shares``).

A body's figure for a barrier is the consensus of its most recent closed workshop of the
organisation itself (its top unit: a directorate's view is not the body's) that agreed that
barrier. Counted afresh on every page, in one query whatever the number of bodies or
workshops: opting out takes a body's figures out at once. Stages are counted, never averaged
or scored (para 65).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from assessments.models import Consensus
from model_content.models import Stage
from model_content.selectors import model_version_original
from organisations.models import ComparisonShare

# The fewest bodies whose figures make one: the rule of thumb of official statistics for
# small counts (a cell of fewer than five is withheld).
MIN_BODIES = 5


@dataclass
class BarrierFigure:
    barrier: str
    bodies: int  # how many bodies give this figure
    counts: list[tuple[str, str, int]] | None  # (stage, label, bodies); None: withheld
    yours: str | None  # the asking body's own stage, as it shares it

    @property
    def withheld(self) -> bool:
        return self.counts is None

    @property
    def yours_label(self) -> str:
        return Stage(self.yours).label if self.yours else ""


@dataclass
class Comparison:
    shares: bool
    figures: list[BarrierFigure]
    bodies: int | None  # how many bodies share; None below MIN_BODIES
    min_bodies: int = MIN_BODIES


def comparison_for(*, organisation) -> Comparison:
    sharing = list(ComparisonShare.objects.values_list("organisation_id", flat=True))
    if organisation.pk not in sharing:
        return Comparison(shares=False, figures=[], bodies=None)
    latest = (
        Consensus.objects.filter(
            workshop__organisation_id__in=sharing,
            workshop__closed_at__isnull=False,
            workshop__unit__parent__isnull=True,
        )
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("workshop__organisation_id"), F("barrier__slug")],
                order_by=[F("workshop__date").desc(), F("workshop__closed_at").desc()],
            )
        )
        .filter(recency=1)
        .values_list("workshop__organisation_id", "barrier__slug", "stage")
    )
    by_barrier: dict[str, Counter] = defaultdict(Counter)
    yours: dict[str, str] = {}
    for organisation_id, slug, stage in latest:
        by_barrier[slug][stage] += 1
        if organisation_id == organisation.pk:
            yours[slug] = stage
    figures = []
    for slug, name in (
        model_version_original().barriers.order_by("order").values_list("slug", "name")
    ):
        at = by_barrier.get(slug, Counter())
        bodies = sum(at.values())
        figures.append(
            BarrierFigure(
                barrier=name,
                bodies=bodies,
                counts=[(s, label, at.get(s, 0)) for s, label in Stage.choices]
                if bodies >= MIN_BODIES
                else None,
                yours=yours.get(slug),
            )
        )
    return Comparison(
        shares=True,
        figures=figures,
        bodies=len(sharing) if len(sharing) >= MIN_BODIES else None,
    )
