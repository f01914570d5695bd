"""Making the model your own (para 69, 71): organisation versions of the model.

A facilitator copies the original (or one of the organisation's versions)
into a draft, edits it, and publishes it. A published version is frozen:
workshops pin it, so changing the model later never rewrites a past
workshop; editing means copying into a new draft. Barrier slugs never
change: they are a barrier's identity across versions and over time.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from model_content.models import (
    Barrier,
    BarrierStage,
    BreakthroughPoint,
    Descriptor,
    ModelVersion,
    Stage,
)
from model_content.selectors import barriers_with_content
from model_content.version_file import FORMAT, LIMITS, content_check
from organisations.audit import audit_record
from organisations.rules import Actor, ensure


def version_content(version: ModelVersion) -> dict[str, Any]:
    """The version's content in the shape of ``fixtures/breakthrough-model.json``."""
    return {
        "format": FORMAT,
        "title": version.name,
        "source": version.source,
        "barriers": [
            {
                "slug": b.slug,
                "order": b.order,
                "name": b.name,
                "symptom": b.symptom,
                "stages": {
                    cell.stage: {
                        "headline": cell.headline,
                        **({"note": cell.note} if cell.note else {}),
                        "descriptors": [d.text for d in cell.descriptors.all()],
                    }
                    for cell in b.stages.all()
                },
                "breakthrough": {
                    "title": b.breakthrough_title,
                    "points": [p.text for p in b.points.all()],
                },
            }
            for b in barriers_with_content(version=version)
        ],
    }


def content_validate(data: Any) -> dict[str, Any]:
    """``data`` if it is a version in the shape of an export (``version_file.SCHEMA``), with
    the three stages for every barrier and each slug once; a ``ValidationError`` listing the
    first problems by path if not."""
    content_check(data)
    return data


def _ensure_facilitator(organisation, by: Actor) -> None:
    ensure(by, "change_model_versions", organisation)


def _ensure_draft(version: ModelVersion, organisation) -> None:
    if version.organisation_id != organisation.pk:
        raise PermissionDenied("Only the organisation's own versions can be edited.")
    if version.published_at is not None:
        raise PermissionDenied(
            "This version is published and workshops may rely on it: copy it into a new draft "
            "to change it."
        )


@transaction.atomic
def version_create(*, organisation, by, content: dict[str, Any], based_on=None) -> ModelVersion:
    """A new draft version of ``organisation`` with ``content`` (validated)."""
    _ensure_facilitator(organisation, by)
    content = content_validate(content)
    number = (
        ModelVersion.objects.select_for_update()
        .filter(organisation=organisation)
        .aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    version = ModelVersion.objects.create(
        organisation=organisation,
        number=number,
        name=(content.get("title") or f"{organisation.name}'s breakthrough model")[:200],
        source=content.get("source", ""),
        based_on=based_on,
    )
    _content_write(version, content)
    return version


def version_copy(*, organisation, source: ModelVersion, by) -> ModelVersion:
    if source.organisation_id not in (None, organisation.pk):
        raise PermissionDenied("That version belongs to another organisation.")
    content = version_content(source)
    # An organisation's name may take all of a version's 200 characters.
    content["title"] = f"{organisation.name}: breakthrough model"[: LIMITS["title"]]
    return version_create(organisation=organisation, by=by, content=content, based_on=source)


@transaction.atomic
def _content_write(version: ModelVersion, content: dict[str, Any]) -> None:
    # Deleted and written afresh, never updated in place: rows renumbered one by one would meet
    # an order another row still holds, which the unique constraints refuse. Atomic of its own
    # (its callers are too) so that no caller can leave a version half written.
    version.barriers.all().delete()
    for order, b in enumerate(content["barriers"], start=1):
        barrier = Barrier.objects.create(
            version=version,
            slug=b["slug"],
            order=order,
            name=b["name"].strip(),
            symptom=b["symptom"].strip(),
            breakthrough_title=b["breakthrough"]["title"].strip(),
        )
        for stage in Stage.values:
            cell = b["stages"][stage]
            barrier_stage = BarrierStage.objects.create(
                barrier=barrier,
                stage=stage,
                headline=cell["headline"].strip(),
                note=cell.get("note", "").strip(),
            )
            Descriptor.objects.bulk_create(
                Descriptor(barrier_stage=barrier_stage, order=i, text=t.strip())
                for i, t in enumerate(cell["descriptors"], start=1)
            )
        BreakthroughPoint.objects.bulk_create(
            BreakthroughPoint(barrier=barrier, order=i, text=t.strip())
            for i, t in enumerate(b["breakthrough"]["points"], start=1)
        )


@transaction.atomic
def version_update(*, version: ModelVersion, organisation, by, content: dict[str, Any]) -> None:
    """Replace a draft's content; slugs stay those of the draft."""
    _ensure_facilitator(organisation, by)
    _ensure_draft(version, organisation)
    content = content_validate(content)
    if {b["slug"] for b in content["barriers"]} != set(
        version.barriers.values_list("slug", flat=True)
    ):
        raise ValidationError("Barriers keep their identity: none can be added or dropped here.")
    if content.get("title"):
        version.name = content["title"][:200]
        version.save(update_fields=["name"])
    _content_write(version, content)


@transaction.atomic
def version_publish(*, version: ModelVersion, organisation, by) -> None:
    _ensure_facilitator(organisation, by)
    _ensure_draft(version, organisation)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    audit_record(
        organisation=organisation,
        user=by.user,
        role=by.role,
        action="version_published",
        summary=f"Published {version.label} for new workshops.",
    )


@transaction.atomic
def version_import(*, organisation, by, data: Any) -> ModelVersion:
    """A version exported by another organisation, as a new draft here. ``data`` is what
    ``version_file.version_file_read`` made of the upload; ``version_create`` checks it."""
    version = version_create(organisation=organisation, by=by, content=data)
    audit_record(
        organisation=organisation,
        user=by.user,
        role=by.role,
        action="version_imported",
        summary=f"Imported {version.label} from a file, as a draft.",
    )
    return version


# ---------------------------------------------------------------- comparison


def version_compare(version: ModelVersion, base: ModelVersion) -> list[dict[str, Any]]:
    """Per barrier (by slug): what changed from ``base`` to ``version``, in words."""
    ours = {b["slug"]: b for b in version_content(version)["barriers"]}
    theirs = {b["slug"]: b for b in version_content(base)["barriers"]}
    result = []
    for slug in list(theirs) + [s for s in ours if s not in theirs]:
        a, b = theirs.get(slug), ours.get(slug)
        if a is None or b is None:
            result.append({"name": (b or a)["name"], "status": "Added" if a is None else "Removed"})
            continue
        changes = []
        for key, label in (("name", "Name"), ("symptom", "Symptom")):
            if a[key] != b[key]:
                changes.append(
                    {"what": label, "kind": "Changed", "before": a[key], "after": b[key]}
                )
        if a["breakthrough"]["title"] != b["breakthrough"]["title"]:
            changes.append(
                {
                    "what": "Breakthrough title",
                    "kind": "Changed",
                    "before": a["breakthrough"]["title"],
                    "after": b["breakthrough"]["title"],
                }
            )
        for stage, label in Stage.choices:
            for key in ("headline", "note"):
                before, after = a["stages"][stage].get(key, ""), b["stages"][stage].get(key, "")
                if before != after:
                    changes.append(
                        {
                            "what": f"{label}: {key}",
                            "kind": "Changed",
                            "before": before,
                            "after": after,
                        }
                    )
            changes += _list_diff(
                a["stages"][stage]["descriptors"],
                b["stages"][stage]["descriptors"],
                f"{label}: descriptor",
            )
        changes += _list_diff(
            a["breakthrough"]["points"], b["breakthrough"]["points"], "Breakthrough point"
        )
        result.append(
            {"name": b["name"], "status": "Changed" if changes else "Unchanged", "changes": changes}
        )
    return result


def _list_diff(before: list[str], after: list[str], what: str) -> list[dict[str, str]]:
    changes = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = before[i1:i2], after[j1:j2]
        for k in range(max(len(old), len(new))):
            o = old[k] if k < len(old) else None
            n = new[k] if k < len(new) else None
            kind = "Changed" if o and n else "Removed" if o else "Added"
            changes.append({"what": what, "kind": kind, "before": o or "", "after": n or ""})
    return changes
