"""Setting a workshop up and running it: who takes part, who facilitates, the steps, the
timebox."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Participant, Step, Workshop, WorkshopInvitation
from assessments.selectors.outcome import workshop_outcome
from assessments.services.workshop import (
    ensure_step,
    history_record,
    workshop_audit,
    workshop_lock,
    workshop_touch,
)
from model_content.selectors import model_version_current
from organisations.models import Membership, Role, person_name
from organisations.rules import Actor, ensure
from organisations.services import invitation_create
from organisations.units import top_unit

TIMEBOX_MAX_MINUTES = 180


@transaction.atomic
def workshop_create(
    *,
    organisation,
    actor: Actor,
    title: str,
    date,
    barrier_slugs,
    participants,
    anonymous: bool,
    auto_reveal: bool = False,
    submission=None,
    unit=None,
) -> Workshop:
    """A new workshop of ``unit`` (the organisation's top unit if not given); ``submission``
    is the set-up form's token: the same form sent twice (a double click) gives the workshop
    the first made, not a second."""
    unit = unit if unit is not None else top_unit(organisation)
    if unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": "Choose one of the organisation's units."})
    ensure(actor, "create_workshops", unit)
    if submission is not None:
        made = Workshop.objects.filter(organisation=organisation, submission=submission).first()
        if made is not None:
            return made
    version = model_version_current(organisation=organisation)
    barriers = list(version.barriers.filter(slug__in=barrier_slugs))
    if not barriers:
        raise ValidationError({"barriers": "Choose at least one barrier."})
    workshop = Workshop(
        organisation=organisation,
        unit=unit,
        model_version=version,
        title=title,
        date=date,
        anonymous=anonymous,
        auto_reveal=auto_reveal,
        lead_facilitator=actor.user,
        submission=submission,
    )
    workshop.full_clean(validate_constraints=False)
    try:
        # Two clicks at once: the database's constraint lets one through; the other waits
        # for it and finds its workshop.
        with transaction.atomic():
            workshop.save()
    except IntegrityError:
        if submission is None:
            raise
        return Workshop.objects.get(organisation=organisation, submission=submission)
    workshop.barriers.set(barriers)
    _participants_add(workshop, participants)
    workshop_audit(workshop=workshop, user=actor.user, action="workshop_created", summary="Set up.")
    return workshop


def takers_part(unit):
    """The memberships of the people who may take part in a workshop of ``unit``: its people
    who are not viewers there (of the top unit: the organisation's members and
    facilitators)."""
    if unit.is_top:
        return Membership.objects.filter(organisation_id=unit.organisation_id).exclude(
            role=Role.VIEWER
        )
    return Membership.objects.filter(
        unit_memberships__unit=unit,
        unit_memberships__role__in=[Role.FACILITATOR, Role.MEMBER],
    )


def _participants_add(workshop: Workshop, users) -> None:
    allowed = set(takers_part(workshop.unit).values_list("user_id", flat=True))
    for user in users:
        if user.pk not in allowed:
            raise ValidationError({"participants": f"{user} cannot take part in this workshop."})
        Participant.objects.get_or_create(workshop=workshop, user=user)


@transaction.atomic
def workshop_details_set(*, workshop: Workshop, title: str, date, actor: Actor) -> Workshop:
    """A facilitator corrects an open workshop's title or date (a workshop moved a week)."""
    ensure(actor, "facilitate", workshop)
    workshop_lock(workshop)
    workshop.title, workshop.date = (title or "").strip(), date
    workshop.full_clean(exclude=["organisation", "model_version", "lead_facilitator"])
    errors = {}
    if date and workshop.actions.filter(due_on__lt=date).exists():
        errors["date"] = "Some key actions are due before that date: change their dates first."
    if date and workshop.reassess_on and workshop.reassess_on <= date:
        errors["date"] = "The agreed reassessment date must stay after the workshop."
    if errors:
        raise ValidationError(errors)
    workshop.save(update_fields=["title", "date"])
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="details",
        summary=f"Workshop now “{workshop.title}” on {date:%-d %B %Y}.",
    )
    workshop_touch(workshop)
    return workshop


@transaction.atomic
def participants_set(*, workshop: Workshop, users, actor: Actor) -> None:
    """Add people who were missing; nobody who has rated is ever removed."""
    ensure(actor, "facilitate", workshop)
    _participants_add(workshop, users)
    keep = {u.pk for u in users}
    workshop.participants.exclude(user_id__in=keep).filter(
        ratings__isnull=True, drafts__isnull=True
    ).delete()
    workshop_touch(workshop)


@transaction.atomic
def participant_invite(*, workshop: Workshop, email: str, actor: Actor):
    """Invite someone new to the organisation, to take part in this workshop on accepting."""
    ensure(actor, "facilitate", workshop)
    invitation, token = invitation_create(
        organisation=workshop.organisation,
        email=email,
        role=Role.MEMBER,
        actor=actor,
        purpose=f"to take part in the workshop “{workshop.title}”",
    )
    WorkshopInvitation.objects.create(invitation=invitation, workshop=workshop)
    return invitation, token


def participant_join(*, invitation, user) -> None:
    """An invitation sent from a workshop was accepted: the newcomer takes part, unless the
    workshop has closed since (a closed record never changes) or they joined as a viewer."""
    link = WorkshopInvitation.objects.filter(invitation=invitation).select_related("workshop")
    link = link.first()
    if link is None or invitation.role == Role.VIEWER:
        return
    # Under the workshop's lock: an acceptance racing the close waits for it, then finds it
    # closed (the invitation's own transaction holds the lock until the newcomer is in).
    workshop_lock(link.workshop)
    if link.workshop.is_closed:
        return
    Participant.objects.get_or_create(workshop=link.workshop, user=user)
    workshop_touch(link.workshop)


@transaction.atomic
def lead_hand_over(*, workshop: Workshop, to, actor: Actor) -> None:
    ensure(actor, "lead", workshop)
    if not Membership.objects.filter(
        organisation_id=workshop.organisation_id, user=to, role=Role.FACILITATOR
    ).exists():
        raise ValidationError("The lead must be a facilitator of this organisation.")
    previous = workshop.lead_facilitator
    workshop.lead_facilitator = to
    workshop.save(update_fields=["lead_facilitator"])
    workshop.co_facilitators.remove(to)
    workshop.co_facilitators.add(previous)
    history_record(
        workshop=workshop, actor=actor.user, kind="lead", summary=f"Handed the lead to {to}."
    )
    workshop_touch(workshop)


@transaction.atomic
def lead_take_over(*, workshop: Workshop, actor: Actor) -> None:
    """Take the lead of a workshop whose lead is no longer a facilitator of the organisation."""
    ensure(actor, "take_over_lead", workshop)
    workshop_lock(workshop)
    # Again under the lock: two facilitators taking over at once, the second finds the
    # first leading.
    if Membership.objects.filter(
        organisation_id=workshop.organisation_id,
        user_id=workshop.lead_facilitator_id,
        role=Role.FACILITATOR,
    ).exists():
        raise ValidationError(f"{person_name(workshop.lead_facilitator)} leads this workshop.")
    previous = workshop.lead_facilitator
    workshop.lead_facilitator = actor.user
    workshop.save(update_fields=["lead_facilitator"])
    workshop.co_facilitators.remove(actor.user)
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="lead",
        summary=f"Took the lead over from {person_name(previous)}, no longer a facilitator.",
    )
    workshop_touch(workshop)


@transaction.atomic
def co_facilitator_set(*, workshop: Workshop, user, add: bool, actor: Actor) -> None:
    ensure(actor, "lead", workshop)
    if add:
        if not Membership.objects.filter(
            organisation_id=workshop.organisation_id, user=user, role=Role.FACILITATOR
        ).exists():
            raise ValidationError("A co-facilitator must be a facilitator of this organisation.")
        workshop.co_facilitators.add(user)
    else:
        workshop.co_facilitators.remove(user)
    workshop_touch(workshop)


@transaction.atomic
def step_move(*, workshop: Workshop, to: int, actor: Actor) -> Workshop:
    """Move the workshop to step ``to`` (forward or back)."""
    ensure(actor, "facilitate", workshop)
    workshop_lock(workshop)
    if to not in Step.values:
        raise ValidationError("There is no such step.")
    if to == Step.REVIEW and not workshop.previous_id:
        raise ValidationError("Only a reassessment starts with a review of previous actions.")
    if to <= Step.ASSESS and workshop.is_revealed:
        raise ValidationError(
            "The ratings have been revealed, so the individual assessment cannot be reopened."
        )
    if to > Step.ASSESS and workshop.step <= Step.ASSESS and not workshop.is_revealed:
        # Moving on from step 2 closes it; the reveal is the facilitator's next act.
        workshop.assessment_closed_at = workshop.assessment_closed_at or timezone.now()
    if to == Step.ASSESS:
        workshop.assessment_closed_at = None
    if to > Step.CONSENSUS and not workshop.is_revealed:
        raise ValidationError("Reveal the ratings before moving past the consensus step.")
    if to > Step.TARGET:
        missing = [
            o.barrier.name
            for o in workshop_outcome(workshop)
            if not (o.consensus and o.target)
            or (o.needs_reason and not o.target.fewer_actions_reason)
        ]
        if missing:
            raise ValidationError(
                "Before the reassessment date, record a consensus, a target and three key "
                f"actions (or the reason for fewer) for: {', '.join(missing)}."
            )
    moved_from = workshop.step
    workshop.step = to
    if to != Step.ASSESS:
        workshop.timebox_ends_at = None
    workshop.save(update_fields=["step", "assessment_closed_at", "timebox_ends_at"])
    workshop_audit(
        workshop=workshop,
        user=actor.user,
        action="step_moved",
        summary=f"Moved from step {moved_from} to step {to}, {Step(to).label}.",
    )
    workshop_touch(workshop)
    return workshop


@transaction.atomic
def timebox_set(*, workshop: Workshop, minutes: int | None, actor: Actor) -> None:
    ensure(actor, "facilitate", workshop)
    ensure_step(workshop, Step.ASSESS)
    if minutes is not None and not 1 <= minutes <= TIMEBOX_MAX_MINUTES:
        raise ValidationError(f"Give between 1 and {TIMEBOX_MAX_MINUTES} minutes.")
    workshop.timebox_ends_at = (
        timezone.now() + datetime.timedelta(minutes=minutes) if minutes else None
    )
    workshop.save(update_fields=["timebox_ends_at"])
    workshop_touch(workshop)
