"""What the two PDFs show, read through the same selectors as the pages.

Secrecy: before the reveal the selectors return no rating and no evidence, so neither
document can carry one; in an anonymous workshop every list of ratings follows the
secret order of the labels (``author_labels``), never the names'.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from assessments.models import Workshop
from assessments.selectors import outcome as outcome_selectors
from assessments.selectors import workshops as selectors
from assessments.selectors.outcome import BarrierOutcome
from model_content.models import Stage


def _common(workshop: Workshop, *, as_at: datetime.date | None) -> dict:
    return {
        "workshop": workshop,
        "organisation": workshop.organisation,
        "version_label": workshop.model_version.label,
        "version_source": workshop.model_version.source,
        "stages": Stage.choices,
        "previous": workshop.previous,
        "has_previous": workshop.previous_id is not None,
        "anonymous": workshop.anonymous,
        # The day the document was drawn; a PDF is drawn again when the workshop changes.
        "as_at": as_at or timezone.localdate(),
        # Until the close, everything on it may still change (the consensus, the target, the
        # actions): it says so on every page, so that no draft is tabled as the record.
        "draft": not workshop.is_closed,
    }


def _cells(outcome: BarrierOutcome, spread, barrier) -> list[dict]:
    """The three stage cells of a barrier's row, with the team's marks in each."""
    consensus = outcome.consensus.stage if outcome.consensus else None
    target = outcome.target.stage if outcome.target else None
    was_consensus = outcome.previous_consensus.stage if outcome.previous_consensus else None
    was_target = outcome.previous_target.stage if outcome.previous_target else None
    label = dict(Stage.choices)
    by_stage = {cell.stage: cell for cell in barrier.stages.all()}
    cells = []
    for value, _label in Stage.choices:
        moves = consensus and target and consensus != target
        cell = {
            "stage": value,
            "cell": by_stage.get(value),
            "ratings": spread.ratings_at(value) if spread else [],
            "is_consensus": value == consensus,
            "is_target": value == target,
            # The move from the agreed stage to the one the team wants to reach, in words.
            "move_to": label[target] if moves and value == consensus else "",
            "move_from": label[consensus] if moves and value == target else "",
            "was_consensus": value == was_consensus,
            "was_target": value == was_target,
        }
        cell["has_marks"] = bool(
            cell["ratings"]
            or cell["is_consensus"]
            or cell["is_target"]
            or cell["was_consensus"]
            or cell["was_target"]
        )
        cells.append(cell)
    return cells


def wallchart_context(workshop: Workshop, *, as_at: datetime.date | None = None) -> dict:
    """The whole published chart of the workshop's model version, with the team's marks."""
    barriers = selectors.workshop_barriers(workshop)
    participants = selectors.participants_of(workshop)
    spreads = selectors.ratings_revealed(workshop, barriers, with_challenges=False)
    outcomes = outcome_selectors.workshop_outcome(workshop, barriers)
    progress = {p.barrier.pk: p for p in selectors.workshop_progress(workshop, barriers)}
    rows = []
    for barrier, outcome in zip(barriers, outcomes, strict=True):
        spread = spreads.get(barrier.pk) if spreads is not None else None
        rows.append(
            {
                "barrier": barrier,
                "outcome": outcome,
                "spread": spread,
                "progress": progress[barrier.pk],
                "cells": _cells(outcome, spread, barrier),
            }
        )
    # The key to the initials, in the order the cells list them; an anonymous workshop's
    # key names nobody (its letters are the point).
    people = (
        []
        if workshop.anonymous or spreads is None
        else list(selectors.author_labels(workshop, participants).values())
    )
    return {
        **_common(workshop, as_at=as_at),
        "rows": rows,
        "revealed": spreads is not None,
        "people": people,
    }
