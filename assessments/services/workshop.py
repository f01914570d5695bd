"""What every change to a workshop shares: its lock, its revision, its history, and where it
stands (which step; revealed or not).

Who may make a change is ``organisations.rules``' to say; each step's module
(``setup``, ``explain``, ``assess``, ``consensus``, ``outcome``, ``reassess``, ``tracker``)
asks it, then these, before it writes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from assessments.models import HistoryEntry, Step, Workshop
from assessments.pdf.queue import pdfs_queue
from assessments.selectors.workshops import barrier_in_scope
from model_content.models import Barrier, Stage
from organisations.audit import audit_record


class Conflict(Exception):
    """Somebody else changed this a moment ago; ``current`` is what it is now."""

    def __init__(self, current):
        super().__init__("It changed while you were editing it.")
        self.current = current


def workshop_lock(workshop: Workshop) -> None:
    """Lock the workshop's row for this transaction and read its current state into it."""
    workshop.refresh_from_db(from_queryset=Workshop.objects.select_for_update(of=("self",)))


def workshop_touch(workshop: Workshop) -> None:
    """A visible change: every open page, the state poll and the PDF cache see a new revision.

    Every write of the workshop ends here. The update locks the workshop's row until the
    commit; ``workshop`` is then read back as it now is, so that a caller can check under the
    lock that the step it relied on has not moved (a submit racing the close of step 2).

    A closed workshop's PDFs are queued here, in the same transaction (the close itself, an
    action's status afterwards): the chief executive's download is drawn before it is asked
    for, and a change that rolls back queues nothing.
    """
    Workshop.objects.filter(pk=workshop.pk).update(revision=F("revision") + 1)
    workshop.refresh_from_db()
    if workshop.is_closed:
        pdfs_queue(workshop=workshop)


# What each kind of history entry is in the organisation's audit log (organisations/audit.py).
_AUDITED_AS = {
    "reveal": "ratings_revealed",
    "consensus": "consensus_saved",
    "target": "target_saved",
    "lead": "lead_changed",
    "close": "workshop_closed",
    "review": "action_reviewed",
    "reassess": "reassessment_date",
    "on_behalf": "rating_on_behalf",
    "details": "workshop_details",
}


def history_record(
    *, workshop: Workshop, actor, kind: str, summary: str, audit: str | None = None
) -> None:
    """The workshop's history entry, and the same act in the organisation's audit log
    (``audit`` names it there when the kind alone does not say: an action added or removed)."""
    HistoryEntry.objects.create(
        organisation_id=workshop.organisation_id,
        workshop=workshop,
        actor=actor,
        kind=kind,
        summary=summary,
    )
    workshop_audit(
        workshop=workshop, user=actor, action=audit or _AUDITED_AS[kind], summary=summary
    )


def workshop_audit(*, workshop: Workshop, user, action: str, summary: str) -> None:
    audit_record(
        organisation=workshop.organisation_id,
        user=user,
        action=action,
        summary=f"{workshop.title}: {summary}",
    )


def stage_label(stage: str) -> str:
    return Stage(stage).label


# ---------------------------------------------------------------- where the workshop stands


def ensure_barrier_in_scope(workshop: Workshop, barrier: Barrier) -> None:
    if not barrier_in_scope(workshop, barrier):
        raise ValidationError("That barrier is not part of this workshop.")


def ensure_assessment_open(workshop: Workshop) -> None:
    """Ratings can be given and changed until the facilitator closes step 2 (para 70b)."""
    if workshop.step != Step.ASSESS or workshop.assessment_closed_at is not None:
        raise PermissionDenied(
            "The facilitator has closed the individual assessment: ratings can no longer be "
            "submitted or changed. What you typed is kept as a draft."
        )


def ensure_revealed(workshop: Workshop) -> None:
    if not workshop.is_revealed:
        raise PermissionDenied("The ratings have not been revealed yet.")


def ensure_step(workshop: Workshop, *steps: int) -> None:
    if workshop.step not in steps:
        names = " or ".join(Step(s).label for s in steps)
        raise PermissionDenied(
            f"That belongs to the step “{names}”, and the workshop is not there."
        )
