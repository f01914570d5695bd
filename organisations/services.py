"""Who is in an organisation: invitations by email, roles, removals.

The invitation link carries a random token; only its SHA-256 is stored, so a copy of the
database cannot be used to join. A token works once and expires. Apps above this one learn
of an accepted invitation through the ``invitation_accepted`` signal (a workshop's
invitation adds the newcomer to it), so nothing here knows about workshops.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string as sesame_query_string

from organisations.audit import audit_record
from organisations.models import Invitation, Membership, Role, person_name
from organisations.rules import Actor, ensure

# Sent inside the accepting transaction, with ``invitation`` and ``user``.
invitation_accepted = Signal()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invitation_create(
    *, organisation, email: str, role: str, actor: Actor, purpose: str = ""
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token.

    ``purpose`` ends the email's first sentence ("to take part in the workshop …").
    """
    ensure(actor, "invite_members", organisation)
    email = email.strip().lower()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError({"role": "Choose facilitator, member or viewer."})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation.name}."})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    link = settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "by": actor.user, "purpose": purpose}
    audit_record(
        organisation=organisation,
        user=actor.user,
        role=actor.role,
        action="invitation_sent",
        summary=f"Invited {email} as {Role(role).label.lower()}"
        + (f" {purpose}." if purpose else "."),
    )
    send_mail(
        subject=f"Join {organisation.name} on Breakthrough",
        message=render_to_string("invitations/email.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, token


class InvitationInvalid(Exception):
    """The link is unknown, used or expired; the message says which."""


def invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Ask your facilitator for a new one."
        )
    if invitation.accepted_at is not None:
        raise InvitationInvalid(
            "This invitation has already been used. Sign in, or ask your facilitator for a new one."
        )
    if invitation.expires_at < timezone.now():
        raise InvitationInvalid("This invitation has expired. Ask your facilitator for a new one.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user=None, first_name="", last_name="", password=""):
    """Join the organisation: as ``user`` if signed in, else as a new account."""
    invitation = invitation_for_token(token)
    # Lock the row: two clicks on the same link must not both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used.")
    if user is None:
        User = get_user_model()
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise InvitationInvalid(
                "An account with this email exists: sign in first, then open the link again."
            )
        user = User(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_password(password)
        user.save()
    Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        organisation=invitation.organisation,
        user=user,
        action="invitation_accepted",
        summary=f"{invitation.email} accepted the invitation and joined.",
    )
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return invitation, user


def invitation_revoke(*, invitation: Invitation, actor: Actor) -> None:
    """Make a pending link useless at once (it is kept as a record)."""
    ensure(actor, "invite_members", invitation.organisation)
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at"])
    audit_record(
        organisation=invitation.organisation,
        user=actor.user,
        role=actor.role,
        action="invitation_withdrawn",
        summary=f"Withdrew the invitation to {invitation.email}.",
    )


def _ensure_a_facilitator_stays(membership: Membership) -> None:
    """An organisation needs at least one facilitator. The facilitators' rows are locked
    first, so two facilitators demoting themselves at once cannot both pass the check:
    the second waits for the first and then finds it is the last."""
    facilitators = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.FACILITATOR)
        .values_list("pk", flat=True)
    )
    if facilitators == [membership.pk]:
        raise ValidationError("An organisation needs at least one facilitator.")


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: Actor) -> Membership:
    ensure(actor, "change_members", membership.organisation)
    if role != Role.FACILITATOR:
        _ensure_a_facilitator_stays(membership)
    before = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    audit_record(
        organisation=membership.organisation,
        user=actor.user,
        role=actor.role,
        action="role_changed",
        summary=f"{person_name(membership.user)}: {Role(before).label.lower()} to "
        f"{Role(role).label.lower()}.",
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    """Remove someone from the organisation; what they recorded in workshops stays."""
    ensure(actor, "change_members", membership.organisation)
    _ensure_a_facilitator_stays(membership)
    audit_record(
        organisation=membership.organisation,
        user=actor.user,
        role=actor.role,
        action="member_removed",
        summary=f"Removed {person_name(membership.user)} "
        f"({membership.get_role_display().lower()}).",
    )
    membership.delete()


# ---------------------------------------------------------------- sign-in links


def sign_in_link_send(*, email: str, next_path: str = "") -> None:
    """Email a one-time sign-in link to ``email`` if it is a member's. The caller answers
    the same whatever happened (and throttles first: organisations/throttle.py), so that
    the form tells nobody which emails have accounts."""
    email = (email or "").strip().lower()
    user = (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True, memberships__isnull=False)
        .first()
    )
    if user is None:
        return
    link = settings.SITE_URL + reverse("sign_in_link_use") + sesame_query_string(user)
    if next_path:
        link += "&" + urlencode({"next": next_path})
    send_mail(
        subject="Your sign-in link for Breakthrough",
        message=render_to_string(
            "registration/sign_in_link_email.txt",
            {"user": user, "link": link, "minutes": settings.SESAME_MAX_AGE // 60},
        ),
        from_email=None,
        recipient_list=[user.email],
    )
