"""The on-screen figures exported to SVG for the report, and the report without them."""

import io
import logging
import time

import pytest
from pypdf import PdfReader

from assessments import charts
from assessments.pdf import charts as pdf_charts
from assessments.pdf import context as pdf_context
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


def test_one_browser_serves_every_figure(series, alice, monkeypatch):
    pdf_charts.figure_svg(charts.figure_consensus_target([]), width=400)  # warm
    starts = []
    real = pdf_charts._Browser
    monkeypatch.setattr(pdf_charts, "_Browser", lambda **k: starts.append(1) or real(**k))

    drawn = pdf_render.pdf_render(series, "report")

    assert starts == []
    assert drawn.charts_complete


@pytest.fixture
def export_cools_off_only_here(monkeypatch):
    """A failed export makes the next minute's PDFs skip the chart; not the next tests'."""
    monkeypatch.setattr(pdf_charts, "_cool_off_until", 0.0)


def _text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def test_a_failed_export_still_gives_the_report_with_its_tables_and_a_note(
    series, monkeypatch, caplog, export_cools_off_only_here
):
    import kaleido

    async def broken(*args, **kwargs):
        raise RuntimeError("no browser")

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", broken)
    with caplog.at_level(logging.WARNING, logger="assessments.pdf.charts"):
        drawn = pdf_render.pdf_render(series, "report")

    text = _text(drawn.data)
    assert "Developing" in text or "Consolidating" in text or "Starting" in text
    assert "Leadership" in text
    assert "could not be drawn this time; the board summary carries the same figures" in text
    assert not drawn.charts_complete
    assert any("table instead" in r.getMessage() for r in caplog.records)


def test_an_export_that_hangs_is_abandoned_in_time_and_the_report_comes_with_its_tables(
    series, monkeypatch, settings, export_cools_off_only_here
):
    """A stopped Chromium answered nothing, for ever: the PDF never came and gunicorn killed
    the request at 30 s. Now the export is given up after CHART_EXPORT_TIMEOUT."""
    import asyncio

    import kaleido

    pdf_charts.figure_svg(charts.figure_consensus_target([]), width=400)  # a browser running
    hung = pdf_charts._browser
    assert hung is not None

    async def hangs(*args, **kwargs):
        await asyncio.sleep(3600)

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", hangs)
    settings.CHART_EXPORT_TIMEOUT = 1
    waited = []
    real_export = pdf_charts.figure_svg

    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return real_export(*args, **kwargs)
        finally:
            waited.append(time.monotonic() - started)

    monkeypatch.setattr(pdf_context, "figure_svg", timed)
    drawn = pdf_render.pdf_render(series, "report")

    # One second, then the browser killed (a busy machine: some margin).
    assert len(waited) == 1 and waited[0] < 4, f"the report waited {waited} s for the export"
    text = _text(drawn.data)
    assert "Leadership" in text and "Where the team put each barrier" in text
    assert "could not be drawn this time" in text
    assert not drawn.charts_complete
    # The hung browser is killed and its folder removed; the next export starts afresh.
    assert pdf_charts._browser is None
    assert hung.kaleido.subprocess.wait(timeout=5) is not None
    assert _gone_within(hung.folder, seconds=10)


def test_a_worker_starting_clears_the_browser_folders_of_stopped_workers_only(settings, tmp_path):
    import os
    import socket

    settings.CHART_EXPORT_DIR = tmp_path
    host = socket.gethostname()
    dead_pid = _a_pid_not_running()
    dead = tmp_path / f"{host}-{dead_pid}"
    (dead / "browser-1" / "tmpabc").mkdir(parents=True)
    (dead / "browser-1" / "tmpabc" / "Cookies").write_bytes(b"x" * 1000)
    alive = tmp_path / f"{host}-{os.getppid()}"  # a process that is running: not ours to clear
    alive.mkdir()
    mine = tmp_path / f"{host}-{os.getpid()}"
    mine.mkdir()
    elsewhere = tmp_path / f"another-host-{dead_pid}"  # another host's: its own worker clears it
    elsewhere.mkdir()

    removed = pdf_charts.clear_stale()

    assert removed == [dead]
    assert not dead.exists()
    assert alive.exists() and mine.exists() and elsewhere.exists()


def test_a_worker_lowers_its_cpu_priority_so_the_room_is_answered_first(settings):
    """In a child process: a niceness once raised cannot be lowered again without root."""
    import multiprocessing
    import os

    from assessments.pdf.worker import priority_lower

    settings.WORKER_NICE = 7
    before = os.nice(0)
    child = multiprocessing.get_context("fork")
    with child.Pool(1) as pool:
        after = pool.apply(priority_lower)
    assert after == min(before + 7, 19)
    assert os.nice(0) == before  # the test's own process is untouched


def _in_a_session_of_its_own() -> str:
    import os
    from pathlib import Path

    from assessments.pdf.worker import priority_lower

    os.setsid()  # as a service, a container or the benchmark starts the worker
    priority_lower()
    return Path("/proc/self/autogroup").read_text()


def test_a_worker_leading_its_own_session_lowers_its_autogroup_too(settings):
    """A niceness weighs only within a scheduling group, and the kernel shares the CPU
    between groups first: without this the renders took half the CPU (bench/README.md)."""
    import multiprocessing
    import os
    from pathlib import Path

    if not Path("/proc/self/autogroup").exists():
        pytest.skip("this kernel has no autogroups")
    settings.WORKER_NICE = 7
    with multiprocessing.get_context("fork").Pool(1) as pool:
        autogroup = pool.apply(_in_a_session_of_its_own)
    assert autogroup.split()[-1] == str(min(os.nice(0) + 7, 19))  # "/autogroup-85 nice 7"


def _a_worker_and_its_browser() -> tuple[str, str]:
    import os
    from pathlib import Path

    from assessments.pdf.worker import priority_lower

    os.setsid()
    priority_lower()
    browser = pdf_charts._Browser(timeout=20)
    try:
        theirs = Path(f"/proc/{browser.kaleido.subprocess.pid}/autogroup").read_text()
        return Path("/proc/self/autogroup").read_text(), theirs
    finally:
        browser.abandon()


def test_the_chart_browser_of_a_worker_is_as_low_in_priority_as_the_worker(settings):
    """Chromium is started in a session of its own, so a scheduling group of its own: left at
    niceness 0 it took a core from the app servers while the worker rendered (bench)."""
    import multiprocessing
    import os
    from pathlib import Path

    if not Path("/proc/self/autogroup").exists():
        pytest.skip("this kernel has no autogroups")
    settings.WORKER_NICE = 7
    with multiprocessing.get_context("fork").Pool(1) as pool:
        ours, browsers = pool.apply(_a_worker_and_its_browser)
    assert ours.split()[0] != browsers.split()[0]  # two groups: "/autogroup-85 nice 7"
    assert browsers.split()[-1] == ours.split()[-1] == str(min(os.nice(0) + 7, 19))


def _gone_within(path, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return not path.exists()


def _a_pid_not_running() -> int:
    import os

    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid -= 1


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
