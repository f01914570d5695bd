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
