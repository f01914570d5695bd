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
