"""An organisation's units: the tree, and the writes that keep it one.

"You can use it at any level of an organisation" (para 70): a council's directorates, their
services, their teams each assess themselves. The organisation itself is the top unit, made
with it (``_top_unit_made``, whatever makes the organisation: the admin, the import, the
demo); every other unit hangs under a parent of the same organisation, as deep as wanted.

Who may change the tree is for ``organisations.rules`` (``manage_units``: the organisation's
facilitators). Every write here takes the organisation's row lock first, so two moves at once
cannot make a cycle between them (each checks the tree as the other left it), and refuses a
move under the unit itself or under one of its own sub-units. The database backs the rest:
one top unit per organisation, no unit its own parent, a name once among its siblings, and no
unit deleted while anything hangs off it (sub-units, people, workshops).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.signals import post_save
from django.dispatch import receiver

from organisations.audit import audit_record
from organisations.models import (
    Membership,
    Organisation,
    Role,
    Unit,
    UnitMembership,
    person_name,
)
from organisations.rules import Actor, ensure

# ---------------------------------------------------------------- reading the tree


def top_unit(organisation) -> Unit:
    """The organisation itself, as a unit."""
    organisation_id = getattr(organisation, "pk", organisation)
    return Unit.objects.get(organisation_id=organisation_id, parent=None)


@dataclass
class Tree:
    """Every unit of one organisation, read in one query, each with its ``ancestor_ids`` and
    ``depth`` known (no query per unit)."""

    top: Unit
    by_id: dict[int, Unit]
    children: dict[int, list[Unit]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Unit]:
        """Depth first from the top, siblings by name: the order of an outline."""
        stack = [self.top]
        while stack:
            unit = stack.pop()
            yield unit
            stack.extend(reversed(self.children.get(unit.pk, [])))

    def __len__(self) -> int:
        return len(self.by_id)

    def below(self, unit: Unit) -> list[Unit]:
        """Every unit under ``unit`` (not itself), in outline order."""
        found, stack = [], list(reversed(self.children.get(unit.pk, [])))
        while stack:
            u = stack.pop()
            found.append(u)
            stack.extend(reversed(self.children.get(u.pk, [])))
        return found

    def path(self, unit: Unit) -> list[Unit]:
        """From the top down to ``unit``, itself included."""
        return [self.by_id[i] for i in unit.ancestor_ids] + [unit]

    @property
    def depth(self) -> int:
        """How many levels below the top the deepest unit is."""
        return max(u.depth for u in self.by_id.values())


def units_tree(organisation, *, for_update: bool = False) -> Tree:
    organisation_id = getattr(organisation, "pk", organisation)
    units = Unit.objects.filter(organisation_id=organisation_id).order_by("name", "pk")
    if for_update:
        units = units.select_for_update()
    by_id = {u.pk: u for u in units}
    children: dict[int, list[Unit]] = {}
    top = None
    for unit in by_id.values():
        if unit.parent_id is None:
            top = unit
        else:
            children.setdefault(unit.parent_id, []).append(unit)
            unit.parent = by_id[unit.parent_id]
    if top is None:
        raise Unit.DoesNotExist(f"Organisation {organisation_id} has no top unit.")
    # From the top down, so that each unit's parent already knows its own.
    top.ancestor_ids = ()
    stack = [top]
    while stack:
        unit = stack.pop()
        for child in children.get(unit.pk, []):
            child.ancestor_ids = (*unit.ancestor_ids, unit.pk)
            stack.append(child)
    return Tree(top=top, by_id=by_id, children=children)


def unit_roles_of(membership) -> dict[int, str]:
    """Unit id → the person's role there, for every unit (below the top) they belong to."""
    if membership is None:
        return {}
    return dict(UnitMembership.objects.filter(membership=membership).values_list("unit_id", "role"))


# ---------------------------------------------------------------- each organisation its top unit


@receiver(post_save, sender=Organisation)
def _top_unit_made(sender, instance: Organisation, created: bool, raw: bool = False, **kwargs):
    """Every organisation is its own top unit, whatever made it; renamed, so is its unit."""
    if raw:  # loaddata: the fixture carries its units
        return
    if created:
        Unit.objects.create(organisation=instance, parent=None, name=instance.name)
    else:
        Unit.objects.filter(organisation=instance, parent=None).exclude(name=instance.name).update(
            name=instance.name
        )


# ---------------------------------------------------------------- writes


def _tree_locked(organisation) -> Tree:
    """Hold the organisation's row until the transaction ends: every change to its tree takes
    this lock first, so each one checks the tree as the one before left it."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return units_tree(organisation)


def _audit(actor: Actor, organisation, action: str, summary: str) -> None:
    audit_record(
        organisation=organisation,
        user=actor.user,
        role=actor.organisation_role,
        action=action,
        summary=summary,
    )


def _saved(unit: Unit) -> Unit:
    unit.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as e:
        raise ValidationError(
            {"name": f"{unit.parent} already has a unit called {unit.name}."}
        ) from e
    return unit


def _unit_of(tree: Tree, unit: Unit) -> Unit:
    """``unit`` as the locked tree has it (its organisation's, or a 404 upstream)."""
    found = tree.by_id.get(unit.pk)
    if found is None:
        raise ValidationError("That unit is not one of this organisation's.")
    return found


@transaction.atomic
def unit_create(*, organisation, parent: Unit, name: str, actor: Actor) -> Unit:
    ensure(actor, "manage_units", organisation)
    tree = _tree_locked(organisation)
    parent = _unit_of(tree, parent)
    unit = _saved(Unit(organisation=organisation, parent=parent, name=name))
    _audit(actor, organisation, "unit_created", f"Unit “{unit.name}” added under {parent}.")
    return unit


@transaction.atomic
def unit_rename(*, unit: Unit, name: str, actor: Actor) -> Unit:
    ensure(actor, "manage_units", unit.organisation)
    tree = _tree_locked(unit.organisation)
    unit = _unit_of(tree, unit)
    if unit.is_top:
        raise ValidationError(
            {"name": "The top unit is the organisation itself: it has the organisation's name."}
        )
    before = unit.name
    unit.name = name
    _saved(unit)
    _audit(actor, unit.organisation, "unit_changed", f"Unit “{before}” renamed “{unit.name}”.")
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit, actor: Actor) -> Unit:
    """Put ``unit``, with everything under it, under ``parent``; never under itself."""
    ensure(actor, "manage_units", unit.organisation)
    tree = _tree_locked(unit.organisation)
    unit, parent = _unit_of(tree, unit), _unit_of(tree, parent)
    if unit.is_top:
        raise ValidationError({"parent": "The organisation itself stays at the top."})
    if parent.pk == unit.pk or unit.pk in parent.ancestor_ids:
        raise ValidationError(
            {"parent": f"{unit} cannot go under {parent}: {parent} is {unit} or one of its own."}
        )
    if parent.pk == unit.parent_id:
        return unit
    before = unit.parent
    unit.parent = parent
    _saved(unit)
    _audit(
        actor,
        unit.organisation,
        "unit_changed",
        f"Unit “{unit}” moved from under {before} to under {parent}.",
    )
    return unit


@transaction.atomic
def unit_delete(*, unit: Unit, actor: Actor) -> None:
    """Only an empty unit goes: no sub-units, no people, no workshops (a workshop is a
    record, and its people keep it)."""
    ensure(actor, "manage_units", unit.organisation)
    tree = _tree_locked(unit.organisation)
    unit = _unit_of(tree, unit)
    if unit.is_top:
        raise ValidationError("The organisation itself cannot be deleted here.")
    held = []
    if tree.children.get(unit.pk):
        held.append("its sub-units")
    if unit.memberships.exists():
        held.append("its people")
    # The reverse relation of assessments.Workshop.unit: read, not imported (this app
    # imports nothing from the apps above it).
    if unit.workshops.exists():
        held.append("its workshops")
    if held:
        raise ValidationError(
            f"{unit} is not empty: first move or remove {' and '.join(held)}."
            if "its workshops" not in held
            else f"{unit} has workshops, which are kept as a record: it cannot be deleted."
        )
    try:
        with transaction.atomic():
            unit.delete()
    except (ProtectedError, RestrictedError) as e:  # something came in meanwhile
        raise ValidationError(f"{unit} is not empty any more.") from e
    _audit(actor, unit.organisation, "unit_deleted", f"Unit “{unit}” deleted (it was empty).")


@transaction.atomic
def unit_member_set(*, unit: Unit, membership: Membership, role: str, actor: Actor):
    """Add someone of the organisation to a unit, or change their role there."""
    ensure(actor, "manage_units", unit.organisation)
    if role not in Role.values:
        raise ValidationError({"role": "Choose facilitator, member or viewer."})
    tree = _tree_locked(unit.organisation)
    unit = _unit_of(tree, unit)
    found = UnitMembership.objects.filter(unit=unit, membership=membership).first()
    unit_membership = found or UnitMembership(unit=unit, membership=membership)
    unit_membership.role = role
    unit_membership.full_clean(validate_constraints=False)
    unit_membership.save()
    _audit(
        actor,
        unit.organisation,
        "unit_member",
        f"{person_name(membership.user)} is {Role(role).label.lower()} in {unit}"
        + (" now." if found else " (added)."),
    )
    return unit_membership


@transaction.atomic
def unit_member_remove(*, unit_membership: UnitMembership, actor: Actor) -> None:
    unit = unit_membership.unit
    ensure(actor, "manage_units", unit.organisation)
    _tree_locked(unit.organisation)
    unit_membership.delete()
    _audit(
        actor,
        unit.organisation,
        "unit_member",
        f"{person_name(unit_membership.membership.user)} taken out of {unit}.",
    )
