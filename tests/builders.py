"""Whole workshops built straight through the ORM, for tests of what reads them
(wall chart, state endpoint, PDFs). The workshop flow itself is tested
through its services and views elsewhere.
"""

import datetime

from django.utils import timezone

from assessments.models import (
    Action,
    ActionReview,
    ActionStatus,
    Challenge,
    Consensus,
    Participant,
    Rating,
    Step,
    Target,
)
from model_content.models import Stage
from tests.factories import WorkshopFactory

# A stage for each (participant index, barrier order): spread on purpose, so
# that Leadership splits from starting to consolidating.
S, D, C = Stage.STARTING, Stage.DEVELOPING, Stage.CONSOLIDATING
PATTERN = [
    [S, D, D, S, D, S],
    [C, D, S, S, D, D],
    [D, S, D, S, S, S],
    [D, D, D, D, D, S],
]


def evidence_text(user, barrier) -> str:
    """A piece of evidence unique to its author and barrier, easy to look for in a response."""
    return f"Evidence of {user.first_name} on {barrier.name}: we saw the team do X."


def workshop_rated(*, organisation, facilitator, members, revealed=True, **kwargs):
    """A workshop at step 3 where every member has rated every barrier; revealed or not."""
    workshop = WorkshopFactory(
        organisation=organisation, lead_facilitator=facilitator, members=members, **kwargs
    )
    now = timezone.now()
    barriers = list(workshop.barriers.order_by("order"))
    for i, participant in enumerate(Participant.objects.filter(workshop=workshop).order_by("pk")):
        participant.understood_at = now
        participant.save(update_fields=["understood_at"])
        for j, barrier in enumerate(barriers):
            Rating.objects.create(
                participant=participant,
                barrier=barrier,
                stage=PATTERN[i % len(PATTERN)][j % 6],
                evidence=evidence_text(participant.user, barrier),
                submitted_at=now,
            )
    workshop.step = Step.CONSENSUS if revealed else Step.ASSESS
    workshop.assessment_closed_at = now if revealed else None
    workshop.revealed_at = now if revealed else None
    workshop.save()
    return workshop


def workshop_completed(
    *,
    organisation,
    facilitator,
    members,
    previous=None,
    date=None,
    consensus=Stage.STARTING,
    target=Stage.DEVELOPING,
    closed=True,
):
    """A whole workshop: ratings revealed, a challenge, consensus, target and three actions
    per barrier, a reassessment date; closed unless told otherwise."""
    date = date or timezone.localdate()
    workshop = workshop_rated(
        organisation=organisation,
        facilitator=facilitator,
        members=members,
        date=date,
        previous=previous,
        title=f"Management team workshop, {date:%B %Y}",
    )
    first_rating = Rating.objects.filter(participant__workshop=workshop).order_by("pk").first()
    Challenge.objects.create(
        rating=first_rating,
        author=members[-1],
        text="Is that true in every directorate, or only in yours?",
    )
    for barrier in workshop.barriers.order_by("order"):
        Consensus.objects.create(
            workshop=workshop,
            barrier=barrier,
            stage=consensus,
            rationale=f"Most of the evidence on {barrier.name} points here.",
            recorded_by=facilitator,
        )
        Target.objects.create(
            workshop=workshop, barrier=barrier, stage=target, recorded_by=facilitator
        )
        points = list(barrier.points.all())
        for n in range(3):
            Action.objects.create(
                workshop=workshop,
                barrier=barrier,
                description=f"{barrier.name} action {n + 1}",
                responsible=members[n % len(members)],
                accountable=facilitator if n else None,
                accountable_name="" if n else "Chair of the audit committee",
                due_on=date + datetime.timedelta(days=30 * (n + 1)),
                breakthrough_point=points[n] if n < len(points) else None,
            )
    workshop.step = Step.REASSESS
    workshop.reassess_on = date + datetime.timedelta(days=180)
    if closed:
        workshop.closed_at = timezone.now()
    workshop.save()
    return workshop


def series_of_two(*, organisation, facilitator, members):
    """Two workshops in a series: the previous one closed six months ago, the current one
    with the previous actions reviewed (done, in progress, dropped, not started)."""
    today = timezone.localdate()
    earlier = workshop_completed(
        organisation=organisation,
        facilitator=facilitator,
        members=members,
        date=today - datetime.timedelta(days=182),
        consensus=Stage.STARTING,
        target=Stage.DEVELOPING,
    )
    statuses = [
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DROPPED,
        ActionStatus.NOT_STARTED,
    ]
    for i, action in enumerate(earlier.actions.order_by("pk")):
        status = statuses[i % len(statuses)]
        action.status = status
        action.save(update_fields=["status"])
    current = workshop_completed(
        organisation=organisation,
        facilitator=facilitator,
        members=members,
        previous=earlier,
        date=today,
        consensus=Stage.DEVELOPING,
        target=Stage.CONSOLIDATING,
        closed=False,
    )
    for action in earlier.actions.all():
        ActionReview.objects.create(
            workshop=current,
            action=action,
            status=action.status,
            note=f"Reviewed: {action.get_status_display().lower()}.",
            reviewed_by=facilitator,
        )
    return earlier, current
