"""The on-screen figures exported to SVG for the report, and the report without them."""

import io
import logging

import pytest
from pypdf import PdfReader

from assessments import charts
from assessments.pdf import charts as pdf_charts
from assessments.pdf import render as pdf_render
from assessments.selectors import outcome as outcome_selectors
from tests.builders import series_of_two


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


@pytest.fixture
def series(northshire, alice, team):
    return series_of_two(organisation=northshire, facilitator=alice, members=team)[1]


def test_the_consensus_against_target_figure_exports_as_real_svg(series, alice):
    outcomes = outcome_selectors.workshop_outcome(series)
    fig = charts.figure_consensus_target(charts.outcome_rows(outcomes))

    svg = pdf_charts.figure_svg(fig, width=900)

    assert svg is not None
    assert svg.lstrip().startswith("<svg")
    assert "</svg>" in svg
    assert "Leadership" in svg  # the barrier names are in the chart's text


def test_one_kaleido_server_serves_every_figure(series, alice, monkeypatch):
    import kaleido

    pdf_charts.figure_svg(charts.figure_consensus_target([]), width=400)  # warm
    starts = []
    real_start = kaleido.start_sync_server
    monkeypatch.setattr(
        kaleido, "start_sync_server", lambda *a, **k: starts.append(1) or real_start(*a, **k)
    )

    pdf_render.pdf_render(series, "report")

    assert starts == []


def test_a_failed_export_still_gives_the_report_with_its_tables_and_a_warning(
    series, monkeypatch, caplog
):
    import kaleido

    def broken(*args, **kwargs):
        raise RuntimeError("no browser")

    monkeypatch.setattr(kaleido, "calc_fig_sync", broken)
    with caplog.at_level(logging.WARNING, logger="assessments.pdf.charts"):
        data = pdf_render.pdf_render(series, "report")

    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )
    assert "Developing" in text or "Consolidating" in text or "Starting" in text
    assert "Leadership" in text
    assert any("table instead" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.org/x.png"])
def test_rendering_fetches_nothing_but_local_static_files(url):
    fetcher = pdf_render.LocalFetcher()

    with pytest.raises(Exception):  # noqa: B017, PT011
        fetcher.fetch(url)


def test_rendering_serves_the_project_static_files_and_inline_data():
    fetcher = pdf_render.LocalFetcher()
    static_file = next(p for p in pdf_render.STATIC.rglob("*.css"))

    assert fetcher.fetch(static_file.as_uri()).read()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
