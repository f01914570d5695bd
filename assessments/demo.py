"""Demo workshops for ``seed_demo``, made through the same services a facilitator uses.

One closed workshop six months ago with its whole outcome, and its
reassessment today, in step 2 with some ratings in. Idempotent: it does
nothing if the organisation already has workshops.
"""

import datetime

from django.utils import timezone

from assessments.models import Participant, Step
from assessments.selectors.workshops import workshop_role
from assessments.services import workshops as services

EVIDENCE = {
    "leadership": "SMT meetings still spend most of the time on this month's figures; "
    "the new strategy was presented once and not mentioned since.",
    "learning": "The housing review was shared with adult social care and changed how "
    "they run their waiting list.",
    "priorities": "We have 42 corporate priorities; nobody could name more than five.",
    "managing-change": "Middle managers heard about the restructure from the local paper.",
    "performance-frameworks": "Team plans now link to the council plan, but the "
    "indicators are reported and not discussed.",
    "helping-people-perform": "Appraisals happen, but under-performance is still "
    "handled by moving people on.",
}
STAGES = ["starting", "developing", "starting", "developing", "developing"]


def demo_workshops(*, organisation, facilitator, members) -> None:
    if organisation.workshops.exists():
        return
    today = timezone.localdate()
    first = services.workshop_create(
        organisation=organisation,
        by=facilitator,
        title="Corporate management team workshop",
        date=today - datetime.timedelta(days=182),
        barrier_slugs=list(EVIDENCE),
        participants=members,
        anonymous=False,
    )

    def role(w):
        return workshop_role(workshop=w, user=facilitator, membership_role="facilitator")

    services.step_move(workshop=first, to=Step.ASSESS, role=role(first))
    barriers = list(first.barriers.order_by("order"))
    for i, p in enumerate(Participant.objects.filter(workshop=first).order_by("pk")):
        for j, b in enumerate(barriers):
            services.rating_submit(
                workshop=first,
                participant=p,
                barrier=b,
                stage=STAGES[(i + j) % len(STAGES)],
                evidence=EVIDENCE[b.slug],
            )
    services.ratings_reveal(workshop=first, role=role(first), by=facilitator)
    for b in barriers:
        services.consensus_record(
            workshop=first,
            barrier=b,
            stage="starting",
            rationale="Most of the evidence describes the starting stage.",
            lock=0,
            role=role(first),
            by=facilitator,
        )
    services.step_move(workshop=first, to=Step.TARGET, role=role(first))
    for b in barriers:
        services.target_record(
            workshop=first,
            barrier=b,
            stage="developing",
            fewer_actions_reason="",
            role=role(first),
            by=facilitator,
        )
        points = list(b.points.all())
        for n in range(3):
            services.action_add(
                workshop=first,
                barrier=b,
                role=role(first),
                by=facilitator,
                description=f"{points[n].text[:1].upper()}{points[n].text[1:].rstrip(';.')}",
                responsible=members[(n + b.order) % len(members)],
                responsible_name="",
                accountable=facilitator,
                accountable_name="",
                due_on=first.date + datetime.timedelta(days=60 * (n + 1)),
                breakthrough_point=points[n],
            )
    services.step_move(workshop=first, to=Step.REASSESS, role=role(first))
    # The date was agreed on the day; set it as it was then.
    first.reassess_on = today
    first.closed_at = timezone.now()
    first.save(update_fields=["reassess_on", "closed_at"])

    second = services.reassessment_start(workshop=first, by=facilitator)
    for action in first.actions.order_by("pk")[:6]:
        services.action_review(
            workshop=second,
            action=action,
            status="done" if action.pk % 2 else "in_progress",
            note="Reported at the meeting.",
            role=role(second),
            by=facilitator,
        )
    services.step_move(workshop=second, to=Step.EXPLAIN, role=role(second))
    services.step_move(workshop=second, to=Step.ASSESS, role=role(second))
    for p in Participant.objects.filter(workshop=second).order_by("pk")[:3]:
        for b in second.barriers.order_by("order")[:2]:
            services.rating_submit(
                workshop=second,
                participant=p,
                barrier=b,
                stage="developing",
                evidence=EVIDENCE[b.slug],
            )
