"""Step 1: explain the model (para 70a); each participant confirms they understand it."""

from django.db import transaction
from django.utils import timezone

from assessments.models import Workshop
from assessments.services.workshop import workshop_touch
from organisations.rules import Actor, ensure


@transaction.atomic
def understanding_confirm(*, workshop: Workshop, actor: Actor) -> None:
    ensure(actor, "confirm_understanding", workshop)
    participant = actor.participant
    if participant.understood_at is None:
        participant.understood_at = timezone.now()
        participant.save(update_fields=["understood_at"])
        workshop_touch(workshop)
