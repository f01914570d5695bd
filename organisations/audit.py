"""The audit log: who did what in an organisation, when, and in which role.

What a data protection officer and IT security ask of a system that holds how a leadership
team judges itself: sign-ins and failed sign-ins, invitations sent and accepted, role changes
and removals, a workshop's step moves and reveal, consensus and target saves, actions and
their owners and status, model versions published, exports and imports.

Our own table (``AuditEvent``), not django-auditlog or django-simple-history: those record
field changes of model rows, while this is a log of acts (a reveal, a failed sign-in, an
export change no row, or many at once), each in an organisation and with the person's role at
the time, which the facilitators read on a page of their own (``read_audit_log`` in
organisations/rules.py). It is append-only (organisations/models.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from breakthrough.client_ip import client_ip
from organisations.models import AUDIT_SUMMARY_MAX, AuditEvent, Membership, person_name

# The acts recorded, by the name stored, with what the page's filter calls them.
ACTIONS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "invitation_sent": "Invitation sent",
    "invitation_accepted": "Invitation accepted",
    "invitation_withdrawn": "Invitation withdrawn",
    "role_changed": "Role changed",
    "member_removed": "Member removed",
    "workshop_created": "Workshop set up",
    "workshop_details": "Workshop title or date changed",
    "step_moved": "Step moved",
    "ratings_revealed": "Ratings revealed",
    "consensus_saved": "Consensus saved",
    "target_saved": "Target saved",
    "action_added": "Action added",
    "action_removed": "Action removed",
    "action_changed": "Action changed (its owners, date or text)",
    "action_status": "Action status changed",
    "action_reviewed": "Action reviewed",
    "lead_changed": "Lead facilitator changed",
    "rating_on_behalf": "Rating replaced on someone's behalf",
    "reassessment_date": "Reassessment date agreed",
    "workshop_closed": "Workshop closed",
    "version_published": "Model version published",
    "version_exported": "Model version exported",
    "version_imported": "Model version imported",
    "organisation_exported": "Organisation exported",
    "organisation_imported": "Organisation imported",
    "audit_exported": "Audit log exported",
    "subject_access_export": "A person's data exported (subject access)",
    "person_erased": "A person erased",
    "retention_changed": "Retention period changed",
    "workshop_anonymised": "Workshop anonymised (retention)",
    "workshop_deleted": "Workshop deleted (retention)",
    "privacy_notice_changed": "Privacy notice changed",
    "unit_created": "Unit added",
    "unit_changed": "Unit renamed or moved",
    "unit_deleted": "Unit deleted",
    "unit_member": "Unit's people changed",
    "comparison_joined": "Comparison with other bodies joined",
    "comparison_left": "Comparison with other bodies left",
}


def audit_record(
    *, organisation, user, action: str, summary: str, role: str | None = None, request=None
) -> AuditEvent:
    """Append one event. ``role`` is read from the membership now unless given (it is the
    role the act was done in); ``request`` gives the client's address."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    organisation_id = getattr(organisation, "pk", organisation)
    if role is None and user is not None:
        role = (
            Membership.objects.filter(organisation_id=organisation_id, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return AuditEvent.objects.create(
        organisation_id=organisation_id,
        actor=user,
        actor_label=_label(user),
        role=role or "",
        action=action,
        summary=_one_line(summary)[:AUDIT_SUMMARY_MAX],
        address=client_ip(request) if request is not None else None,
    )


def _label(user) -> str:
    if user is None:
        return "The system"
    name = person_name(user)
    return name if name == user.email else f"{name} <{user.email}>"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    # Django's test client and the invitation's own sign-in come through here too: every one.
    for membership in Membership.objects.filter(user=user):
        audit_record(
            organisation=membership.organisation_id,
            user=user,
            role=membership.role,
            action="sign_in",
            summary="Signed in.",
            request=request,
        )


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    """A failed sign-in to an account of an organisation is that organisation's to see; one
    for an email nobody has is kept by django-axes' own records, not here."""
    username = (credentials.get("username") or "").strip().lower()
    user = get_user_model().objects.filter(username__iexact=username).first() if username else None
    if user is None:
        return
    for membership in Membership.objects.filter(user=user):
        audit_record(
            organisation=membership.organisation_id,
            user=user,
            role=membership.role,
            action="sign_in_failed",
            summary="Failed sign-in (wrong password, or refused while locked or waiting).",
            request=request,
        )
