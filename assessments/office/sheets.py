"""The action plan and the individual ratings as rows: an Excel workbook (openpyxl) with a
sheet of each, and a CSV file of each. And the corporate roll-up as a workbook: a row per
unit, the spread per barrier as counts, each unit's stages over time; words and counts of
units, never a formula, an average or a score (para 65).

One row per key action (an action plan is tracked in a spreadsheet), one row per rating
after the reveal only: before it the ratings sheet and file have their header and no row,
for everyone (para 70b). An anonymous workshop's rows carry the participants' letters, in
the order of the letters; no row carries the time a rating was given, which could put a
name to a letter in a room that saw who typed last.

Dates are dates: real date cells in the workbook, ISO 8601 in the CSV.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessments.models import Workshop
from assessments.selectors.board import action_plan, document_reader, rating_rows
from assessments.selectors.rollup import STAGES, Rollup, level_label
from breakthrough.spreadsheets import csv_safe, xlsx_text

ACTION_HEADERS = [
    "Organisation",
    "Workshop",
    "Workshop date",
    "Barrier",
    "Action",
    "Responsible",
    "Accountable",
    "Due",
    "Status",
    "Overdue",
    "Last update",
    "Updated by",
    "Note",
]
RATING_HEADERS = [
    "Organisation",
    "Workshop",
    "Workshop date",
    "Barrier",
    "Participant",
    "Stage",
    "Evidence",
    "Given through the facilitator",
]
# Characters wide, per header; text columns wrap.
WIDTHS = {
    "Action": 50,
    "Evidence": 70,
    "Note": 40,
    "Barrier": 24,
    "Workshop": 30,
    "Unit": 28,
    "Unit path": 50,
    "Latest closed workshop": 30,
    "In words": 60,
}
WRAPPED = {"Action", "Evidence", "Note", "Unit path", "In words"}
DATE_FORMAT = "d mmm yyyy"  # 1 Dec 2026: never read as a month for a day
HEADER_ROW = 3  # under the title and what the sheet is as at


@dataclass
class Table:
    name: str  # the sheet's name
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _facts(workshop: Workshop) -> list:
    return [workshop.organisation.name, workshop.title, workshop.date]


def _as_at_note(workshop: Workshop, as_at: datetime.date) -> str:
    note = f"As at {as_at:%-d %B %Y}."
    if not workshop.is_closed:
        note += " Draft — workshop in progress: what it agreed may still change."
    return note


def action_table(workshop: Workshop, *, as_at: datetime.date) -> Table:
    plan = action_plan(workshop=workshop, actor=document_reader(workshop), as_at=as_at)
    rows = [
        [
            *_facts(workshop),
            a.barrier.name,
            a.description,
            a.responsible,
            a.accountable,
            a.due_on,
            a.status,
            a.overdue,
            timezone.localdate(a.updated_at) if a.updated_at else None,
            a.updated_by,
            a.note,
        ]
        for a in plan.actions
    ]
    return Table(
        name="Action plan",
        title=f"Action plan: {workshop.title}, {workshop.date:%-d %B %Y}",
        headers=ACTION_HEADERS,
        rows=rows,
        notes=[_as_at_note(workshop, as_at)],
    )


def rating_table(workshop: Workshop, *, as_at: datetime.date) -> Table:
    ratings = rating_rows(workshop=workshop, actor=document_reader(workshop))
    notes = [_as_at_note(workshop, as_at)]
    if ratings is None:
        notes.append("The individual ratings are hidden until the facilitator reveals them.")
    elif workshop.anonymous:
        notes.append("An anonymous workshop: each participant is shown by a letter.")
    rows = [
        [
            *_facts(workshop),
            r.barrier.name,
            r.who,
            r.stage_label,
            r.evidence,
            "Yes" if r.on_behalf else "",
        ]
        for r in ratings or []
    ]
    return Table(
        name="Ratings",
        title=f"Individual ratings: {workshop.title}, {workshop.date:%-d %B %Y}",
        headers=RATING_HEADERS,
        rows=rows,
        notes=notes,
    )


# ---------------------------------------------------------------- the workbook


def workbook_bytes(workshop: Workshop, *, as_at: datetime.date) -> bytes:
    """The action plan and the ratings, a sheet each, as an .xlsx file."""
    return _workbook(
        [action_table(workshop, as_at=as_at), rating_table(workshop, as_at=as_at)],
        organisation=workshop.organisation.name,
        title=f"{workshop.title}: action plan and ratings",
    )


def _workbook(tables: list[Table], *, organisation: str, title: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _sheet(book, table, organisation=organisation)
    book.properties.title = title
    book.properties.creator = organisation
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, table: Table, *, organisation: str) -> None:
    sheet = book.create_sheet(table.name)
    sheet.cell(row=1, column=1, value=xlsx_text(f"{table.title} ({organisation})")).font = Font(
        bold=True, size=14
    )
    sheet.cell(row=2, column=1, value=" ".join(table.notes))
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    for col, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS.get(header, 16)
    for r, values in enumerate(table.rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.value = value  # a count (of actions, of units): a number to sort by
            else:
                cell.value = xlsx_text(value or "")
                # Typed as text: openpyxl would store "=…" as a formula for Excel to run.
                cell.data_type = "s"
            if table.headers[col - 1] in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    # The title, the note and the header stay in sight while scrolling; the header is
    # printed on every page; and it filters.
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last = get_column_letter(len(table.headers))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(table.rows), 1)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# ---------------------------------------------------------------- the roll-up


def _rollup_notes(rollup: Rollup) -> list[str]:
    which = "Every level of the tree" if rollup.level is None else level_label(rollup.level)
    return [
        f"As at {rollup.today:%-d %B %Y}. {which}: {len(rollup.rows)} "
        f"unit{'' if len(rollup.rows) == 1 else 's'}.",
        "Stages are places on the wall chart, in words: nothing here is added up, averaged or "
        "scored (para 65).",
    ]


def rollup_tables(organisation, rollup: Rollup) -> list[Table]:
    """The roll-up's three sheets: each unit's latest consensus and target, the spread of
    the units per barrier, and each unit's stages over time."""
    names = [name for _slug, name in rollup.barriers]
    units = Table(
        name="Roll-up",
        title="Roll-up: each unit's latest consensus and target",
        headers=[
            "Unit",
            "Unit path",
            "Latest closed workshop",
            "Workshop date",
            *[f"{name}: {what}" for name in names for what in ("consensus", "target")],
            "Overdue actions",
            "No assessment in the last year",
        ],
        notes=_rollup_notes(rollup),
    )
    for row in rollup.rows:
        units.rows.append(
            [
                row.unit.name,
                " › ".join(u.name for u in row.path),
                row.latest.title if row.latest else "None closed yet",
                row.latest.date if row.latest else None,
                *[label for c in row.cells for label in (c.consensus_label, c.target_label)],
                row.overdue,
                "No assessment in the last year" if row.stale else "",
            ]
        )
    spread = Table(
        name="Spread",
        title="The spread across the units: how many stand at each stage, per barrier",
        headers=["Barrier", *[label for _s, label in STAGES], "No stage agreed", "In words"],
        rows=[
            [s.barrier, *[n for _s, _l, n in s.counts], s.not_agreed, s.sentence]
            for s in rollup.spread
        ],
        notes=[*_rollup_notes(rollup), "A count of units at each stage, never an average."],
    )
    trend = Table(
        name="Trend",
        title=f"Each unit over time: its last {rollup.trend_workshops} closed workshops at most",
        headers=["Unit", "Barrier", "Workshop", "Workshop date", "Stage"],
        rows=[
            [row.unit.name, t.barrier, p.workshop.title, p.workshop.date, p.label]
            for row in rollup.rows
            for t in row.trend
            for p in t.points
        ],
        notes=_rollup_notes(rollup),
    )
    return [units, spread, trend]


def rollup_workbook_bytes(organisation, rollup: Rollup) -> bytes:
    """The roll-up as an .xlsx file, a sheet for each of its tables."""
    return _workbook(
        rollup_tables(organisation, rollup),
        organisation=organisation.name,
        title=f"{organisation.name}: roll-up as at {rollup.today:%-d %B %Y}",
    )


# ---------------------------------------------------------------- CSV


def _csv_bytes(table: Table) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for values in table.rows:
        writer.writerow(
            [v.isoformat() if isinstance(v, datetime.date) else csv_safe(v or "") for v in values]
        )
    # With a byte order mark: Excel reads a CSV without one in the computer's own code page,
    # and "Siân" or "Zoë" would come out garbled.
    return out.getvalue().encode("utf-8-sig")


def actions_csv(workshop: Workshop, *, as_at: datetime.date) -> bytes:
    return _csv_bytes(action_table(workshop, as_at=as_at))


def ratings_csv(workshop: Workshop, *, as_at: datetime.date) -> bytes:
    return _csv_bytes(rating_table(workshop, as_at=as_at))
