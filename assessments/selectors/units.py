"""What of an organisation's units a person sees, for the pages that list across them (the
home, the tracker, progress over time, the roll-up).

The rules are ``organisations.rules`` (``sees_unit``, ``sees_outcomes``, ``sees_workshop``);
this module applies them to the whole tree at once (two queries: the tree and the person's
unit roles, however many units) and turns the answer into a filter on workshops. The one fact
the rules leave to the database, whether the person is named in a workshop (a participant,
its lead, a co-facilitator), is a subquery here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from assessments.models import Participant, Workshop
from organisations.models import Unit
from organisations.rules import Actor, sees_outcomes, sees_unit
from organisations.units import Tree, units_tree


@dataclass
class Scope:
    """One person's view of one organisation's tree."""

    tree: Tree
    seen: list[Unit]  # units whose workshops they see in full
    followed: list[Unit]  # units whose outcomes they follow (the seen ones included)
    actor: Actor

    @property
    def seen_ids(self) -> set[int]:
        return {u.pk for u in self.seen}

    @property
    def followed_ids(self) -> set[int]:
        return {u.pk for u in self.followed}

    @property
    def only_the_top(self) -> bool:
        """An organisation with no units below it: everything reads as it always has."""
        return len(self.tree) == 1


def scope_of(*, organisation, actor: Actor) -> Scope:
    tree = units_tree(organisation)
    return Scope(
        tree=tree,
        seen=[u for u in tree if sees_unit(actor, u)],
        followed=[u for u in tree if sees_outcomes(actor, u)],
        actor=actor,
    )


def _took_part(user) -> Q:
    return (
        Q(lead_facilitator=user)
        | Q(pk__in=Participant.objects.filter(user=user).values("workshop_id"))
        | Q(pk__in=Workshop.co_facilitators.through.objects.filter(user=user).values("workshop_id"))
    )


def workshops_seen(scope: Scope, workshops: QuerySet[Workshop] | None = None) -> QuerySet:
    """The workshops the person sees in full (``sees_workshop``)."""
    workshops = workshops if workshops is not None else Workshop.objects.all()
    workshops = workshops.filter(organisation_id=scope.tree.top.organisation_id)
    if scope.only_the_top:
        return workshops
    return workshops.filter(Q(unit_id__in=scope.seen_ids) | _took_part(scope.actor.user))


def workshops_followed(scope: Scope, workshops: QuerySet[Workshop] | None = None) -> QuerySet:
    """The workshops whose outcomes (consensus, target, actions) the person follows."""
    workshops = workshops if workshops is not None else Workshop.objects.all()
    workshops = workshops.filter(organisation_id=scope.tree.top.organisation_id)
    if scope.only_the_top:
        return workshops
    return workshops.filter(Q(unit_id__in=scope.followed_ids) | _took_part(scope.actor.user))
