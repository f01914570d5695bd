"""Units: the organisation is its top unit; its facilitators grow the tree (add, rename, move
without ever making a cycle, delete only what is empty) and put people in units; a workshop
belongs to a unit, and its reassessment stays there.

Northshire Council's tree here: Northshire (the top) > Children's Services > Early Help, and
Northshire > Adult Social Care.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Step, Workshop
from assessments.services import reassess, setup
from organisations.access import actor_for
from organisations.models import Membership, Organisation, Role, Unit, UnitMembership
from organisations.units import (
    top_unit,
    unit_create,
    unit_delete,
    unit_member_remove,
    unit_member_set,
    unit_move,
    unit_rename,
    units_tree,
)
from tests.factories import OrganisationFactory, WorkshopFactory


@pytest.fixture
def as_alice(northshire, alice):
    return actor_for(organisation=northshire, user=alice)


@pytest.fixture
def tree(northshire, as_alice):
    top = top_unit(northshire)
    children = unit_create(
        organisation=northshire, parent=top, name="Children's Services", actor=as_alice
    )
    early = unit_create(organisation=northshire, parent=children, name="Early Help", actor=as_alice)
    adults = unit_create(
        organisation=northshire, parent=top, name="Adult Social Care", actor=as_alice
    )
    return {"top": top, "children": children, "early": early, "adults": adults}


def _membership(org, user) -> Membership:
    return Membership.objects.get(organisation=org, user=user)


# ---------------------------------------------------------------- the top unit


def test_every_new_organisation_is_its_own_top_unit_and_it_follows_the_name(db):
    org = OrganisationFactory(name="Westshire Council")
    (top,) = Unit.objects.filter(organisation=org)
    assert (top.name, top.parent, top.is_top, top.depth) == ("Westshire Council", None, True, 0)
    org.name = "Westshire County Council"
    org.save()
    top.refresh_from_db()
    assert top.name == "Westshire County Council"


def test_the_database_keeps_one_top_unit_per_organisation(northshire):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(organisation=northshire, parent=None, name="A second top")


def test_the_database_refuses_a_unit_that_is_its_own_parent(tree):
    early = tree["early"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=early.pk).update(parent_id=early.pk)


def test_the_top_unit_is_not_renamed_moved_or_deleted_here(tree, as_alice):
    top = tree["top"]
    with pytest.raises(ValidationError, match="organisation's name"):
        unit_rename(unit=top, name="Something else", actor=as_alice)
    with pytest.raises(ValidationError, match="stays at the top"):
        unit_move(unit=top, parent=tree["adults"], actor=as_alice)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        unit_delete(unit=top, actor=as_alice)


# ---------------------------------------------------------------- the tree


def test_the_tree_reads_as_an_outline_with_each_units_level_in_one_query(
    tree, northshire, django_assert_num_queries
):
    with django_assert_num_queries(1):
        loaded = units_tree(northshire)
        outline = [(u.name, u.depth) for u in loaded]
    assert outline == [
        ("Northshire Council", 0),
        ("Adult Social Care", 1),
        ("Children's Services", 1),
        ("Early Help", 2),
    ]
    assert loaded.depth == 2
    assert [u.name for u in loaded.below(loaded.by_id[tree["children"].pk])] == ["Early Help"]


def test_a_name_is_given_once_among_siblings_whatever_its_case(tree, northshire, as_alice):
    with pytest.raises(ValidationError, match="already has a unit called"):
        unit_create(
            organisation=northshire, parent=tree["top"], name="adult social care", actor=as_alice
        )
    # The same name elsewhere in the tree is another unit.
    unit_create(
        organisation=northshire, parent=tree["children"], name="Adult Social Care", actor=as_alice
    )


def test_a_unit_of_another_organisation_is_no_parent(tree, southshire, as_alice, northshire):
    with pytest.raises(ValidationError):
        unit_create(
            organisation=northshire, parent=top_unit(southshire), name="Stray", actor=as_alice
        )


def test_a_unit_moves_with_everything_under_it(tree, northshire, as_alice):
    unit_move(unit=tree["children"], parent=tree["adults"], actor=as_alice)
    loaded = units_tree(northshire)
    early = loaded.by_id[tree["early"].pk]
    assert [u.name for u in loaded.path(early)] == [
        "Northshire Council",
        "Adult Social Care",
        "Children's Services",
        "Early Help",
    ]


@pytest.mark.parametrize("under", ["children", "early"])
def test_a_unit_never_goes_under_itself_or_one_of_its_own(tree, as_alice, under):
    with pytest.raises(ValidationError, match="cannot go under"):
        unit_move(unit=tree["children"], parent=tree[under], actor=as_alice)
    assert Unit.objects.get(pk=tree["children"].pk).parent_id == tree["top"].pk


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_that_would_make_a_cycle_cannot_both_happen(northshire, alice):
    """Each move alone is fine (Adults under Children's, Children's under Adults); together
    they would hang both off each other, out of the tree. The organisation's lock makes the
    second check the tree as the first left it."""
    as_alice = actor_for(organisation=northshire, user=alice)
    top = top_unit(northshire)
    children = unit_create(organisation=northshire, parent=top, name="Children's", actor=as_alice)
    adults = unit_create(organisation=northshire, parent=top, name="Adults", actor=as_alice)
    gate = threading.Barrier(2)
    outcomes = []

    def move(unit, parent):
        def go():
            try:
                gate.wait()
                unit_move(unit=unit, parent=parent, actor=as_alice)
                outcomes.append("moved")
            except ValidationError:
                outcomes.append("refused")
            finally:
                connection.close()

        return go

    threads = [
        threading.Thread(target=move(children, adults)),
        threading.Thread(target=move(adults, children)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["moved", "refused"]
    loaded = units_tree(northshire)  # raises if a unit hung off the tree
    assert {u.depth for u in loaded} == {0, 1, 2}


def test_only_an_empty_unit_is_deleted(tree, northshire, as_alice, bob, alice):
    children, early = tree["children"], tree["early"]
    with pytest.raises(ValidationError, match="its sub-units"):
        unit_delete(unit=children, actor=as_alice)
    unit_member_set(
        unit=early, membership=_membership(northshire, bob), role=Role.MEMBER, actor=as_alice
    )
    with pytest.raises(ValidationError, match="its people"):
        unit_delete(unit=early, actor=as_alice)
    unit_member_remove(unit_membership=UnitMembership.objects.get(unit=early), actor=as_alice)
    WorkshopFactory(organisation=northshire, unit=early, lead_facilitator=alice)
    with pytest.raises(ValidationError, match="kept as a record"):
        unit_delete(unit=early, actor=as_alice)
    assert Unit.objects.filter(pk=early.pk).exists()
    unit_delete(unit=tree["adults"], actor=as_alice)
    assert not Unit.objects.filter(pk=tree["adults"].pk).exists()


def test_the_database_itself_keeps_a_unit_with_sub_units_or_people(tree, northshire, bob, as_alice):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError), transaction.atomic():
        tree["children"].delete()
    unit_member_set(
        unit=tree["adults"],
        membership=_membership(northshire, bob),
        role=Role.MEMBER,
        actor=as_alice,
    )
    with pytest.raises(RestrictedError), transaction.atomic():
        Unit.objects.get(pk=tree["adults"].pk).delete()


def test_a_whole_organisation_still_goes_with_its_tree(db):
    """RESTRICT, not PROTECT: the tree holds a unit back, not its organisation's deletion
    (an organisation with an audit log is kept anyway: the log is)."""
    org = OrganisationFactory()
    team = Unit.objects.create(organisation=org, parent=top_unit(org), name="Team")
    Unit.objects.create(organisation=org, parent=team, name="Sub-team")
    org.delete()
    assert not Unit.objects.filter(organisation_id=org.pk).exists()


# ---------------------------------------------------------------- people in units


def test_a_person_belongs_to_several_units_with_a_role_in_each(tree, northshire, bob, as_alice):
    bobs = _membership(northshire, bob)
    unit_member_set(unit=tree["children"], membership=bobs, role=Role.FACILITATOR, actor=as_alice)
    unit_member_set(unit=tree["adults"], membership=bobs, role=Role.VIEWER, actor=as_alice)
    unit_member_set(unit=tree["adults"], membership=bobs, role=Role.MEMBER, actor=as_alice)
    assert dict(
        UnitMembership.objects.filter(membership=bobs).values_list("unit__name", "role")
    ) == {
        "Children's Services": Role.FACILITATOR,
        "Adult Social Care": Role.MEMBER,
    }


def test_the_top_units_people_are_the_organisations_and_its_people_are_kept_there(
    tree, northshire, bob, as_alice
):
    with pytest.raises(ValidationError, match="members page"):
        unit_member_set(
            unit=tree["top"],
            membership=_membership(northshire, bob),
            role=Role.VIEWER,
            actor=as_alice,
        )


def test_someone_of_another_organisation_is_not_put_in_a_unit(tree, mallory, southshire, as_alice):
    with pytest.raises(ValidationError, match="people of its organisation"):
        unit_member_set(
            unit=tree["adults"],
            membership=_membership(southshire, mallory),
            role=Role.MEMBER,
            actor=as_alice,
        )


def test_leaving_the_organisation_takes_a_person_out_of_its_units(tree, northshire, bob, as_alice):
    bobs = _membership(northshire, bob)
    unit_member_set(unit=tree["adults"], membership=bobs, role=Role.MEMBER, actor=as_alice)
    bobs.delete()
    assert not UnitMembership.objects.exists()


def test_every_change_to_the_tree_and_its_people_is_in_the_audit_log(
    tree, northshire, bob, as_alice
):
    from organisations.models import AuditEvent

    unit_rename(unit=tree["adults"], name="Adults and Health", actor=as_alice)
    unit_move(unit=tree["early"], parent=tree["adults"], actor=as_alice)
    unit_member_set(
        unit=tree["adults"],
        membership=_membership(northshire, bob),
        role=Role.VIEWER,
        actor=as_alice,
    )
    summaries = list(
        AuditEvent.objects.filter(organisation=northshire, action__startswith="unit_")
        .order_by("at", "id")
        .values_list("action", "summary", "role")
    )
    assert [s[:2] for s in summaries] == [
        ("unit_created", "Unit “Children's Services” added under Northshire Council."),
        ("unit_created", "Unit “Early Help” added under Children's Services."),
        ("unit_created", "Unit “Adult Social Care” added under Northshire Council."),
        ("unit_changed", "Unit “Adult Social Care” renamed “Adults and Health”."),
        (
            "unit_changed",
            "Unit “Early Help” moved from under Children's Services to under Adults and Health.",
        ),
        ("unit_member", "Bob Example is viewer in Adults and Health (added)."),
    ]
    assert {s[2] for s in summaries} == {Role.FACILITATOR}


# ---------------------------------------------------------------- workshops in units


def test_a_workshop_set_up_for_a_unit_is_its_and_its_reassessment_stays_there(
    tree, northshire, alice, bob, as_alice
):
    early = tree["early"]
    unit_member_set(
        unit=early, membership=_membership(northshire, alice), role=Role.FACILITATOR, actor=as_alice
    )
    unit_member_set(
        unit=early, membership=_membership(northshire, bob), role=Role.MEMBER, actor=as_alice
    )
    workshop = setup.workshop_create(
        organisation=northshire,
        unit=early,
        actor=as_alice,
        title="Early Help team",
        date=timezone.localdate(),
        barrier_slugs=["learning"],
        participants=[bob],
        anonymous=False,
    )
    assert workshop.unit == early
    Workshop.objects.filter(pk=workshop.pk).update(
        step=Step.REASSESS,
        assessment_closed_at=timezone.now(),
        revealed_at=timezone.now(),
        reassess_on=timezone.localdate(),
        closed_at=timezone.now(),
    )
    workshop.refresh_from_db()
    follow_up = reassess.reassessment_start(workshop=workshop, actor=as_alice)
    assert follow_up.unit_id == early.pk
    assert list(follow_up.participants.values_list("user__email", flat=True)) == [bob.email]


def test_a_workshop_of_a_unit_takes_only_the_units_own_people(
    tree, northshire, alice, carol, as_alice
):
    early = tree["early"]
    unit_member_set(
        unit=early, membership=_membership(northshire, alice), role=Role.FACILITATOR, actor=as_alice
    )
    with pytest.raises(ValidationError, match="cannot take part"):
        setup.workshop_create(
            organisation=northshire,
            unit=early,
            actor=as_alice,
            title="Early Help team",
            date=timezone.localdate(),
            barrier_slugs=["learning"],
            participants=[carol],
            anonymous=False,
        )


def test_a_workshop_is_not_set_up_in_another_organisations_unit(
    tree, northshire, southshire, as_alice
):
    with pytest.raises(ValidationError, match="organisation's units"):
        setup.workshop_create(
            organisation=northshire,
            unit=top_unit(southshire),
            actor=as_alice,
            title="Stray",
            date=timezone.localdate(),
            barrier_slugs=["learning"],
            participants=[],
            anonymous=False,
        )


# ---------------------------------------------------------------- the pages


def url(name, org="northshire", **kwargs):
    return reverse(name, kwargs={"org": org, **kwargs})


def test_the_units_page_shows_the_tree_to_everyone_and_its_forms_to_facilitators(
    client_for, tree, alice, bob
):
    page = client_for(bob).get(url("units")).content.decode()
    for name in ("Children&#x27;s Services", "Early Help", "Adult Social Care"):
        assert name in page
    assert "Add a unit" not in page
    page = client_for(alice).get(url("units")).content.decode()
    assert "Add a unit" in page


def test_a_facilitator_adds_renames_moves_and_deletes_a_unit_through_the_pages(
    client_for, tree, alice, northshire
):
    client = client_for(alice)
    response = client.post(
        url("unit_add"), {"name": "Libraries", "parent": str(tree["adults"].code)}
    )
    libraries = Unit.objects.get(name="Libraries")
    assert response.status_code == 302 and libraries.parent_id == tree["adults"].pk
    code = libraries.code
    client.post(url("unit_rename", unit=code), {"name": "Libraries and Archives"})
    client.post(url("unit_move", unit=code), {"parent": str(tree["children"].code)})
    libraries.refresh_from_db()
    assert (libraries.name, libraries.parent_id) == ("Libraries and Archives", tree["children"].pk)
    client.post(url("unit_delete", unit=code))
    assert not Unit.objects.filter(code=code).exists()


def test_a_refused_move_comes_back_with_the_reason_and_changes_nothing(client_for, tree, alice):
    response = client_for(alice).post(
        url("unit_move", unit=tree["children"].code), {"parent": str(tree["early"].code)}
    )
    assert response.status_code == 400
    assert "can go under" in response.content.decode()
    assert Unit.objects.get(pk=tree["children"].pk).parent_id == tree["top"].pk


def test_a_name_refused_comes_back_as_typed_with_the_reason(client_for, tree, alice):
    response = client_for(alice).post(
        url("unit_add"), {"name": "Adult social care", "parent": str(tree["top"].code)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Adult social care"' in page and "already has a unit called" in page


def test_a_deletion_refused_says_what_is_in_the_way(client_for, tree, alice):
    response = client_for(alice).post(url("unit_delete", unit=tree["children"].code))
    assert response.status_code == 400
    assert "first move or remove its sub-units" in response.content.decode()


def test_people_are_put_in_a_unit_their_role_changed_and_taken_out_through_the_page(
    client_for, tree, alice, bob
):
    client = client_for(alice)
    adults = tree["adults"]
    client.post(url("unit_member_set", unit=adults.code), {"person": bob.email, "role": "viewer"})
    client.post(
        url("unit_member_set", unit=adults.code), {"person": bob.email, "role": "facilitator"}
    )
    assert UnitMembership.objects.get(unit=adults).role == Role.FACILITATOR
    client.post(url("unit_member_remove", unit=adults.code), {"email": bob.email})
    assert not UnitMembership.objects.filter(unit=adults).exists()


def test_someone_not_of_the_organisation_is_refused_with_a_sentence(
    client_for, tree, alice, mallory
):
    response = client_for(alice).post(
        url("unit_member_set", unit=tree["adults"].code),
        {"person": mallory.email, "role": "member"},
    )
    assert response.status_code == 400
    assert "Choose someone of the organisation." in response.content.decode()
    assert not UnitMembership.objects.exists()


@pytest.mark.parametrize("who", ["bob", "vic"])
def test_members_and_viewers_change_nothing_in_the_tree(client_for, tree, request, who):
    client = client_for(request.getfixturevalue(who))
    for name, data in [
        ("unit_rename", {"name": "Mine now"}),
        ("unit_move", {"parent": str(tree["children"].code)}),
        ("unit_delete", {}),
        ("unit_member_set", {"person": "bob@example.org", "role": "facilitator"}),
    ]:
        assert client.post(url(name, unit=tree["adults"].code), data).status_code == 403
    assert (
        client.post(url("unit_add"), {"name": "X", "parent": str(tree["top"].code)}).status_code
        == 403
    )
    assert Unit.objects.get(pk=tree["adults"].pk).name == "Adult Social Care"
    assert not UnitMembership.objects.exists()


def test_a_unit_forms_address_opened_again_answers_the_units_page(client_for, tree, bob):
    code = tree["adults"].code
    for name in (
        "unit_rename",
        "unit_move",
        "unit_delete",
        "unit_member_set",
        "unit_member_remove",
    ):
        response = client_for(bob).get(url(name, unit=code))
        assert response.status_code == 302
        assert response.url == url("unit_detail", unit=code)


def test_a_workshop_is_set_up_for_a_unit_from_its_page(
    client_for, tree, alice, bob, northshire, as_alice
):
    early = tree["early"]
    unit_member_set(
        unit=early, membership=_membership(northshire, alice), role=Role.FACILITATOR, actor=as_alice
    )
    unit_member_set(
        unit=early, membership=_membership(northshire, bob), role=Role.MEMBER, actor=as_alice
    )
    client = client_for(alice)
    assert (
        "New workshop for Early Help"
        in client.get(url("unit_detail", unit=early.code)).content.decode()
    )
    create = url("workshop_create") + f"?unit={early.code}"
    form = client.get(create).content.decode()
    assert "New workshop for Early Help" in form
    assert bob.email in form or "Bob Example" in form
    assert "Carol" not in form  # not one of Early Help's people
    response = client.post(
        create,
        {
            "title": "Early Help",
            "date": timezone.localdate().isoformat(),
            "barriers": ["learning"],
            "participants": [bob.pk],
        },
    )
    assert response.status_code == 302
    assert Workshop.objects.get(title="Early Help").unit_id == early.pk


def test_a_facilitator_of_the_organisation_sets_up_a_units_workshop_only_as_one_of_its_facilitators(
    client_for, tree, alice
):
    create = url("workshop_create") + f"?unit={tree['early'].code}"
    assert client_for(alice).get(create).status_code == 403


# ---------------------------------------------------------------- export, import, demo


@pytest.mark.django_db(transaction=True)
def test_an_export_carries_the_tree_its_people_and_each_workshops_unit(
    northshire, alice, bob, tmp_path
):
    import json

    from django.core.management import call_command

    from assessments.services.export import organisation_export
    from model_content.loader import original_load, real_models

    as_alice = actor_for(organisation=northshire, user=alice)
    children = unit_create(
        organisation=northshire, parent=top_unit(northshire), name="Children's", actor=as_alice
    )
    early = unit_create(organisation=northshire, parent=children, name="Early Help", actor=as_alice)
    unit_member_set(
        unit=early, membership=_membership(northshire, bob), role=Role.VIEWER, actor=as_alice
    )
    WorkshopFactory(organisation=northshire, unit=early, lead_facilitator=alice, title="Early")
    exported = organisation_export(northshire)
    path = tmp_path / "northshire.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    original_load(real_models())
    call_command("import_organisation", str(path), verbosity=0)

    again = Organisation.objects.get(slug="northshire")
    assert organisation_export(again)["units"] == exported["units"]
    loaded = units_tree(again)
    assert [(u.name, u.depth) for u in loaded] == [
        ("Northshire Council", 0),
        ("Children's", 1),
        ("Early Help", 2),
    ]
    assert Workshop.objects.get(title="Early").unit.name == "Early Help"
    assert UnitMembership.objects.get().role == Role.VIEWER


def test_a_file_from_before_units_puts_every_workshop_in_the_top_unit(northshire, alice):
    import uuid

    from assessments.services.export import organisation_export
    from assessments.services.transfer import organisation_import

    WorkshopFactory(organisation=northshire, lead_facilitator=alice)
    data = organisation_export(northshire)
    data["organisation"].update(slug="elsewhere", code=str(uuid.uuid4()))
    del data["units"], data["unit_memberships"]
    for w in data["workshops"]:
        del w["unit"]
        w["code"] = str(uuid.uuid4())
    for i in data["invitations"]:
        i["code"] = str(uuid.uuid4())
    data["memberships"] = []
    imported = organisation_import(data)
    assert {w.unit_id for w in imported.workshops.all()} == {top_unit(imported).pk}


def test_the_demo_council_has_three_directorates_and_a_team_each_with_closed_workshops(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = Organisation.objects.get(slug="demo-borough")
    loaded = units_tree(demo)
    assert [(u.name, u.depth) for u in loaded] == [
        ("Demo Borough Council", 0),
        ("Adults and Health", 1),
        ("Children's Services", 1),
        ("Place", 1),
        ("Highways", 2),
    ]
    for unit in loaded.below(loaded.top):
        assert unit.workshops.filter(closed_at__isnull=False).exists(), unit.name
    assert (
        loaded.by_id[next(u.pk for u in loaded if u.name == "Children's Services")]
        .workshops.filter(closed_at__isnull=False)
        .count()
        == 2
    )
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert demo.units.count() == 5  # safe to run again


def test_a_facilitator_of_units_only_is_sent_from_new_workshop_to_choose_the_unit(
    client_for, tree, northshire, bob, as_alice
):
    unit_member_set(
        unit=tree["early"],
        membership=_membership(northshire, bob),
        role=Role.FACILITATOR,
        actor=as_alice,
    )
    client = client_for(bob)
    home = client.get(url("organisation_home")).content.decode()
    assert "New workshop" in home
    response = client.get(url("workshop_create"))
    assert response.status_code == 302 and response.url == url("units")
    assert client.get(url("workshop_create") + f"?unit={tree['early'].code}").status_code == 200
    assert client.get(url("workshop_create") + f"?unit={tree['adults'].code}").status_code == 403
