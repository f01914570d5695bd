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

Units (para 70: "you can use it at any level of an organisation"): the organisation is its
own top unit, where everyone's role is their role in the organisation; below it, a person has
a role only in the units they were put in. A workshop belongs to a unit, and ``role`` in its
actor is the person's role *there*, so the workshop rules above read the same at every
level. Who sees what (``sees_unit``, ``oversees``, ``sees_workshop``) is at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from organisations.models import Organisation, Role, SignInMethod, Unit

# ``Actor(organisation_role=...)`` left out: the same as ``role`` (an organisation's actor).
_SAME: Any = object()


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
    # The role in the organisation itself (its top unit). ``role`` above is the role in the
    # object's unit when that is another: in a directorate's workshop, the role there.
    organisation_role: Any = _SAME
    # The person's roles in the units below the top, by unit id (organisations.access reads
    # them the first time a rule asks, so a page that never asks pays nothing).
    unit_roles: Mapping[int, str] = field(default_factory=dict, compare=False)
    # For a workshop: its unit, and whether the person is named in it (a participant, its
    # lead or a co-facilitator), which lets them see it whatever their unit.
    unit: Any = field(default=None, compare=False)
    took_part: bool = False

    def __post_init__(self) -> None:
        if self.organisation_role is _SAME:
            object.__setattr__(self, "organisation_role", self.role)

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
    """A facilitator of the organisation itself (whatever their part in a unit's workshop)."""
    return actor.organisation_role == Role.FACILITATOR


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
    """The person responsible for an action, or a facilitator of its unit or of a unit above
    it (who follow its outcomes up), says where it stands; viewers follow actions up but
    change nothing, even one they are named on."""
    unit = action.workshop.unit
    path = (*unit.ancestor_ids, unit.pk)
    if Role.FACILITATOR in (_role_at(actor, i, top_id=path[0]) for i in path):
        return True
    return actor.role == Role.MEMBER and action.responsible_id == actor.user.pk


def _facilitates_unit(actor: Actor, unit=None) -> bool:
    """A facilitator of the unit sets its workshops up and starts their reassessments (of
    the organisation itself: a facilitator of the organisation). Asked of no unit (does the
    page offer "New workshop"?): a facilitator of any."""
    if unit is None:
        return _org_facilitator(actor) or Role.FACILITATOR in actor.unit_roles.values()
    return unit_role(actor, unit) == Role.FACILITATOR


def _oversees_any(actor: Actor, obj=None) -> bool:
    """The roll-up is for the viewers and facilitators of a unit (the chief executive: of
    the organisation), over the units below theirs."""
    return actor.organisation_role in OVERSEEING or bool(
        set(actor.unit_roles.values()) & set(OVERSEEING)
    )


_CLOSED = "This workshop is closed: it is a read-only record now."
_ORG_FACILITATOR = "Only a facilitator of this organisation can do that."

RULES: dict[str, Rule] = {
    # The organisation
    "invite_members": Rule(_org_facilitator, "Only a facilitator can invite people."),
    "change_members": Rule(_org_facilitator, "Only a facilitator can change who is a member."),
    "change_model_versions": Rule(
        _org_facilitator, "Only a facilitator can change the organisation's versions of the model."
    ),
    "create_workshops": Rule(
        _facilitates_unit, "Only a facilitator of the unit can set up its workshops."
    ),
    # Units: the tree and who is in each unit, for the organisation's facilitators.
    "manage_units": Rule(
        _org_facilitator, "Only a facilitator of the organisation can change its units."
    ),
    "read_rollup": Rule(
        _oversees_any, "The roll-up is for the viewers and facilitators of a unit."
    ),
    # Sharing the latest consensus with other bodies, anonymously (and stopping).
    "share_for_comparison": Rule(
        _org_facilitator,
        "Only a facilitator of the organisation can decide what it shares with other bodies.",
    ),
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
    "start_reassessment": Rule(
        _facilitates_unit, "Only a facilitator of the unit can start a reassessment."
    ),
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
_NOT_IN_UNIT = "Only the people of this workshop's unit can do that."


def can(actor: Actor, permission: str, obj=None) -> bool:
    return actor.is_member and RULES[permission].test(actor, obj)


def ensure(actor: Actor, permission: str, obj=None) -> None:
    """Raise ``PermissionDenied`` with a sentence a person can act on, unless allowed."""
    if can(actor, permission, obj):
        return
    if actor.organisation_role is None:
        raise PermissionDenied("You are no longer a member of this organisation.")
    if not actor.is_member:
        raise PermissionDenied(_NOT_IN_UNIT)
    if obj is not None and getattr(obj, "closed_at", None) is not None:
        raise PermissionDenied(_CLOSED)
    if actor.role == Role.VIEWER:
        raise PermissionDenied(_VIEWER)
    raise PermissionDenied(RULES[permission].refusal)


def organisation_actor(*, user, membership, unit_roles: Mapping[int, str] | None = None) -> Actor:
    """The actor for organisation-wide permissions, from the request's membership;
    ``unit_roles``: their roles in the units below the top (none if not given)."""
    return Actor(
        user=user,
        role=membership.role if membership is not None else None,
        organisation_id=membership.organisation_id if membership is not None else None,
        unit_roles=unit_roles if unit_roles is not None and membership is not None else {},
    )


# ---------------------------------------------------------------- units: who sees what
#
# - The people of a unit, whatever their role there, see its workshops in full (after the
#   reveal: every rating and its evidence), as an organisation's people see its own.
# - Whoever took part in a workshop (participant, lead, co-facilitator) sees it in full.
# - The viewers and facilitators of a unit see the *outcomes* of every unit below it: the
#   consensus, the target and the actions of their workshops; never the individual ratings
#   or evidence (those are the room's: para 70b-c). The organisation's viewers and
#   facilitators (the chief executive) so see the whole roll-up.
# - Nothing else comes down the tree: a directorate's facilitator runs a team's workshop
#   only as one of the team's facilitators.

OVERSEEING = (Role.VIEWER, Role.FACILITATOR)


def unit_role(actor: Actor, unit) -> str | None:
    """The person's role in ``unit``: in the organisation's top unit (or given the
    organisation), their role in the organisation; in any other, their role as one of that
    unit's people, if they are."""
    if actor.organisation_role is None:
        return None
    if isinstance(unit, Organisation) or unit.parent_id is None:
        return actor.organisation_role
    return actor.unit_roles.get(unit.pk)


def _role_at(actor: Actor, unit_id: int, *, top_id: int) -> str | None:
    """The role in the unit of that id, ``top_id`` naming the top (the organisation)."""
    if actor.organisation_role is None:
        return None
    return actor.organisation_role if unit_id == top_id else actor.unit_roles.get(unit_id)


def sees_unit(actor: Actor, unit: Unit) -> bool:
    """One of the unit's people (every member of the organisation is in its top unit)."""
    return unit_role(actor, unit) is not None


def oversees(actor: Actor, unit: Unit) -> bool:
    """A viewer or facilitator of a unit above ``unit``: its outcomes are theirs to follow."""
    above = unit.ancestor_ids
    if not above or actor.organisation_role is None:
        return False
    top_id = above[0]
    return any(_role_at(actor, i, top_id=top_id) in OVERSEEING for i in above)


def sees_outcomes(actor: Actor, unit: Unit) -> bool:
    """The consensus, target and actions of the unit's workshops."""
    return sees_unit(actor, unit) or oversees(actor, unit)


def sees_workshop(actor: Actor, workshop) -> bool:
    """The workshop in full: the people of its unit, and whoever took part in it (``actor``
    is the workshop's, from ``assessments.selectors.workshop_actor``)."""
    if actor.organisation_role is None:
        return False
    return sees_unit(actor, workshop.unit) or actor.took_part


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


def follows_workshop(actor: Actor, workshop) -> bool:
    """The workshop's outcomes (consensus, target, actions): whoever sees it in full, and
    the viewers and facilitators of a unit above its own."""
    return sees_workshop(actor, workshop) or oversees(actor, workshop.unit)
