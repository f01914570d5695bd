"""What the two PDFs show, read through the same selectors as the pages.

Secrecy: before the reveal the selectors return no rating and no evidence, so neither
document can carry one; in an anonymous workshop every list of ratings follows the
secret order of the labels (``author_labels``), never the names'.
"""

from __future__ import annotations

import base64
import datetime

from django.utils import timezone

from assessments import charts
from assessments.models import Workshop
from assessments.pdf.charts import figure_svg
from assessments.selectors import board
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


def _threads(views) -> list[dict]:
    """Each challenged piece of evidence with its thread: who challenged what, and the answer,
    which is a comment by the evidence's own author. The answer is signed with the
    evidence's label, never a name: in an anonymous workshop a name under "Participant B"
    would say who B is."""
    threads = []
    for view in views:
        comments = [
            {
                "answer": c.is_answer,
                "who": c.signature,
                "text": c.text,
            }
            for c in view.rating.challenge_list
        ]
        if comments:
            answered = any(c["answer"] for c in comments)
            threads.append({"rating": view, "comments": comments, "answered": answered})
    return threads


def report_context(workshop: Workshop, *, as_at: datetime.date | None = None) -> dict:
    """The chief executive's report: the board summary on page one, the action plan, then
    per barrier the evidence relied on, the challenges and the dissent kept, and all the
    evidence; from the board's reads, as the Word report (``selectors/board.py``), read as
    a viewer reads them (``document_reader``): the file is drawn once for all who may
    download it."""
    common = _common(workshop, as_at=as_at)
    reader = board.document_reader(workshop)
    summary = board.board_summary(workshop=workshop, actor=reader, as_at=common["as_at"])
    plan = board.action_plan(workshop=workshop, actor=reader, as_at=common["as_at"])
    evidence = board.barrier_evidence(workshop=workshop, actor=reader)
    participants = selectors.participants_of(workshop)
    sections = []
    for row, e in zip(summary.barriers, evidence, strict=True):
        # Every rating, each stage's in the order of the labels: the agreed stage's are all
        # in relied_on, the others' in other_views.
        views = [*e.relied_on, *e.other_views]
        sections.append(
            {
                "barrier": e.barrier,
                "summary": row,
                "evidence": e,
                "threads": _threads(sorted(views, key=lambda v: Stage.position(v.stage))),
                "stage_rows": [
                    {"label": label, "ratings": [v for v in views if v.stage == value]}
                    for value, label in Stage.choices
                ],
            }
        )
    outcomes = outcome_selectors.workshop_outcome(workshop)
    figure, charts_missing = None, False
    if any(o.consensus or o.target for o in outcomes):
        figure = _svg_data_uri(
            charts.figure_consensus_target(charts.outcome_rows(outcomes)), width=900
        )
        charts_missing = figure is None
    return {
        **common,
        "summary": summary,
        "plan": plan,
        "sections": sections,
        "revealed": summary.revealed,
        "facilitators": [workshop.lead_facilitator, *workshop.co_facilitators.all()],
        "participants": participants,
        "previous_actions": outcome_selectors.previous_actions(workshop),
        "figure": figure,
        "charts_missing": charts_missing,
    }


def _svg_data_uri(fig, *, width: int) -> str | None:
    svg = figure_svg(fig, width=width)
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
