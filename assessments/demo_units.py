"""Demo units for ``seed_demo``: three directorates and a team below one of them, each with
closed workshops, so that the roll-up has something to show at once (issue 23).

Children's Services has assessed itself twice (its trend moves); Adults and Health once;
Place once, more than a year ago (flagged); Highways, Place's team, once, with actions
overdue. Made through the same services a facilitator uses; the dates agreed on the day are
set as they were then. Idempotent: nothing happens if the organisation already has units
below the top.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import Participant, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, consensus, outcome, reassess, setup
from organisations.access import actor_for
from organisations.models import Membership, Role
from organisations.units import top_unit, unit_create, unit_member_set

S, D, C = "starting", "developing", "consolidating"
# (unit, parent, director's email and name, members, workshops: (days ago, consensus and
# target per barrier in the model's order))
UNITS = [
    (
        "Children's Services",
        None,
        ("director.children@demo.example", "Hannah", "Ward"),
        ["amir@demo.example", "bethan@demo.example"],
        [
            (400, [S, S, D, S, S, D], [D, D, D, D, D, C]),
            (30, [D, S, D, D, S, D], [C, D, C, C, D, C]),
        ],
    ),
    (
        "Adults and Health",
        None,
        ("director.adults@demo.example", "Ian", "Moss"),
        ["chris@demo.example", "deepa@demo.example"],
        [(90, [D, D, C, D, D, D], [C, C, C, C, C, C])],
    ),
    (
        "Place",
        None,
        ("director.place@demo.example", "Julia", "Fox"),
        ["ed@demo.example", "amir@demo.example"],
        [(420, [S, S, S, D, S, S], [D, D, D, D, D, D])],
    ),
    (
        "Highways",
        "Place",
        ("head.highways@demo.example", "Karl", "Baker"),
        ["bethan@demo.example", "chris@demo.example"],
        [(150, [S, D, S, S, D, S], [D, D, D, D, C, D])],
    ),
]
DIRECTORS = [(email, first, last) for _n, _p, (email, first, last), _m, _w in UNITS]


def demo_units(*, organisation, facilitator, password: str) -> None:
    if organisation.units.filter(parent__isnull=False).exists():
        return
    User = get_user_model()
    as_facilitator = actor_for(organisation=organisation, user=facilitator)
    made = {}
    for name, parent, (email, first, last), members, workshops in UNITS:
        unit = unit_create(
            organisation=organisation,
            parent=made[parent] if parent else top_unit(organisation),
            name=name,
            actor=as_facilitator,
        )
        made[name] = unit
        director, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first, "last_name": last}
        )
        if created:
            director.set_password(password)
            director.save()
        people = [(facilitator, Role.FACILITATOR), (director, Role.VIEWER)] + [
            (User.objects.get(username=m), Role.MEMBER) for m in members
        ]
        for user, role in people:
            # A director reads the organisation's own workshops as its viewers do.
            membership, _ = Membership.objects.get_or_create(
                user=user,
                organisation=organisation,
                defaults={"role": Role.VIEWER if user == director else Role.MEMBER},
            )
            unit_member_set(unit=unit, membership=membership, role=role, actor=as_facilitator)
        previous = None
        for days_ago, agreed, targets in workshops:
            previous = _closed_workshop(
                organisation=organisation,
                unit=unit,
                facilitator=facilitator,
                members=[u for u, r in people if r == Role.MEMBER],
                date=timezone.localdate() - datetime.timedelta(days=days_ago),
                agreed=agreed,
                targets=targets,
                previous=previous,
            )


def _closed_workshop(*, organisation, unit, facilitator, members, date, agreed, targets, previous):
    if previous is None:
        workshop = setup.workshop_create(
            organisation=organisation,
            unit=unit,
            actor=actor_for(organisation=organisation, user=facilitator),
            title=f"{unit.name} management team",
            date=date,
            barrier_slugs=[
                "leadership",
                "learning",
                "priorities",
                "managing-change",
                "performance-frameworks",
                "helping-people-perform",
            ],
            participants=members,
            anonymous=False,
        )
    else:
        previous.reassess_on = date
        previous.save(update_fields=["reassess_on"])
        workshop = reassess.reassessment_start(
            workshop=previous, actor=actor_for(organisation=organisation, user=facilitator)
        )
        if workshop.step == Step.REVIEW:
            setup.step_move(workshop=workshop, to=Step.EXPLAIN, actor=_as(workshop, facilitator))

    def role():
        return _as(workshop, facilitator)

    setup.step_move(workshop=workshop, to=Step.ASSESS, actor=role())
    barriers = list(workshop.barriers.order_by("order"))
    for p in Participant.objects.filter(workshop=workshop).order_by("pk"):
        for b, stage in zip(barriers, agreed, strict=True):
            assess.rating_submit(
                workshop=workshop,
                actor=workshop_actor_for(workshop=workshop, user=p.user),
                barrier=b,
                stage=stage,
                evidence=f"What {p.user.first_name} has seen in {unit.name}.",
            )
    assess.ratings_reveal(workshop=workshop, actor=role())
    for b, stage in zip(barriers, agreed, strict=True):
        consensus.consensus_record(
            workshop=workshop,
            barrier=b,
            stage=stage,
            rationale=f"The evidence in {unit.name} points here.",
            lock=0,
            actor=role(),
        )
    setup.step_move(workshop=workshop, to=Step.TARGET, actor=role())
    for b, stage in zip(barriers, targets, strict=True):
        points = list(b.points.all())
        outcome.barrier_outcome_record(
            workshop=workshop,
            barrier=b,
            stage=stage,
            fewer_actions_reason="One action at a time in this unit.",
            actions=[
                {
                    "description": f"{points[0].text[:1].upper()}{points[0].text[1:].rstrip(';.')}",
                    "responsible": members[b.order % len(members)],
                    "accountable": facilitator,
                    "due_on": workshop.date + datetime.timedelta(days=60),
                    "breakthrough_point": points[0],
                }
            ],
            actor=role(),
        )
    setup.step_move(workshop=workshop, to=Step.REASSESS, actor=role())
    workshop.reassess_on = workshop.date + datetime.timedelta(days=365)
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["reassess_on", "closed_at"])
    return workshop


def _as(workshop, user):
    return workshop_actor_for(workshop=workshop, user=user)
