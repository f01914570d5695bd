"""Every change to a workshop, with the rules of ``assessments.rules``.

Each function is keyword-only, checks who is asking, validates with
``full_clean()``, records history where a board will want to know who
changed an outcome, and bumps the workshop's revision so that every open
page and cached PDF knows something changed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessments import rules
from assessments.ids import id_typed
from assessments.models import (
    Action,
    ActionReview,
    Challenge,
    Consensus,
    HistoryEntry,
    Membership,
    Participant,
    Rating,
    RatingDraft,
    Role,
    Step,
    Target,
    Workshop,
)
from assessments.selectors.workshops import WorkshopRole, barrier_in_scope, workshop_outcome
from assessments.statements import columns, execute, rows, table, values
from model_content.models import Barrier, Stage
from model_content.selectors import barrier_descriptor_choices, model_version_current

TIMEBOX_MAX_MINUTES = 180


class Conflict(Exception):
    """Somebody else changed this a moment ago; ``current`` is what it is now."""

    def __init__(self, current):
        super().__init__("It changed while you were editing it.")
        self.current = current


def _lock(workshop: Workshop) -> None:
    """Lock the workshop's row for this transaction and read its current state into it."""
    workshop.refresh_from_db(from_queryset=Workshop.objects.select_for_update(of=("self",)))


_W = columns(Workshop, "w")
_TOUCH = f"UPDATE {table(Workshop)} SET revision = revision + 1 WHERE id = %s RETURNING {_W.names}"  # noqa: S608 (names from the model)


def workshop_touch(workshop: Workshop) -> None:
    """A visible change: every open page, the state poll and the PDF cache see a new revision.

    Every write of the workshop ends here, in one statement (PostgreSQL, and SQLite since
    3.35, return the row) that also locks the workshop's row until the commit and reads it
    back into ``workshop`` as it now is: a submit checks that step 2 is still open on it.
    """
    found = rows(connection, _TOUCH, [workshop.pk])
    current = _W.instance(connection, found[0], 0)
    for name in _W.attnames:
        setattr(workshop, name, getattr(current, name))


def history_record(*, workshop: Workshop, actor, kind: str, summary: str) -> None:
    HistoryEntry.objects.create(
        organisation_id=workshop.organisation_id,
        workshop=workshop,
        actor=actor,
        kind=kind,
        summary=summary,
    )


# ---------------------------------------------------------------- setting up


@transaction.atomic
def workshop_create(
    *, organisation, by, title: str, date, barrier_slugs, participants, anonymous: bool
) -> Workshop:
    if not Membership.objects.filter(
        organisation=organisation, user=by, role=Role.FACILITATOR
    ).exists():
        raise PermissionDenied("Only a facilitator of this organisation can set up a workshop.")
    version = model_version_current(organisation=organisation)
    barriers = list(version.barriers.filter(slug__in=barrier_slugs))
    if not barriers:
        raise ValidationError({"barriers": "Choose at least one barrier."})
    workshop = Workshop(
        organisation=organisation,
        model_version=version,
        title=title,
        date=date,
        anonymous=anonymous,
        lead_facilitator=by,
    )
    workshop.full_clean()
    workshop.save()
    workshop.barriers.set(barriers)
    _participants_add(workshop, participants)
    return workshop


def _participants_add(workshop: Workshop, users) -> None:
    allowed = set(
        Membership.objects.filter(organisation_id=workshop.organisation_id)
        .exclude(role=Role.VIEWER)
        .values_list("user_id", flat=True)
    )
    for user in users:
        if user.pk not in allowed:
            raise ValidationError({"participants": f"{user} cannot take part in this workshop."})
        Participant.objects.get_or_create(workshop=workshop, user=user)


def participants_set(*, workshop: Workshop, users, role: WorkshopRole) -> None:
    """Add people who were missing; nobody who has rated is ever removed."""
    rules.ensure_facilitator(workshop, role)
    _participants_add(workshop, users)
    keep = {u.pk for u in users}
    workshop.participants.exclude(user_id__in=keep).filter(
        ratings__isnull=True, drafts__isnull=True
    ).delete()
    workshop_touch(workshop)


def lead_hand_over(*, workshop: Workshop, to, role: WorkshopRole, by) -> None:
    rules.ensure_lead(workshop, role)
    if not Membership.objects.filter(
        organisation_id=workshop.organisation_id, user=to, role=Role.FACILITATOR
    ).exists():
        raise ValidationError("The lead must be a facilitator of this organisation.")
    previous = workshop.lead_facilitator
    workshop.lead_facilitator = to
    workshop.save(update_fields=["lead_facilitator"])
    workshop.co_facilitators.remove(to)
    workshop.co_facilitators.add(previous)
    history_record(workshop=workshop, actor=by, kind="lead", summary=f"Handed the lead to {to}.")
    workshop_touch(workshop)


def co_facilitator_set(*, workshop: Workshop, user, add: bool, role: WorkshopRole, by) -> None:
    rules.ensure_lead(workshop, role)
    if add:
        if not Membership.objects.filter(
            organisation_id=workshop.organisation_id, user=user, role=Role.FACILITATOR
        ).exists():
            raise ValidationError("A co-facilitator must be a facilitator of this organisation.")
        workshop.co_facilitators.add(user)
    else:
        workshop.co_facilitators.remove(user)
    workshop_touch(workshop)


# ---------------------------------------------------------------- the steps


@transaction.atomic
def step_move(*, workshop: Workshop, to: int, role: WorkshopRole) -> Workshop:
    """Move the workshop to step ``to`` (forward or back)."""
    rules.ensure_facilitator(workshop, role)
    _lock(workshop)
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
    workshop.step = to
    if to != Step.ASSESS:
        workshop.timebox_ends_at = None
    workshop.save(update_fields=["step", "assessment_closed_at", "timebox_ends_at"])
    workshop_touch(workshop)
    return workshop


def understanding_confirm(*, workshop: Workshop, role: WorkshopRole) -> None:
    rules.ensure_participant(workshop, role)
    participant = role.participant
    if participant.understood_at is None:
        participant.understood_at = timezone.now()
        participant.save(update_fields=["understood_at"])
        workshop_touch(workshop)


def timebox_set(*, workshop: Workshop, minutes: int | None, role: WorkshopRole) -> None:
    rules.ensure_facilitator(workshop, role)
    rules.ensure_step(workshop, Step.ASSESS)
    if minutes is not None and not 1 <= minutes <= TIMEBOX_MAX_MINUTES:
        raise ValidationError(f"Give between 1 and {TIMEBOX_MAX_MINUTES} minutes.")
    workshop.timebox_ends_at = (
        timezone.now() + datetime.timedelta(minutes=minutes) if minutes else None
    )
    workshop.save(update_fields=["timebox_ends_at"])
    workshop_touch(workshop)


def _barrier_in_scope(workshop: Workshop, barrier: Barrier) -> None:
    if not barrier_in_scope(workshop, barrier):
        raise ValidationError("That barrier is not part of this workshop.")


def _ids_typed(raw) -> set[int]:
    return {i for i in map(id_typed, raw or []) if i is not None}


def _descriptors_ticked(barrier: Barrier, descriptor_ids) -> tuple[list[int], bool]:
    """The ticked ids that are ``barrier``'s descriptors, and whether that was all of them."""
    ids = _ids_typed(descriptor_ids)
    found = sorted(ids & {pk for pk, _text in barrier_descriptor_choices(barrier)})
    return found, len(found) == len(ids)


def draft_save(
    *,
    workshop: Workshop,
    participant: Participant,
    barrier: Barrier,
    stage,
    evidence,
    descriptor_ids,
) -> RatingDraft:
    """Keep what a participant typed, whatever the step: nothing typed is lost."""
    rules.ensure_open(workshop)
    _barrier_in_scope(workshop, barrier)
    if stage not in Stage.values:
        stage = ""
    # A draft keeps the ticks that make sense and drops the rest, never refusing.
    ids, _all = _descriptors_ticked(barrier, descriptor_ids)
    # A draft holds what was typed, up to a generous bound against abuse.
    draft, _ = RatingDraft.objects.update_or_create(
        participant=participant,
        barrier=barrier,
        # PostgreSQL refuses NUL characters in text; they are never meant, so drop them.
        defaults={
            "stage": stage,
            "evidence": (evidence or "").replace("\x00", "")[:20_000],
            "descriptor_ids": ids,
        },
    )
    return draft


_R = columns(Rating, "r")
# What a submit writes. A change of mind keeps the rating's code, which links to it use.
_RATING_WRITES = (
    "code",
    "participant_id",
    "barrier_id",
    "stage",
    "evidence",
    "given_by_id",
    "submitted_at",
)
_RATING_UPSERT = f"""
INSERT INTO {table(Rating)} ({", ".join(_RATING_WRITES)})
VALUES ({", ".join(["%s"] * len(_RATING_WRITES))})
ON CONFLICT (participant_id, barrier_id) DO UPDATE SET
stage = excluded.stage, evidence = excluded.evidence,
given_by_id = excluded.given_by_id, submitted_at = excluded.submitted_at
RETURNING {_R.names}"""  # noqa: S608 (names from the models; values are parameters)
_TICKS = table(Rating.descriptors.through)


@transaction.atomic
def rating_submit(
    *,
    workshop: Workshop,
    participant: Participant,
    barrier: Barrier,
    stage: str,
    evidence: str,
    descriptor_ids=(),
    given_by=None,
) -> Rating:
    """Submit (or change) a participant's stage and evidence for a barrier (para 70b).

    The busiest write of the day, when a room submits at once: five statements at most,
    written by hand (bench/README.md), under the same rules as every other write.
    """
    rules.ensure_assessment_open(workshop)  # as the page found it; again, under the lock
    _barrier_in_scope(workshop, barrier)
    ticked, all_of_them = _descriptors_ticked(barrier, descriptor_ids)
    if not all_of_them:
        raise ValidationError({"descriptors": "Tick descriptors of this barrier only."})
    rating = Rating(
        participant=participant,
        barrier=barrier,
        stage=stage,
        evidence=(evidence or "").strip(),
        given_by=given_by,
        submitted_at=timezone.now(),
    )
    # The participant and barrier were fetched through this workshop, and the code is new:
    # checking that they exist, or that the code is unique, would cost queries on the
    # busiest write of the day. One rating per person and barrier is the database's
    # constraint: the statement below inserts, or changes the one there is.
    rating.full_clean(exclude={"participant", "barrier", "given_by", "code"})
    new_code = rating.code
    found = rows(connection, _RATING_UPSERT, values(connection, rating, _RATING_WRITES))
    rating = _R.instance(connection, found[0], 0)
    rating.participant, rating.barrier = participant, barrier
    if rating.code != new_code:
        # A change of mind: the ticks of the rating it replaces go, unless ticked again.
        keep = ", ".join(["%s"] * len(ticked))
        execute(
            connection,
            f"DELETE FROM {_TICKS} WHERE rating_id = %s"  # noqa: S608 (names from the models)
            + (f" AND descriptor_id NOT IN ({keep})" if ticked else ""),
            [rating.pk, *ticked],
        )
    if ticked:
        execute(
            connection,
            f"INSERT INTO {_TICKS} (rating_id, descriptor_id) VALUES "  # noqa: S608 (as above)
            + ", ".join(["(%s, %s)"] * len(ticked))
            + " ON CONFLICT DO NOTHING",
            [value for pk in ticked for value in (rating.pk, pk)],
        )
    # The draft is done with. The closed-workshop guard (signals.py) is for code that has
    # not looked; this one looks below, under the lock, and takes the delete back if it must.
    execute(
        connection,
        f"DELETE FROM {table(RatingDraft)} WHERE participant_id = %s AND barrier_id = %s",  # noqa: S608
        [participant.pk, barrier.pk],
    )
    # The workshop's row is locked last, by the touch, so that it is held only until the
    # commit: a whole room submits at once and every submit takes it. Under it, the rule
    # again, against the workshop as it is now: a submit that loses the race with the close
    # of step 2 waits for it, finds the step closed, and is rolled back whole.
    workshop_touch(workshop)
    rules.ensure_assessment_open(workshop)
    return rating


@transaction.atomic
def ratings_reveal(*, workshop: Workshop, role: WorkshopRole, by) -> None:
    """Close step 2 and show everybody's ratings and evidence (start of step 3)."""
    rules.ensure_facilitator(workshop, role)
    _lock(workshop)
    if workshop.step not in (Step.ASSESS, Step.CONSENSUS):
        raise ValidationError("Ratings are revealed after the individual assessment.")
    if workshop.is_revealed:
        return
    now = timezone.now()
    workshop.assessment_closed_at = workshop.assessment_closed_at or now
    workshop.revealed_at = now
    workshop.step = Step.CONSENSUS
    workshop.timebox_ends_at = None
    workshop.save(update_fields=["assessment_closed_at", "revealed_at", "step", "timebox_ends_at"])
    history_record(workshop=workshop, actor=by, kind="reveal", summary="Revealed the ratings.")
    workshop_touch(workshop)


def challenge_add(*, workshop: Workshop, rating: Rating, text: str, role: WorkshopRole, by):
    rules.ensure_open(workshop)
    rules.ensure_can_write(role)
    rules.ensure_revealed(workshop)
    if not role.may_challenge:
        raise PermissionDenied("Only the workshop's participants and facilitators can challenge.")
    challenge = Challenge(rating=rating, author=by, text=(text or "").strip())
    challenge.full_clean()
    challenge.save()
    workshop_touch(workshop)
    return challenge


# ---------------------------------------------------------------- outcome


def _stage_label(stage: str) -> str:
    return Stage(stage).label


@transaction.atomic
def consensus_record(
    *,
    workshop: Workshop,
    barrier: Barrier,
    stage: str,
    rationale: str,
    lock: int | None,
    role: WorkshopRole,
    by,
) -> Consensus:
    """Record the agreed stage. ``lock`` is the version the facilitator saw (0 for none):
    if someone saved in between, raise ``Conflict`` with the current value."""
    rules.ensure_facilitator(workshop, role)
    rules.ensure_revealed(workshop)
    _barrier_in_scope(workshop, barrier)
    consensus = Consensus(
        workshop=workshop, barrier=barrier, stage=stage, rationale=(rationale or "").strip()
    )
    consensus.recorded_by = by
    consensus.full_clean(exclude=["workshop", "barrier", "lock"], validate_unique=False)
    current = (
        Consensus.objects.select_for_update().filter(workshop=workshop, barrier=barrier).first()
    )
    if current is None:
        if lock:
            raise Conflict(None)
        try:
            with transaction.atomic():
                consensus.save()
        except IntegrityError as e:
            raise Conflict(Consensus.objects.get(workshop=workshop, barrier=barrier)) from e
    else:
        if lock != current.lock:
            raise Conflict(current)
        current.stage, current.rationale, current.recorded_by = stage, consensus.rationale, by
        current.lock += 1
        current.save()
        consensus = current
    history_record(
        workshop=workshop,
        actor=by,
        kind="consensus",
        summary=f"Consensus for {barrier.name}: {_stage_label(stage)}.",
    )
    workshop_touch(workshop)
    return consensus


@transaction.atomic
def target_record(
    *,
    workshop: Workshop,
    barrier: Barrier,
    stage: str,
    fewer_actions_reason: str,
    role: WorkshopRole,
    by,
) -> Target:
    rules.ensure_facilitator(workshop, role)
    rules.ensure_revealed(workshop)
    _barrier_in_scope(workshop, barrier)
    target = Target.objects.filter(workshop=workshop, barrier=barrier).first() or Target(
        workshop=workshop, barrier=barrier
    )
    target.stage = stage
    target.fewer_actions_reason = (fewer_actions_reason or "").strip()
    target.recorded_by = by
    target.full_clean()
    target.save()
    history_record(
        workshop=workshop,
        actor=by,
        kind="target",
        summary=f"Target for {barrier.name}: {_stage_label(stage)}.",
    )
    workshop_touch(workshop)
    return target


def action_add(*, workshop: Workshop, barrier: Barrier, role: WorkshopRole, by, **fields) -> Action:
    rules.ensure_facilitator(workshop, role)
    rules.ensure_revealed(workshop)
    _barrier_in_scope(workshop, barrier)
    action = Action(workshop=workshop, barrier=barrier, **fields)
    _action_validate(workshop, action)
    action.save()
    history_record(
        workshop=workshop,
        actor=by,
        kind="action",
        summary=f"Action for {barrier.name}: {action.description[:80]} "
        f"(responsible {action.responsible_display}, due {action.due_on:%-d %B %Y}).",
    )
    workshop_touch(workshop)
    return action


def _action_validate(workshop: Workshop, action: Action) -> None:
    errors = {}
    for who in ("responsible", "accountable"):
        user = getattr(action, who)
        name = getattr(action, f"{who}_name").strip()
        setattr(action, f"{who}_name", "" if user else name)
        if user is None and not name:
            errors[who] = f"Choose a member or name the person {who}."
        elif (
            user is not None
            and not Membership.objects.filter(
                organisation_id=workshop.organisation_id, user=user
            ).exists()
        ):
            errors[who] = "Choose a member of this organisation."
    if action.due_on and action.due_on < workshop.date:
        errors["due_on"] = "The due date cannot be before the workshop."
    if action.breakthrough_point_id and action.breakthrough_point.barrier_id != action.barrier_id:
        errors["breakthrough_point"] = "Choose one of this barrier's breakthrough points."
    if errors:
        raise ValidationError(errors)
    action.full_clean()


def action_remove(*, workshop: Workshop, action: Action, role: WorkshopRole, by) -> None:
    rules.ensure_facilitator(workshop, role)
    history_record(
        workshop=workshop,
        actor=by,
        kind="action",
        summary=f"Removed action: {action.description[:80]}.",
    )
    action.delete()
    workshop_touch(workshop)


def action_status_set(
    *, action: Action, status: str, note: str, by, membership_role: str
) -> Action:
    """The responsible person or a facilitator updates where an action stands."""
    if membership_role == Role.VIEWER or (
        membership_role != Role.FACILITATOR and action.responsible_id != by.pk
    ):
        raise PermissionDenied("Only the person responsible or a facilitator can update an action.")
    action.status = status
    action.status_note = (note or "").strip()
    action.status_updated_at = timezone.now()
    action.status_updated_by = by
    action.full_clean()
    action.save(update_fields=["status", "status_note", "status_updated_at", "status_updated_by"])
    history_record(
        workshop=action.workshop,
        actor=by,
        kind="action",
        summary=f"{action.description[:80]}: {action.get_status_display().lower()}.",
    )
    workshop_touch(action.workshop)
    return action


def reassessment_date_set(*, workshop: Workshop, reassess_on, role: WorkshopRole, by) -> None:
    rules.ensure_facilitator(workshop, role)
    rules.ensure_step(workshop, Step.REASSESS)
    if reassess_on is None or reassess_on <= max(workshop.date, timezone.localdate()):
        raise ValidationError({"reassess_on": "Choose a date after today and after the workshop."})
    workshop.reassess_on = reassess_on
    workshop.save(update_fields=["reassess_on"])
    history_record(
        workshop=workshop,
        actor=by,
        kind="reassess",
        summary=f"Reassess on {reassess_on:%-d %B %Y}.",
    )
    workshop_touch(workshop)


def workshop_close(*, workshop: Workshop, role: WorkshopRole, by) -> None:
    rules.ensure_facilitator(workshop, role)
    rules.ensure_step(workshop, Step.REASSESS)
    if workshop.reassess_on is None:
        raise ValidationError("Agree the date to reassess before closing the workshop.")
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["closed_at"])
    history_record(workshop=workshop, actor=by, kind="close", summary="Closed the workshop.")
    workshop_touch(workshop)


# ---------------------------------------------------------------- follow-up


@transaction.atomic
def reassessment_start(*, workshop: Workshop, by) -> Workshop:
    """The next workshop of the series; its first item is last time's actions."""
    if not workshop.is_closed:
        raise ValidationError("Close this workshop before starting its reassessment.")
    if Workshop.objects.filter(previous=workshop).exists():
        raise ValidationError("The reassessment of this workshop has already been started.")
    if not Membership.objects.filter(
        organisation_id=workshop.organisation_id, user=by, role=Role.FACILITATOR
    ).exists():
        raise PermissionDenied("Only a facilitator can start a reassessment.")
    slugs = list(workshop.barriers.values_list("slug", flat=True))
    users = [p.user for p in workshop.participants.select_related("user")]
    users = [
        u
        for u in users
        if Membership.objects.filter(organisation_id=workshop.organisation_id, user=u)
        .exclude(role=Role.VIEWER)
        .exists()
    ]
    follow_up = workshop_create(
        organisation=workshop.organisation,
        by=by,
        title=f"{workshop.title}: reassessment",
        date=max(timezone.localdate(), workshop.date),
        barrier_slugs=slugs,
        participants=users,
        anonymous=workshop.anonymous,
    )
    follow_up.previous = workshop
    follow_up.step = Step.REVIEW if workshop.actions.exists() else Step.EXPLAIN
    follow_up.save(update_fields=["previous", "step"])
    return follow_up


def action_review(
    *, workshop: Workshop, action: Action, status: str, note: str, role: WorkshopRole, by
) -> ActionReview:
    """Step 0 of a reassessment: where each of last time's actions stands."""
    rules.ensure_facilitator(workshop, role)
    if action.workshop_id != workshop.previous_id:
        raise ValidationError("That action is not from the previous workshop.")
    # Validate before saving: a bad status or note changes nothing.
    review = ActionReview.objects.filter(workshop=workshop, action=action).first() or (
        ActionReview(workshop=workshop, action=action)
    )
    review.status = status
    review.note = (note or "").strip()
    review.reviewed_by = by
    review.full_clean()
    review.save()
    Action.objects.filter(pk=action.pk).update(
        status=status,
        status_note=review.note,
        status_updated_at=review.reviewed_at,
        status_updated_by=by,
    )
    history_record(
        workshop=workshop,
        actor=by,
        kind="review",
        summary=f"Reviewed “{action.description[:60]}”: {review.get_status_display().lower()}.",
    )
    workshop_touch(workshop)
    return review
