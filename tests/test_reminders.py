"""The daily reminders: each mail once, to the right people."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from assessments.models import Action
from tests.builders import workshop_completed


def test_the_reminder_command_sends_each_mail_once_a_day(northshire, alice, team, mailoutbox):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    workshop.reassess_on = timezone.localdate() + datetime.timedelta(days=7)
    workshop.save(update_fields=["reassess_on"])
    overdue = Action.objects.filter(workshop=workshop).order_by("pk").first()
    overdue.due_on = timezone.localdate() - datetime.timedelta(days=1)
    overdue.save(update_fields=["due_on"])

    call_command("send_reminders")
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([alice.email, overdue.responsible.email])
    reassess = next(m for m in mailoutbox if m.to == [alice.email])
    assert "Time to reassess" in reassess.subject
    assert f"/o/northshire/w/{workshop.code}/" in reassess.body
    action_mail = next(m for m in mailoutbox if m.to == [overdue.responsible.email])
    assert overdue.description in action_mail.body

    call_command("send_reminders")
    assert len(mailoutbox) == 2


def test_nothing_is_sent_for_a_workshop_already_reassessed_or_far_off(
    northshire, alice, team, mailoutbox
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    workshop.reassess_on = timezone.localdate() + datetime.timedelta(days=90)
    workshop.save(update_fields=["reassess_on"])
    call_command("send_reminders")
    assert mailoutbox == []


def test_a_dry_run_sends_nothing(northshire, alice, team, mailoutbox, capsys):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    workshop.reassess_on = timezone.localdate()
    workshop.save(update_fields=["reassess_on"])
    call_command("send_reminders", "--dry-run")
    assert mailoutbox == []
    assert "would send" in capsys.readouterr().out


def _overdue(action, days=1):
    action.due_on = timezone.localdate() - datetime.timedelta(days=days)
    action.save(update_fields=["due_on", "description"])


def test_an_action_written_over_several_lines_is_reminded_with_a_subject_on_one_line(
    northshire, alice, team, mailoutbox
):
    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    action = Action.objects.filter(workshop=workshop).order_by("pk").first()
    action.description = "Publish the plan\r\nand the\nbudget"
    _overdue(action)

    call_command("send_reminders")

    (mail,) = mailoutbox
    assert mail.subject == "Overdue action: Publish the plan and the budget"
    assert "Publish the plan\r\nand the\nbudget" in mail.body


def test_one_reminder_that_cannot_be_sent_stops_none_of_the_others_and_the_command_says_so(
    northshire, alice, team, mailoutbox, monkeypatch, capsys
):
    from django.core import mail as django_mail
    from django.core.management.base import CommandError

    from assessments.models import ReminderSent

    workshop = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    actions = list(Action.objects.filter(workshop=workshop).order_by("pk")[:3])
    for action in actions:
        _overdue(action)
    failing = actions[0].responsible.email
    real_send = django_mail.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [failing]:
            raise OSError("SMTP server said no")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(django_mail.EmailMessage, "send", send)

    try:
        call_command("send_reminders")
    except CommandError as e:
        error = str(e)
    else:
        error = ""
    out = capsys.readouterr().out
    assert "1 reminder(s) could not be sent" in error
    assert sorted(m.to[0] for m in mailoutbox) == sorted(a.responsible.email for a in actions[1:])
    assert f"failed: {failing}" in out and "SMTP server said no" in out
    # The one that failed is not recorded as sent: the next run tries it again.
    assert not ReminderSent.objects.filter(recipient=failing).exists()
    assert ReminderSent.objects.count() == 2
