"""Reading an organisation's JSON (written by ``export``) into a database that has the Audit
Commission original (every database has: a migration loads it) and no such organisation yet.
Refuses to overwrite anything; identifiers as ``export`` describes them."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from assessments.dates import date_in_range
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
    WorkshopInvitation,
)
from assessments.services.export import FORMAT, ORIGINAL
from model_content.models import (
    Barrier,
    BarrierStage,
    BreakthroughPoint,
    Descriptor,
    ModelVersion,
)
from model_content.selectors import model_version_original
from organisations.models import (
    Invitation,
    Membership,
    MembershipSource,
    Organisation,
    RetentionAction,
    SsoAdmission,
    StandIn,
    Unit,
    UnitMembership,
)
from organisations.units import top_unit


class TransferError(ValueError):
    pass


@transaction.atomic
def organisation_import(data: dict[str, Any]) -> Organisation:
    """Create the organisation described by ``data``. Refuses to overwrite anything."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(f"This is not a Breakthrough organisation export ({FORMAT}).")
    org = data["organisation"]
    if (
        Organisation.objects.filter(code=org["code"]).exists()
        or Organisation.objects.filter(slug=org["slug"]).exists()
    ):
        raise TransferError(f"The organisation {org['slug']!r} is already in this database.")

    # Files written before single sign-on have no ways in or admissions: all ways, nobody.
    organisation = Organisation.objects.create(
        code=org["code"],
        slug=org["slug"],
        name=org["name"],
        allow_password=org.get("allow_password", True),
        allow_sign_in_link=org.get("allow_sign_in_link", True),
        allow_sso=org.get("allow_sso", True),
        # Files written before retention and the privacy notice: kept for ever, the default.
        retention_months=org.get("retention_months"),
        retention_action=org.get("retention_action", RetentionAction.ANONYMISE),
        privacy_notice=org.get("privacy_notice", ""),
        privacy_notice_updated_at=_parse(org.get("privacy_notice_updated_at")),
    )
    _set_auto(organisation, created_at=org["created_at"])
    for a in data.get("sso_admissions", []):
        taken = SsoAdmission.objects.filter(kind=SsoAdmission.Kind.DOMAIN, value=a["value"])
        if a["kind"] == SsoAdmission.Kind.DOMAIN and taken.exists():
            raise TransferError(f"The domain {a['value']!r} admits to another organisation here.")
        SsoAdmission.objects.create(organisation=organisation, **a)

    User = get_user_model()
    users = {}
    for p in data["people"]:
        user = User.objects.filter(email=p["email"]).first()
        if user is None:
            user = User(
                email=p["email"],
                username=p["username"],
                first_name=p["first_name"],
                last_name=p["last_name"],
                is_active=p["is_active"],
            )
            user.password = p["password"]
            user.save()
        users[p["email"]] = user

    def who(email):
        return users[email] if email else None

    for stand_in in data.get("stand_ins", []):
        StandIn.objects.create(
            organisation=organisation,
            user=who(stand_in["user"]),
            kind=stand_in["kind"],
            number=stand_in["number"],
            workshop_code=stand_in["workshop"],
        )

    for m in data["memberships"]:
        membership = Membership.objects.create(
            user=who(m["user"]),
            organisation=organisation,
            role=m["role"],
            source=m.get("source", MembershipSource.HAND),
        )
        _set_auto(membership, created_at=m["created_at"])

    units = _units_import(data, organisation, who)

    versions: dict[str, ModelVersion] = {ORIGINAL: model_version_original()}
    for v in data["model_versions"]:
        versions[v["code"]] = _version_import(v, organisation, versions)

    def barrier_of(version_ref: str, slug: str) -> Barrier:
        return Barrier.objects.get(version=versions[version_ref], slug=slug)

    workshops: dict[str, Workshop] = {}
    for w in data["workshops"]:
        workshops[w["code"]] = _workshop_import(
            w, organisation, versions, workshops, who, barrier_of, units
        )

    for i in data["invitations"]:
        invitation = Invitation.objects.create(
            code=i["code"],
            organisation=organisation,
            email=i["email"],
            role=i["role"],
            token_hash=i["token_hash"],
            invited_by=who(i["invited_by"]),
            expires_at=parse_datetime(i["expires_at"]),
            accepted_at=parse_datetime(i["accepted_at"]) if i["accepted_at"] else None,
            accepted_by=who(i["accepted_by"]),
        )
        _set_auto(invitation, created_at=i["created_at"])
        if i["workshop"]:
            WorkshopInvitation.objects.create(
                invitation=invitation, workshop=workshops[i["workshop"]]
            )
    return organisation


def _set_auto(obj, **fields) -> None:
    """Restore auto_now(_add) timestamps, which ``save()`` would overwrite."""
    values = {k: parse_datetime(v) for k, v in fields.items() if v}
    if values:
        type(obj).objects.filter(pk=obj.pk).update(**values)


def _version_import(v, organisation, versions) -> ModelVersion:
    version = ModelVersion.objects.create(
        code=v["code"],
        organisation=organisation,
        number=v["number"],
        name=v["name"],
        source=v["source"],
        based_on=versions.get(v["based_on"]) if v["based_on"] else None,
        published_at=parse_datetime(v["published_at"]) if v["published_at"] else None,
    )
    _set_auto(version, created_at=v["created_at"])
    for b in v["barriers"]:
        barrier = Barrier.objects.create(
            version=version,
            slug=b["slug"],
            order=b["order"],
            name=b["name"],
            symptom=b["symptom"],
            breakthrough_title=b["breakthrough_title"],
        )
        for s in b["stages"]:
            cell = BarrierStage.objects.create(
                barrier=barrier, stage=s["stage"], headline=s["headline"], note=s["note"]
            )
            Descriptor.objects.bulk_create(
                Descriptor(barrier_stage=cell, order=n, text=t)
                for n, t in enumerate(s["descriptors"], start=1)
            )
        BreakthroughPoint.objects.bulk_create(
            BreakthroughPoint(barrier=barrier, order=n, text=t)
            for n, t in enumerate(b["points"], start=1)
        )
    return version


def _units_import(data, organisation, who) -> dict[str | None, Unit]:
    """The tree as the file has it (parents first), under the top unit the organisation got
    on being made. A file written before units has none: everything is in the top unit."""
    top = top_unit(organisation)
    units: dict[str | None, Unit] = {None: top}
    taken = set(
        Unit.objects.filter(code__in=[u["code"] for u in data.get("units", [])]).values_list(
            "code", flat=True
        )
    )
    for u in data.get("units", []):
        # A unit keeps its code (its address) unless this database has it already (the
        # organisation imported again beside itself): then it gets a new one.
        code = u["code"] if uuid.UUID(u["code"]) not in taken else uuid.uuid4()
        if u["parent"] is None:
            unit = top
            Unit.objects.filter(pk=top.pk).update(code=code)
        elif u["parent"] not in units:
            raise TransferError(f"Unit {u['name']!r} comes before its parent in the file.")
        else:
            unit = Unit.objects.create(
                code=code, organisation=organisation, parent=units[u["parent"]], name=u["name"]
            )
        _set_auto(unit, created_at=u["created_at"])
        units[u["code"]] = unit
    memberships = {m.user.email: m for m in organisation.memberships.select_related("user")}
    for um in data.get("unit_memberships", []):
        UnitMembership.objects.create(
            unit=units[um["unit"]], membership=memberships[who(um["user"]).email], role=um["role"]
        )
    return units


def _workshop_import(w, organisation, versions, workshops, who, barrier_of, units) -> Workshop:
    version_ref = w["model_version"]
    workshop = Workshop.objects.create(
        code=w["code"],
        organisation=organisation,
        unit=units[w.get("unit")],
        model_version=versions[version_ref],
        title=w["title"],
        date=_date(w["date"], f"workshop {w['code']}: date"),
        anonymous=w["anonymous"],
        lead_facilitator=who(w["lead_facilitator"]),
        previous=workshops[w["previous"]] if w["previous"] else None,
        step=w["step"],
        assessment_closed_at=_parse(w["assessment_closed_at"]),
        revealed_at=_parse(w["revealed_at"]),
        timebox_ends_at=_parse(w["timebox_ends_at"]),
        reassess_on=_date(w["reassess_on"], f"workshop {w['code']}: reassess_on"),
        closed_at=_parse(w["closed_at"]),
        anonymised_at=_parse(w.get("anonymised_at")),
        revision=w["revision"],
    )
    _set_auto(workshop, created_at=w["created_at"])
    workshop.barriers.set([barrier_of(version_ref, slug) for slug in w["barriers"]])
    workshop.co_facilitators.set([who(e) for e in w["co_facilitators"]])

    def barrier(slug):
        return barrier_of(version_ref, slug)

    def descriptor(ref):
        v, slug, stage, order = ref
        return Descriptor.objects.get(
            barrier_stage__barrier=barrier_of(v, slug), barrier_stage__stage=stage, order=order
        )

    participants = {}
    for p in w["participants"]:
        participants[p["user"]] = Participant.objects.create(
            workshop=workshop, user=who(p["user"]), understood_at=_parse(p["understood_at"])
        )
    for r in w["ratings"]:
        rating = Rating.objects.create(
            code=r["code"],
            participant=participants[r["participant"]],
            barrier=barrier(r["barrier"]),
            stage=r["stage"],
            evidence=r["evidence"],
            given_by=who(r["given_by"]),
            submitted_at=_parse(r["submitted_at"]),
        )
        rating.descriptors.set([descriptor(ref) for ref in r["descriptors"]])
        for c in r["challenges"]:
            challenge = Challenge.objects.create(
                rating=rating, author=who(c["author"]), text=c["text"]
            )
            _set_auto(challenge, created_at=c["created_at"])
    for d in w["drafts"]:
        RatingDraft.objects.create(
            participant=participants[d["participant"]],
            barrier=barrier(d["barrier"]),
            stage=d["stage"],
            evidence=d["evidence"],
            descriptor_ids=[descriptor(ref).pk for ref in d["descriptor_ids"]],
        )
    for c in w["consensuses"]:
        consensus = Consensus.objects.create(
            workshop=workshop,
            barrier=barrier(c["barrier"]),
            stage=c["stage"],
            rationale=c["rationale"],
            recorded_by=who(c["recorded_by"]),
            lock=c["lock"],
        )
        _set_auto(consensus, recorded_at=c["recorded_at"])
    for t in w["targets"]:
        target = Target.objects.create(
            workshop=workshop,
            barrier=barrier(t["barrier"]),
            stage=t["stage"],
            fewer_actions_reason=t["fewer_actions_reason"],
            recorded_by=who(t["recorded_by"]),
        )
        _set_auto(target, recorded_at=t["recorded_at"])
    for a in w["actions"]:
        b = barrier(a["barrier"])
        action = Action.objects.create(
            code=a["code"],
            workshop=workshop,
            barrier=b,
            description=a["description"],
            responsible=who(a["responsible"]),
            responsible_name=a["responsible_name"],
            accountable=who(a["accountable"]),
            accountable_name=a["accountable_name"],
            due_on=_date(a["due_on"], f"action {a['code']}: due_on"),
            breakthrough_point=(
                b.points.get(order=a["breakthrough_point"]) if a["breakthrough_point"] else None
            ),
            status=a["status"],
            status_note=a["status_note"],
            # Absent from files exported before this was recorded.
            status_updated_at=parse_datetime(a.get("status_updated_at") or "") or None,
            status_updated_by=who(a.get("status_updated_by")),
        )
        _set_auto(action, created_at=a["created_at"])
    for r in w["reviews"]:
        review = ActionReview.objects.create(
            workshop=workshop,
            action=Action.objects.get(code=r["action"], workshop__organisation=organisation),
            status=r["status"],
            note=r["note"],
            reviewed_by=who(r["reviewed_by"]),
        )
        _set_auto(review, reviewed_at=r["reviewed_at"])
    for h in w["history"]:
        entry = HistoryEntry.objects.create(
            organisation=organisation,
            workshop=workshop,
            actor=who(h["actor"]),
            kind=h["kind"],
            summary=h["summary"],
        )
        _set_auto(entry, at=h["at"])
    return workshop


def _date(value, where: str):
    """A date of the file, in the range every form and service keeps to (or None)."""
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        raise TransferError(f"{where}: {value!r} is not a date.")
    try:
        date_in_range(day)
    except ValidationError as e:
        raise TransferError(f"{where}: {e.messages[0]}") from e
    return day


def _parse(value):
    return parse_datetime(value) if value else None
