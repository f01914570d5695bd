"""The organisation's action tracker: open actions, overdue first; the responsible person or a
facilitator updates them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, HistoryEntry
from tests.builders import workshop_completed


def tracker(org="northshire"):
    return reverse("action_tracker", kwargs={"org": org})


def status_url(action):
    return reverse("action_status", kwargs={"org": "northshire", "action": action.code})


def test_open_actions_are_listed_overdue_first(client_for, northshire, alice, team):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    late = Action.objects.filter(workshop=workshop).order_by("-due_on").first()
    late.due_on = timezone.localdate() - datetime.timedelta(days=3)
    late.save(update_fields=["due_on"])
    done = Action.objects.filter(workshop=workshop).exclude(pk=late.pk).first()
    done.status = "done"
    done.save(update_fields=["status"])

    page = client_for(alice).get(tracker()).content.decode()
    rows = page.split("<tr")
    assert late.description in rows[2] and "Overdue" in rows[2]  # first row after the header
    assert done.description not in page


def test_the_responsible_person_updates_their_action_and_it_is_in_the_history(
    client_for, northshire, alice, team
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = Action.objects.filter(workshop=workshop).first()
    client = client_for(action.responsible)
    client.post(status_url(action), {"status": "in_progress", "note": "Started in March"})
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("in_progress", "Started in March")
    entry = HistoryEntry.objects.filter(workshop=workshop).first()
    assert entry.actor == action.responsible and "in progress" in entry.summary


def test_a_viewer_reads_where_each_action_stands_who_said_so_and_when(
    client_for, northshire, alice, team, vic
):
    # The chief executive follows the actions up: the note and its date matter as much as
    # the status, and a viewer has no form to read them from.
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = Action.objects.filter(workshop=workshop, responsible=team[0]).first()
    client_for(team[0]).post(
        status_url(action), {"status": "in_progress", "note": "Board paper drafted"}
    )
    page = client_for(vic).get(tracker()).content.decode()
    row = next(r for r in page.split("<tr")[1:] if action.description in r)
    assert "In progress" in row and "Board paper drafted" in row
    today = timezone.localtime().strftime("%-d %b %Y")
    assert f"Updated {today} by {team[0].get_full_name()}" in row
    assert "<form" not in row
    # An action nobody has updated says nothing about when.
    untouched = next(
        r for r in page.split("<tr") if "Not started" in r and action.description not in r
    )
    assert "Updated" not in untouched


def test_another_member_or_a_viewer_cannot_update_someone_elses_action(
    client_for, northshire, alice, team, vic
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = Action.objects.filter(workshop=workshop, responsible=team[0]).first()
    for person in (team[1], vic):
        response = client_for(person).post(status_url(action), {"status": "done"})
        assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "not_started"


def test_yours_lists_only_the_actions_a_person_answers_for_and_an_update_keeps_that_view(
    client_for, northshire, alice, team
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    bob = team[0]
    theirs = Action.objects.filter(workshop=workshop).filter(responsible=bob)
    others = Action.objects.filter(workshop=workshop).exclude(responsible=bob)
    # Accountable counts too: someone may answer for an action another person carries out.
    accountable_only = others.first()
    accountable_only.accountable = bob
    accountable_only.save(update_fields=["accountable"])
    client = client_for(bob)

    page = client.get(tracker() + "?show=yours").content.decode()
    for action in theirs:
        assert action.description in page
    assert accountable_only.description in page
    for action in others.exclude(pk=accountable_only.pk):
        assert action.description not in page
    assert 'aria-current="page">Yours' in page

    action = theirs.first()
    response = client.post(status_url(action), {"status": "in_progress", "show": "yours"})
    assert response.status_code == 302 and response["Location"].endswith("?show=yours")
    # "All open actions" still lists everyone's.
    everyone = client.get(tracker()).content.decode()
    assert others.exclude(pk=accountable_only.pk).first().description in everyone


def test_someone_with_no_open_actions_is_told_so(client_for, northshire, alice, team, carol):
    workshop_completed(organisation=northshire, facilitator=alice, members=team[:1])
    page = client_for(carol).get(tracker() + "?show=yours").content.decode()
    assert "You have no open actions" in page


def test_done_or_dropped_lists_the_achieved_with_their_notes_and_the_counts_add_up(
    client_for, northshire, alice, team, vic
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    actions = list(Action.objects.filter(workshop=workshop).order_by("pk"))
    late = actions[0]
    late.due_on = timezone.localdate() - datetime.timedelta(days=3)
    late.save(update_fields=["due_on"])
    facilitator = client_for(alice)
    for action, status, note in (
        (actions[1], "done", "Published in the staff newsletter"),
        (actions[2], "dropped", "Overtaken by the restructure"),
        (actions[3], "in_progress", "Half way"),
    ):
        facilitator.post(status_url(action), {"status": status, "note": note, "show": "closed"})

    page = client_for(vic).get(tracker() + "?show=closed").content.decode()
    rows = page.split("<tr")[2:]
    assert len(rows) == 2
    # The latest news first.
    assert actions[2].description in rows[0] and "Overtaken by the restructure" in rows[0]
    assert actions[1].description in rows[1] and "Published in the staff newsletter" in rows[1]
    assert "Overdue" not in page.split("<table")[1]
    total = len(actions)
    assert (
        f"{total} key actions</strong>: 1 done, 1 in progress, {total - 3} not started "
        "(1 of the open ones overdue), 1 dropped." in page
    )
    # An update made from this view comes back to it.
    response = client_for(alice).post(
        status_url(actions[1]), {"status": "in_progress", "note": "Reopened", "show": "closed"}
    )
    assert response.url == tracker() + "?show=closed"
