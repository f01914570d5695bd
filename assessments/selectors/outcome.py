"""Reads of what a workshop agreed: consensus, target and key actions per barrier, with the
previous workshop's for comparison; and last time's actions for the review (step 0)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from assessments.models import Action, Consensus, Target, Workshop
from model_content.models import Barrier


@dataclass
class BarrierOutcome:
    barrier: Barrier
    consensus: Consensus | None
    target: Target | None
    actions: list[Action]
    previous_consensus: Consensus | None = None
    previous_target: Target | None = None

    @property
    def action_count(self) -> int:
        return len(self.actions)

    @property
    def needs_reason(self) -> bool:
        """Fewer than three key actions needs a reason recorded (para 70d)."""
        return self.action_count < 3


def workshop_outcome(
    workshop: Workshop, barriers: list[Barrier] | None = None
) -> list[BarrierOutcome]:
    """Consensus, target and actions per barrier, with the previous workshop's for comparison.

    Matching with the previous workshop is by barrier slug: the two may have
    used different versions of the model.
    """
    barriers = barriers if barriers is not None else list(workshop.barriers.order_by("order"))
    consensuses = {
        c.barrier_id: c
        for c in Consensus.objects.filter(workshop=workshop).select_related("recorded_by")
    }
    targets = {t.barrier_id: t for t in Target.objects.filter(workshop=workshop)}
    actions: dict[int, list[Action]] = defaultdict(list)
    for a in Action.objects.filter(workshop=workshop).select_related(
        "responsible", "accountable", "breakthrough_point"
    ):
        actions[a.barrier_id].append(a)
    previous_consensus: dict[str, Consensus] = {}
    previous_target: dict[str, Target] = {}
    if workshop.previous_id:
        previous_consensus = {
            c.barrier.slug: c
            for c in Consensus.objects.filter(workshop_id=workshop.previous_id).select_related(
                "barrier"
            )
        }
        previous_target = {
            t.barrier.slug: t
            for t in Target.objects.filter(workshop_id=workshop.previous_id).select_related(
                "barrier"
            )
        }
    return [
        BarrierOutcome(
            barrier=b,
            consensus=consensuses.get(b.pk),
            target=targets.get(b.pk),
            actions=actions.get(b.pk, []),
            previous_consensus=previous_consensus.get(b.slug),
            previous_target=previous_target.get(b.slug),
        )
        for b in barriers
    ]


def previous_actions(workshop: Workshop) -> list[Action]:
    """The previous workshop's actions with this workshop's review of each (step 0)."""
    if not workshop.previous_id:
        return []
    actions = list(
        Action.objects.filter(workshop_id=workshop.previous_id)
        .select_related("barrier", "responsible", "accountable")
        .order_by("barrier__order", "created_at")
    )
    reviews = {r.action_id: r for r in workshop.reviews.all()}
    for a in actions:
        a.review = reviews.get(a.pk)
    return actions
