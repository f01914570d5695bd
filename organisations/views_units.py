"""The units page: the organisation's tree of directorates, services and teams, who is in
each, and (for the organisation's facilitators) the forms that change them.

Every unit is fetched through the request's organisation (a 404 for anyone else's); every
change goes through ``organisations.units``, which asks the rules. A refused or invalid form
comes back on the unit's page with what was typed and the reason (400), never a 500.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from organisations import units as services
from organisations.access import OrganisationRequest, form_back, organisation_view
from organisations.forms import refusal_onto
from organisations.models import Membership, Role, Unit, UnitMembership, person_name
from organisations.rules import can, ensure, sees_unit
from organisations.units import Tree, units_tree

NAME_MAX = Unit._meta.get_field("name").max_length


class _OnePageForm(forms.Form):
    """Several of these share a page: each names its fields' ids after itself."""

    id_prefix = "unit"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class UnitNameForm(_OnePageForm):
    id_prefix = "rename"
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        error_messages={"required": "Give the unit a name."},
    )


class UnitAddForm(UnitNameForm):
    id_prefix = "add"
    parent = forms.TypedChoiceField(label="Under", coerce=str)

    def __init__(self, *args, tree: Tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = _outline_choices(tree)


class UnitMoveForm(_OnePageForm):
    id_prefix = "move"
    parent = forms.TypedChoiceField(label="Move under", coerce=str)

    def __init__(self, *args, tree: Tree, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        # Never under itself or one of its own (the service refuses it as well).
        own = {unit.pk, *(u.pk for u in tree.below(unit))}
        self.fields["parent"].choices = _outline_choices(tree, leave_out=own)
        self.fields["parent"].initial = str(tree.by_id[unit.parent_id].code)


class UnitMemberForm(_OnePageForm):
    id_prefix = "member"
    person = forms.TypedChoiceField(label="Person", coerce=str)
    role = forms.ChoiceField(label="Role in this unit", choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, people: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose someone")] + [
            (m.user.email, f"{person_name(m.user)} ({m.user.email})") for m in people
        ]


def _outline_choices(tree: Tree, leave_out=frozenset()) -> list[tuple[str, str]]:
    """Every unit, indented by its level, as a select shows an outline."""
    return [(str(u.code), "\u2003" * u.depth + u.name) for u in tree if u.pk not in leave_out]


def _unit_in(tree: Tree, code) -> Unit:
    try:
        code = uuid.UUID(str(code))
    except ValueError as e:
        raise Http404("No such unit") from e
    found = next((u for u in tree.by_id.values() if u.code == code), None)
    if found is None:
        raise Http404("No such unit")
    return found


def _changing(request: OrganisationRequest, code) -> tuple[Tree, Unit]:
    """The tree and the unit a change is about, for the organisation's facilitators only
    (403 for anyone else, before any form is read)."""
    ensure(request.actor, "manage_units", request.organisation)
    tree = units_tree(request.organisation)
    return tree, _unit_in(tree, code)


def _unit_found(request: OrganisationRequest, unit) -> Unit:
    return _unit_in(units_tree(request.organisation), unit)


# A unit form's address answers POST; opened again from the address bar it answers the
# unit's page (after finding the unit through the organisation: 404 for anyone else's).
_unit_form = form_back("unit_detail", "unit", fetch=_unit_found)


# ---------------------------------------------------------------- the tree


def _nested(tree: Tree, unit: Unit, counts: dict) -> dict:
    return {
        "unit": unit,
        "people": counts["people"].get(unit.pk, 0),
        "workshops": counts["workshops"].get(unit.pk, 0),
        "children": [_nested(tree, c, counts) for c in tree.children.get(unit.pk, [])],
    }


def _counts(request: OrganisationRequest, tree: Tree) -> dict:
    """People and workshops per unit, two queries whatever the size of the tree."""
    people = dict(
        UnitMembership.objects.filter(unit__organisation=request.organisation)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    people[tree.top.pk] = request.organisation.memberships.count()
    workshops = dict(
        Unit.objects.filter(organisation=request.organisation)
        .annotate(n=Count("workshops"))
        .values_list("pk", "n")
    )
    return {"people": people, "workshops": workshops}


def _units_page(request: OrganisationRequest, form: UnitAddForm | None = None, status=200):
    tree = units_tree(request.organisation)
    return render(
        request,
        "organisations/units.html",
        {
            "outline": [_nested(tree, tree.top, _counts(request, tree))],
            "tree": tree,
            "form": form or UnitAddForm(tree=tree, initial={"parent": str(tree.top.code)}),
        },
        status=status,
    )


@organisation_view
@require_safe
def units(request: OrganisationRequest) -> HttpResponse:
    return _units_page(request)


@organisation_view
@form_back("units")
def unit_add(request: OrganisationRequest) -> HttpResponse:
    ensure(request.actor, "manage_units", request.organisation)
    tree = units_tree(request.organisation)
    form = UnitAddForm(request.POST, tree=tree)
    if form.is_valid():
        try:
            unit = services.unit_create(
                organisation=request.organisation,
                parent=_unit_in(tree, form.cleaned_data["parent"]),
                name=form.cleaned_data["name"],
                actor=request.actor,
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(request, f"{unit.name} added under {unit.parent.name}.")
            return redirect("unit_detail", request.organisation.slug, unit.code)
    return _units_page(request, form, status=400)


# ---------------------------------------------------------------- one unit


def _unit_page(request: OrganisationRequest, unit: Unit, tree: Tree, bound=None, status=200):
    bound = bound or {}
    people = list(
        UnitMembership.objects.filter(unit=unit)
        .select_related("membership__user")
        .order_by("role", "membership__user__first_name", "membership__user__email")
    )
    inside = {um.membership_id for um in people}
    others = [
        m
        for m in request.organisation.memberships.select_related("user").order_by(
            "user__first_name", "user__last_name", "user__email"
        )
        if m.pk not in inside
    ]
    held = []
    if tree.children.get(unit.pk):
        held.append("sub-units")
    if people:
        held.append("people")
    workshops = unit.workshops.count()
    return render(
        request,
        "organisations/unit.html",
        {
            "unit": unit,
            "path": tree.path(unit),
            "children": tree.children.get(unit.pk, []),
            "people": people,
            "workshops": workshops,
            "sees_unit": sees_unit(request.actor, unit),
            "may_create_workshops": can(request.actor, "create_workshops", unit),
            "held": held,
            "rename_form": bound.get("rename") or UnitNameForm(initial={"name": unit.name}),
            "move_form": bound.get("move")
            or (None if unit.is_top else UnitMoveForm(tree=tree, unit=unit)),
            "member_form": bound.get("member") or UnitMemberForm(people=others),
            "add_form": bound.get("add")
            or UnitAddForm(tree=tree, initial={"parent": str(unit.code)}),
            "roles": Role,
        },
        status=status,
    )


@organisation_view
@require_safe
def unit_detail(request: OrganisationRequest, unit) -> HttpResponse:
    tree = units_tree(request.organisation)
    return _unit_page(request, _unit_in(tree, unit), tree)


@organisation_view
@_unit_form
def unit_rename(request: OrganisationRequest, unit) -> HttpResponse:
    tree, unit = _changing(request, unit)
    form = UnitNameForm(request.POST)
    if form.is_valid():
        try:
            services.unit_rename(unit=unit, name=form.cleaned_data["name"], actor=request.actor)
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(request, f"Renamed {unit.name}.")
            return redirect("unit_detail", request.organisation.slug, unit.code)
    return _unit_page(request, unit, tree, bound={"rename": form}, status=400)


@organisation_view
@_unit_form
def unit_move(request: OrganisationRequest, unit) -> HttpResponse:
    tree, unit = _changing(request, unit)
    if unit.is_top:
        messages.error(request, "The organisation itself stays at the top.")
        return _unit_page(request, unit, tree, status=400)
    form = UnitMoveForm(request.POST, tree=tree, unit=unit)
    if form.is_valid():
        try:
            services.unit_move(
                unit=unit, parent=_unit_in(tree, form.cleaned_data["parent"]), actor=request.actor
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(request, f"{unit.name} is now under {unit.parent.name}.")
            return redirect("unit_detail", request.organisation.slug, unit.code)
    else:
        form.errors.clear()
        form.add_error(
            "parent", f"Choose a unit {unit.name} can go under (not itself or one of its own)."
        )
    return _unit_page(request, unit, tree, bound={"move": form}, status=400)


@organisation_view
@_unit_form
def unit_delete(request: OrganisationRequest, unit) -> HttpResponse:
    tree, unit = _changing(request, unit)
    parent = tree.by_id.get(unit.parent_id) if unit.parent_id else None
    try:
        services.unit_delete(unit=unit, actor=request.actor)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _unit_page(request, unit, tree, status=400)
    messages.success(request, f"{unit.name} was deleted.")
    if parent is not None:
        return redirect("unit_detail", request.organisation.slug, parent.code)
    return redirect("units", request.organisation.slug)


@organisation_view
@_unit_form
def unit_member_set(request: OrganisationRequest, unit) -> HttpResponse:
    """Add someone to the unit (``person``: their email), or change their role (``role``
    alone, with ``email``)."""
    tree, unit = _changing(request, unit)
    people = list(request.organisation.memberships.select_related("user"))
    form = UnitMemberForm(request.POST, people=people)
    if form.is_valid():
        membership = next(m for m in people if m.user.email == form.cleaned_data["person"])
        try:
            services.unit_member_set(
                unit=unit,
                membership=membership,
                role=form.cleaned_data["role"],
                actor=request.actor,
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(
                request,
                f"{person_name(membership.user)} is "
                f"{Role(form.cleaned_data['role']).label.lower()} in {unit.name}.",
            )
            return redirect("unit_detail", request.organisation.slug, unit.code)
    elif "person" in form.errors:
        form.errors["person"] = form.error_class(["Choose someone of the organisation."])
    return _unit_page(request, unit, tree, bound={"member": form}, status=400)


@organisation_view
@_unit_form
def unit_member_remove(request: OrganisationRequest, unit) -> HttpResponse:
    tree, unit = _changing(request, unit)
    found = (
        UnitMembership.objects.filter(
            unit=unit, membership__user__email__iexact=request.POST.get("email", "")
        )
        .select_related("membership__user", "unit")
        .first()
    )
    if found is None:
        raise Http404("No such person in this unit")
    services.unit_member_remove(unit_membership=found, actor=request.actor)
    messages.success(request, f"{person_name(found.membership.user)} was taken out of {unit.name}.")
    return redirect("unit_detail", request.organisation.slug, unit.code)
