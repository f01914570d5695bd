"""Step 2: each participant's own stage and evidence for each barrier, hidden until the
reveal (para 70b); and the reveal, which opens step 3."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.ids import id_typed
from assessments.models import Participant, Rating, RatingDraft, Step, Workshop
from assessments.selectors.workshops import workshop_actor_for
from assessments.services.workshop import (
    ensure_assessment_open,
    ensure_barrier_in_scope,
    history_record,
    workshop_lock,
    workshop_touch,
)
from model_content.models import Barrier, Stage
from model_content.selectors import barrier_descriptor_choices
from organisations.models import person_name
from organisations.rules import Actor, can, ensure

# A draft holds what was typed, up to a generous bound against abuse; the evidence's own
# limit is enforced when the rating is submitted.
DRAFT_MAX = 20_000


def _descriptors_ticked(barrier: Barrier, descriptor_ids) -> tuple[list[int], bool]:
    """The ticked ids that are ``barrier``'s descriptors, and whether that was all of them."""
    ids = {i for i in map(id_typed, descriptor_ids or []) if i is not None}
    found = sorted(ids & {pk for pk, _text in barrier_descriptor_choices(barrier)})
    return found, len(found) == len(ids)


def draft_save(
    *, workshop: Workshop, barrier: Barrier, stage, evidence, descriptor_ids, actor: Actor
) -> RatingDraft:
    """Keep what a participant typed, whatever the step: nothing typed is lost."""
    ensure(actor, "rate", workshop)
    ensure_barrier_in_scope(workshop, barrier)
    if stage not in Stage.values:
        stage = ""
    # A draft keeps the ticks that make sense and drops the rest, never refusing.
    ids, _all = _descriptors_ticked(barrier, descriptor_ids)
    draft, _ = RatingDraft.objects.update_or_create(
        participant=actor.participant,
        barrier=barrier,
        # PostgreSQL refuses NUL characters in text; they are never meant, so drop them.
        defaults={
            "stage": stage,
            "evidence": (evidence or "").replace("\x00", "")[:DRAFT_MAX],
            "descriptor_ids": ids,
        },
    )
    return draft


@transaction.atomic
def rating_submit(
    *,
    workshop: Workshop,
    barrier: Barrier,
    stage: str,
    evidence: str,
    descriptor_ids=(),
    actor: Actor,
    on_behalf_of: Participant | None = None,
) -> Rating:
    """Submit (or change) a participant's stage and evidence for a barrier (para 70b): one's
    own, or, for a facilitator, someone's in the room who cannot use a device."""
    if on_behalf_of is None:
        ensure(actor, "rate", workshop)
        participant, given_by = actor.participant, None
    else:
        ensure(actor, "facilitate", workshop)
        participant, given_by = on_behalf_of, actor.user
    if participant.workshop_id != workshop.pk:
        raise ValidationError("That person does not take part in this workshop.")
    if given_by is not None and not can(
        workshop_actor_for(workshop=workshop, user=participant.user), "rate", workshop
    ):
        # The rating is theirs, whoever types it: someone made a viewer or removed since
        # the workshop began rates no more, through the facilitator either.
        raise PermissionDenied(
            f"{person_name(participant.user)} cannot give a rating: they are a viewer now, "
            "or no longer a member of this organisation."
        )
    ensure_assessment_open(workshop)  # as the page found it; again below, under the lock
    ensure_barrier_in_scope(workshop, barrier)
    ticked, all_of_them = _descriptors_ticked(barrier, descriptor_ids)
    if not all_of_them:
        raise ValidationError({"descriptors": "Tick descriptors of this barrier only."})
    now = timezone.now()
    fields = {
        "stage": stage,
        "evidence": (evidence or "").strip(),
        "given_by": given_by,
        "replaced_own_at": None,
        "submitted_at": now,
    }
    replaces_own = False
    if given_by is not None:
        before = Rating.objects.filter(participant=participant, barrier=barrier).first()
        replaces_own = before is not None and before.given_by_id is None
        # Once replaced, it stays said, whoever records on their behalf after.
        fields["replaced_own_at"] = now if replaces_own else before and before.replaced_own_at
    Rating(participant=participant, barrier=barrier, **fields).full_clean(
        exclude={"participant", "barrier", "given_by"}, validate_unique=False
    )
    if replaces_own:
        # For everyone to read, so nothing of either rating (hidden until the reveal); and in
        # an anonymous workshop not whose, which with the marker "given through the
        # facilitator" would tie a label to a name.
        whose = "a participant's" if workshop.anonymous else f"{person_name(participant.user)}'s"
        history_record(
            workshop=workshop,
            actor=actor.user,
            kind="on_behalf",
            summary=f"Recorded {whose} rating for {barrier.name} on their behalf, replacing "
            "the one they gave.",
        )
    # One rating per person and barrier is the database's constraint; a change of mind
    # keeps the rating's code, which links to it use.
    rating, _created = Rating.objects.update_or_create(
        participant=participant, barrier=barrier, defaults=fields
    )
    rating.descriptors.set(ticked)
    RatingDraft.objects.filter(participant=participant, barrier=barrier).delete()
    # The workshop's row is locked last, by the touch, so that it is held only until the
    # commit: a whole room submits at once and every submit takes it. Under it, the rule
    # again, against the workshop as it is now: a submit that loses the race with the close
    # of step 2 waits for it, finds the step closed, and is rolled back whole.
    workshop_touch(workshop)
    ensure_assessment_open(workshop)
    if workshop.auto_reveal and _everyone_has_rated(workshop):
        # The option set when the workshop was created: the last rating in opens step 3,
        # and the history tells the facilitator why the step moved.
        _reveal(
            workshop,
            by=workshop.lead_facilitator,
            summary="Revealed automatically: everyone had rated every barrier.",
        )
    return rating


def _everyone_has_rated(workshop: Workshop) -> bool:
    people = Participant.objects.filter(workshop=workshop).count()
    barriers = workshop.barriers.count()
    rated = Rating.objects.filter(participant__workshop=workshop).count()
    return people > 0 and rated == people * barriers


@transaction.atomic
def ratings_reveal(*, workshop: Workshop, actor: Actor) -> None:
    """Close step 2 and show everybody's ratings and evidence (start of step 3)."""
    ensure(actor, "facilitate", workshop)
    workshop_lock(workshop)
    if workshop.step not in (Step.ASSESS, Step.CONSENSUS):
        raise ValidationError("Ratings are revealed after the individual assessment.")
    if workshop.is_revealed:
        return
    _reveal(workshop, by=actor.user, summary="Revealed the ratings.")


def _reveal(workshop: Workshop, *, by, summary: str) -> None:
    now = timezone.now()
    workshop.assessment_closed_at = workshop.assessment_closed_at or now
    workshop.revealed_at = now
    workshop.step = Step.CONSENSUS
    workshop.timebox_ends_at = None
    workshop.save(update_fields=["assessment_closed_at", "revealed_at", "step", "timebox_ends_at"])
    history_record(workshop=workshop, actor=by, kind="reveal", summary=summary)
    workshop_touch(workshop)
