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
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string as sesame_query_string

from organisations.audit import audit_record
from organisations.models import (
    PRIVACY_NOTICE_MAX,
    STAND_IN_DOMAIN,
    Invitation,
    Membership,
    MembershipSource,
    Organisation,
    RetentionAction,
    Role,
    SignInMethod,
    SsoAdmission,
    SsoIdentity,
    StandIn,
    person_name,
    retention_words,
)
from organisations.rules import (
    Actor,
    ensure,
    outranks,
    sign_in_refusal,
    sso_label,
    sso_roles,
)

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


def ensure_a_facilitator_stays(membership: Membership) -> None:
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
    """A facilitator's choice of role. It makes the membership theirs: single sign-on no
    longer changes or removes it, whatever the person's groups say later."""
    ensure(actor, "change_members", membership.organisation)
    if role != Role.FACILITATOR:
        ensure_a_facilitator_stays(membership)
    before = membership.role
    membership.role = role
    membership.source = MembershipSource.HAND
    membership.full_clean()
    membership.save(update_fields=["role", "source"])
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
    ensure_a_facilitator_stays(membership)
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
    if refusal := sign_in_method_refusal(user=user, method=SignInMethod.SIGN_IN_LINK):
        way_in_send(user=user, refusal=refusal, asked_for="a sign-in link")
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


def sign_in_method_refusal(*, user, method: str) -> str | None:
    """Why ``user`` may not sign in by ``method`` (naming the way in), or None."""
    organisations = [m.organisation for m in user.memberships.select_related("organisation")]
    return sign_in_refusal(organisations=organisations, method=method)


def way_in_send(*, user, refusal: str, asked_for: str) -> None:
    """Tell someone who asked for a way in their organisation refuses which way it takes,
    by email: the form they asked on answers as it would for anyone."""
    send_mail(
        subject="How to sign in to Breakthrough",
        message=render_to_string(
            "registration/way_in_email.txt",
            {
                "user": user,
                "refusal": refusal,
                "asked_for": asked_for,
                "link": settings.SITE_URL + reverse("login"),
            },
        ),
        from_email=None,
        recipient_list=[user.email],
    )


# ---------------------------------------------------------------- single sign-on


class SignInRefused(PermissionDenied):
    """Single sign-on refused someone; the message says why and what to do. A
    PermissionDenied, so that Django's authenticate() stops at it and reports a failed
    sign-in (the user_login_failed signal), as for a wrong password."""


def sign_in_methods_set(
    *, organisation: Organisation, actor: Actor, password: bool, sign_in_link: bool, sso: bool
) -> Organisation:
    """Choose the ways an organisation's people may sign in."""
    ensure(actor, "change_sign_in", organisation)
    if not (password or sign_in_link or sso):
        raise ValidationError({"password": "Keep at least one way to sign in."})
    if sso and not (password or sign_in_link):
        if not settings.OIDC_DISCOVERY_URL:
            raise ValidationError(
                {
                    "sso": "This server has no single sign-on set up: keep passwords or "
                    "sign-in links."
                }
            )
        # Whoever turns the other ways off must have come in through single sign-on once,
        # so that it is known to work for the facilitators before it is the only way.
        if not SsoIdentity.objects.filter(user=actor.user).exists():
            raise ValidationError(
                {
                    "sso": "Sign in once yourself with single sign-on before making it the only "
                    f"way in: sign out, then use {sso_label()}."
                }
            )
    organisation.allow_password = password
    organisation.allow_sign_in_link = sign_in_link
    organisation.allow_sso = sso
    organisation.save(update_fields=["allow_password", "allow_sign_in_link", "allow_sso"])
    return organisation


def sso_admission_add(
    *, organisation: Organisation, actor: Actor, kind: str, value: str, role: str
) -> SsoAdmission:
    """Admit an email domain or a group of the provider, with a role, through single sign-on."""
    ensure(actor, "change_sign_in", organisation)
    admission = SsoAdmission(organisation=organisation, kind=kind, value=value, role=role)
    # full_clean normalises the value before the uniqueness checks read it.
    admission.full_clean(validate_constraints=False)
    taken = SsoAdmission.objects.filter(kind=admission.kind, value=admission.value)
    if taken.filter(organisation=organisation).exists():
        raise ValidationError({"value": f"{admission.value} is on the list already."})
    if admission.kind == SsoAdmission.Kind.DOMAIN and taken.exists():
        # Another organisation's list is none of this one's business: not named.
        raise ValidationError(
            {
                "value": f"{admission.value} admits people to another organisation here. A "
                "domain admits to one organisation only: admit a group instead."
            }
        )
    try:
        with transaction.atomic():
            admission.save()
    except IntegrityError as e:  # the same domain, added elsewhere at the same moment
        raise ValidationError({"value": f"{admission.value} was just added elsewhere."}) from e
    return admission


def sso_admission_remove(*, admission: SsoAdmission, actor: Actor) -> None:
    """Stop admitting a domain or group. Memberships it gave change at each person's next
    sign-in, when it no longer admits them."""
    ensure(actor, "change_sign_in", admission.organisation)
    admission.delete()


NOT_ADMITTED = (
    "{email} is not admitted to any organisation on Breakthrough, so no account was made. "
    "The facilitators of your organisation choose which email domains and groups may sign "
    "in this way: ask one of them to add yours, or to send you an invitation."
)


def sso_sign_in(
    *,
    issuer: str,
    subject: str,
    email: str,
    email_verified: bool | None,
    groups: list[str],
    first_name: str = "",
    last_name: str = "",
):
    """The person the provider vouched for, as an account here: found, linked or made.

    Found by the identity linked at an earlier sign-in, else by email (an existing account
    is linked, not duplicated); made only when an organisation admits the person's email
    domain or one of their groups, with that role (just in time), or invites them (they
    accept the invitation once signed in). Every membership single
    sign-on made follows the admissions now: downgraded, or removed when nothing admits the
    person any more, even when the sign-in is then refused. Raises ``SignInRefused``;
    a refused newcomer leaves nothing behind.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as e:
        raise SignInRefused(
            "Your sign-in provider did not send an email address Breakthrough can use "
            f"(the {settings.OIDC_EMAIL_CLAIM!r} claim): tell your IT service desk."
        ) from e
    if email_verified is False:
        raise SignInRefused(
            f"Your sign-in provider says {email} is not verified yet. Verify it there, "
            "then sign in again."
        )
    User = get_user_model()
    identity = (
        SsoIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    user = identity.user if identity else None
    if user is None:
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if len(matches) > 1:
            raise SignInRefused(
                f"More than one account here has the email {email}: ask an administrator "
                "to merge them."
            )
        user = matches[0] if matches else None
        if (
            user is not None
            and SsoIdentity.objects.filter(user=user, issuer=issuer)
            .exclude(subject=subject)
            .exists()
        ):
            raise SignInRefused(
                f"The account for {email} is linked to someone else at your sign-in "
                "provider. Ask an administrator."
            )
    if user is not None and not user.is_active:
        raise SignInRefused("This account is switched off. Ask an administrator.")

    domain = email.rsplit("@", 1)[1]
    admissions = SsoAdmission.objects.select_related("organisation").filter(
        Q(kind=SsoAdmission.Kind.DOMAIN, value=domain)
        | Q(kind=SsoAdmission.Kind.GROUP, value__in=list(groups))
    )
    entitled = sso_roles(admissions=admissions, email_domain=domain, groups=groups)
    mine = {} if user is None else _sso_memberships_follow(user=user, entitled=entitled)
    organisations = {m.organisation_id: m.organisation for m in mine.values()}
    joining = {org_id: role for org_id, role in entitled.items() if org_id not in mine}
    organisations.update(Organisation.objects.in_bulk(list(joining)))
    if not organisations and not _invited(email):
        raise SignInRefused(NOT_ADMITTED.format(email=email))
    if refusal := sign_in_refusal(organisations=organisations.values(), method=SignInMethod.SSO):
        raise SignInRefused(refusal)
    promoted = [
        (m, entitled[org_id])
        for org_id, m in mine.items()
        if m.source == MembershipSource.SSO and outranks(entitled[org_id], m.role)
    ]
    try:
        return _sso_admit(
            user=user,
            new={
                "username": email,
                "email": email,
                "first_name": first_name[:150],
                "last_name": last_name[:150],
            },
            identity={"issuer": issuer, "subject": subject},
            joining=joining,
            promoted=promoted,
        )
    except IntegrityError as e:  # the same person's first sign-in in two tabs at once
        raise SignInRefused("You were signing in twice at once. Sign in again.") from e


def _invited(email: str) -> bool:
    """Invited to an organisation that takes single sign-on: the account may be made, to
    accept the invitation with (the invitation page sent them here, and back)."""
    return Invitation.objects.filter(
        email__iexact=email,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
        organisation__allow_sso=True,
    ).exists()


@transaction.atomic
def _sso_memberships_follow(*, user, entitled: dict[int, str]) -> dict[int, Membership]:
    """Memberships single sign-on made lose what the admissions no longer give: a lower
    role, or the membership itself. Committed whether or not the sign-in then goes on: a
    role taken away stays taken away. Returns the memberships left, by organisation."""
    mine = {
        m.organisation_id: m
        for m in user.memberships.select_for_update().select_related("organisation")
    }
    for organisation_id, membership in list(mine.items()):
        if membership.source != MembershipSource.SSO:
            continue
        role = entitled.get(organisation_id)
        if role is None:
            membership.delete()
            del mine[organisation_id]
        elif outranks(membership.role, role):
            membership.role = role
            membership.save(update_fields=["role"])
    return mine


@transaction.atomic
def _sso_admit(*, user, new: dict, identity: dict, joining: dict, promoted: list):
    """Make the account if it is new, link it, and give it what the admissions give."""
    if user is None:
        user = get_user_model()(**new)
        # Nobody knows a password for it; if the organisation takes passwords, the person
        # may set one with "Forgotten your password?".
        user.set_unusable_password()
        user.save()
    for membership, role in promoted:
        membership.role = role
        membership.save(update_fields=["role"])
    for organisation_id, role in joining.items():
        Membership.objects.create(
            user=user, organisation_id=organisation_id, role=role, source=MembershipSource.SSO
        )
    SsoIdentity.objects.update_or_create(
        **identity, defaults={"user": user, "last_sign_in_at": timezone.now()}
    )
    return user


# ---------------------------------------------------------------- personal data


def audit_log_exported(*, organisation: Organisation, actor: Actor, filters: str, request=None):
    """Downloading the audit log is itself an event in it (who took a copy, of what)."""
    ensure(actor, "read_audit_log", organisation)
    audit_record(
        organisation=organisation,
        user=actor.user,
        role=actor.role,
        action="audit_exported",
        summary="Downloaded the audit log as CSV" + (f" ({filters})." if filters else "."),
        request=request,
    )


def stand_in_create(
    *, organisation, kind: str, number: int, first_name: str, last_name: str, workshop_code=None
):
    """An account to stand in for a person in the organisation's records (``StandIn``):
    inactive, without a password or a membership, at an address no mail reaches."""
    local = f"{kind}-{number}.{secrets.token_hex(8)}".replace("_", "-")
    user = get_user_model()(
        username=f"{local}@{STAND_IN_DOMAIN}",
        email=f"{local}@{STAND_IN_DOMAIN}",
        first_name=first_name,
        last_name=last_name,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    StandIn.objects.create(
        organisation=organisation,
        user=user,
        kind=kind,
        number=number,
        workshop_code=workshop_code,
    )
    return user


@transaction.atomic
def former_member_create(*, organisation):
    """The organisation's next "Former member N": numbered under a lock on the
    organisation's row, so two erasures at once never share a number (the constraint
    would refuse the second anyway); the lock lasts the caller's transaction."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    number = (
        StandIn.objects.filter(
            organisation=organisation, kind=StandIn.Kind.FORMER_MEMBER
        ).aggregate(Max("number"))["number__max"]
        or 0
    ) + 1
    return stand_in_create(
        organisation=organisation,
        kind=StandIn.Kind.FORMER_MEMBER,
        number=number,
        first_name="Former member",
        last_name=str(number),
    )


def privacy_notice_set(*, organisation: Organisation, text: str, actor: Actor) -> Organisation:
    """The organisation's own privacy notice; an empty text puts the default back."""
    ensure(actor, "edit_privacy_notice", organisation)
    text = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    if len(text) > PRIVACY_NOTICE_MAX:
        raise ValidationError(
            {"text": f"At most {PRIVACY_NOTICE_MAX:,} characters; this is {len(text):,}."}
        )
    organisation.privacy_notice = text
    organisation.privacy_notice_updated_at = timezone.now()
    organisation.full_clean()
    organisation.save(update_fields=["privacy_notice", "privacy_notice_updated_at"])
    audit_record(
        organisation=organisation,
        user=actor.user,
        role=actor.role,
        action="privacy_notice_changed",
        summary=f"Changed the privacy notice ({len(text)} characters)."
        if text
        else "Put the default privacy notice back.",
    )
    return organisation


def retention_set(
    *, organisation: Organisation, months: int | None, action: str, actor: Actor
) -> Organisation:
    """How long closed workshops are kept after they close (None: for ever), and whether
    ``apply_retention`` then anonymises or deletes them."""
    ensure(actor, "change_retention", organisation)
    if action not in RetentionAction.values:
        raise ValidationError({"action": "Choose whether to anonymise or delete them."})
    before = (organisation.retention_months, organisation.retention_action)
    organisation.retention_months = months
    organisation.retention_action = action
    organisation.full_clean()
    organisation.save(update_fields=["retention_months", "retention_action"])
    if (months, action) != before:
        audit_record(
            organisation=organisation,
            user=actor.user,
            role=actor.role,
            action="retention_changed",
            summary=f"Closed workshops now kept {retention_summary(months, action)} "
            f"(was {retention_summary(*before)}).",
        )
    return organisation


def retention_summary(months: int | None, action: str) -> str:
    if months is None:
        return "for ever"
    then = "anonymised" if action == RetentionAction.ANONYMISE else "deleted"
    return f"for {retention_words(months)} after they close, then {then}"


@transaction.atomic
def person_forget(*, organisation: Organisation, user, actor: Actor) -> None:
    """The organisation's own part of erasing a leaver, once its records name a stand-in
    instead (assessments/services/personal_data.py): their membership here and every
    invitation to their address. Writes nothing to the audit log: the caller records the
    erasure under the stand-in's label, not the person's name."""
    ensure(actor, "handle_personal_data", organisation)
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is not None:
        ensure_a_facilitator_stays(membership)
        membership.delete()
    Invitation.objects.filter(organisation=organisation).filter(
        Q(email__iexact=user.email) | Q(accepted_by=user)
    ).delete()


def account_delete(*, user) -> None:
    """Delete an account and what the server keeps of its sign-ins (django-axes' records of
    attempts and sign-ins, by its email). Its sessions end with it: a session whose account
    is gone signs nobody in. The caller has checked that no organisation still has it."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.username).delete()
    user.delete()
