"""Reads for the board: the summary of a workshop on one page, its action plan in one list,
and its individual ratings as rows. What the PDFs, the Word report and the spreadsheets
are made of, so that all of them say the same thing.

Who is asking decides what comes back, as everywhere: ``actor`` is a workshop actor
(``workshop_actor``), refused unless a member of the workshop's organisation. A document
drawn once and served to everyone who may download it is read as ``document_reader`` reads
it: a viewer with no part in the workshop, the least any reader sees, so that a cached file
never carries what only some of its readers may see.

Secrecy: the spread and the rating rows are None until the reveal, for everyone, the
facilitator included (para 70b: each person assesses alone first).

Never a score: the spread is how many people put the barrier at each stage; nothing here
adds stages up or averages them (the paper: "neither a formula to follow nor a scoring
system", para 65).

A fixed number of queries whatever the number of participants, ratings or actions
(``tests/test_board.py`` counts them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone

from assessments.models import Action, Consensus, Target, Workshop
from assessments.selectors import outcome as outcome_selectors
from assessments.selectors import workshops as selectors
from model_content.models import Barrier, BarrierStage, Stage
from organisations.models import Role, person_name
from organisations.rules import Actor

# ---------------------------------------------------------------- who is asking


def document_reader(workshop: Workshop) -> Actor:
    """Who a document drawn once for everyone is read as: a viewer of the workshop's
    organisation taking no part in it (no own rating, no facilitator's view)."""
    return Actor(
        user=None, role=Role.VIEWER, organisation_id=workshop.organisation_id, workshop=workshop
    )


def _ensure_reader(actor: Actor, workshop: Workshop) -> None:
    if not actor.is_member or actor.organisation_id != workshop.organisation_id:
        raise PermissionDenied("Only the organisation's people can read its workshops.")


# ---------------------------------------------------------------- the board summary


@dataclass(frozen=True)
class StagePlace:
    """A stage as the summary names it: the stage in words and its headline on the chart."""

    stage: str
    label: str
    headline: str  # the model's headline for this barrier at this stage, without its colon


@dataclass(frozen=True)
class StageCount:
    """How many people put the barrier at this stage, and who (their labels: initials, or
    the anonymous letters of an anonymous workshop), in the order of the labels."""

    stage: str
    label: str
    count: int
    who: tuple[str, ...]


@dataclass(frozen=True)
class BarrierSummary:
    barrier: Barrier
    consensus: StagePlace | None
    target: StagePlace | None
    # None before the reveal; after it, one entry per stage in the chart's order.
    spread: tuple[StageCount, ...] | None
    # Last time's, matched by barrier slug (the two workshops may use different versions).
    previous_consensus: StagePlace | None = None
    previous_target: StagePlace | None = None

    @property
    def rated(self) -> int | None:
        return None if self.spread is None else sum(c.count for c in self.spread)


@dataclass(frozen=True)
class BoardSummary:
    workshop: Workshop
    as_at: datetime.date
    draft: bool  # the workshop is not closed: what it says may still change
    revealed: bool
    reassess_on: datetime.date | None
    previous: Workshop | None
    barriers: tuple[BarrierSummary, ...]
    anonymous: bool


def _barriers_with_stages(workshop: Workshop) -> list[Barrier]:
    """The barriers in scope, in the model's order, with their stage cells (two queries)."""
    return list(
        workshop.barriers.order_by("order").prefetch_related(
            Prefetch("stages", queryset=BarrierStage.objects.order_by("id"))
        )
    )


def _place(stage: str | None, cells: dict[str, BarrierStage]) -> StagePlace | None:
    if not stage:
        return None
    cell = cells.get(stage)
    return StagePlace(
        stage=stage, label=str(Stage(stage).label), headline=cell.headline_alone if cell else ""
    )


def board_summary(
    *, workshop: Workshop, actor: Actor, as_at: datetime.date | None = None
) -> BoardSummary:
    """Per barrier, in the model's order: the agreed stage and its headline, the target, the
    spread of individual ratings (after the reveal), last time's consensus and target; with
    the reassessment date and whether the workshop is still a draft.

    Seven queries whatever the size of the room (barriers, stages, participants, ratings,
    and ``workshop_outcome``'s consensus, target and actions); ten on a reassessment (last
    time's consensus, target and workshop)."""
    _ensure_reader(actor, workshop)
    barriers = _barriers_with_stages(workshop)
    spreads = selectors.ratings_revealed(workshop, barriers, with_challenges=False)
    outcomes = outcome_selectors.workshop_outcome(workshop, barriers)
    previous = (
        Workshop.objects.filter(pk=workshop.previous_id).only("code", "title", "date").first()
        if workshop.previous_id
        else None
    )
    rows = []
    for barrier, outcome in zip(barriers, outcomes, strict=True):
        cells = {cell.stage: cell for cell in barrier.stages.all()}
        spread = None
        if spreads is not None:
            views = spreads[barrier.pk]
            spread = tuple(
                StageCount(
                    stage=value,
                    label=label,
                    count=count,
                    who=tuple(v.short_label for v in views.ratings_at(value)),
                )
                for value, label, count in views.stage_counts
            )
        rows.append(
            BarrierSummary(
                barrier=barrier,
                consensus=_place(outcome.consensus and outcome.consensus.stage, cells),
                target=_place(outcome.target and outcome.target.stage, cells),
                spread=spread,
                # Last time's headline from this workshop's chart: the stage is what was
                # agreed, and the summary reads against one chart.
                previous_consensus=_place(
                    outcome.previous_consensus and outcome.previous_consensus.stage, cells
                ),
                previous_target=_place(
                    outcome.previous_target and outcome.previous_target.stage, cells
                ),
            )
        )
    return BoardSummary(
        workshop=workshop,
        as_at=as_at or timezone.localdate(),
        draft=not workshop.is_closed,
        revealed=spreads is not None,
        reassess_on=workshop.reassess_on,
        previous=previous,
        barriers=tuple(rows),
        anonymous=workshop.anonymous,
    )


# ---------------------------------------------------------------- the action plan


@dataclass(frozen=True)
class PlannedAction:
    action: Action
    barrier: Barrier
    description: str
    responsible: str
    accountable: str
    due_on: datetime.date
    status: str  # in words: "In progress"
    overdue: str  # "Overdue" or "": in words, never a colour alone
    updated_at: datetime.datetime | None
    updated_by: str
    note: str
    # The breakthrough point the action draws on, unless it says the same as the action
    # (an action is often the point copied: printing it twice says nothing more).
    draws_on: str

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue)

    @property
    def last_update(self) -> str:
        """When, by whom, and the note, as one cell reads: "12 Mar 2025, Bob Example: …"."""
        if self.updated_at is None:
            return "Not updated yet"
        when = f"{timezone.localtime(self.updated_at):%-d %b %Y}"
        text = f"{when}, {self.updated_by}" if self.updated_by else when
        return f"{text}: {self.note}" if self.note else text


@dataclass(frozen=True)
class ActionPlan:
    workshop: Workshop
    as_at: datetime.date
    draft: bool
    actions: tuple[PlannedAction, ...]

    @property
    def overdue(self) -> int:
        return sum(a.is_overdue for a in self.actions)


def _same_words(a: str, b: str) -> bool:
    def words(text: str) -> str:
        return " ".join(text.casefold().split()).rstrip(".;:, ")

    return words(a) == words(b)


def action_plan(
    *, workshop: Workshop, actor: Actor, as_at: datetime.date | None = None
) -> ActionPlan:
    """Every key action of the workshop in one list, barrier by barrier in the model's
    order: one query, whatever the number of actions."""
    _ensure_reader(actor, workshop)
    as_at = as_at or timezone.localdate()
    actions = (
        Action.objects.filter(workshop=workshop)
        .select_related(
            "barrier", "responsible", "accountable", "breakthrough_point", "status_updated_by"
        )
        .order_by("barrier__order", "created_at", "pk")
    )
    planned = []
    for a in actions:
        point = a.breakthrough_point.text_alone if a.breakthrough_point_id else ""
        planned.append(
            PlannedAction(
                action=a,
                barrier=a.barrier,
                description=a.description,
                responsible=a.responsible_display,
                accountable=a.accountable_display,
                due_on=a.due_on,
                status=a.get_status_display(),
                overdue="Overdue" if a.overdue_on(as_at) else "",
                updated_at=a.status_updated_at,
                updated_by=person_name(a.status_updated_by) if a.status_updated_by_id else "",
                note=a.status_note,
                draws_on="" if not point or _same_words(point, a.description) else point,
            )
        )
    return ActionPlan(
        workshop=workshop, as_at=as_at, draft=not workshop.is_closed, actions=tuple(planned)
    )


# ---------------------------------------------------------------- the ratings


@dataclass(frozen=True)
class RatingRow:
    barrier: Barrier
    who: str  # the long label: a name, or "Participant B" in an anonymous workshop
    stage: str
    stage_label: str
    evidence: str
    submitted_at: datetime.datetime
    on_behalf: bool  # recorded by a facilitator on the participant's behalf


def rating_rows(*, workshop: Workshop, actor: Actor) -> list[RatingRow] | None:
    """One row per individual rating, barrier by barrier, in the order of the labels; None
    before the reveal, for everyone. Three queries."""
    _ensure_reader(actor, workshop)
    barriers = list(workshop.barriers.order_by("order"))
    spreads = selectors.ratings_revealed(workshop, barriers, with_challenges=False)
    if spreads is None:
        return None
    return [
        RatingRow(
            barrier=barrier,
            who=view.long_label,
            stage=view.stage,
            stage_label=view.rating.get_stage_display(),
            evidence=view.rating.evidence,
            submitted_at=view.rating.submitted_at,
            on_behalf=view.rating.given_by_id is not None,
        )
        for barrier in barriers
        for view in spreads[barrier.pk].ratings
    ]


# ---------------------------------------------------------------- the evidence


@dataclass(frozen=True)
class ChallengeView:
    on: str  # whose evidence: the label of its author (a letter in an anonymous workshop)
    by: str  # who challenged it, by name; the evidence's own author by its label
    text: str


@dataclass(frozen=True)
class BarrierEvidence:
    barrier: Barrier
    consensus: Consensus | None
    target: Target | None
    submitted: int  # how many have rated the barrier (all a reader learns before the reveal)
    total: int
    revealed: bool
    # The evidence the team relied on: what was given for the agreed stage (all of it while
    # there is no consensus); the other views, kept beside it; the challenges (para 70c).
    relied_on: tuple[selectors.RatingView, ...] = ()
    other_views: tuple[selectors.RatingView, ...] = ()
    challenges: tuple[ChallengeView, ...] = ()
    is_wide: bool = False  # rated from starting to consolidating


def barrier_evidence(*, workshop: Workshop, actor: Actor) -> list[BarrierEvidence]:
    """Per barrier, in the model's order: what was agreed, and the evidence and challenges
    behind it after the reveal (before it, only how many have rated). A fixed number of
    queries: barriers, participants (twice), ratings, challenges, consensus, target,
    actions and the submitted ratings."""
    _ensure_reader(actor, workshop)
    barriers = list(workshop.barriers.order_by("order"))
    spreads = selectors.ratings_revealed(workshop, barriers)
    outcomes = outcome_selectors.workshop_outcome(workshop, barriers)
    progress = selectors.workshop_progress(workshop, barriers)
    rows = []
    for barrier, outcome, done in zip(barriers, outcomes, progress, strict=True):
        spread = spreads[barrier.pk] if spreads is not None else None
        views = spread.ratings if spread else []
        agreed = outcome.consensus.stage if outcome.consensus else None
        rows.append(
            BarrierEvidence(
                barrier=barrier,
                consensus=outcome.consensus,
                target=outcome.target,
                submitted=done.submitted,
                total=done.total,
                revealed=spread is not None,
                relied_on=tuple(v for v in views if agreed is None or v.stage == agreed),
                other_views=tuple(v for v in views if agreed is not None and v.stage != agreed),
                challenges=tuple(
                    ChallengeView(on=v.long_label, by=c.signature, text=c.text)
                    for v in views
                    for c in v.rating.challenge_list
                ),
                is_wide=bool(spread and spread.is_wide),
            )
        )
    return rows
