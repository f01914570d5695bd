"""Daily reminders: reassessments that are due, and actions that are overdue.

Relentless follow-up: the date agreed in step 5 and the actions agreed in
step 4 only work if somebody is reminded. Each mail is recorded in
``ReminderSent`` so that running the command twice a day sends nothing new.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action, ReminderSent, Workshop

REASSESS_NOTICE_DAYS = 14


@dataclass
class Reminder:
    kind: str
    key: str
    recipient: str
    subject: str
    body: str


def reminders_due(today: datetime.date | None = None) -> list[Reminder]:
    today = today or timezone.localdate()
    reminders = []
    workshops = (
        Workshop.objects.filter(
            reassess_on__isnull=False,
            reassess_on__lte=today + datetime.timedelta(days=REASSESS_NOTICE_DAYS),
            next_workshop__isnull=True,
        )
        .select_related("organisation", "lead_facilitator")
        .prefetch_related("co_facilitators")
    )
    for w in workshops:
        link = settings.SITE_URL + reverse(
            "workshop_detail", kwargs={"org": w.organisation.slug, "code": w.code}
        )
        for person in [w.lead_facilitator, *w.co_facilitators.all()]:
            if not person.email:
                continue
            reminders.append(
                Reminder(
                    kind="reassessment",
                    key=str(w.code),
                    recipient=person.email,
                    subject=f"Time to reassess: {w.title}",
                    body=render_to_string(
                        "emails/reminder_reassessment.txt",
                        {"workshop": w, "person": person, "link": link, "today": today},
                    ),
                )
            )
    actions = Action.objects.filter(
        status__in=OPEN_STATUSES, due_on__lt=today, responsible__isnull=False
    ).select_related("workshop__organisation", "responsible", "barrier")
    for a in actions:
        if not a.responsible.email:
            continue
        link = settings.SITE_URL + reverse(
            "action_tracker", kwargs={"org": a.workshop.organisation.slug}
        )
        reminders.append(
            Reminder(
                kind="overdue-action",
                key=str(a.code),
                recipient=a.responsible.email,
                subject=f"Overdue action: {a.description[:60]}",
                body=render_to_string(
                    "emails/reminder_overdue_action.txt",
                    {"action": a, "person": a.responsible, "link": link, "today": today},
                ),
            )
        )
    return reminders


def reminders_send(today: datetime.date | None = None, *, dry_run: bool = False) -> list[Reminder]:
    """Send each due reminder that has not gone out today; return those sent."""
    today = today or timezone.localdate()
    sent = []
    for r in reminders_due(today):
        if ReminderSent.objects.filter(
            kind=r.kind, key=r.key, recipient=r.recipient, sent_on=today
        ).exists():
            continue
        if dry_run:
            sent.append(r)
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    kind=r.kind, key=r.key, recipient=r.recipient, sent_on=today
                )
                send_mail(r.subject, r.body, None, [r.recipient])
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent.append(r)
    return sent
