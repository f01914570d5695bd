"""An organisation's whole data exported as JSON and imported into an empty database."""

import json

import pytest
from django.core.management import call_command

from assessments.services.export import organisation_export
from assessments.services.tracker import action_status_set
from assessments.services.transfer import TransferError, organisation_import
from model_content.loader import original_load, real_models
from organisations.access import actor_for
from organisations.models import Membership, MembershipSource, Organisation, SsoAdmission
from tests.builders import series_of_two


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_gives_the_same_organisation(
    northshire, alice, team, tmp_path
):
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    action = earlier.actions.first()
    action_status_set(
        action=action,
        status="in_progress",
        note="Under way",
        actor=actor_for(organisation=northshire, user=alice),
    )
    # How its people sign in goes with it.
    northshire.allow_password = False
    northshire.save()
    SsoAdmission.objects.create(organisation=northshire, kind="group", value="smt", role="member")
    Membership.objects.filter(user=team[0]).update(source=MembershipSource.SSO)
    exported = organisation_export(northshire)
    assert exported["organisation"]["allow_password"] is False
    assert exported["sso_admissions"] == [{"kind": "group", "value": "smt", "role": "member"}]
    path = tmp_path / "northshire.json"
    path.write_text(json.dumps(exported), encoding="utf-8")

    call_command("flush", interactive=False, verbosity=0)
    assert not Organisation.objects.exists()
    original_load(real_models())

    call_command("import_organisation", str(path), verbosity=0)
    again = organisation_export(Organisation.objects.get(slug="northshire"))
    assert again == exported
    assert len(again["workshops"]) == 2
    assert sum(len(w["ratings"]) for w in again["workshops"]) == 2 * 4 * 6
    assert again["workshops"][1]["previous"] == str(earlier.code)
    updated = next(a for a in again["workshops"][0]["actions"] if a["code"] == str(action.code))
    assert updated["status_updated_by"] == alice.email and updated["status_updated_at"]


@pytest.mark.django_db(transaction=True)
def test_stand_ins_retention_and_the_privacy_notice_go_with_the_organisation(
    northshire, alice, team, tmp_path
):
    from assessments.services.retention import workshop_anonymise
    from organisations.services import former_member_create

    earlier, _current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    workshop_anonymise(workshop=earlier)
    former_member_create(organisation=northshire)
    Organisation.objects.filter(pk=northshire.pk).update(
        retention_months=84, retention_action="delete", privacy_notice="# Ours\nOur words."
    )
    exported = organisation_export(Organisation.objects.get(pk=northshire.pk))
    assert {(s["kind"], s["number"]) for s in exported["stand_ins"]} >= {
        ("former_member", 1),
        ("anonymised", 1),
    }
    path = tmp_path / "northshire.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    original_load(real_models())

    call_command("import_organisation", str(path), verbosity=0)
    imported = Organisation.objects.get(slug="northshire")
    assert organisation_export(imported) == exported
    # The next leaver erased there is "Former member 2", as here.
    assert former_member_create(organisation=imported).get_full_name() == "Former member 2"


def test_importing_over_an_existing_organisation_is_refused(northshire, alice):
    exported = organisation_export(northshire)
    with pytest.raises(TransferError, match="already"):
        organisation_import(exported)


def test_a_file_that_is_not_an_export_is_refused(db):
    with pytest.raises(TransferError, match="not a Breakthrough organisation export"):
        organisation_import({"hello": "world"})
