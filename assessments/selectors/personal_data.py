"""What an organisation holds about one person: who is held, and all of it in one file
(subject access, UK GDPR article 15), for the organisation's facilitators
(``handle_personal_data`` in organisations/rules.py).

Secrecy holds here too: a rating or draft the facilitators may not read yet (before the
reveal; a draft never) is counted, not shown. Other people in the person's records (who
challenged their evidence, whose rating they recorded) are not named: they are third
parties, and the file goes to the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from assessments.models import (
    Action,
    ActionReview,
    Challenge,
    Consensus,
    HistoryEntry,
    Participant,
    Rating,
    RatingDraft,
    Target,
    Workshop,
)
from model_content.models import Descriptor
from organisations.audit import ACTIONS
from organisations.models import (
    STAND_IN_DOMAIN,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    SsoIdentity,
    person_name,
)
from organisations.rules import Actor, ensure

FORMAT = "breakthrough-subject-access/1"


@dataclass(frozen=True)
class Column:
    """One column of an organisation's records that names a person."""

    model: type
    field: str
    # The way from a row to its organisation, and to its workshop (None: not in one).
    to_organisation: str
    to_workshop: str | None
    label: str  # what its rows are, for the erasure's confirmation


# Every column that names a person in an organisation's records: what the erasure moves to
# "Former member N" and the retention's anonymising to "Person A". tests/test_personal_data.py
# checks that every relation to the user model is here or in NOT_MOVED, so that a new one
# cannot be forgotten.
COLUMNS: list[Column] = [
    Column(Workshop, "lead_facilitator", "organisation", "pk", "workshops they led"),
    Column(
        Workshop.co_facilitators.through,
        "user",
        "workshop__organisation",
        "workshop",
        "workshops they co-facilitated",
    ),
    Column(
        Participant, "user", "workshop__organisation", "workshop", "workshops they took part in"
    ),
    Column(
        Rating,
        "given_by",
        "participant__workshop__organisation",
        "participant__workshop",
        "ratings they recorded on someone's behalf",
    ),
    Column(
        Challenge,
        "author",
        "rating__participant__workshop__organisation",
        "rating__participant__workshop",
        "challenges they made",
    ),
    Column(
        Consensus, "recorded_by", "workshop__organisation", "workshop", "consensus they recorded"
    ),
    Column(Target, "recorded_by", "workshop__organisation", "workshop", "targets they recorded"),
    Column(
        Action,
        "responsible",
        "workshop__organisation",
        "workshop",
        "key actions they are responsible for",
    ),
    Column(
        Action,
        "accountable",
        "workshop__organisation",
        "workshop",
        "key actions they are accountable for",
    ),
    Column(
        Action,
        "status_updated_by",
        "workshop__organisation",
        "workshop",
        "key actions whose status they set last",
    ),
    Column(
        ActionReview,
        "reviewed_by",
        "workshop__organisation",
        "workshop",
        "action reviews they made",
    ),
    Column(HistoryEntry, "actor", "organisation", "workshop", "entries in workshops' histories"),
    Column(Invitation, "invited_by", "organisation", None, "invitations they sent"),
    Column(Invitation, "accepted_by", "organisation", None, "invitations they accepted"),
]
# Relations to the user model that the erasure does not move, and why.
NOT_MOVED = {
    "organisations.Membership": "removed: the person leaves the organisation",
    "organisations.AuditEvent": "append-only: earlier events keep who did what, as it was",
    "organisations.SsoIdentity": "the account's own: removed with the account",
    "organisations.StandIn": "the stand-in accounts themselves",
    "admin.LogEntry": "Django's admin log, of staff only; removed with the account",
    "assessments.RatingDraft": "not a user column (a draft is its participant's)",
}


def _in(column: Column, organisation) -> Q:
    return Q(**{column.to_organisation: organisation})


def held_user_ids(organisation: Organisation) -> set[int]:
    """Everyone the organisation holds something about: its members, and anyone its records
    name (a member removed, a facilitator long gone), in one query. Not stand-ins."""
    queries = [
        Membership.objects.filter(organisation=organisation).order_by().values_list("user_id")
    ]
    for column in COLUMNS:
        queries.append(
            column.model.objects.filter(_in(column, organisation))
            .exclude(**{f"{column.field}__isnull": True})
            .order_by()
            .values_list(f"{column.field}_id")
        )
    return {row[0] for row in queries[0].union(*queries[1:])}


@dataclass
class PersonHeld:
    user: Any
    membership: Membership | None

    @property
    def name(self) -> str:
        return person_name(self.user)


def people_held(*, organisation: Organisation, actor: Actor) -> list[PersonHeld]:
    """Members first by name, then people the records name who are members no more."""
    ensure(actor, "handle_personal_data", organisation)
    ids = held_user_ids(organisation)
    memberships = {
        m.user_id: m for m in Membership.objects.filter(organisation=organisation, user_id__in=ids)
    }
    users = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .exclude(email__iendswith=f"@{STAND_IN_DOMAIN}")
        .order_by("first_name", "last_name", "email")
    )
    people = [PersonHeld(user=u, membership=memberships.get(u.pk)) for u in users]
    return sorted(people, key=lambda p: p.membership is None)


def person_held(*, organisation: Organisation, email: str, actor: Actor):
    """The person with ``email`` whom the organisation holds something about, or None (for
    someone it does not: another organisation's people are not its business)."""
    ensure(actor, "handle_personal_data", organisation)
    email = (email or "").strip()
    if not email or email.lower().endswith(f"@{STAND_IN_DOMAIN}"):
        return None
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None or user.pk not in held_user_ids(organisation):
        return None
    return user


def person_references(*, organisation: Organisation, person) -> dict[str, int]:
    """How many rows of each kind name the person, for the erasure's confirmation."""
    counts = {
        "ratings with evidence they gave": Rating.objects.filter(
            participant__workshop__organisation=organisation, participant__user=person
        ).count()
    }
    for column in COLUMNS:
        rows = column.model.objects.filter(_in(column, organisation), **{column.field: person})
        counts[column.label] = rows.count()
    return {label: n for label, n in counts.items() if n}


def open_workshops_of(*, organisation: Organisation, person) -> list[tuple[Workshop, str]]:
    """The open workshops the person is in, and how (the erasure waits for them)."""
    found: list[tuple[Workshop, str]] = []
    open_ = Workshop.objects.filter(organisation=organisation, closed_at__isnull=True)
    ways = [
        ("lead facilitator", Q(lead_facilitator=person)),
        ("co-facilitator", Q(co_facilitators=person)),
        ("participant", Q(participants__user=person)),
        ("named on a key action", Q(actions__responsible=person) | Q(actions__accountable=person)),
    ]
    for how, condition in ways:
        for workshop in open_.filter(condition).distinct().order_by("date", "pk"):
            found.append((workshop, how))
    return found


# ---------------------------------------------------------------- the subject access file


def _dt(value) -> str | None:
    return value.isoformat() if value else None


def person_data(*, organisation: Organisation, person, actor: Actor) -> dict[str, Any]:
    """Everything the organisation holds about ``person``, as one JSON-ready dict."""
    ensure(actor, "handle_personal_data", organisation)
    membership = Membership.objects.filter(organisation=organisation, user=person).first()
    participations = list(
        Participant.objects.filter(workshop__organisation=organisation, user=person)
        .select_related("workshop")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=Rating.objects.select_related("barrier").prefetch_related(
                    Prefetch(
                        "descriptors",
                        queryset=Descriptor.objects.select_related("barrier_stage").order_by(
                            "barrier_stage__stage", "order"
                        ),
                    ),
                    "challenges",
                ),
            )
        )
        .order_by("workshop__date", "workshop__pk")
    )
    drafts = RatingDraft.objects.filter(
        participant__workshop__organisation=organisation, participant__user=person
    ).count()
    in_org = {"workshop__organisation": organisation}
    led = Workshop.objects.filter(organisation=organisation).filter(
        Q(lead_facilitator=person) | Q(co_facilitators=person)
    )
    led = led.distinct().select_related("lead_facilitator").order_by("date", "pk")
    audit = AuditEvent.objects.filter(organisation=organisation).filter(_about(person))
    return {
        "format": FORMAT,
        "about": (
            "Everything Breakthrough holds about this person in this organisation, exported "
            "by one of its facilitators (a subject access request, UK GDPR article 15)."
        ),
        "organisation": {"name": organisation.name, "slug": organisation.slug},
        "prepared_at": _dt(timezone.now()),
        "prepared_by": person_name(actor.user),
        "notes": NOTES,
        "account": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "account_created_at": _dt(person.date_joined),
            "last_sign_in_at": _dt(person.last_login),
            "active": person.is_active,
            "has_a_password": person.has_usable_password(),
            "single_sign_on": [
                {"provider": i.issuer, "linked_at": _dt(i.created_at)}
                for i in SsoIdentity.objects.filter(user=person).order_by("created_at")
            ],
        },
        "membership": (
            {
                "role": membership.role,
                "since": _dt(membership.created_at),
                "made": membership.get_source_display(),
            }
            if membership
            else None
        ),
        "invitations_received": [
            {
                "email": i.email,
                "role": i.role,
                "sent_at": _dt(i.created_at),
                "expires_at": _dt(i.expires_at),
                "accepted_at": _dt(i.accepted_at),
            }
            for i in Invitation.objects.filter(organisation=organisation)
            .filter(Q(email__iexact=person.email) | Q(accepted_by=person))
            .order_by("created_at")
        ],
        "invitations_sent": [
            {"role": i.role, "sent_at": _dt(i.created_at), "accepted": i.accepted_at is not None}
            for i in Invitation.objects.filter(organisation=organisation, invited_by=person)
        ],
        "workshops_taken_part_in": [_participation(p) for p in participations],
        "unsubmitted_drafts": drafts,
        "workshops_facilitated": [
            {
                "workshop": _workshop(w),
                "as": "lead facilitator"
                if w.lead_facilitator_id == person.pk
                else "co-facilitator",
            }
            for w in led
        ],
        "challenges_made": [
            {
                "workshop": _workshop(c.rating.participant.workshop),
                "barrier": c.rating.barrier.name,
                "text": c.text,
                "at": _dt(c.created_at),
            }
            for c in Challenge.objects.filter(
                rating__participant__workshop__organisation=organisation, author=person
            ).select_related("rating__barrier", "rating__participant__workshop")
        ],
        "ratings_recorded_for_others": [
            {
                "workshop": _workshop(r.participant.workshop),
                "barrier": r.barrier.name,
                "at": _dt(r.submitted_at),
            }
            for r in Rating.objects.filter(
                participant__workshop__organisation=organisation, given_by=person
            )
            .exclude(participant__user=person)
            .select_related("barrier", "participant__workshop")
        ],
        "consensus_recorded": [
            _recorded(c, rationale=c.rationale)
            for c in Consensus.objects.filter(**in_org, recorded_by=person).select_related(
                "workshop", "barrier"
            )
        ],
        "targets_recorded": [
            _recorded(t)
            for t in Target.objects.filter(**in_org, recorded_by=person).select_related(
                "workshop", "barrier"
            )
        ],
        "key_actions": [
            _action(a, person)
            for a in Action.objects.filter(**in_org)
            .filter(Q(responsible=person) | Q(accountable=person) | Q(status_updated_by=person))
            .select_related("workshop", "barrier")
            .order_by("due_on", "pk")
        ],
        "action_reviews_made": [
            {
                "workshop": _workshop(r.workshop),
                "action": r.action.description,
                "status": r.get_status_display(),
                "note": r.note,
                "at": _dt(r.reviewed_at),
            }
            for r in ActionReview.objects.filter(**in_org, reviewed_by=person).select_related(
                "workshop", "action"
            )
        ],
        "workshop_history_by_them": [
            {"workshop": _workshop(h.workshop), "at": _dt(h.at), "summary": h.summary}
            for h in HistoryEntry.objects.filter(organisation=organisation, actor=person)
            .select_related("workshop")
            .order_by("at", "pk")
        ],
        "audit_events": [
            {
                "at": _dt(e.at),
                "by_them": e.actor_id == person.pk or person.email.lower() in e.actor_label.lower(),
                "who": e.actor_label,
                "role": e.role,
                "what": ACTIONS.get(e.action, e.action),
                "details": e.summary,
                "address": e.address,
            }
            for e in audit.order_by("at", "pk")
        ],
    }


NOTES = [
    "Ratings and evidence in a workshop not yet revealed are hidden from everyone but their "
    "author, facilitators included, so they are counted here, not shown; so are drafts never "
    "submitted. The person can read their own on the workshop's page.",
    "Other people are not named where they appear in this person's records (who challenged "
    "their evidence, whose rating they recorded on that person's behalf): they are third "
    "parties. Workshops, consensus, targets and actions are the team's; they are included "
    "where this person took part in them or is named on them.",
    "Times are in UTC (ISO 8601). Stages are the model's words, never scores.",
]


def _about(person) -> Q:
    """Audit events by the person, or about them (their email or name in the summary)."""
    about = (
        Q(actor=person)
        | Q(actor_label__icontains=person.email)
        | Q(summary__icontains=person.email)
    )
    if full := person.get_full_name().strip():
        about |= Q(summary__icontains=full)
    return about


def _workshop(w: Workshop) -> dict[str, Any]:
    return {
        "title": w.title,
        "date": w.date.isoformat(),
        "closed_at": _dt(w.closed_at),
        "code": str(w.code),
    }


def _participation(p: Participant) -> dict[str, Any]:
    w = p.workshop
    ratings = list(p.ratings.all())
    shown = w.is_revealed
    return {
        "workshop": _workshop(w),
        "understood_the_model_at": _dt(p.understood_at),
        "ratings_not_yet_revealed": 0 if shown else len(ratings),
        "ratings": [_rating(r) for r in ratings] if shown else [],
    }


def _rating(r: Rating) -> dict[str, Any]:
    return {
        "barrier": r.barrier.name,
        "stage": r.get_stage_display(),
        "evidence": r.evidence,
        "descriptors_ticked": [
            {"stage": d.barrier_stage.get_stage_display(), "text": d.text}
            for d in r.descriptors.all()
        ],
        "submitted_at": _dt(r.submitted_at),
        "recorded_on_their_behalf_by_a_facilitator": r.given_by_id is not None,
        "challenges_to_this_evidence": [
            {"text": c.text, "at": _dt(c.created_at)} for c in r.challenges.all()
        ],
    }


def _recorded(row, **extra) -> dict[str, Any]:
    return {
        "workshop": _workshop(row.workshop),
        "barrier": row.barrier.name,
        "stage": row.get_stage_display(),
        "at": _dt(row.recorded_at),
        **extra,
    }


def _action(a: Action, person) -> dict[str, Any]:
    named_as = [
        part
        for part, pk in (("responsible", a.responsible_id), ("accountable", a.accountable_id))
        if pk == person.pk
    ]
    return {
        "workshop": _workshop(a.workshop),
        "barrier": a.barrier.name,
        "action": a.description,
        "named_as": named_as,
        "due_on": a.due_on.isoformat(),
        "status": a.get_status_display(),
        "status_note": a.status_note,
        "status_updated_at": _dt(a.status_updated_at),
        "status_updated_by_them": a.status_updated_by_id == person.pk,
    }
