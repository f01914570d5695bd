"""A person's data: the subject access file and the erasure of a leaver, by a facilitator.

Northshire's closed workshop had Bob, Carol, Dan and Erin taking part, led by Alice; Erin
challenged Bob's first piece of evidence. Mallory is Southshire's facilitator.
"""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Action,
    Challenge,
    HistoryEntry,
    Participant,
    PdfRender,
    Rating,
    RatingDraft,
    Workshop,
)
from assessments.selectors.personal_data import COLUMNS, NOT_MOVED
from assessments.services import personal_data
from organisations.access import actor_for
from organisations.models import (
    AuditEvent,
    Invitation,
    Membership,
    Role,
    StandIn,
)
from organisations.services import membership_change_role
from tests.builders import evidence_text, workshop_completed, workshop_rated
from tests.factories import MembershipFactory, UserFactory

User = get_user_model()
EXPORT = reverse("person_export", kwargs={"org": "northshire"})
ERASE = reverse("person_erase", kwargs={"org": "northshire"})
PAGE = reverse("personal_data", kwargs={"org": "northshire"})


@pytest.fixture
def closed(northshire, alice, team):
    return workshop_completed(organisation=northshire, facilitator=alice, members=team)


def export(client, person) -> dict:
    response = client.post(EXPORT, {"email": person.email})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def erase(client, person, confirm=True):
    return client.post(ERASE, {"email": person.email, **({"confirm": "erase"} if confirm else {})})


# ---------------------------------------------------------------- every column that names a person


def test_every_relation_to_a_person_is_moved_by_the_erasure_or_said_why_not():
    moved = {(c.model._meta.label, c.field) for c in COLUMNS}
    missed = []
    for relation in User._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many:
            through = relation.through if hasattr(relation, "through") else None
            through = through or getattr(model, relation.field.name).through
            field = next(f.name for f in through._meta.fields if f.related_model is User)
            key = (through._meta.label, field)
        else:
            key = (model._meta.label, relation.field.name)
        if key not in moved and key[0] not in NOT_MOVED and model._meta.app_label != "auth":
            missed.append(key)
    assert missed == [], f"Add these to COLUMNS (or NOT_MOVED, saying why): {missed}"


# ---------------------------------------------------------------- the subject access file


def test_a_facilitator_downloads_everything_held_about_a_person_in_one_file(
    client_for, northshire, alice, bob, closed
):
    rating = Rating.objects.filter(participant__user=bob).order_by("pk").first()
    ticked = rating.barrier.stages.get(stage=rating.stage).descriptors.first()
    rating.descriptors.add(ticked)
    membership_change_role(
        membership=Membership.objects.get(user=bob),
        role=Role.VIEWER,
        actor=actor_for(organisation=northshire, user=alice),
    )

    data = export(client_for(alice), bob)

    assert data["format"] == "breakthrough-subject-access/1"
    assert data["account"]["email"] == "bob@example.org"
    assert data["membership"]["role"] == "viewer"
    (taken_part,) = data["workshops_taken_part_in"]
    assert taken_part["workshop"]["title"] == closed.title
    barrier = rating.barrier.name
    first = next(r for r in taken_part["ratings"] if r["barrier"] == barrier)
    assert first["evidence"] == evidence_text(bob, rating.barrier)
    assert first["descriptors_ticked"] == [
        {"stage": rating.get_stage_display(), "text": ticked.text}
    ]
    # Erin's challenge to his evidence, without naming her: she is a third party.
    assert first["challenges_to_this_evidence"][0]["text"].startswith("Is that true")
    assert "Erin" not in json.dumps(data["workshops_taken_part_in"])
    responsible = [a for a in data["key_actions"] if "responsible" in a["named_as"]]
    assert responsible and len(responsible) == Action.objects.filter(responsible=bob).count()
    role_change = [e for e in data["audit_events"] if e["what"] == "Role changed"]
    assert role_change and not role_change[0]["by_them"], "events about him, by Alice"


def test_the_file_lists_challenges_made_and_the_facilitators_own_records(
    client_for, alice, fay, erin, closed
):
    erins = export(client_for(alice), erin)
    assert [c["text"] for c in erins["challenges_made"]] == [
        "Is that true in every directorate, or only in yours?"
    ]
    alices = export(client_for(fay), alice)
    assert alices["workshops_facilitated"][0]["as"] == "lead facilitator"
    assert len(alices["consensus_recorded"]) == closed.barriers.count()


def test_ratings_not_yet_revealed_are_counted_not_shown(client_for, northshire, alice, bob, team):
    hidden = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    data = export(client_for(alice), bob)
    (taken_part,) = data["workshops_taken_part_in"]
    assert taken_part["ratings"] == []
    assert taken_part["ratings_not_yet_revealed"] == hidden.barriers.count()
    assert "Evidence of Bob" not in json.dumps(data)


def test_the_export_is_in_the_audit_log(client_for, northshire, alice, bob, closed):
    export(client_for(alice), bob)
    event = AuditEvent.objects.get(organisation=northshire, action="subject_access_export")
    assert event.actor == alice and "Bob Example" in event.summary


def test_the_export_takes_as_many_queries_for_three_workshops_as_for_one(
    client_for, northshire, alice, bob, team
):
    client = client_for(alice)
    workshop_completed(organisation=northshire, facilitator=alice, members=team)
    with CaptureQueriesContext(connection) as one:
        export(client, bob)
    for _ in range(2):
        workshop_completed(organisation=northshire, facilitator=alice, members=team)
    with CaptureQueriesContext(connection) as three:
        data = export(client, bob)
    assert len(data["workshops_taken_part_in"]) == 3
    assert len(three) == len(one), "a query per workshop crept in"


@pytest.mark.parametrize("who", ["bob", "vic"])
def test_members_and_viewers_are_refused_the_export_and_the_page(
    request, client_for, bob, carol, who, closed
):
    client = client_for(request.getfixturevalue(who))
    assert client.post(EXPORT, {"email": carol.email}).status_code == 403
    assert client.get(PAGE).status_code == 403
    assert not AuditEvent.objects.filter(action="subject_access_export").exists()


def test_another_organisations_facilitator_finds_nobody(client_for, mallory, bob, closed):
    client = client_for(mallory)
    assert client.post(EXPORT, {"email": bob.email}).status_code == 404
    assert client.post(ERASE, {"email": bob.email, "confirm": "erase"}).status_code == 404
    # Her own organisation holds nothing about Bob.
    theirs = reverse("person_export", kwargs={"org": "southshire"})
    assert client.post(theirs, {"email": bob.email}).status_code == 404
    theirs = reverse("person_erase", kwargs={"org": "southshire"})
    assert client.post(theirs, {"email": bob.email, "confirm": "erase"}).status_code == 404
    assert User.objects.filter(pk=bob.pk).exists()


def test_the_page_lists_members_and_people_the_records_still_name(
    client_for, northshire, alice, dan, closed
):
    Membership.objects.filter(user=dan).delete()  # removed, still in the closed record
    outsider = UserFactory(email="someone@elsewhere.example")
    page = client_for(alice).get(PAGE).content.decode()
    assert "dan@example.org" in page and "No longer a member" in page
    assert outsider.email not in page


# ---------------------------------------------------------------- erasure


def label_of(user) -> str:
    return user.get_full_name()


def test_erasing_a_leaver_keeps_their_contributions_under_former_member_1(
    client_for, northshire, alice, bob, erin, closed
):
    bobs_ratings = set(Rating.objects.filter(participant__user=bob).values_list("pk", "evidence"))
    bobs_actions = set(Action.objects.filter(responsible=bob).values_list("pk", flat=True))
    client = client_for(alice)

    response = erase(client, bob)

    assert response.status_code == 302
    assert not User.objects.filter(email="bob@example.org").exists()
    stand_in = StandIn.objects.get(organisation=northshire).user
    assert label_of(stand_in) == "Former member 1"
    assert not stand_in.is_active and not stand_in.has_usable_password()
    assert not stand_in.memberships.exists()
    assert (
        set(Rating.objects.filter(participant__user=stand_in).values_list("pk", "evidence"))
        == bobs_ratings
    )
    assert set(Action.objects.filter(responsible=stand_in).values_list("pk", flat=True)) == (
        bobs_actions
    )
    record = client.get(
        reverse("workshop_detail", kwargs={"org": "northshire", "code": closed.code})
    ).content.decode()
    assert "Former member 1" in record
    assert "Bob Example" not in record and "bob@example.org" not in record
    tracker = client.get(reverse("action_tracker", kwargs={"org": "northshire"})).content.decode()
    assert "Former member 1" in tracker and "Bob Example" not in tracker

    # Erin next: her challenge stays, by "Former member 2".
    erase(client, erin)
    challenge = Challenge.objects.get()
    assert label_of(challenge.author) == "Former member 2"


def test_the_audit_log_records_the_erasure_without_the_name(
    client_for, northshire, alice, bob, closed
):
    erase(client_for(alice), bob)
    event = AuditEvent.objects.get(organisation=northshire, action="person_erased")
    assert event.actor == alice
    assert "Former member 1" in event.summary
    for text in (event.summary, event.actor_label):
        assert "Bob" not in text and "bob@example.org" not in text


def test_former_members_are_numbered_per_organisation(
    client_for, northshire, southshire, alice, bob, carol, mallory, closed
):
    southshire_person = UserFactory(first_name="Sam", email="sam@example.org")
    MembershipFactory(user=southshire_person, organisation=southshire)
    workshop_completed(organisation=southshire, facilitator=mallory, members=[southshire_person])
    erase(client_for(alice), bob)
    erase(client_for(alice), carol)
    client_for(mallory).post(
        reverse("person_erase", kwargs={"org": "southshire"}),
        {"email": southshire_person.email, "confirm": "erase"},
    )
    numbers = {
        (s.organisation.slug, s.number, s.user.get_full_name())
        for s in StandIn.objects.select_related("organisation", "user")
    }
    assert numbers == {
        ("northshire", 1, "Former member 1"),
        ("northshire", 2, "Former member 2"),
        ("southshire", 1, "Former member 1"),
    }


def test_someone_in_another_organisation_keeps_their_account_and_loses_only_this_link(
    client_for, northshire, southshire, alice, bob, closed
):
    MembershipFactory(user=bob, organisation=southshire, role=Role.MEMBER)
    erase(client_for(alice), bob)
    bob.refresh_from_db()
    assert bob.is_active and bob.email == "bob@example.org"
    assert list(bob.memberships.values_list("organisation__slug", flat=True)) == ["southshire"]
    assert not Participant.objects.filter(user=bob, workshop__organisation=northshire).exists()


def test_an_account_another_organisations_records_name_is_kept(
    client_for, northshire, southshire, alice, bob, mallory, closed
):
    workshop_completed(organisation=southshire, facilitator=mallory, members=[bob])
    erase(client_for(alice), bob)
    assert User.objects.filter(pk=bob.pk).exists()
    assert Participant.objects.filter(user=bob, workshop__organisation=southshire).exists()
    assert not Membership.objects.filter(user=bob, organisation=northshire).exists()


def test_the_first_post_asks_to_confirm_and_changes_nothing(client_for, alice, bob, closed):
    response = erase(client_for(alice), bob, confirm=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Erase Bob Example?" in page and "cannot be undone" in page
    assert re.search(r"Ratings with evidence they gave: \d+", page)
    assert Membership.objects.filter(user=bob).exists()
    assert not StandIn.objects.exists()


def test_someone_in_an_open_workshop_is_not_erased_and_the_page_says_where(
    client_for, northshire, alice, bob, team, closed
):
    open_one = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    Workshop.objects.filter(pk=open_one.pk).update(title="Spring SMT")
    response = erase(client_for(alice), bob)
    assert response.status_code == 409
    page = response.content.decode()
    assert "“Spring SMT” (participant)" in page and "close it first" in page
    assert Participant.objects.filter(user=bob).count() == 2
    assert not StandIn.objects.exists()
    assert not AuditEvent.objects.filter(action="person_erased").exists()


def test_a_facilitator_cannot_erase_themselves(client_for, alice, fay, closed):
    response = erase(client_for(alice), alice)
    assert response.status_code == 409
    assert "cannot erase yourself" in response.content.decode()
    assert Membership.objects.filter(user=alice).exists()


def test_members_are_refused_the_erasure(client_for, bob, carol, closed):
    assert erase(client_for(bob), carol).status_code == 403
    assert Membership.objects.filter(user=carol).exists()


def test_their_invitations_drafts_and_name_in_the_history_go(
    client_for, northshire, alice, bob, closed
):
    # The invitation he joined by, and one sent later to his address in capitals.
    for n, email in enumerate([bob.email, bob.email.upper()]):
        Invitation.objects.create(
            organisation=northshire,
            email=email,
            token_hash=str(n) * 64,
            invited_by=alice,
            expires_at=timezone.now(),
            accepted_by=bob if n == 0 else None,
        )
    RatingDraft.objects.create(
        participant=Participant.objects.get(user=bob),
        barrier=closed.barriers.first(),
        evidence="Never submitted",
    )
    HistoryEntry.objects.create(
        organisation=northshire,
        workshop=closed,
        actor=alice,
        kind="lead",
        summary="Handed the lead to bob@example.org, then Bob Example handed it back.",
    )
    erase(client_for(alice), bob)
    assert not Invitation.objects.filter(email__iexact=bob.email).exists()
    assert not RatingDraft.objects.exists()
    entry = HistoryEntry.objects.get(kind="lead")
    assert entry.summary == (
        "Handed the lead to Former member 1, then Former member 1 handed it back."
    )


def test_the_closed_records_pdfs_are_drawn_again_without_the_name(client_for, alice, bob, closed):
    PdfRender.objects.create(workshop=closed, revision=closed.revision, release="x", kind="report")
    revision = closed.revision
    erase(client_for(alice), bob)
    closed.refresh_from_db()
    assert closed.revision > revision
    assert not PdfRender.objects.filter(release="x").exists()


def test_the_erasure_is_one_transaction(client_for, monkeypatch, alice, bob, closed):
    def fails(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(personal_data, "account_delete", fails)
    client = client_for(alice)
    client.raise_request_exception = False
    assert erase(client, bob).status_code == 500
    assert Membership.objects.filter(user=bob).exists()
    assert Participant.objects.filter(user=bob).exists()
    assert not StandIn.objects.exists()
    assert not User.objects.filter(first_name="Former member").exists()


def test_the_erasure_never_updates_the_audit_log(client_for, alice, bob, closed):
    # Append-only below the app too: a database role without UPDATE or DELETE on the audit
    # table (README, Security) must still let an erasure through, so deleting the account
    # leaves the events it did as they were.
    client_for(bob)  # his sign-in is an event by him
    client = client_for(alice)
    assert AuditEvent.objects.filter(actor_id=bob.pk).exists()
    with CaptureQueriesContext(connection) as queries:
        erase(client, bob)
    assert not User.objects.filter(pk=bob.pk).exists()
    touched = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'\s*(UPDATE|DELETE FROM) "organisations_auditevent"', q["sql"])
    ]
    assert touched == []
    assert AuditEvent.objects.filter(actor_id=bob.pk, actor_label__contains="Bob").exists()


def test_the_page_takes_as_many_queries_for_twelve_people_as_for_four_and_lists_no_stand_in(
    client_for, northshire, alice, bob, closed
):
    client = client_for(alice)
    with CaptureQueriesContext(connection) as four:
        assert client.get(PAGE).status_code == 200
    for n in range(8):
        MembershipFactory(user=UserFactory(email=f"extra{n}@example.org"), organisation=northshire)
    erase(client, bob)
    with CaptureQueriesContext(connection) as twelve:
        page = client.get(PAGE).content.decode()
    assert page.count('name="email"') >= 2 * 12 - 1  # Export and Erase for each but Alice
    table = page[page.index("<table") : page.index("</table>")]
    assert "Former member" not in table and "stand-in.invalid" not in table
    assert len(twelve) == len(four)
