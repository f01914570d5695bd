"""Daily reminders: reassessments that are due, and actions that are overdue.

Relentless follow-up: the date agreed in step 5 and the actions agreed in
step 4 only work if somebody is reminded. Each mail is recorded in
``ReminderSent`` so that running the command twice a day sends nothing new.

One command serves every organisation, so no single row may stop it: each reminder is
built and sent on its own, a failure is logged and reported, and the rest still go.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.models import OPEN_STATUSES, Action, ReminderSent, Workshop

REASSESS_NOTICE_DAYS = 14

log = logging.getLogger(__name__)


def one_line(text: str, limit: int) -> str:
    """A mail subject is one header line: a key action typed in a textarea has line breaks,
    which Django refuses in a header (BadHeaderError)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Reminder:
    kind: str
    key: str
    recipient: str
    subject: str
    body: str


def reminders_due(
    today: datetime.date | None = None, *, failed: list | None = None
) -> list[Reminder]:
    """The reminders due ``today``; one that cannot even be written (a template error, a
    row that breaks it) goes into ``failed`` and the others are still returned."""
    today = today or timezone.localdate()
    failed = [] if failed is None else failed
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
        for person in [w.lead_facilitator, *w.co_facilitators.all()]:
            if person.email:
                _built(
                    reminders, failed, f"reassessment of {w.code}", _reassessment, w, person, today
                )
    actions = Action.objects.filter(
        status__in=OPEN_STATUSES, due_on__lt=today, responsible__isnull=False
    ).select_related("workshop__organisation", "responsible", "barrier")
    for a in actions:
        if a.responsible.email:
            _built(reminders, failed, f"overdue action {a.code}", _overdue_action, a, today)
    return reminders


def _built(reminders: list, failed: list, what: str, build, *args) -> None:
    try:
        reminders.append(build(*args))
    except Exception as e:  # noqa: BLE001 (one bad row must not stop every organisation's)
        log.exception("Reminder for %s could not be written", what)
        failed.append(Failure(what=what, error=repr(e)))


def _reassessment(w: Workshop, person, today) -> Reminder:
    link = settings.SITE_URL + reverse(
        "workshop_detail", kwargs={"org": w.organisation.slug, "code": w.code}
    )
    return Reminder(
        kind="reassessment",
        key=str(w.code),
        recipient=person.email,
        subject=one_line(f"Time to reassess: {w.title}", 120),
        body=render_to_string(
            "emails/reminder_reassessment.txt",
            {"workshop": w, "person": person, "link": link, "today": today},
        ),
    )


def _overdue_action(a: Action, today) -> Reminder:
    link = settings.SITE_URL + reverse(
        "action_tracker", kwargs={"org": a.workshop.organisation.slug}
    )
    return Reminder(
        kind="overdue-action",
        key=str(a.code),
        recipient=a.responsible.email,
        subject=one_line(f"Overdue action: {a.description}", 80),
        body=render_to_string(
            "emails/reminder_overdue_action.txt",
            {"action": a, "person": a.responsible, "link": link, "today": today},
        ),
    )


@dataclass
class Failure:
    what: str
    error: str


@dataclass
class Outcome:
    sent: list[Reminder] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)


def reminders_send(today: datetime.date | None = None, *, dry_run: bool = False) -> Outcome:
    """Send each due reminder that has not gone out today; say which went and which failed.

    A reminder that fails is not recorded as sent, so the next run tries it again.
    """
    today = today or timezone.localdate()
    outcome = Outcome()
    for r in reminders_due(today, failed=outcome.failed):
        if ReminderSent.objects.filter(
            kind=r.kind, key=r.key, recipient=r.recipient, sent_on=today
        ).exists():
            continue
        if dry_run:
            outcome.sent.append(r)
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    kind=r.kind, key=r.key, recipient=r.recipient, sent_on=today
                )
                send_mail(r.subject, r.body, None, [r.recipient])
        except IntegrityError:
            continue  # another run sent it a moment ago
        except Exception as e:  # noqa: BLE001 (whatever one mail does, the others go)
            log.exception("Reminder %s %s to %s failed", r.kind, r.key, r.recipient)
            outcome.failed.append(Failure(what=f"{r.recipient}: {r.subject}", error=repr(e)))
            continue
        outcome.sent.append(r)
    return outcome
