"""Sharing with other bodies: an organisation opts in to give its latest consensus per
barrier, without its name, to the comparison between the bodies on this installation that
do the same; and opts out, which takes its figures out at once.

What is compared, and the rule that no figure is shown from fewer than five bodies, is
``assessments.selectors.comparison``'s. Who decides is the rules' (``share_for_comparison``:
the organisation's facilitators); every change is in the audit log.
"""

from __future__ import annotations

from django.db import transaction

from organisations.audit import audit_record
from organisations.models import ComparisonShare
from organisations.rules import Actor, ensure


@transaction.atomic
def comparison_share_set(*, organisation, share: bool, actor: Actor) -> bool:
    """Opt in (``share``) or out; returns whether anything changed."""
    ensure(actor, "share_for_comparison", organisation)
    if share:
        _row, created = ComparisonShare.objects.get_or_create(
            organisation=organisation, defaults={"by": actor.user}
        )
        changed = created
    else:
        changed = ComparisonShare.objects.filter(organisation=organisation).delete()[0] > 0
    if changed:
        audit_record(
            organisation=organisation,
            user=actor.user,
            role=actor.organisation_role,
            action="comparison_joined" if share else "comparison_left",
            summary="Shares its latest consensus per barrier, without its name, with the other "
            "bodies that do."
            if share
            else "Stopped sharing its latest consensus with other bodies; its figures are out.",
        )
    return changed
