"""An organisation's whole data as JSON (``transfer`` reads it back).

For moving an organisation between servers and for a record that outlives
the database: ``organisation_export`` writes every person, membership,
invitation, version of the model and workshop record of one organisation;
``organisation_import`` reads it into a database that has the Audit
Commission original (every database has: a migration loads it) and no such
organisation yet.

Objects are identified by their public codes, barriers by (version, slug),
descriptors by (barrier, stage, order) and points by (barrier, order), so
that nothing depends on the integer ids of the database it came from. The
original model is named as ``"original"``: its code differs between servers.

Password hashes are carried so that people can sign in after a move; treat
the file as the sensitive thing it is.
"""

from __future__ import annotations

from typing import Any

from assessments.models import (
    Rating,
    RatingDraft,
    Workshop,
    WorkshopInvitation,
)
from model_content.models import (
    Barrier,
    BreakthroughPoint,
    Descriptor,
    ModelVersion,
)
from organisations.models import Organisation, UnitMembership
from organisations.units import units_tree

FORMAT = "breakthrough-organisation/1"
ORIGINAL = "original"


def _dt(value) -> str | None:
    return value.isoformat() if value else None


def _version_ref(version: ModelVersion) -> str:
    return ORIGINAL if version.is_original else str(version.code)


def _barrier_ref(barrier: Barrier) -> list[str]:
    return [_version_ref(barrier.version), barrier.slug]


def _descriptor_ref(d: Descriptor) -> list:
    return [*_barrier_ref(d.barrier_stage.barrier), d.barrier_stage.stage, d.order]


def _point_ref(p: BreakthroughPoint | None) -> list | None:
    return [*_barrier_ref(p.barrier), p.order] if p else None


def _user_ref(user) -> str | None:
    return user.email if user else None


def organisation_export(organisation: Organisation) -> dict[str, Any]:
    workshops = list(
        Workshop.objects.filter(organisation=organisation)
        .select_related("model_version", "lead_facilitator", "previous", "unit")
        .prefetch_related("barriers__version", "co_facilitators")
        .order_by("date", "created_at")
    )
    users: dict[str, Any] = {}
    tree = units_tree(organisation)

    def person(user) -> str | None:
        if user is not None and user.email not in users:
            users[user.email] = {
                "email": user.email,
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "password": user.password,
                "is_active": user.is_active,
            }
        return _user_ref(user)

    memberships = [
        {
            "user": person(m.user),
            "role": m.role,
            "source": m.source,
            "created_at": _dt(m.created_at),
        }
        for m in organisation.memberships.select_related("user").order_by("user__email")
    ]
    invitations = [
        {
            "code": str(i.code),
            "email": i.email,
            "role": i.role,
            "token_hash": i.token_hash,
            "invited_by": person(i.invited_by),
            "workshop": str(i.workshop_link.workshop.code) if _linked(i) else None,
            "created_at": _dt(i.created_at),
            "expires_at": _dt(i.expires_at),
            "accepted_at": _dt(i.accepted_at),
            "accepted_by": person(i.accepted_by),
        }
        for i in organisation.invitations.select_related(
            "invited_by", "accepted_by", "workshop_link__workshop"
        ).order_by("created_at")
    ]
    versions = [
        _version_export(v)
        for v in ModelVersion.objects.filter(organisation=organisation).order_by("number")
    ]
    return {
        "format": FORMAT,
        "organisation": {
            "code": str(organisation.code),
            "slug": organisation.slug,
            "name": organisation.name,
            "created_at": _dt(organisation.created_at),
            "allow_password": organisation.allow_password,
            "allow_sign_in_link": organisation.allow_sign_in_link,
            "allow_sso": organisation.allow_sso,
            "retention_months": organisation.retention_months,
            "retention_action": organisation.retention_action,
            "privacy_notice": organisation.privacy_notice,
            "privacy_notice_updated_at": _dt(organisation.privacy_notice_updated_at),
        },
        "sso_admissions": [
            {"kind": a.kind, "value": a.value, "role": a.role}
            for a in organisation.sso_admissions.order_by("kind", "value")
        ],
        "memberships": memberships,
        # Parents before their sub-units: the import makes them in this order.
        "units": [
            {
                "code": str(u.code),
                "name": u.name,
                "parent": str(tree.by_id[u.parent_id].code) if u.parent_id else None,
                "created_at": _dt(u.created_at),
            }
            for u in tree
        ],
        "unit_memberships": [
            {"unit": str(um.unit.code), "user": person(um.membership.user), "role": um.role}
            for um in UnitMembership.objects.filter(unit__organisation=organisation)
            .select_related("unit", "membership__user")
            .order_by("unit__code", "membership__user__email")
        ],
        "invitations": invitations,
        "model_versions": versions,
        "workshops": [_workshop_export(w, person) for w in workshops],
        # Who stands in for an erased person ("Former member N") or in an anonymised
        # workshop ("Person A"): their accounts are among the people.
        "stand_ins": [
            {
                "user": person(s.user),
                "kind": s.kind,
                "number": s.number,
                "workshop": str(s.workshop_code) if s.workshop_code else None,
            }
            for s in organisation.stand_ins.select_related("user").order_by("kind", "pk")
        ],
        "people": sorted(users.values(), key=lambda u: u["email"]),
    }


def _version_export(v: ModelVersion) -> dict[str, Any]:
    barriers = v.barriers.prefetch_related("stages__descriptors", "points").order_by("order").all()
    return {
        "code": str(v.code),
        "number": v.number,
        "name": v.name,
        "source": v.source,
        "based_on": _version_ref(v.based_on) if v.based_on_id else None,
        "published_at": _dt(v.published_at),
        "created_at": _dt(v.created_at),
        "barriers": [
            {
                "slug": b.slug,
                "order": b.order,
                "name": b.name,
                "symptom": b.symptom,
                "breakthrough_title": b.breakthrough_title,
                "stages": [
                    {
                        "stage": s.stage,
                        "headline": s.headline,
                        "note": s.note,
                        "descriptors": [d.text for d in s.descriptors.all()],
                    }
                    for s in b.stages.all()
                ],
                "points": [p.text for p in b.points.all()],
            }
            for b in barriers
        ],
    }


def _workshop_export(w: Workshop, person) -> dict[str, Any]:
    participants = list(w.participants.select_related("user").order_by("user__email"))
    ratings = (
        Rating.objects.filter(participant__workshop=w)
        .select_related("participant__user", "barrier__version", "given_by")
        .prefetch_related("descriptors__barrier_stage__barrier__version", "challenges__author")
        .order_by("participant__user__email", "barrier__order")
    )
    drafts = RatingDraft.objects.filter(participant__workshop=w).select_related(
        "participant__user", "barrier__version"
    )
    actions = w.actions.select_related(
        "barrier__version",
        "responsible",
        "accountable",
        "breakthrough_point__barrier__version",
    ).order_by("created_at", "pk")
    return {
        "code": str(w.code),
        "model_version": _version_ref(w.model_version),
        "title": w.title,
        "date": w.date.isoformat(),
        "barriers": sorted(b.slug for b in w.barriers.all()),
        "anonymous": w.anonymous,
        "lead_facilitator": person(w.lead_facilitator),
        "co_facilitators": sorted(person(u) for u in w.co_facilitators.all()),
        "previous": str(w.previous.code) if w.previous_id else None,
        "unit": str(w.unit.code),
        "step": w.step,
        "assessment_closed_at": _dt(w.assessment_closed_at),
        "revealed_at": _dt(w.revealed_at),
        "timebox_ends_at": _dt(w.timebox_ends_at),
        "reassess_on": w.reassess_on.isoformat() if w.reassess_on else None,
        "closed_at": _dt(w.closed_at),
        "anonymised_at": _dt(w.anonymised_at),
        "revision": w.revision,
        "created_at": _dt(w.created_at),
        "participants": [
            {"user": person(p.user), "understood_at": _dt(p.understood_at)} for p in participants
        ],
        "ratings": [
            {
                "code": str(r.code),
                "participant": person(r.participant.user),
                "barrier": r.barrier.slug,
                "stage": r.stage,
                "evidence": r.evidence,
                "descriptors": sorted(_descriptor_ref(d) for d in r.descriptors.all()),
                "given_by": person(r.given_by),
                "submitted_at": _dt(r.submitted_at),
                "challenges": [
                    {"author": person(c.author), "text": c.text, "created_at": _dt(c.created_at)}
                    for c in r.challenges.all()
                ],
            }
            for r in ratings
        ],
        "drafts": sorted(
            (
                {
                    "participant": person(d.participant.user),
                    "barrier": d.barrier.slug,
                    "stage": d.stage,
                    "evidence": d.evidence,
                    "descriptor_ids": _draft_descriptor_refs(d),
                }
                for d in drafts
            ),
            key=lambda d: (d["participant"], d["barrier"]),
        ),
        "consensuses": [
            {
                "barrier": c.barrier.slug,
                "stage": c.stage,
                "rationale": c.rationale,
                "recorded_by": person(c.recorded_by),
                "recorded_at": _dt(c.recorded_at),
                "lock": c.lock,
            }
            for c in w.consensuses.select_related("barrier", "recorded_by").order_by(
                "barrier__order"
            )
        ],
        "targets": [
            {
                "barrier": t.barrier.slug,
                "stage": t.stage,
                "fewer_actions_reason": t.fewer_actions_reason,
                "recorded_by": person(t.recorded_by),
                "recorded_at": _dt(t.recorded_at),
            }
            for t in w.targets.select_related("barrier", "recorded_by").order_by("barrier__order")
        ],
        "actions": [
            {
                "code": str(a.code),
                "barrier": a.barrier.slug,
                "description": a.description,
                "responsible": person(a.responsible),
                "responsible_name": a.responsible_name,
                "accountable": person(a.accountable),
                "accountable_name": a.accountable_name,
                "due_on": a.due_on.isoformat(),
                "breakthrough_point": a.breakthrough_point.order if a.breakthrough_point else None,
                "status": a.status,
                "status_note": a.status_note,
                "status_updated_at": _dt(a.status_updated_at),
                "status_updated_by": person(a.status_updated_by),
                "created_at": _dt(a.created_at),
            }
            for a in actions
        ],
        "reviews": [
            {
                "action": str(r.action.code),
                "status": r.status,
                "note": r.note,
                "reviewed_by": person(r.reviewed_by),
                "reviewed_at": _dt(r.reviewed_at),
            }
            for r in w.reviews.select_related("action", "reviewed_by").order_by("action__pk")
        ],
        "history": [
            {"actor": person(h.actor), "at": _dt(h.at), "kind": h.kind, "summary": h.summary}
            for h in w.history.select_related("actor").order_by("at", "pk")
        ],
    }


def _draft_descriptor_refs(draft: RatingDraft) -> list:
    descriptors = Descriptor.objects.filter(pk__in=draft.descriptor_ids).select_related(
        "barrier_stage__barrier__version"
    )
    return sorted(_descriptor_ref(d) for d in descriptors)


def _linked(invitation) -> bool:
    try:
        return invitation.workshop_link is not None
    except WorkshopInvitation.DoesNotExist:
        return False
