"""Reads of a workshop, for pages, the live state endpoint and the PDFs.

Secrecy: before the reveal, nothing here returns another participant's
rating or evidence. ``workshop_progress`` says only who has submitted for
which barrier; ``ratings_revealed`` returns nothing until ``revealed_at``;
``rating_own`` returns the asking person's own rating only.

Every function runs a fixed number of queries whatever the number of
participants (the grid and list pages assert it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Prefetch, Q
from django.utils.crypto import salted_hmac

from assessments.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    Challenge,
    Consensus,
    Participant,
    Rating,
    RatingDraft,
    Role,
    Target,
    Workshop,
)
from assessments.statements import columns, rows, table
from model_content.models import Barrier, BarrierStage, Descriptor, Stage
from model_content.selectors import barriers_with_content

# ---------------------------------------------------------------- who is asking


@dataclass(frozen=True)
class WorkshopRole:
    """What the asking person is in this workshop."""

    membership_role: str
    is_lead: bool
    is_co_facilitator: bool
    participant: Participant | None

    @property
    def is_facilitator(self) -> bool:
        """Lead or co-facilitator: may move the steps and record the outcome."""
        return self.is_lead or self.is_co_facilitator

    @property
    def is_participant(self) -> bool:
        return self.participant is not None

    @property
    def can_write(self) -> bool:
        return self.membership_role != Role.VIEWER

    @property
    def may_challenge(self) -> bool:
        """Challenging the evidence is for the people in the room (para 70c)."""
        return self.can_write and (self.is_participant or self.is_facilitator)


def workshop_role(*, workshop: Workshop, user, membership_role: str) -> WorkshopRole:
    """The participant row, and the co-facilitator link only where it could matter.

    One query for most of the room: the co-facilitator link is looked up only for a
    facilitator of the organisation who does not lead this workshop.
    """
    participant = _participant_of(workshop, user)
    # A viewer or member can never facilitate, even if once named.
    may_facilitate = membership_role == Role.FACILITATOR
    is_lead = may_facilitate and workshop.lead_facilitator_id == user.pk
    is_co = may_facilitate and not is_lead and workshop.co_facilitators.filter(pk=user.pk).exists()
    return WorkshopRole(
        membership_role=membership_role,
        is_lead=is_lead,
        is_co_facilitator=is_co,
        participant=participant,
    )


def participant_known(workshop: Workshop, user, participant: Participant | None) -> None:
    """Keep on ``workshop`` the ``user``'s participant row (or that they have none), fetched
    along with it, so that ``workshop_role`` need not ask again."""
    workshop.__dict__["_participant_of"] = (user.pk, participant)


def _participant_of(workshop: Workshop, user) -> Participant | None:
    known = workshop.__dict__.get("_participant_of")
    if known is not None and known[0] == user.pk:
        return known[1]
    return Participant.objects.filter(workshop=workshop, user=user).first()


# ---------------------------------------------------------------- the model in scope


_B = columns(Barrier, "b")
_WORKSHOP_BARRIER = f"""
SELECT {_B.sql}, d.id, d.text
FROM {table(Barrier)} b
JOIN {table(Workshop.barriers.through)} wb ON wb.barrier_id = b.id
LEFT JOIN {table(BarrierStage)} s ON s.barrier_id = b.id
LEFT JOIN {table(Descriptor)} d ON d.barrier_stage_id = s.id
WHERE wb.workshop_id = %s AND b.slug = %s
ORDER BY s.id, d."order", d.id"""  # noqa: S608 (names from the models; values are parameters)


def workshop_barrier(workshop: Workshop, slug: str) -> Barrier | None:
    """The barrier ``slug`` if ``workshop`` assesses it, else None; with its descriptors as
    the rating form offers them, stage by stage (``barrier_descriptor_choices``).

    One statement: it starts every write of a barrier's card (the autosave of what is
    typed, a rating, a consensus, a target, an action), and the services need not ask
    again whether the barrier is in scope (``barrier_in_scope``).
    """
    found = rows(connection, _WORKSHOP_BARRIER, [workshop.pk, slug])
    if not found:
        return None
    barrier = _B.instance(connection, found[0], 0)
    n = len(_B)
    barrier.descriptor_choices = [(row[n], row[n + 1]) for row in found if row[n] is not None]
    barrier.__dict__["_in_workshop"] = workshop.pk
    return barrier


def barrier_in_scope(workshop: Workshop, barrier: Barrier) -> bool:
    """Whether ``workshop`` assesses ``barrier``: known without a query when the barrier was
    read through the workshop (``workshop_barrier``)."""
    if barrier.__dict__.get("_in_workshop") == workshop.pk:
        return True
    return workshop.barriers.filter(pk=barrier.pk).exists()


def workshop_barriers(workshop: Workshop) -> list[Barrier]:
    """The barriers in scope, in the model's order, with their stages, descriptors and points."""
    return list(barriers_with_content(version=workshop.model_version, barriers=workshop.barriers))


def participants_of(workshop: Workshop) -> list[Participant]:
    return list(workshop.participants.select_related("user"))


def person_initials(user) -> str:
    parts = [p for p in (user.first_name, user.last_name) if p]
    if parts:
        return "".join(p[0].upper() for p in parts)
    return user.email[:2].upper()


def _letters(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a distinct label for every participant, however many."""
    label = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def author_labels(
    workshop: Workshop, participants: list[Participant]
) -> dict[int, tuple[str, str]]:
    """Participant id → (short label, long label) as the workshop shows ratings after the reveal.

    Anonymous workshops label people "A", "B", ... in a fixed order that does
    not follow the order of the names, so a label cannot be matched to a
    person from the participant list.
    """
    if workshop.anonymous:
        # Keyed on the server's secret: participants are created in the order of their
        # names, so ordering by id would give "A" to the first name alphabetically.
        ordered = sorted(
            participants,
            key=lambda p: salted_hmac("anonymous-label", f"{workshop.code}:{p.pk}").hexdigest(),
        )
        return {p.pk: (_letters(i), f"Participant {_letters(i)}") for i, p in enumerate(ordered)}
    return {
        p.pk: (person_initials(p.user), p.user.get_full_name() or p.user.email)
        for p in participants
    }


# ---------------------------------------------------------------- before the reveal


@dataclass
class BarrierProgress:
    barrier: Barrier
    submitted: int
    total: int
    submitted_names: list[str] = field(default_factory=list)
    waiting: list[Participant] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.submitted == self.total

    @property
    def waiting_names(self) -> list[str]:
        return [_name(p) for p in self.waiting]


def workshop_progress(
    workshop: Workshop, barriers: list[Barrier] | None = None
) -> list[BarrierProgress]:
    """Who has submitted for each barrier: "4 of 6 have rated Learning". No stage, no evidence."""
    barriers = barriers if barriers is not None else list(workshop.barriers.order_by("order"))
    participants = participants_of(workshop)
    done = set(
        Rating.objects.filter(participant__workshop=workshop).values_list(
            "participant_id", "barrier_id"
        )
    )
    rows = []
    for barrier in barriers:
        submitted = [p for p in participants if (p.pk, barrier.pk) in done]
        waiting = [p for p in participants if (p.pk, barrier.pk) not in done]
        rows.append(
            BarrierProgress(
                barrier=barrier,
                submitted=len(submitted),
                total=len(participants),
                submitted_names=[_name(p) for p in submitted],
                waiting=waiting,
            )
        )
    return rows


@dataclass
class StillToRate:
    name: str
    barriers: int  # how many barriers this person has not rated yet


def still_to_rate(progress: list[BarrierProgress]) -> list[StillToRate]:
    """Step 2: who has not rated every barrier yet, those with most left first (no stages)."""
    left: Counter[Participant] = Counter(p for row in progress for p in row.waiting)
    return [
        StillToRate(name=_name(p), barriers=n)
        for p, n in sorted(left.items(), key=lambda item: (-item[1], _name(item[0])))
    ]


def understanding_progress(workshop: Workshop) -> tuple[list[Participant], list[Participant]]:
    """Step 1: who has confirmed "I understand the model", and who has not."""
    participants = participants_of(workshop)
    return (
        [p for p in participants if p.understood_at],
        [p for p in participants if not p.understood_at],
    )


def _name(p: Participant) -> str:
    return p.user.get_full_name() or p.user.email


def rating_own(*, participant: Participant, barrier: Barrier) -> Rating | None:
    return (
        Rating.objects.filter(participant=participant, barrier=barrier)
        .prefetch_related("descriptors")
        .first()
    )


def ratings_own(*, participant: Participant) -> dict[int, Rating]:
    """Barrier id → the participant's own submitted rating."""
    return {
        r.barrier_id: r
        for r in Rating.objects.filter(participant=participant).prefetch_related("descriptors")
    }


def drafts_own(*, participant: Participant) -> dict[int, RatingDraft]:
    return {d.barrier_id: d for d in RatingDraft.objects.filter(participant=participant)}


# ---------------------------------------------------------------- after the reveal


@dataclass
class RatingView:
    rating: Rating
    short_label: str
    long_label: str

    @property
    def stage(self) -> str:
        return self.rating.stage


@dataclass
class BarrierSpread:
    """The spread of individual ratings for a barrier: counts, never an average (para 65)."""

    barrier: Barrier
    counts: dict[str, int]
    ratings: list[RatingView]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def stage_counts(self) -> list[tuple[str, str, int]]:
        """(stage, label, how many) in the order of the chart."""
        return [(value, label, self.counts.get(value, 0)) for value, label in Stage.choices]

    @property
    def stages_used(self) -> list[str]:
        return [s for s in Stage.values if self.counts.get(s)]

    @property
    def is_wide(self) -> bool:
        """The team sees it from both ends of the chart: start the discussion here."""
        return bool(self.counts.get(Stage.STARTING) and self.counts.get(Stage.CONSOLIDATING))

    @property
    def is_split(self) -> bool:
        """No stage has more than half the ratings."""
        return self.total > 1 and max(self.counts.values()) * 2 <= self.total

    @property
    def is_unanimous(self) -> bool:
        return self.total > 0 and len(self.stages_used) == 1

    def ratings_at(self, stage: str) -> list[RatingView]:
        return [r for r in self.ratings if r.stage == stage]


def ratings_revealed(
    workshop: Workshop, barriers: list[Barrier] | None = None, *, with_challenges: bool = True
) -> dict[int, BarrierSpread] | None:
    """Barrier id → spread and evidence, or None before the reveal.

    Four queries at most: participants, ratings, challenges (into each rating's
    ``challenge_list``; the wall chart does without), barriers (if not given).
    """
    if not workshop.is_revealed:
        return None
    barriers = barriers if barriers is not None else list(workshop.barriers.order_by("order"))
    participants = participants_of(workshop)
    labels = author_labels(workshop, participants)
    ratings = (
        Rating.objects.filter(participant__workshop=workshop)
        .select_related("given_by")
        .order_by("participant_id")
    )
    if with_challenges:
        # to_attr: plain lists, not a queryset cloned per rating (measured: 26 ms → 12 ms
        # for a room of 50, bench/README.md).
        ratings = ratings.prefetch_related(
            Prefetch(
                "challenges",
                queryset=Challenge.objects.select_related("author"),
                to_attr="challenge_list",
            )
        )
    by_barrier: dict[int, list[RatingView]] = defaultdict(list)
    for r in ratings:
        short, long = labels.get(r.participant_id, ("?", "Former participant"))
        by_barrier[r.barrier_id].append(RatingView(rating=r, short_label=short, long_label=long))
    spreads = {}
    for barrier in barriers:
        views = by_barrier.get(barrier.pk, [])
        counts = Counter(v.stage for v in views)
        spreads[barrier.pk] = BarrierSpread(
            barrier=barrier, counts={s: counts.get(s, 0) for s in Stage.values}, ratings=views
        )
    return spreads


# ---------------------------------------------------------------- the outcome


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


def _tracker_rows(actions) -> list[Action]:
    from django.utils import timezone

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
    from django.utils import timezone

    by_status = {status: Count("pk", filter=Q(status=status)) for status, _ in ActionStatus.choices}
    return Action.objects.filter(workshop__organisation=organisation).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())),
        **by_status,
    )


def workshops_of(*, organisation) -> list[Workshop]:
    """The organisation's workshops with their participant counts: two queries at most."""
    return list(
        organisation.workshops.select_related("lead_facilitator", "model_version").annotate(
            participant_count=Count("participants", distinct=True)
        )
    )


# ---------------------------------------------------------------- the stepper


def step_context(*, workshop: Workshop, role: WorkshopRole) -> dict:
    """What the stepper and the facilitator's progress panel show; the same for page and poll."""
    from assessments.models import Step

    steps = [
        {
            "value": value,
            "label": label,
            "state": "current"
            if value == workshop.step
            else "done"
            if value < workshop.step
            else "todo",
        }
        for value, label in Step.choices
        if value != Step.REVIEW or workshop.previous_id
    ]
    context = {"workshop": workshop, "role": role, "steps": steps}
    if role.is_facilitator:
        understood, waiting = understanding_progress(workshop)
        context.update(
            understood=understood,
            not_understood=waiting,
            participant_total=len(understood) + len(waiting),
            progress=workshop_progress(workshop),
        )
    return context
