"""Step 3: challenge the evidence and agree the stage the organisation is at (para 70c)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import Challenge, Consensus, Rating, Step, Workshop
from assessments.services.workshop import (
    Conflict,
    ensure_barrier_in_scope,
    ensure_revealed,
    ensure_step,
    history_record,
    stage_label,
    workshop_touch,
)
from model_content.models import Barrier
from organisations.rules import Actor, ensure


@transaction.atomic
def challenge_add(*, workshop: Workshop, rating: Rating, text: str, actor: Actor) -> Challenge:
    ensure(actor, "challenge", workshop)
    # Challenging the evidence is step 3's work (para 70c); from step 4 on the evidence and
    # its challenges are shown to read, and a page left open at step 3 says the step moved.
    ensure_step(workshop, Step.CONSENSUS)
    ensure_revealed(workshop)
    if rating.participant.workshop_id != workshop.pk:
        raise ValidationError("That rating is not part of this workshop.")
    challenge = Challenge(rating=rating, author=actor.user, text=(text or "").strip())
    challenge.full_clean()
    challenge.save()
    workshop_touch(workshop)
    return challenge


@transaction.atomic
def consensus_record(
    *, workshop: Workshop, barrier: Barrier, stage: str, rationale: str, lock: int | None, actor
) -> Consensus:
    """Record the agreed stage. ``lock`` is the version the facilitator saw (0 for none):
    if someone saved in between, raise ``Conflict`` with the current value."""
    ensure(actor, "facilitate", workshop)
    # The stage is agreed at step 3 (para 70c); step 4 sets the target from it. A change of
    # mind goes back to step 3, where everyone's page shows the consensus being changed.
    ensure_step(workshop, Step.CONSENSUS)
    ensure_revealed(workshop)
    ensure_barrier_in_scope(workshop, barrier)
    consensus = Consensus(
        workshop=workshop,
        barrier=barrier,
        stage=stage,
        rationale=(rationale or "").strip(),
        recorded_by=actor.user,
    )
    consensus.full_clean(exclude=["workshop", "barrier", "lock"], validate_unique=False)
    current = (
        Consensus.objects.select_for_update().filter(workshop=workshop, barrier=barrier).first()
    )
    if current is None:
        if lock:
            raise Conflict(None)
        try:
            # One consensus per workshop and barrier is the database's constraint: of two
            # first saves at once, the second finds the first's.
            with transaction.atomic():
                consensus.save()
        except IntegrityError as e:
            raise Conflict(Consensus.objects.get(workshop=workshop, barrier=barrier)) from e
    else:
        if lock != current.lock:
            raise Conflict(current)
        current.stage, current.rationale = stage, consensus.rationale
        current.recorded_by = actor.user
        current.lock += 1
        current.save()
        consensus = current
    history_record(
        workshop=workshop,
        actor=actor.user,
        kind="consensus",
        summary=f"Consensus for {barrier.name}: {stage_label(stage)}.",
    )
    workshop_touch(workshop)
    return consensus
