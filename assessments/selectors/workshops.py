"""Reads of a workshop, for pages, the live state endpoint and the PDFs.

Secrecy: before the reveal, nothing here returns another participant's
rating or evidence. ``workshop_progress`` says only who has submitted for
which barrier; ``ratings_revealed`` returns nothing until ``revealed_at``;
``ratings_own`` returns the asking person's own ratings only.

Every function runs a fixed number of queries whatever the number of
participants (the grid and list pages assert it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.crypto import salted_hmac

from assessments.models import (
    Challenge,
    Participant,
    Rating,
    RatingDraft,
    Step,
    Workshop,
)
from model_content.models import Barrier, BarrierStage, Stage
from model_content.selectors import barriers_with_content
from organisations.models import Membership, Role, UnitMembership, person_name
from organisations.rules import Actor

# ---------------------------------------------------------------- who is asking


def workshop_actor(
    *, workshop: Workshop, user, role: str | None, unit_roles: Mapping[int, str] | None = None
) -> Actor:
    """Who ``user`` is in ``workshop``, for the rules: ``role`` is their role in its
    organisation as the request read it (None: not a member), ``unit_roles`` their roles in
    its units below the top (read here if not given).

    In a workshop of the top unit the role is the organisation's; in one of a unit below it,
    the role in that unit (organisations/rules.py, ``unit_role``): one query more, for the
    person's unit roles, only there.

    One query for most of the room (the participant row); the co-facilitator link and the
    lead's own role are looked up only for a facilitator of the unit who does not lead this
    workshop (and, in a unit below the top, for whoever is not one of its people: whether
    they are named in it decides whether they see it).
    """
    unit = workshop.unit
    if unit_roles is None:
        unit_roles = {} if unit.is_top else _unit_roles(workshop.organisation_id, user)
    organisation_role = role
    if role is not None and not unit.is_top:
        role = unit_roles.get(unit.pk)
    may_facilitate = role == Role.FACILITATOR
    named_lead = workshop.lead_facilitator_id == user.pk
    is_lead = may_facilitate and named_lead
    named_co = (may_facilitate or (role is None and not unit.is_top)) and (
        not named_lead and workshop.co_facilitators.filter(pk=user.pk).exists()
    )
    is_co = may_facilitate and named_co
    lead_is_facilitator = not may_facilitate or is_lead or _facilitates_unit(workshop)
    participant = Participant.objects.filter(workshop=workshop, user=user).first()
    if participant is not None:
        participant.workshop, participant.user = workshop, user
    return Actor(
        user=user,
        role=role,
        organisation_id=workshop.organisation_id,
        workshop=workshop,
        is_lead=is_lead,
        is_co_facilitator=is_co,
        lead_is_facilitator=lead_is_facilitator,
        participant=participant,
        organisation_role=organisation_role,
        unit_roles=unit_roles,
        unit=unit,
        took_part=participant is not None or named_lead or named_co,
    )


def _unit_roles(organisation_id: int, user) -> dict[int, str]:
    return dict(
        UnitMembership.objects.filter(
            membership__organisation_id=organisation_id, membership__user=user
        ).values_list("unit_id", "role")
    )


def _facilitates_unit(workshop: Workshop) -> bool:
    """Whether the workshop's lead is still a facilitator of its unit."""
    if workshop.unit.is_top:
        return Membership.objects.filter(
            organisation_id=workshop.organisation_id,
            user_id=workshop.lead_facilitator_id,
            role=Role.FACILITATOR,
        ).exists()
    return UnitMembership.objects.filter(
        unit=workshop.unit,
        membership__user_id=workshop.lead_facilitator_id,
        role=Role.FACILITATOR,
    ).exists()


def workshop_actor_for(*, workshop: Workshop, user) -> Actor:
    """``workshop_actor`` with the role read now (for commands, the demo and tests)."""
    role = (
        Membership.objects.filter(organisation_id=workshop.organisation_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return workshop_actor(workshop=workshop, user=user, role=role)


# ---------------------------------------------------------------- the model in scope


def workshop_barrier(workshop: Workshop, slug: str) -> Barrier | None:
    """The barrier ``slug`` if ``workshop`` assesses it, else None; with its stages and
    descriptors, as the rating form offers them."""
    return (
        workshop.barriers.filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=BarrierStage.objects.order_by("id").prefetch_related("descriptors"),
            )
        )
        .first()
    )


def barrier_in_scope(workshop: Workshop, barrier: Barrier) -> bool:
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


def letters(i: int) -> str:
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
    """Participant id → (short label, long label) as the workshop shows ratings after the reveal,
    in the order ratings are to be listed (the dict's own order).

    Anonymous workshops label people "A", "B", ... in a fixed order that does
    not follow the order of the names, so a label cannot be matched to a
    person from the participant list; and they are listed in that order, A first.
    """
    if workshop.anonymous:
        # Keyed on the server's secret: participants are created in the order of their
        # names, so ordering by id would give "A" to the first name alphabetically.
        ordered = sorted(
            participants,
            key=lambda p: salted_hmac("anonymous-label", f"{workshop.code}:{p.pk}").hexdigest(),
        )
        return {p.pk: (letters(i), f"Participant {letters(i)}") for i, p in enumerate(ordered)}
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


def ratings_own(*, participant: Participant) -> dict[int, Rating]:
    """Barrier id → the participant's own submitted rating."""
    return {
        r.barrier_id: r
        for r in Rating.objects.filter(participant=participant)
        .select_related("given_by")
        .prefetch_related("descriptors")
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
    users = {p.pk: p.user_id for p in participants}
    for r in ratings:
        short, long = labels.get(r.participant_id, ("?", "Former participant"))
        by_barrier[r.barrier_id].append(RatingView(rating=r, short_label=short, long_label=long))
        for c in getattr(r, "challenge_list", ()):
            # A comment by the evidence's own author (their answer) is signed with the
            # evidence's label, never a name: in an anonymous workshop a name under
            # "Participant B" would say who B is. Other challengers are named.
            c.is_answer = c.author_id == users.get(r.participant_id)
            c.signature = long if c.is_answer else person_name(c.author)
    # Listed by label, everywhere (grid, step 3, the state endpoint, the PDFs): in participant
    # order, which follows the names, an anonymous workshop's markers would line up with the
    # team list and give the labels away.
    position = {pid: i for i, pid in enumerate(labels)}
    for views in by_barrier.values():
        views.sort(key=lambda v: position.get(v.rating.participant_id, len(position)))
    spreads = {}
    for barrier in barriers:
        views = by_barrier.get(barrier.pk, [])
        counts = Counter(v.stage for v in views)
        spreads[barrier.pk] = BarrierSpread(
            barrier=barrier, counts={s: counts.get(s, 0) for s in Stage.values}, ratings=views
        )
    return spreads


# ---------------------------------------------------------------- the stepper


def step_context(*, workshop: Workshop, role: Actor) -> dict:
    """What the stepper and the facilitator's progress panel show; the same for page and poll."""
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
