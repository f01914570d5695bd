"""Demo workshops for ``seed_demo``, made through the same services a facilitator uses.

One closed workshop six months ago with its whole outcome, and its
reassessment today, in step 2 with some ratings in. Idempotent: it does
nothing if the organisation already has workshops.
"""

import datetime

from django.utils import timezone

from assessments.models import Participant, Step
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import assess, consensus, outcome, reassess, setup
from organisations.access import actor_for

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
    first = setup.workshop_create(
        organisation=organisation,
        actor=actor_for(organisation=organisation, user=facilitator),
        title="Corporate management team workshop",
        date=today - datetime.timedelta(days=182),
        barrier_slugs=list(EVIDENCE),
        participants=members,
        anonymous=False,
    )

    def role(w):
        return workshop_actor_for(workshop=w, user=facilitator)

    setup.step_move(workshop=first, to=Step.ASSESS, actor=role(first))
    barriers = list(first.barriers.order_by("order"))
    for i, p in enumerate(Participant.objects.filter(workshop=first).order_by("pk")):
        for j, b in enumerate(barriers):
            assess.rating_submit(
                workshop=first,
                actor=workshop_actor_for(workshop=first, user=p.user),
                barrier=b,
                stage=STAGES[(i + j) % len(STAGES)],
                evidence=EVIDENCE[b.slug],
            )
    assess.ratings_reveal(workshop=first, actor=role(first))
    for b in barriers:
        consensus.consensus_record(
            workshop=first,
            barrier=b,
            stage="starting",
            rationale="Most of the evidence describes the starting stage.",
            lock=0,
            actor=role(first),
        )
    setup.step_move(workshop=first, to=Step.TARGET, actor=role(first))
    for b in barriers:
        points = list(b.points.all())
        outcome.barrier_outcome_record(
            workshop=first,
            barrier=b,
            stage="developing",
            fewer_actions_reason="",
            actions=[
                {
                    "description": f"{points[n].text[:1].upper()}{points[n].text[1:].rstrip(';.')}",
                    "responsible": members[(n + b.order) % len(members)],
                    "accountable": facilitator,
                    "due_on": first.date + datetime.timedelta(days=60 * (n + 1)),
                    "breakthrough_point": points[n],
                }
                for n in range(3)
            ],
            actor=role(first),
        )
    setup.step_move(workshop=first, to=Step.REASSESS, actor=role(first))
    # The date was agreed on the day; set it as it was then.
    first.reassess_on = today
    first.closed_at = timezone.now()
    first.save(update_fields=["reassess_on", "closed_at"])

    second = reassess.reassessment_start(
        workshop=first, actor=actor_for(organisation=organisation, user=facilitator)
    )
    reassess.actions_review(
        workshop=second,
        reviews=[
            {
                "action": action,
                "status": "done" if action.pk % 2 else "in_progress",
                "note": "Reported at the meeting.",
            }
            for action in first.actions.order_by("pk")[:6]
        ],
        actor=role(second),
    )
    setup.step_move(workshop=second, to=Step.EXPLAIN, actor=role(second))
    setup.step_move(workshop=second, to=Step.ASSESS, actor=role(second))
    for p in Participant.objects.filter(workshop=second).order_by("pk")[:3]:
        for b in second.barriers.order_by("order")[:2]:
            assess.rating_submit(
                workshop=second,
                actor=workshop_actor_for(workshop=second, user=p.user),
                barrier=b,
                stage="developing",
                evidence=EVIDENCE[b.slug],
            )
