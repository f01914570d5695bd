"""A closed workshop is a record: nothing in it is ever hard-deleted.

Guarded at the model layer, so the admin, the shell and any future code
path are refused alike; cascades from deleting the workshop itself are
refused too, because the workshop is checked first. The one exception is the
organisation's own data protection (a leaver's drafts erased, a workshop past
its retention period deleted), which releases the workshops it names
(``assessments.records``).
"""

from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from assessments import models as m
from assessments.records import is_released
from assessments.services.setup import participant_join
from organisations.services import invitation_accepted


def _workshop_of(instance):
    if isinstance(instance, m.Workshop):
        return instance
    if isinstance(instance, m.Rating | m.RatingDraft):
        return instance.participant.workshop
    if isinstance(instance, m.Challenge):
        return instance.rating.participant.workshop
    return instance.workshop


@receiver(pre_delete, sender=m.Workshop)
@receiver(pre_delete, sender=m.Participant)
@receiver(pre_delete, sender=m.Rating)
@receiver(pre_delete, sender=m.RatingDraft)
@receiver(pre_delete, sender=m.Challenge)
@receiver(pre_delete, sender=m.Consensus)
@receiver(pre_delete, sender=m.Target)
@receiver(pre_delete, sender=m.Action)
@receiver(pre_delete, sender=m.ActionReview)
@receiver(pre_delete, sender=m.HistoryEntry)
def closed_workshop_keeps_everything(sender, instance, **kwargs):
    workshop = _workshop_of(instance)
    if workshop.closed_at is not None and not is_released(workshop.pk):
        raise ProtectedError(
            f"{workshop} is closed: its records are kept and cannot be deleted.", {instance}
        )


@receiver(invitation_accepted)
def invited_to_a_workshop(sender, invitation, user, **kwargs):
    """An invitation sent from a workshop adds the newcomer to it (``participant_join``)."""
    participant_join(invitation=invitation, user=user)
