"""How long closed workshops are kept (UK GDPR article 5(1)(e), storage limitation).

Each organisation's facilitators choose a period after a workshop closes (or keep for ever,
the default) and what happens then (``Organisation.retention_months``/``retention_action``);
``python manage.py apply_retention``, run daily, lists what is past it and, with
``--apply``, does it, each workshop in a transaction of its own, so that one failure stops
none of the others.

- **Anonymise**: everyone the record names becomes "Person A", "Person B" in it (a stand-in
  account each, ``organisations.models.StandIn``, in an order that does not follow the
  names), as does anyone typed as an action's owner outside Breakthrough; the consensus,
  targets, actions, evidence and challenges stay, so the series' progress and the action
  tracker keep their history. Drafts never submitted and the workshop's invitation links go.
- **Delete**: the workshop and everything in it. A workshop whose reassessment is kept
  stays until that one goes too (the reassessment reviews its actions, para 70 and the
  "relentless follow-up"): the list says so, and both go together when the later one is due.

The audit log keeps a line for each, by "The system".
"""

from __future__ import annotations

import calendar
import datetime
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assessments.models import (
    Action,
    HistoryEntry,
    RatingDraft,
    ReminderSent,
    Workshop,
    WorkshopInvitation,
)
from assessments.records import closed_records_released
from assessments.selectors.personal_data import COLUMNS
from assessments.selectors.workshops import letters
from assessments.services.personal_data import names_replaced, records_redrawn
from assessments.services.workshop import workshop_lock
from organisations.audit import audit_record
from organisations.models import Organisation, RetentionAction, StandIn, person_name
from organisations.services import stand_in_create

log = logging.getLogger(__name__)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day where it has fewer)."""
    return months_after(day, -months)


def months_after(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


@dataclass
class Due:
    """A closed workshop past its organisation's retention period."""

    workshop: Workshop
    action: str  # RetentionAction
    kept_until: datetime.date
    # A later workshop, kept, that reviews this one's actions: it waits for it.
    held_by: Workshop | None = None

    def describe(self) -> str:
        w = self.workshop
        return (
            f"{w.organisation.slug}: “{w.title}” of {w.date:%-d %B %Y}, closed "
            f"{timezone.localdate(w.closed_at):%-d %B %Y}, kept "
            f"{w.organisation.retention_label} (until {self.kept_until:%-d %B %Y})"
        )


@dataclass
class Outcome:
    done: list[tuple[Due, str]] = field(default_factory=list)
    kept: list[Due] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)


def retention_due(*, today: datetime.date | None = None, slugs=None) -> list[Due]:
    """Every closed workshop past its organisation's period, still to be done: by
    organisation, the latest closed first (a reassessment before the workshop it follows)."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.filter(retention_months__isnull=False).order_by("name")
    if slugs:
        organisations = organisations.filter(slug__in=slugs)
    due = []
    for organisation in organisations:
        cutoff = months_before(today, organisation.retention_months)
        workshops = Workshop.objects.filter(
            organisation=organisation,
            closed_at__isnull=False,
            closed_at__lt=timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time())),
        )
        if organisation.retention_action == RetentionAction.ANONYMISE:
            workshops = workshops.filter(anonymised_at__isnull=True)
        for workshop in workshops.order_by("-closed_at", "-pk"):
            workshop.organisation = organisation
            closed_on = timezone.localdate(workshop.closed_at)
            due.append(
                Due(
                    workshop=workshop,
                    action=organisation.retention_action,
                    kept_until=months_after(closed_on, organisation.retention_months),
                )
            )
    return due


def retention_apply(*, apply: bool, today: datetime.date | None = None, slugs=None) -> Outcome:
    """List (``apply=False``) or do what the retention periods ask."""
    outcome = Outcome()
    going: set[int] = set()  # deleted in this run (or would be)
    for due in retention_due(today=today, slugs=slugs):
        workshop = due.workshop
        if due.action == RetentionAction.DELETE:
            later = Workshop.objects.filter(previous=workshop).first()
            if later is not None and later.pk not in going:
                due.held_by = later
                outcome.kept.append(due)
                continue
        if not apply:
            if due.action == RetentionAction.DELETE:
                going.add(workshop.pk)
            outcome.done.append((due, f"would {due.action}"))
            continue
        try:
            if due.action == RetentionAction.DELETE:
                workshop_delete(workshop=workshop)
                going.add(workshop.pk)
                outcome.done.append((due, "deleted"))
            else:
                n = workshop_anonymise(workshop=workshop)
                outcome.done.append((due, f"anonymised ({n} people)"))
        except Exception as e:  # noqa: BLE001 (reported; the others still go)
            log.exception("Retention could not %s workshop %s", due.action, workshop.code)
            outcome.failed.append((due, f"{type(e).__name__}: {e}"))
    return outcome


def _closed(workshop: Workshop) -> str:
    return (
        f"“{workshop.title}” (closed {timezone.localdate(workshop.closed_at):%-d %B %Y}), past "
        f"the organisation's retention period ({workshop.organisation.retention_label})"
    )


@transaction.atomic
def workshop_delete(*, workshop: Workshop) -> None:
    """Delete a closed workshop past its retention period, and everything in it."""
    workshop_lock(workshop)
    organisation = workshop.organisation
    said = _closed(workshop)
    codes = [str(workshop.code), *(str(c) for c in workshop.actions.values_list("code", flat=True))]
    stand_ins = list(
        StandIn.objects.filter(workshop_code=workshop.code).values_list("user_id", flat=True)
    )
    with closed_records_released([workshop.pk]):
        workshop.delete()
    # Its "Person A", "Person B" stood in nowhere else.
    get_user_model().objects.filter(pk__in=stand_ins).delete()
    ReminderSent.objects.filter(key__in=codes).delete()
    folder = Path(settings.PDF_CACHE_DIR) / codes[0]
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    audit_record(
        organisation=organisation, user=None, action="workshop_deleted", summary=f"Deleted {said}."
    )


@transaction.atomic
def workshop_anonymise(*, workshop: Workshop) -> int:
    """Replace everyone a closed workshop names by "Person A", "Person B" there; returns how
    many people it named."""
    workshop_lock(workshop)
    organisation = workshop.organisation
    in_workshop = [c for c in COLUMNS if c.to_workshop is not None]
    named: set[int] = set()
    for column in in_workshop:
        named |= set(
            column.model.objects.filter(**{column.to_workshop: workshop.pk})
            .exclude(**{f"{column.field}__isnull": True})
            .values_list(f"{column.field}_id", flat=True)
        )
    # Keyed on the server's secret, as an anonymous workshop's labels are: the ids follow
    # the order people joined, which would give the labels away.
    order = sorted(
        named, key=lambda pk: salted_hmac("anonymised", f"{workshop.code}:{pk}").hexdigest()
    )
    people = get_user_model().objects.in_bulk(order)
    stand_ins = {
        pk: stand_in_create(
            organisation=organisation,
            kind=StandIn.Kind.ANONYMISED,
            number=i + 1,
            first_name="Person",
            last_name=letters(i),
            workshop_code=workshop.code,
        )
        for i, pk in enumerate(order)
    }
    for column in in_workshop:
        if not stand_ins:
            break
        column.model.objects.filter(
            **{column.to_workshop: workshop.pk, f"{column.field}_id__in": list(stand_ins)}
        ).update(
            **{
                column.field: Case(
                    *[
                        When(**{f"{column.field}_id": pk}, then=Value(s.pk))
                        for pk, s in stand_ins.items()
                    ],
                    output_field=models.BigIntegerField(),
                )
            }
        )
    labels = {}
    for pk, user in people.items():
        labels[user.email] = labels[person_name(user)] = person_name(stand_ins[pk])
    actions = Action.objects.filter(workshop=workshop)
    typed = {
        n for pair in actions.values_list("responsible_name", "accountable_name") for n in pair
    }
    outside = sorted(
        {n for n in typed if n and n.casefold() not in {k.casefold() for k in labels}},
        key=lambda n: salted_hmac("anonymised", f"{workshop.code}:{n}").hexdigest(),
    )
    for i, name in enumerate(outside, start=len(order)):
        labels[name] = f"Person {letters(i)}"
    names_replaced(
        history=HistoryEntry.objects.filter(workshop=workshop), actions=actions, labels=labels
    )
    with closed_records_released([workshop.pk]):
        RatingDraft.objects.filter(participant__workshop=workshop).delete()
    WorkshopInvitation.objects.filter(workshop=workshop).delete()
    Workshop.objects.filter(pk=workshop.pk).update(anonymised_at=timezone.now())
    records_redrawn([workshop.pk])
    count = len(order) + len(outside)
    audit_record(
        organisation=organisation,
        user=None,
        action="workshop_anonymised",
        summary=f"Anonymised {_closed(workshop)}: the {count} people it named now read as "
        "labels (Person A, Person B, …).",
    )
    return count
