"""A person's data in an organisation: the subject access file (UK GDPR article 15) and the
erasure of a leaver (article 17), by the organisation's facilitators.

Erasure keeps the organisation's records whole and names nobody: every column that named
the person (``COLUMNS``) names a stand-in account instead, "Former member N", N counted per
organisation (``organisations.models.StandIn``). Their ratings, evidence and challenges stay
in the closed records under that label, the actions they owned read it in the tracker, and
their membership, invitations, unsubmitted drafts and contact details go; their account goes
too, unless another organisation on the server still has them (then only this one's link).

Open workshops: refused. While the person is in an open workshop (taking part, facilitating,
or named on a key action) the erasure waits, naming each workshop: an erasure that changed a
workshop in progress would change what the room sees under it, and a rating not yet
revealed cannot be read by the facilitator to decide on. Take them out of the workshop
(possible while they have not rated) or close it, then erase.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from assessments.models import Action, HistoryEntry, PdfRender, RatingDraft, Workshop
from assessments.records import closed_records_released
from assessments.selectors.personal_data import (
    COLUMNS,
    open_workshops_of,
    person_data,
)
from assessments.services.workshop import workshop_touch
from organisations.audit import audit_record
from organisations.models import Membership, Organisation, person_name
from organisations.rules import Actor, ensure
from organisations.services import account_delete, former_member_create, person_forget


def person_data_export(*, organisation: Organisation, person, actor: Actor, request=None):
    """The subject access file, recorded in the audit log (who exported whose data)."""
    data = person_data(organisation=organisation, person=person, actor=actor)
    audit_record(
        organisation=organisation,
        user=actor.user,
        role=actor.role,
        action="subject_access_export",
        summary=f"Exported everything held about {person_name(person)} (subject access).",
        request=request,
    )
    return data


def erasure_refusal(*, organisation: Organisation, person, actor: Actor) -> str | None:
    """Why ``person`` cannot be erased now, in a sentence that says what to do; or None."""
    ensure(actor, "handle_personal_data", organisation)
    if person.pk == actor.user.pk:
        return "You cannot erase yourself: ask another facilitator of the organisation."
    found = open_workshops_of(organisation=organisation, person=person)
    if found:
        where = "; ".join(f"“{w.title}” ({how})" for w, how in found)
        return (
            f"{person_name(person)} is in open workshops: {where}. Take them out of each "
            "(possible until they have rated) or close it first: an erasure changes only "
            "closed records, never a workshop in progress."
        )
    return None


@transaction.atomic
def person_erase(*, organisation: Organisation, person, actor: Actor, request=None):
    """Erase ``person`` from ``organisation``; returns their stand-in ("Former member N")."""
    ensure(actor, "handle_personal_data", organisation)
    # Locked before the check: a participant added to an open workshop meanwhile waits.
    list(Workshop.objects.select_for_update().filter(organisation=organisation, closed_at=None))
    if refusal := erasure_refusal(organisation=organisation, person=person, actor=actor):
        raise ValidationError(refusal)
    name, email = person.get_full_name().strip(), person.email
    stand_in = former_member_create(organisation=organisation)
    label = person_name(stand_in)
    workshop_ids = _workshops_naming(organisation, person)
    with closed_records_released(workshop_ids):
        RatingDraft.objects.filter(
            participant__workshop__organisation=organisation, participant__user=person
        ).delete()
    for column in COLUMNS:
        column.model.objects.filter(
            Q(**{column.to_organisation: organisation}), **{column.field: person}
        ).update(**{column.field: stand_in})
    names_replaced(
        history=HistoryEntry.objects.filter(organisation=organisation),
        actions=Action.objects.filter(workshop__organisation=organisation),
        labels={name: label, email: label},
    )
    person_forget(organisation=organisation, user=person, actor=actor)
    if not _held_elsewhere(organisation, person):
        account_delete(user=person)
    records_redrawn(workshop_ids)
    audit_record(
        organisation=organisation,
        user=actor.user,
        role=actor.role,
        action="person_erased",
        summary=f"Erased a person, “{label}” in the records from now on: their membership, "
        "invitations, drafts and contact details removed.",
        request=request,
    )
    return stand_in


def _workshops_naming(organisation: Organisation, person) -> set[int]:
    ids: set[int] = set()
    for column in COLUMNS:
        if column.to_workshop is None:
            continue
        ids |= set(
            column.model.objects.filter(
                Q(**{column.to_organisation: organisation}), **{column.field: person}
            ).values_list(column.to_workshop, flat=True)
        )
    return ids


def names_replaced(*, history, actions, labels: dict[str, str]) -> None:
    """A name or email written into the records' text by the app itself (a workshop's
    ``history``: "Handed the lead to …") or typed as the owner of one of the ``actions``
    outside Breakthrough reads its label too. Evidence and notes people wrote are theirs:
    not rewritten."""
    labels = {k: v for k, v in labels.items() if k}
    if not labels:
        return
    # Whole words only: "Ed" is not erased from "Reviewed".
    alternatives = "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    by_key = {k.casefold(): v for k, v in labels.items()}

    def swap(text: str) -> str:
        return pattern.sub(lambda m: by_key[m.group(0).casefold()], text)

    mentions = Q()
    for key in labels:
        mentions |= Q(summary__icontains=key)
    entries = list(history.filter(mentions))
    for entry in entries:
        entry.summary = swap(entry.summary)
    HistoryEntry.objects.bulk_update(entries, ["summary"])
    for field in ("responsible_name", "accountable_name"):
        for key, label in labels.items():
            actions.filter(**{f"{field}__iexact": key}).update(**{field: label})


def _held_elsewhere(organisation: Organisation, person) -> bool:
    """Another organisation still has the person: a membership, or records naming them
    (theirs to erase, not this one's)."""
    if Membership.objects.filter(user=person).exclude(organisation=organisation).exists():
        return True
    return any(
        column.model.objects.filter(**{column.field: person})
        .exclude(**{column.to_organisation: organisation})
        .exists()
        for column in COLUMNS
    )


def records_redrawn(workshop_ids) -> None:
    """The workshops' pages and PDFs after their people changed: a new revision (so every
    cache keyed on it misses), the PDFs drawn with the old names deleted from the database
    and, once committed, from this server's disk (another server's copy of an old revision
    is never served, and goes at its next write there)."""
    workshops = list(Workshop.objects.filter(pk__in=workshop_ids))
    PdfRender.objects.filter(workshop_id__in=workshop_ids).delete()
    for workshop in workshops:
        workshop_touch(workshop)
    folders = [Path(settings.PDF_CACHE_DIR) / str(w.code) for w in workshops]
    transaction.on_commit(lambda: [shutil.rmtree(f, ignore_errors=True) for f in folders])
