"""Who may do what: the one place that decides it.

Every write service asks ``ensure(actor, "<permission>", obj)`` before it changes anything, so
a view cannot forget a check; templates ask the same question (``actor.may.<permission>``)
to decide what to show. Views only resolve the organisation (``organisations.access``: a 404
for anyone who is not a member).

An ``Actor`` is who is asking, as the rules see them: their role in the organisation of the
object *as the database says now* (``None`` once they are removed, whatever their session
still holds) and, for a workshop, their part in it (lead, co-facilitator, participant),
filled in by ``assessments.selectors.workshop_actor``. The rules read only those facts and
the object's own state (a closed workshop is a record nobody changes), so this module
imports nothing from the apps above it.

When in a workshop something may be done (which step, before or after the reveal) is the
workshop's own business, checked by its services; this module says *who*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from organisations.models import Role, SignInMethod


@dataclass(frozen=True)
class Actor:
    user: Any
    # The role in the object's organisation, read with the request; None: not a member.
    role: str | None
    organisation_id: int | None = None
    # For a workshop: the person's part in it (only a facilitator of the organisation can
    # lead or co-facilitate, however they were once named).
    workshop: Any = field(default=None, compare=False)
    is_lead: bool = False
    is_co_facilitator: bool = False
    # Whether the workshop's lead is still a facilitator of the organisation (read only for
    # another facilitator of it: it decides whether they may take the lead over).
    lead_is_facilitator: bool = True
    participant: Any = field(default=None, compare=False)

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_facilitator(self) -> bool:
        """Facilitates this workshop (lead or co-), or, without a workshop, the organisation."""
        if self.workshop is None:
            return self.role == Role.FACILITATOR
        return self.role == Role.FACILITATOR and (self.is_lead or self.is_co_facilitator)

    @property
    def is_participant(self) -> bool:
        return self.participant is not None

    @property
    def may(self) -> _May:
        """For templates: ``{% if role.may.facilitate %}``, about the actor's own object."""
        return _May(self)


class _May:
    def __init__(self, actor: Actor) -> None:
        self._actor = actor

    def __getitem__(self, permission: str) -> bool:
        return can(self._actor, permission, self._actor.workshop)


@dataclass(frozen=True)
class Rule:
    test: Callable[[Actor, Any], bool]
    refusal: str


# ---------------------------------------------------------------- predicates


def _org_facilitator(actor: Actor, obj=None) -> bool:
    return actor.role == Role.FACILITATOR


def _writer(actor: Actor, obj=None) -> bool:
    """Facilitators and members change things; viewers read and print."""
    return actor.role in (Role.FACILITATOR, Role.MEMBER)


def _open(workshop) -> bool:
    return workshop is None or workshop.closed_at is None


def _facilitates(actor: Actor, workshop) -> bool:
    return _open(workshop) and actor.is_facilitator and actor.workshop is not None


def _leads(actor: Actor, workshop) -> bool:
    return _open(workshop) and actor.role == Role.FACILITATOR and actor.is_lead


def _takes_over(actor: Actor, workshop) -> bool:
    """A workshop whose lead is no longer a facilitator (demoted, or removed) would be stuck:
    nobody could change who facilitates it. Any facilitator of the organisation may take it."""
    return (
        _open(workshop)
        and actor.role == Role.FACILITATOR
        and not actor.is_lead
        and not actor.lead_is_facilitator
    )


def _takes_part(actor: Actor, workshop) -> bool:
    return _open(workshop) and _writer(actor) and actor.is_participant


def _in_the_room(actor: Actor, workshop) -> bool:
    """Challenging the evidence is for the people in the room (para 70c)."""
    return _open(workshop) and _writer(actor) and (actor.is_participant or actor.is_facilitator)


def _answers_for(actor: Actor, action) -> bool:
    """The person responsible for an action, or a facilitator, says where it stands; viewers
    follow actions up but change nothing, even one they are named on."""
    if actor.role == Role.FACILITATOR:
        return True
    return actor.role == Role.MEMBER and action.responsible_id == actor.user.pk


_CLOSED = "This workshop is closed: it is a read-only record now."
_ORG_FACILITATOR = "Only a facilitator of this organisation can do that."

RULES: dict[str, Rule] = {
    # The organisation
    "invite_members": Rule(_org_facilitator, "Only a facilitator can invite people."),
    "change_members": Rule(_org_facilitator, "Only a facilitator can change who is a member."),
    "change_model_versions": Rule(
        _org_facilitator, "Only a facilitator can change the organisation's versions of the model."
    ),
    "create_workshops": Rule(_org_facilitator, "Only a facilitator can set up a workshop."),
    # Who did what, and from where: for the people who answer for the organisation's use of
    # Breakthrough, not for everyone who appears in it.
    "read_audit_log": Rule(_org_facilitator, "Only a facilitator can read the audit log."),
    # A person's data (UK GDPR articles 15 and 17): exporting everything held about one
    # person, and erasing a leaver. The organisation is the controller; its facilitators
    # answer for it here, as they do for who is in it.
    "handle_personal_data": Rule(
        _org_facilitator,
        "Only a facilitator can export or erase what is held about a person.",
    ),
    "edit_privacy_notice": Rule(
        _org_facilitator, "Only a facilitator can change the organisation's privacy notice."
    ),
    "change_retention": Rule(
        _org_facilitator, "Only a facilitator can change how long closed workshops are kept."
    ),
    "start_reassessment": Rule(_org_facilitator, "Only a facilitator can start a reassessment."),
    "change_sign_in": Rule(
        _org_facilitator, "Only a facilitator can change how the organisation's people sign in."
    ),
    # A workshop
    "facilitate": Rule(_facilitates, "Only the workshop's facilitators can do that."),
    "lead": Rule(_leads, "Only the lead facilitator can change who facilitates."),
    "take_over_lead": Rule(
        _takes_over,
        "Only a facilitator of the organisation can take the lead over, and only from a lead "
        "who is no longer a facilitator.",
    ),
    "confirm_understanding": Rule(_takes_part, "Only the workshop's participants can do that."),
    "rate": Rule(_takes_part, "Only the workshop's participants give ratings."),
    "challenge": Rule(
        _in_the_room, "Only the workshop's participants and facilitators can challenge."
    ),
    # An action
    "update_action": Rule(
        _answers_for, "Only the person responsible or a facilitator can update an action."
    ),
}

# Refusals that say more than the rule's own sentence, in the order they are worth saying.
_VIEWER = "Viewers can read and print, but not change anything."


def can(actor: Actor, permission: str, obj=None) -> bool:
    return actor.is_member and RULES[permission].test(actor, obj)


def ensure(actor: Actor, permission: str, obj=None) -> None:
    """Raise ``PermissionDenied`` with a sentence a person can act on, unless allowed."""
    if can(actor, permission, obj):
        return
    if not actor.is_member:
        raise PermissionDenied("You are no longer a member of this organisation.")
    if obj is not None and getattr(obj, "closed_at", None) is not None:
        raise PermissionDenied(_CLOSED)
    if actor.role == Role.VIEWER:
        raise PermissionDenied(_VIEWER)
    raise PermissionDenied(RULES[permission].refusal)


def organisation_actor(*, user, membership) -> Actor:
    """The actor for organisation-wide permissions, from the request's membership."""
    return Actor(
        user=user,
        role=membership.role if membership is not None else None,
        organisation_id=membership.organisation_id if membership is not None else None,
    )


# ---------------------------------------------------------------- signing in


def sso_label() -> str:
    """The single sign-on button as the sign-in page shows it, to name it in refusals."""
    return f"“Sign in with {settings.OIDC_PROVIDER_NAME}”"


def _way_in(method: str) -> str:
    return sso_label() if method == SignInMethod.SSO else str(SignInMethod(method).label)


def sign_in_refusal(*, organisations, method: str) -> str | None:
    """Who may sign in which way: a sentence naming the right way in, or None if allowed.

    One session opens every organisation a person belongs to, so each of them must allow
    the way they sign in: an organisation that requires single sign-on is not entered with a
    password that another organisation of theirs still accepts."""
    for organisation in organisations:
        if organisation.allows(method):
            continue
        ways = [m for m in SignInMethod.values if organisation.allows(m)]
        return (
            f"{organisation.name} does not use {SignInMethod(method).label} to sign in: "
            f"use {' or '.join(_way_in(m) for m in ways)}."
        )
    return None


_RANK = {Role.VIEWER: 1, Role.MEMBER: 2, Role.FACILITATOR: 3}


def sso_roles(*, admissions, email_domain: str, groups) -> dict[int, str]:
    """Who comes in through single sign-on, and as what: for each organisation that allows
    it, the highest role among its admissions that name the person's email domain or one of
    their groups. An organisation missing from the answer does not admit them."""
    groups = set(groups)
    roles: dict[int, str] = {}
    for admission in admissions:
        if not admission.organisation.allow_sso:
            continue
        named = (admission.kind == "domain" and admission.value == email_domain) or (
            admission.kind == "group" and admission.value in groups
        )
        current = roles.get(admission.organisation_id)
        if named and (current is None or _RANK[admission.role] > _RANK[current]):
            roles[admission.organisation_id] = admission.role
    return roles


def outranks(role: str, other: str) -> bool:
    return _RANK[role] > _RANK[other]
