"""The two PDFs: what a chief executive takes to the board, checked as text and as pages."""

import io

import pytest
from django.utils.text import slugify
from pypdf import PdfReader

from assessments.models import Rating
from assessments.pdf import cache as pdf_cache
from assessments.pdf import render as pdf_render
from tests.builders import evidence_text, series_of_two, workshop_rated
from tests.pdfs import flat, pdf_get, pdf_url, text_of


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def series(northshire, alice, team):
    return series_of_two(organisation=northshire, facilitator=alice, members=team)


def test_the_report_carries_the_outcome_actions_and_the_previous_actions_status(
    client_for, series, vic
):
    earlier, current = series
    response = pdf_get(client_for(vic), pdf_url(current, "report"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    title = slugify(current.title)
    assert response["Content-Disposition"] == (
        f'attachment; filename="northshire-{title}-{current.date:%Y-%m-%d}-report.pdf"'
    )
    text = flat(text_of(response.content))
    for barrier in current.barriers.all():
        assert barrier.name in text
    for stage in ("Starting", "Developing", "Consolidating"):
        assert stage in text
    assert "Agreed stage: Developing." in text
    assert "Target: Consolidating." in text
    for action in current.actions.select_related("responsible", "accountable"):
        assert flat(action.description) in text
        assert action.responsible_display in text
        assert action.accountable_display in text
        assert f"{action.due_on:%-d %b %Y}" in text
    assert f"{current.reassess_on:%-d %B %Y}" in text
    for status in ("Done", "In progress", "Dropped", "Not started"):
        assert status in text
    assert "Last time's actions" in text
    assert text.count("Starting, target developing") == 6  # last time's, in the summary


@pytest.mark.parametrize("kind", ["wallchart", "report"])
def test_both_pdfs_are_tagged_with_language_and_title(client_for, series, alice, kind):
    _earlier, current = series
    reader = PdfReader(io.BytesIO(pdf_get(client_for(alice), pdf_url(current, kind)).content))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert current.title in reader.metadata.title


def test_before_the_reveal_no_pdf_shows_a_rating_or_evidence(
    client_for, northshire, alice, bob, team
):
    workshop = workshop_rated(
        organisation=northshire, facilitator=alice, members=team, revealed=False
    )
    secret = evidence_text(bob, workshop.barriers.get(slug="leadership"))
    for kind in ("wallchart", "report"):
        text = flat(text_of(pdf_get(client_for(alice), pdf_url(workshop, kind)).content))
        assert secret not in text
        assert "Evidence of" not in text
        assert "4 of 4 have rated" in text
        assert "(BE" not in text and "BE," not in text


def test_a_second_download_of_an_unchanged_workshop_renders_nothing(
    client_for, series, alice, monkeypatch
):
    _earlier, current = series
    calls = []
    real = pdf_render.pdf_render
    monkeypatch.setattr(
        pdf_render, "pdf_render", lambda w, k, **kw: calls.append(k) or real(w, k, **kw)
    )
    client = client_for(alice)
    first = pdf_get(client, pdf_url(current, "wallchart")).content
    second = client.get(pdf_url(current, "wallchart"))
    assert second.status_code == 200
    assert calls == ["wallchart"]
    assert first == second.content
    current.revision += 1
    current.save(update_fields=["revision"])
    pdf_get(client, pdf_url(current, "wallchart"))
    assert calls == ["wallchart", "wallchart"]
    assert pdf_cache.cache_path(workshop=current, kind="wallchart").exists()


def test_after_an_upgrade_a_closed_workshops_pdf_is_drawn_afresh_by_the_new_release(
    client_for, series, alice, monkeypatch
):
    # A closed workshop's revision never moves again: a file keyed on it alone would be
    # the old release's drawing for ever.
    closed, _current = series
    assert closed.is_closed
    client = client_for(alice)
    pdf_get(client, pdf_url(closed, "report"))
    old_file = pdf_cache.cache_path(workshop=closed, kind="report")
    old_file.write_bytes(b"%PDF-1.7 drawn by the previous release")

    monkeypatch.setattr(pdf_cache, "release_fingerprint", lambda: "next-release")
    served = pdf_get(client, pdf_url(closed, "report")).content
    assert b"previous release" not in served and served.startswith(b"%PDF")
    assert pdf_cache.cache_path(workshop=closed, kind="report").name.endswith("-next-release.pdf")
    assert not old_file.exists()  # the old release's file is cleared away
    # So is its render in the database: one render of the report is kept per workshop.
    assert list(closed.pdf_renders.filter(kind="report").values_list("release", flat=True)) == [
        "next-release"
    ]


def test_awkward_evidence_renders_as_text_and_keeps_the_layout(client_for, northshire, alice, team):
    workshop = workshop_rated(organisation=northshire, facilitator=alice, members=team)
    long_word = "Performance" * 27  # 297 characters without a space
    awkward = [
        "<script>alert(1)</script> <b>bold</b>",
        long_word,
        "تحسين الأداء",  # Arabic
        "改进绩效",  # Chinese
        "प्रदर्शन",  # Devanagari
        "Ŵyr ŷd",  # Welsh
        "Team morale 🎉",
    ]
    ratings = list(Rating.objects.filter(participant__workshop=workshop).order_by("pk"))
    for rating, text in zip(ratings, awkward, strict=False):
        rating.evidence = text
        rating.save(update_fields=["evidence"])
    workshop.revision += 1
    workshop.save(update_fields=["revision"])
    client = client_for(alice)
    report = pdf_get(client, pdf_url(workshop, "report")).content
    text = text_of(report)
    assert "<script>alert(1)</script>" in text  # shown as the text it is
    assert "改进绩效" in text
    assert "Ŵyr ŷd" in text
    assert long_word[:40] in flat(text).replace(" ", "")
    wallchart = PdfReader(io.BytesIO(pdf_get(client, pdf_url(workshop, "wallchart")).content))
    assert len(wallchart.pages) == 1


def test_an_outsider_cannot_download(client_for, series, mallory):
    _earlier, current = series
    assert client_for(mallory).get(pdf_url(current, "report")).status_code == 404
