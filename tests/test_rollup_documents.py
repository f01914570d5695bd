"""The corporate roll-up as an A3 PDF and a workbook: drawn by the task worker as every
document is (one render however many ask), showing what the person's page shows (their
units, the level they chose), in words and counts, never an average.

The example, by hand. Northshire's tree: Northshire > Adult Social Care, and Northshire >
Children's Services. Today is ``TODAY``.

- Northshire itself: closed 100 days ago, every barrier starting, target developing.
- Adult Social Care: closed 400 days ago (all starting, target developing), then 60 days
  ago: every barrier developing, target consolidating, but Leadership starting, target
  developing.
- Children's Services: closed 500 days ago, every barrier consolidating (target
  consolidating): not assessed in the last year.

Spread: Leadership, Northshire and Adult Social Care starting, Children's Services
consolidating: "2 units at starting, 1 unit at consolidating"; every other barrier one unit
at each stage. Overdue (three actions per barrier, due 30, 60 and 90 days after the
workshop, none done): Northshire 18; Adult Social Care 18 of the first and the second's 6
due 30 days ago, 24; Children's Services 18.
"""

import io
import re

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from assessments.models import PdfKind, PdfRender
from assessments.pdf import render as pdf_render
from model_content.models import Stage
from organisations.models import Role
from organisations.units import top_unit
from tests.factories import MembershipFactory, UserFactory
from tests.pdfs import document_get, flat, pages_text, save_pages, text_of, worker_run
from tests.test_pdf_report import _kinds, _structure
from tests.test_rollup import adults_history, below, closed, days_ago, grow, put

S, D, C = Stage.STARTING, Stage.DEVELOPING, Stage.CONSOLIDATING
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BARRIERS = 6


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def example(northshire, alice, team):
    top = top_unit(northshire)
    adults, children = below(top, alice, "Adult Social Care", "Children's Services")
    closed(top, alice, team, days_ago(100), S, D)
    adults_history(adults, alice, team)
    closed(children, alice, team, days_ago(500), C, C)
    return {"top": top, "adults": adults, "children": children}


@pytest.fixture
def director(northshire, example):
    """A viewer of Adult Social Care only (a member of the organisation, no more)."""
    person = UserFactory(email="director@example.org", first_name="Dee")
    MembershipFactory(user=person, organisation=northshire, role=Role.MEMBER)
    put(example["adults"], person, Role.VIEWER)
    return person


def url(name, org="northshire", **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return reverse(name, kwargs={"org": org}) + query


def tasks_queued() -> int:
    return DBTaskResult.objects.ready().count()


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def rows_of(sheet, header_row=3) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=header_row, values_only=True)]


# ---------------------------------------------------------------- asked once, drawn by a worker


def test_the_roll_up_pdf_is_asked_for_once_however_many_ask_and_the_worker_draws_it(
    client_for, example, vic, alice, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError("the roll-up was drawn in the request")

    with monkeypatch.context() as m:
        m.setattr(pdf_render, "rollup_pdf", refuse)
        # The chief executive's viewer and a facilitator follow the same units: one render.
        for person in (vic, alice, vic):
            response = client_for(person).get(url("rollup_pdf"))
            assert response.status_code == 202
            assert "Preparing the roll-up…" in response.content.decode()
            assert client_for(person).get(url("rollup_pdf_status")).json()["state"] == "queued"
    render = PdfRender.objects.get()
    assert (render.workshop, render.organisation, render.kind) == (
        None,
        example["top"].organisation,
        PdfKind.ROLLUP,
    )
    assert tasks_queued() == 1
    page = client_for(vic).get(url("rollup_pdf")).content.decode()
    assert f'href="{url("rollup")}">← Roll-up</a>' in page
    assert f'data-pdf-status-url="{url("rollup_pdf_status")}"' in page

    [result] = worker_run()

    assert result.status == "SUCCESSFUL" and result.return_value == "ready"
    assert client_for(alice).get(url("rollup_pdf_status")).json()["state"] == "ready"
    response = client_for(alice).get(url("rollup_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="northshire-roll-up-{days_ago(0):%Y-%m-%d}.pdf"'
    )
    assert PdfRender.objects.count() == 1


def test_the_pdf_says_each_unit_its_stages_in_words_and_the_spread_in_sentences(
    client_for, example, vic
):
    data = document_get(client_for(vic), url("rollup_pdf"), "application/pdf").content
    save_pages(data, "rollup", dpi=50)
    text = flat(text_of(data))
    for unit in ("Northshire Council", "Adult Social Care", "Children's Services"):
        assert unit in text
    assert "Roll-up: where each unit stands" in text
    assert f"as at {days_ago(0):%-d %B %Y}" in text
    # Stages as words, with the key that names each pattern.
    assert "Starting: dots" in text and "Developing: stripes" in text
    assert "Consolidating: crossed" in text
    assert "Target: Consolidating" in text
    # The spread as sentences, counts of units.
    assert "2 units at starting, 1 unit at consolidating" in text
    assert "1 unit at starting, 1 unit at developing, 1 unit at consolidating" in text
    # Overdue actions, the unit not assessed for a year, and Adult Social Care's trend.
    assert "18 overdue" in text and "24 overdue" in text
    assert "No assessment in the last year" in text
    assert "1 of the 3 units shown has not closed a workshop in the last year" in text
    assert "Starting, then developing" in text
    assert f"{days_ago(400):%-d %b %Y}, then {days_ago(60):%-d %b %Y}" in text
    # No rating or evidence of anyone in the room.
    assert "Evidence of" not in text


def test_the_pdf_is_a3_landscape_and_its_grid_one_tagged_table_over_many_pages(
    client_for, northshire, alice, vic
):
    grow(northshire, alice, 30, 1)
    data = document_get(client_for(vic), url("rollup_pdf"), "application/pdf").content
    save_pages(data, "rollup-30", dpi=50)
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    width, height = (round(float(v) / 72 * 25.4) for v in pages[0].mediabox[2:])
    assert (width, height) == (420, 297)
    texts = [flat(t) for t in pages_text(data)]
    grid_pages = [t for t in texts if "Unit 2" in t and "Overdue actions" in t]
    assert len(grid_pages) >= 2  # 31 units: the grid runs onto a second sheet...
    assert all("Latest closed workshop" in t for t in grid_pages)  # ...its header on each
    assert "Unit 29" in " ".join(texts)
    tables = [e for e in _structure(data) if e["/S"] == "/Table"]
    # The grid, the spread, the trend: three tables, each captioned, however many pages.
    assert len(tables) == 3
    assert all(_kinds(t)[0] == "/Caption" for t in tables)
    assert _kinds(tables[0]).count("/THead") >= 2


# ---------------------------------------------------------------- what a person follows


def test_a_person_who_follows_one_directorate_gets_documents_without_the_others(
    client_for, example, vic, director
):
    theirs = document_get(client_for(director), url("rollup_pdf"), "application/pdf").content
    everyones = document_get(client_for(vic), url("rollup_pdf"), "application/pdf").content
    assert "Children's Services" not in text_of(theirs)
    assert "Adult Social Care" in text_of(theirs)
    assert "Children's Services" in text_of(everyones)
    # Two renders, keyed by two digests of what each shows.
    digests = set(PdfRender.objects.values_list("digest", flat=True))
    assert len(digests) == 2

    book = workbook(document_get(client_for(director), url("rollup_xlsx"), XLSX).content)
    units = [r[0] for r in rows_of(book["Roll-up"])[1:]]
    assert units == ["Northshire Council", "Adult Social Care"]
    assert "Children's Services" not in {r[0] for r in rows_of(book["Trend"])}


@pytest.mark.parametrize("name", ["rollup_pdf", "rollup_xlsx", "rollup_pdf_status"])
def test_the_documents_are_refused_to_a_member_who_oversees_no_unit(
    client_for, example, bob, mallory, name
):
    response = client_for(bob).get(url(name))
    assert response.status_code == 403
    assert not PdfRender.objects.exists()
    assert client_for(mallory).get(url(name)).status_code == 404


def test_the_level_filter_goes_to_the_documents_and_back(client_for, example, vic):
    page = client_for(vic).get(url("rollup", level=1)).content.decode()
    assert f'href="{url("rollup_pdf", level=1)}">Roll-up (PDF, A3)</a>' in page
    assert f'href="{url("rollup_xlsx", level=1)}">Roll-up (Excel)</a>' in page
    preparing = client_for(vic).get(url("rollup_xlsx", level=1)).content.decode()
    assert f'href="{url("rollup", level=1)}">← Roll-up</a>' in preparing
    assert url("rollup_xlsx_status", level=1) in preparing
    data = document_get(client_for(vic), url("rollup_xlsx", level=1), XLSX)
    assert "roll-up-level-1-" in data["Content-Disposition"]
    units = [r[0] for r in rows_of(workbook(data.content)["Roll-up"])[1:]]
    assert units == ["Adult Social Care", "Children's Services"]
    assert PdfRender.objects.get().level == 1


# ---------------------------------------------------------------- the workbook


def test_the_workbook_has_the_hand_counted_figures_in_words_and_counts(client_for, example, vic):
    book = workbook(document_get(client_for(vic), url("rollup_xlsx"), XLSX).content)
    assert book.sheetnames == ["Roll-up", "Spread", "Trend"]

    units = book["Roll-up"]
    header, *rows = rows_of(units)
    assert header[:4] == ["Unit", "Unit path", "Latest closed workshop", "Workshop date"]
    assert header[4:6] == ["Leadership: consensus", "Leadership: target"]
    assert header[-2:] == ["Overdue actions", "No assessment in the last year"]
    by_unit = {r[0]: r for r in rows}
    adults = by_unit["Adult Social Care"]
    assert adults[1] == "Northshire Council › Adult Social Care"
    assert adults[3].date() == days_ago(60)
    assert adults[4:8] == ["Starting", "Developing", "Developing", "Consolidating"]
    assert {u: r[-2] for u, r in by_unit.items()} == {
        "Northshire Council": 18,
        "Adult Social Care": 24,
        "Children's Services": 18,
    }
    assert [u for u, r in by_unit.items() if r[-1]] == ["Children's Services"]
    assert units.freeze_panes == "A4"

    header, *spread = rows_of(book["Spread"])
    assert header == [
        "Barrier", "Starting", "Developing", "Consolidating", "No stage agreed", "In words"
    ]  # fmt: skip
    leadership = next(r for r in spread if r[0] == "Leadership")
    assert leadership == [
        "Leadership", 2, 0, 1, 0, "2 units at starting, 1 unit at consolidating"
    ]  # fmt: skip
    assert all(r[1:4] == [1, 1, 1] for r in spread if r[0] != "Leadership")

    header, *trend = rows_of(book["Trend"])
    assert header == ["Unit", "Barrier", "Workshop", "Workshop date", "Stage"]
    # A row per unit, barrier and closed workshop: 1 + 2 + 1 workshops, 6 barriers each.
    assert len(trend) == 4 * BARRIERS
    learning = [(r[3].date(), r[4]) for r in trend if r[:2] == ["Adult Social Care", "Learning"]]
    assert learning == [(days_ago(400), "Starting"), (days_ago(60), "Developing")]

    # Nothing for Excel to compute: no formula anywhere.
    for sheet in book:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_no_average_or_score_appears_in_either_document(client_for, example, vic):
    client = client_for(vic)
    pdf = flat(text_of(document_get(client, url("rollup_pdf"), "application/pdf").content))
    book = workbook(document_get(client, url("rollup_xlsx"), XLSX).content)
    cells = " ".join(
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
    )
    for text in (pdf, cells):
        assert not re.search(r"\d\.\d", text), "a figure with decimals"
        assert not re.search(r"\bscore\b|\bmean\b|\baverage (stage|of)\b", text, re.I)


# ---------------------------------------------------------------- a change, and the cost


def test_a_change_before_the_worker_draws_it_supersedes_the_render(
    client_for, example, vic, alice, team
):
    client = client_for(vic)
    assert client.get(url("rollup_pdf")).status_code == 202
    asked = PdfRender.objects.get()
    closed(example["children"], alice, team, days_ago(5), D, C)  # a workshop closes

    [result] = worker_run()

    assert result.return_value == "superseded"
    assert not PdfRender.objects.exists()
    # The next ask is for the roll-up as it is now: another key, drawn.
    data = document_get(client, url("rollup_pdf"), "application/pdf").content
    assert PdfRender.objects.get().digest != asked.digest
    assert "has not closed a workshop in the last year" not in flat(text_of(data))


def test_a_download_costs_the_same_queries_for_3_units_or_30(client_for, northshire, alice, vic):
    from tests.test_query_counts import queries_for

    client = client_for(vic)
    counts = {}
    for units in (3, 30):
        grow(northshire, alice, units, 1)
        for name in ("rollup_pdf", "rollup_pdf_status", "rollup_xlsx"):
            status, counts[units, name] = queries_for(client, url(name))
            assert status in (200, 202)
    assert all(counts[3, n] == counts[30, n] for n in ("rollup_pdf", "rollup_xlsx")), counts
    assert counts[3, "rollup_pdf_status"] == counts[30, "rollup_pdf_status"], counts
    # Drawn: served from the cache folder, the same few queries again.
    worker_run()
    status, drawn = queries_for(client, url("rollup_pdf"))
    assert status == 200
    assert drawn <= counts[30, "rollup_pdf"]


def test_a_roll_up_render_that_failed_is_queued_again_on_the_next_ask_as_any_document(
    client_for, example, vic
):
    client = client_for(vic)
    client.get(url("rollup_xlsx"))
    PdfRender.objects.update(status="failed", attempts=1)

    assert client.get(url("rollup_xlsx_status")).json()["state"] == "queued"
    assert tasks_queued() == 2
    # Both tasks run: one draws it, the other finds it taken.
    assert sorted(r.return_value for r in worker_run()) == ["ready", "taken"]
    assert client.get(url("rollup_xlsx")).status_code == 200


def test_a_render_whose_asker_can_no_longer_read_the_roll_up_is_superseded_not_drawn(
    client_for, example, vic, alice
):
    from organisations.models import Membership

    client_for(vic).get(url("rollup_pdf"))
    Membership.objects.filter(user=vic).update(role=Role.MEMBER)  # oversees nothing now
    [result] = worker_run()
    assert result.return_value == "superseded"
    assert not PdfRender.objects.exists()
    # Leaving takes a queued row with it; the next ask is someone else's.
    client_for(alice).get(url("rollup_pdf"))
    Membership.objects.filter(user=alice).delete()
    assert not PdfRender.objects.exists()


def test_a_roll_up_drawn_clears_the_disk_of_every_earlier_days_roll_up_but_not_todays(
    client_for, example, vic, settings
):
    """A roll-up's folder is named for a digest of what it showed that day: nobody asks for
    it again, and every reader's every day stayed on disk for ever."""
    root = settings.PDF_CACHE_DIR / "rollup" / str(example["top"].organisation.code)
    yesterday, today = f"{days_ago(1):%Y%m%d}", f"{days_ago(0):%Y%m%d}"
    old = root / yesterday / ("a" * 64)  # someone's roll-up of yesterday
    old.mkdir(parents=True)
    (old / f"rollup-{'a' * 12}-{yesterday}-0123456789ab.pdf").write_bytes(b"%PDF old")
    other = root / today / ("b" * 64)  # another reader's roll-up of today
    other.mkdir(parents=True)
    (other / f"rollup-{'b' * 12}-{today}-0123456789ab.pdf").write_bytes(b"%PDF today")

    client_for(vic).get(url("rollup_pdf"))
    worker_run()

    assert sorted(f.name for f in root.iterdir()) == [today]
    assert other.exists()
    [mine] = [f for f in (root / today).iterdir() if f != other]
    assert [p.suffix for p in mine.iterdir()] == [".pdf"]
    assert client_for(vic).get(url("rollup_pdf")).status_code == 200
