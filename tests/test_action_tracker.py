"""The organisation's action tracker: open actions, overdue first; the responsible person or a
facilitator updates them."""

import datetime
import html
import uuid

from django.db.models import Q
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


# ---------------------------------------------------------------- narrowed down, a page at a time


def rows_of(page: str) -> list[str]:
    return page.split("<tbody")[1].split("</tbody>")[0].split("<tr")[1:] if "<tbody" in page else []


def test_a_page_holds_at_most_25_actions_and_the_next_page_the_rest(
    client_for, northshire, alice, team
):
    from assessments.selectors.tracker import PAGE_SIZE

    for _ in range(2):  # 36 open actions
        workshop_completed(organisation=northshire, facilitator=alice, members=team)
    client = client_for(alice)

    first = client.get(tracker()).content.decode()
    second = client.get(tracker() + "?page=2").content.decode()

    assert len(rows_of(first)) == PAGE_SIZE
    assert len(rows_of(second)) == 36 - PAGE_SIZE
    assert "Actions 1 to 25 of 36." in first and 'href="?page=2"' in first
    assert "Page 2 of 2" in second and 'href="?page=1"' in second
    assert "36 key actions" in first  # the counts are the organisation's, not the page's
    # Past the end or nonsense: the last page or the first, never an error.
    assert len(rows_of(client.get(tracker() + "?page=99").content.decode())) == 11
    assert len(rows_of(client.get(tracker() + "?page=x").content.decode())) == PAGE_SIZE


def test_the_tracker_narrows_down_by_workshop_person_and_status(
    client_for, northshire, alice, team, vic
):
    earlier = workshop_completed(
        organisation=northshire,
        facilitator=alice,
        members=team,
        date=timezone.localdate() - datetime.timedelta(days=10),
    )
    earlier.title = "The workshop before"
    earlier.save(update_fields=["title"])
    current = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    bob = team[0]
    late = current.actions.filter(responsible=bob).first()
    late.due_on = timezone.localdate() - datetime.timedelta(days=1)
    late.save(update_fields=["due_on"])
    going = earlier.actions.exclude(responsible=bob).first()
    going.status = "in_progress"
    going.save(update_fields=["status"])
    client = client_for(vic)

    by_workshop = client.get(tracker() + f"?workshop={earlier.code}").content.decode()
    assert len(rows_of(by_workshop)) == 18
    assert all(earlier.title in row for row in rows_of(by_workshop))
    assert f'<option value="{earlier.code}" selected>' in by_workshop

    by_person = client.get(tracker() + f"?person={bob.pk}").content.decode()
    expected = Action.objects.filter(
        Q(responsible=bob) | Q(accountable=bob), status__in=("not_started", "in_progress")
    ).count()
    assert len(rows_of(by_person)) == expected

    overdue = client.get(tracker() + "?status=overdue").content.decode()
    assert len(rows_of(overdue)) == 1 and late.description in overdue
    in_progress = client.get(tracker() + f"?status=in_progress&workshop={earlier.code}")
    assert [going.description in row for row in rows_of(in_progress.content.decode())] == [True]

    nothing = client.get(tracker() + f"?status=in_progress&workshop={current.code}")
    assert "No action matches" in nothing.content.decode()
    # A filter that names nothing of this organisation's narrows nothing and fails nothing.
    for junk in ("?workshop=not-a-code", f"?workshop={uuid.uuid4()}", "?person=²", "?status=x"):
        response = client.get(tracker() + junk)
        assert response.status_code == 200 and len(rows_of(response.content.decode())) == 25


def test_an_update_on_a_narrowed_page_comes_back_to_that_page(client_for, northshire, alice, team):
    for _ in range(2):
        workshop_completed(organisation=northshire, facilitator=alice, members=team)
    bob = team[0]
    client = client_for(alice)
    page = client.get(tracker() + f"?person={bob.pk}&page=1").content.decode()
    back = html.unescape(page.split('name="back" value="')[1].split('"')[0])
    action = Action.objects.filter(responsible=bob).first()

    response = client.post(status_url(action), {"status": "done", "note": "", "back": back})

    assert response.url == tracker() + f"?person={bob.pk}&page=1"
