"""Who may do what, in which step: the workshop's rules in one place.

Each check raises ``PermissionDenied`` with a sentence a person can act on;
services call them before they change anything, and templates ask the
``WorkshopRole`` the same questions to decide what to show.
"""

from django.core.exceptions import PermissionDenied

from assessments.models import Step, Workshop
from assessments.selectors.workshops import WorkshopRole


def ensure_open(workshop: Workshop) -> None:
    if workshop.is_closed:
        raise PermissionDenied("This workshop is closed: it is a read-only record now.")


def ensure_can_write(role: WorkshopRole) -> None:
    if not role.can_write:
        raise PermissionDenied("Viewers can read and print, but not change anything.")


def ensure_facilitator(workshop: Workshop, role: WorkshopRole) -> None:
    """Only the lead facilitator and co-facilitators run the workshop."""
    ensure_open(workshop)
    if not role.is_facilitator:
        raise PermissionDenied("Only the workshop's facilitators can do that.")


def ensure_lead(workshop: Workshop, role: WorkshopRole) -> None:
    ensure_open(workshop)
    if not role.is_lead:
        raise PermissionDenied("Only the lead facilitator can change who facilitates.")


def ensure_participant(workshop: Workshop, role: WorkshopRole) -> None:
    ensure_open(workshop)
    ensure_can_write(role)
    if not role.is_participant:
        raise PermissionDenied("Only the workshop's participants can do that.")


def ensure_assessment_open(workshop: Workshop) -> None:
    """Ratings can be given and changed until the facilitator closes step 2 (para 70b)."""
    ensure_open(workshop)
    if workshop.step != Step.ASSESS or workshop.assessment_closed_at is not None:
        raise PermissionDenied(
            "The facilitator has closed the individual assessment: ratings can no longer be "
            "submitted or changed. What you typed is kept as a draft."
        )


def ensure_revealed(workshop: Workshop) -> None:
    if not workshop.is_revealed:
        raise PermissionDenied("The ratings have not been revealed yet.")


def ensure_step(workshop: Workshop, *steps: int) -> None:
    ensure_open(workshop)
    if workshop.step not in steps:
        names = " or ".join(Step(s).label for s in steps)
        raise PermissionDenied(
            f"That belongs to the step “{names}”, and the workshop is not there."
        )
