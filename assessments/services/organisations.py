from django.core.exceptions import ValidationError

from assessments.models import Membership, Role


def _last_facilitator(membership: Membership) -> bool:
    return (
        membership.role == Role.FACILITATOR
        and not membership.organisation.memberships.filter(role=Role.FACILITATOR)
        .exclude(pk=membership.pk)
        .exists()
    )


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role != Role.FACILITATOR and _last_facilitator(membership):
        raise ValidationError("An organisation needs at least one facilitator.")
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    """Remove someone from the organisation; what they recorded in workshops stays."""
    if _last_facilitator(membership):
        raise ValidationError("An organisation needs at least one facilitator.")
    membership.delete()
