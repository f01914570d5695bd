"""The chief executive's report as a Word document (python-docx), for an officer to paste
into the authority's own board template: the board summary, the action plan, and each
barrier's evidence and challenges, as the PDF report has them.

Made to survive the paste: Word's own styles (Title, Heading 1 to 3, Table Grid, Quote)
rather than direct formatting, so that the template's styles take over; tables with a
header row that repeats on every page and rows that do not split; alt text on the chart
and on each table; the language set to British English.

Never a score: stages are words, the spread is how many people put each stage (para 65).
Secrecy: everything comes from the board's reads as a viewer (``document_reader``), so
before the reveal there is no rating, label or evidence in it.
"""

from __future__ import annotations

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from assessments import charts
from assessments.models import Workshop
from assessments.pdf import charts as chart_export
from assessments.selectors import outcome as outcome_selectors
from assessments.selectors.board import (
    ActionPlan,
    BarrierEvidence,
    BoardSummary,
    action_plan,
    barrier_evidence,
    board_summary,
    document_reader,
)
from assessments.selectors.workshops import participants_of

NBSP = "\u00a0"
NOT_A_SCORE = (
    "The model is “neither a formula to follow nor a scoring system” (Audit Commission, "
    "2002): stages are an order of development, never a score. The spread is how many "
    "people put each barrier at each stage."
)
TEXT_WIDTH = Cm(17)  # A4 with 2 cm margins


def day(value: datetime.date | None) -> str:
    """A date that never breaks across lines: 1 December 2026, with no-break spaces."""
    return f"{value:%-d %B %Y}".replace(" ", NBSP) if value else ""


def report_docx(workshop: Workshop, *, as_at: datetime.date) -> tuple[bytes, bool]:
    """The report as .docx bytes, and whether its chart is in it (False: it could not be
    exported in time; the tables carry the same figures and the worker tries again)."""
    reader = document_reader(workshop)
    summary = board_summary(workshop=workshop, actor=reader, as_at=as_at)
    plan = action_plan(workshop=workshop, actor=reader, as_at=as_at)
    evidence = barrier_evidence(workshop=workshop, actor=reader)

    doc = Document()
    _set_up(doc, workshop, summary)
    doc.add_paragraph(workshop.title, style="Title")
    facilitators = [workshop.lead_facilitator, *workshop.co_facilitators.all()]
    doc.add_paragraph(
        f"{workshop.organisation.name}. Workshop held on {day(workshop.date)}; "
        f"facilitated by {', '.join(_name(f) for f in facilitators)}. "
        f"As at {day(as_at)}." + (" Draft — workshop in progress." if summary.draft else "")
    )
    people = [_name(p.user) for p in participants_of(workshop)]
    doc.add_paragraph(f"Participants: {', '.join(people) if people else 'none'}.")
    chart_complete = _summary_section(doc, workshop, summary)
    _plan_section(doc, plan)
    _evidence_section(doc, summary, evidence)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), chart_complete


def _name(user) -> str:
    return user.get_full_name() or user.email


# ---------------------------------------------------------------- the document


def _set_up(doc, workshop: Workshop, summary: BoardSummary) -> None:
    section = doc.sections[0]
    # A4, as UK public bodies print (python-docx's template is US Letter).
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    properties = doc.core_properties
    properties.title = f"{workshop.title}: breakthrough model assessment"
    properties.author = workshop.organisation.name
    properties.subject = "Report of a workshop on the breakthrough model of managing performance"
    properties.language = "en-GB"
    _language(doc, "en-GB")
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    # On every page: whose, as at when, and a draft's warning (an unfinished workshop's
    # report must never pass for the final one).
    header = section.header.paragraphs[0]
    header.text = (
        "Draft — workshop in progress. " if summary.draft else ""
    ) + f"{workshop.organisation.name}: {workshop.title}"
    if summary.draft:
        header.runs[0].bold = True
    footer = section.footer.paragraphs[0]
    footer.text = f"As at {day(summary.as_at)}. Page "
    _field(footer, "PAGE")


def _language(doc, tag: str) -> None:
    """The document's language, for spelling and for screen readers' voices."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _table(doc, headers: list[str], widths: list[float], *, caption: str):
    """A table whose first row is its header, repeated on every page; no row splits across
    pages; its caption as the table's alt text (Word's Table Properties, Alt Text)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    properties = table._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", caption)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    header = table.rows[0]
    _row_properties(header, "w:tblHeader")
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def _row_properties(row, *tags: str) -> None:
    properties = row._tr.get_or_add_trPr()
    for tag in tags:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _row(table, widths: list[float]):
    row = table.add_row()
    _row_properties(row, "w:cantSplit")
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Cm(width)
    return row.cells


def _cell(cell, first: str, *more: str, bold_first: bool = False) -> None:
    """A cell of a first line and smaller lines under it."""
    cell.text = ""
    cell.paragraphs[0].add_run(first).bold = bold_first
    for line in more:
        if line:
            cell.add_paragraph().add_run(line).font.size = Pt(9)


# ---------------------------------------------------------------- the board summary


def _summary_section(doc, workshop: Workshop, summary: BoardSummary) -> bool:
    doc.add_heading("Board summary", level=1)
    headers = ["Barrier", "Agreed stage", "Target", "Spread of individual ratings"]
    widths = [3.0, 5.2, 4.3, 4.5]
    if summary.previous:
        headers.append("Last time")
        widths = [2.7, 4.4, 3.6, 3.5, 2.8]
    table = _table(
        doc,
        headers,
        widths,
        caption="For each barrier: the stage the team agreed, its target, and how many put it "
        "at each stage",
    )
    for b in summary.barriers:
        cells = _row(table, widths)
        _cell(cells[0], b.barrier.name, bold_first=True)
        if b.consensus:
            _cell(cells[1], b.consensus.label, b.consensus.headline, bold_first=True)
        else:
            _cell(cells[1], "Not agreed yet")
        if b.target:
            _cell(cells[2], b.target.label, b.target.headline, bold_first=True)
        else:
            _cell(cells[2], "Not agreed yet")
        if b.spread is None:
            _cell(cells[3], "Not revealed yet")
        else:
            _cell(cells[3], *[f"{c.label}: {c.count}" for c in b.spread])
        if summary.previous:
            _cell(
                cells[4],
                f"Agreed: {b.previous_consensus.label if b.previous_consensus else '—'}",
                f"Target: {b.previous_target.label if b.previous_target else '—'}",
            )
    if summary.previous:
        doc.add_paragraph(
            f"Last time: {summary.previous.title}, {day(summary.previous.date)}.",
        )
    doc.add_paragraph(
        f"Reassessment: the team agreed to look again on {day(summary.reassess_on)}."
        if summary.reassess_on
        else "Reassessment: the date to look again has not been agreed yet."
    )
    doc.add_paragraph(NOT_A_SCORE)
    return _chart(doc, workshop, summary)


def _chart(doc, workshop: Workshop, summary: BoardSummary) -> bool:
    """The consensus and target chart of the PDF and the screen (``assessments/charts.py``),
    as PNG, with alt text that says what it shows. Drawn in the task worker only."""
    if not any(b.consensus or b.target for b in summary.barriers):
        return True
    outcomes = outcome_selectors.workshop_outcome(workshop)
    png = chart_export.figure_png(
        charts.figure_consensus_target(charts.outcome_rows(outcomes)), width=900
    )
    if png is None:
        doc.add_paragraph(
            "The chart of consensus and target could not be drawn this time; the table "
            "above carries the same figures."
        )
        return False
    shape = doc.add_picture(io.BytesIO(png), width=Cm(16))
    described = "; ".join(
        f"{b.barrier.name}: agreed {b.consensus.label if b.consensus else 'not yet'}, "
        f"target {b.target.label if b.target else 'not yet'}"
        + (f", last time {b.previous_consensus.label}" if b.previous_consensus else "")
        for b in summary.barriers
    )
    properties = shape._inline.docPr
    properties.set("title", "Consensus and target for each barrier")
    properties.set(
        "descr", f"Chart of the agreed stage and the target of each barrier. {described}."
    )
    return True


# ---------------------------------------------------------------- the action plan


def _plan_section(doc, plan: ActionPlan) -> None:
    doc.add_heading("Action plan", level=1)
    if not plan.actions:
        doc.add_paragraph("No key actions have been agreed yet.")
        return
    overdue = f"; {plan.overdue} overdue" if plan.overdue else ""
    doc.add_paragraph(
        f"{len(plan.actions)} key action{'s' if len(plan.actions) != 1 else ''}{overdue}, "
        f"as at {day(plan.as_at)}."
    )
    headers = ["Barrier", "Action", "Responsible", "Accountable", "Due", "Status"]
    widths = [2.6, 5.4, 2.4, 2.4, 1.9, 2.3]
    table = _table(
        doc,
        headers,
        widths,
        caption="Every key action: who is responsible and accountable, when it is due, "
        "where it stands",
    )
    for a in plan.actions:
        cells = _row(table, widths)
        _cell(cells[0], a.barrier.name)
        _cell(cells[1], a.description, f"Draws on: {a.draws_on}" if a.draws_on else "")
        _cell(cells[2], a.responsible)
        _cell(cells[3], a.accountable)
        _cell(cells[4], f"{a.due_on:%-d %b %Y}".replace(" ", NBSP))
        _cell(cells[5], a.status, a.overdue, a.last_update)
        if a.overdue:
            cells[5].paragraphs[1].runs[0].bold = True


# ---------------------------------------------------------------- the evidence


def _evidence_section(doc, summary: BoardSummary, evidence: list[BarrierEvidence]) -> None:
    doc.add_heading("Evidence and challenges, barrier by barrier", level=1)
    if not summary.revealed:
        doc.add_paragraph(
            "The individual ratings and their evidence are hidden until the facilitator "
            "reveals them."
        )
    for e in evidence:
        doc.add_heading(e.barrier.name, level=2)
        doc.add_paragraph(f"“{e.barrier.symptom}”", style="Quote")
        if e.consensus:
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"Agreed: {e.consensus.get_stage_display()}. ").bold = True
            paragraph.add_run(e.consensus.rationale)
        else:
            doc.add_paragraph("No consensus has been recorded yet.")
        if e.target:
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"Target: {e.target.get_stage_display()}.").bold = True
            if e.target.fewer_actions_reason:
                paragraph.add_run(f" Fewer than three key actions: {e.target.fewer_actions_reason}")
        if not e.revealed:
            doc.add_paragraph(f"{e.submitted} of {e.total} have rated this barrier.")
            continue
        if e.is_wide:
            doc.add_paragraph("The team's views ranged from starting to consolidating.")
        doc.add_heading("The evidence the team relied on", level=3)
        _quotes(doc, e.relied_on, empty="Nobody gave the agreed stage in their own rating.")
        if e.other_views:
            doc.add_heading("Other views, kept", level=3)
            _quotes(doc, e.other_views, empty="")
        doc.add_heading("Challenges", level=3)
        if not e.challenges:
            doc.add_paragraph("No challenges were recorded.")
        for c in e.challenges:
            doc.add_paragraph(f"{c.by}, on evidence from {c.on}: “{c.text}”", style="List Bullet")


def _quotes(doc, views, *, empty: str) -> None:
    if not views and empty:
        doc.add_paragraph(empty)
    for v in views:
        paragraph = doc.add_paragraph(style="Quote")
        paragraph.add_run(v.rating.evidence)
        by = f" — {v.long_label}, {v.rating.get_stage_display().lower()}"
        if v.rating.given_by_id:
            by += ", given through the facilitator"
        paragraph.add_run(by).italic = False
