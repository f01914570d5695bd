"""Inviting people into an organisation by email.

The link carries a random token; only its SHA-256 is stored, so a copy of
the database cannot be used to join. A token works once and expires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, Membership, Participant, Role


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_create(*, organisation, email: str, role: str, by, workshop=None):
    """Create an invitation and email its link. Returns the invitation and the raw token."""
    if not Membership.objects.filter(
        user=by, organisation=organisation, role=Role.FACILITATOR
    ).exists():
        raise PermissionDenied("Only a facilitator of this organisation can invite people.")
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
        invited_by=by,
        workshop=workshop,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    link = settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "by": by}
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
        Invitation.objects.select_related("organisation", "workshop")
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
    if invitation.workshop_id and invitation.role != Role.VIEWER:
        Participant.objects.get_or_create(workshop=invitation.workshop, user=user)
        from assessments.services.workshops import workshop_touch

        workshop_touch(invitation.workshop)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation, user


def invitation_revoke(*, invitation: Invitation) -> None:
    """Make a pending link useless at once (it is kept as a record)."""
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at"])
