"""Loads the Audit Commission model from ``fixtures/breakthrough-model.json``.

Used by the data migration (with the historical models) and by tests that
flush the database (with the real ones), so it takes the model classes as
arguments instead of importing them.
"""

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "breakthrough-model.json"


def fixture_read() -> dict[str, Any]:
    with FIXTURE.open(encoding="utf-8") as f:
        return json.load(f)


def original_load(models: dict[str, Any], data: dict[str, Any] | None = None):
    """Create the original version, the steps and the paper's breakthroughs, once."""
    data = data or fixture_read()
    for step in data["workshop_steps"]:
        models["WorkshopStep"].objects.update_or_create(
            code=step["code"], defaults={"order": step["order"], "text": step["text"]}
        )
    for item in data["paper_breakthroughs"]:
        models["PaperBreakthrough"].objects.update_or_create(
            number=item["number"],
            defaults={"title": item["title"], "barrier_slug": item["barrier"]},
        )

    ModelVersion = models["ModelVersion"]
    existing = ModelVersion.objects.filter(organisation__isnull=True, number=1).first()
    if existing is not None:
        return existing
    version = ModelVersion.objects.create(
        organisation=None, number=1, name=data["title"], source=data["source"]
    )
    version.published_at = version.created_at
    version.save(update_fields=["published_at"])
    stage_codes = [s["code"] for s in sorted(data["stages"], key=lambda s: s["order"])]
    for b in data["barriers"]:
        barrier = models["Barrier"].objects.create(
            version=version,
            slug=b["slug"],
            order=b["order"],
            name=b["name"],
            symptom=b["symptom"],
            breakthrough_title=b["breakthrough"]["title"],
        )
        for code in stage_codes:
            cell = b["stages"][code]
            barrier_stage = models["BarrierStage"].objects.create(
                barrier=barrier, stage=code, headline=cell["headline"], note=cell.get("note", "")
            )
            models["Descriptor"].objects.bulk_create(
                models["Descriptor"](barrier_stage=barrier_stage, order=i, text=text)
                for i, text in enumerate(cell["descriptors"], start=1)
            )
        models["BreakthroughPoint"].objects.bulk_create(
            models["BreakthroughPoint"](barrier=barrier, order=i, text=text)
            for i, text in enumerate(b["breakthrough"]["points"], start=1)
        )
    return version


def real_models() -> dict[str, Any]:
    # Imported when called: the data migration imports this module and must work on the
    # historical models it is given, never load the real ones.
    from model_content import models

    return {
        name: getattr(models, name)
        for name in (
            "ModelVersion",
            "Barrier",
            "BarrierStage",
            "Descriptor",
            "BreakthroughPoint",
            "WorkshopStep",
            "PaperBreakthrough",
        )
    }
