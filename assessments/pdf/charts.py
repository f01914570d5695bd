"""The on-screen plotly figures as SVG for the PDFs, and as PNG for the Word report.

kaleido drives the system Chromium. Starting it costs about two seconds, so
one browser is started per process, on first use, and kept; every later
figure takes about 0.15 s (measured here). If the export fails, or takes
longer than ``CHART_EXPORT_TIMEOUT`` seconds (a stopped or wedged Chromium),
the PDF is still made, with the table that carries the same figures and a
note saying so.

The browser runs on an event loop of our own, in a thread of its own, rather
than kaleido's sync server: a call to that server cannot be abandoned (it
waits on a queue with no timeout), and a hung one held the request for ever.
Here a late figure is given up, its browser killed, and the next figure starts
a fresh one. Everything the browser writes (its profile, its page) lives in a
folder of this process under ``CHART_EXPORT_DIR``, which ``clear_stale`` empties
of the folders of processes that are gone.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import plotly
import plotly.graph_objects as go
from django.conf import settings

log = logging.getLogger(__name__)
_lock = threading.Lock()

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
# After a figure was abandoned, skip the export for a while rather than make every PDF
# wait for a browser that just failed (each PDF still comes, with its tables).
COOL_OFF = 60.0  # seconds
STARTUP_TIMEOUT = 30.0  # seconds: a cold Chromium on a busy 2-core server


class ExportTimeout(Exception):
    pass


def process_folder() -> Path:
    """This process's folder for the browser: host and pid, so that a worker can tell its
    own from those of the dead."""
    return Path(settings.CHART_EXPORT_DIR) / f"{socket.gethostname()}-{os.getpid()}"


def clear_stale() -> list[Path]:
    """Remove the browser folders of processes of this host that are no longer running.

    A worker killed (OOM, SIGKILL, a deploy) never cleans up after its Chromium: about
    1.2 MB each, for ever. Called when a worker starts."""
    root = Path(settings.CHART_EXPORT_DIR)
    host = socket.gethostname()
    removed = []
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        name, _, pid = folder.name.rpartition("-")
        if name != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        if _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive, and not ours to judge
        return True
    return True


class _Browser:
    """One kaleido (one Chromium) on an event loop in a daemon thread."""

    def __init__(self, timeout: float) -> None:
        import kaleido

        self.folder = process_folder() / f"browser-{time.monotonic_ns()}"
        self.folder.mkdir(parents=True, exist_ok=True)
        # kaleido's own page, written here rather than in a temporary folder of its own.
        page = self.folder / "index.html"
        page.write_text(
            kaleido.PageGenerator(plotly=str(PLOTLY_JS), mathjax=False).generate_index(),
            encoding="utf-8",
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="chart-export", daemon=True
        )
        self.thread.start()
        # mathjax off and a local plotly.js (in the page above): kaleido would otherwise
        # fetch both from the internet, which public-sector networks do not allow.
        self.kaleido = kaleido.Kaleido(
            n=1,
            timeout=timeout,
            page_generator=str(page),
            path=settings.BROWSER_PATH,
            tmp_dir=str(self.folder),
        )
        try:
            self._call(self.kaleido.open(), timeout=STARTUP_TIMEOUT)
        except BaseException:
            self.abandon()
            raise
        autogroup_match(self.kaleido.subprocess.pid)

    def _call(self, coroutine, *, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout=timeout)
        except concurrent.futures.TimeoutError as e:
            future.cancel()
            raise ExportTimeout(f"no answer from the chart export in {timeout:g} s") from e

    def svg(self, fig: go.Figure, opts: dict, *, timeout: float):
        """The figure exported as ``opts`` say (SVG for the PDFs, PNG for Word)."""
        return self._call(self.kaleido.calc_fig(fig, opts=opts), timeout=timeout)

    def abandon(self) -> None:
        """Kill the browser without waiting for it (it may be the thing that hangs)."""
        # The loop first, so that its watchdog does not go on to close the killed browser.
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=2)
        process = getattr(self.kaleido, "subprocess", None)
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            # Its helper processes write to the profile until they notice it is gone.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)
        # A helper process of the killed browser may still write into its profile, making
        # the folder again after this: sweep once more when they have all gone.
        sweep = threading.Timer(3.0, shutil.rmtree, (self.folder,), {"ignore_errors": True})
        sweep.daemon = True
        sweep.start()


def autogroup_match(pid: int) -> bool:
    """Give the scheduling group of process ``pid`` this process's niceness; whether it was
    given (the worker's own group, ``worker.priority_lower``, and its chart browser's).

    A niceness weighs only within a group, and the kernel shares the CPU between groups
    first. choreographer starts Chromium in a session of its own (``start_new_session``),
    and where the kernel has autogroups a new session is a new group at niceness 0: however
    low the worker's priority, the chart export weighed as much as both app servers
    together, and polls waited behind it (bench/README.md)."""
    niceness = min(os.nice(0), 19)
    if niceness <= 0:
        return False
    target = Path(f"/proc/{pid}/autogroup")
    for _ in range(5):
        try:
            target.write_text(str(niceness))
            return True
        except BlockingIOError:
            # The kernel allows one such change every 100 ms to a process without
            # CAP_SYS_ADMIN: the worker's own, then its browser's a moment later.
            time.sleep(0.12)
        except OSError:  # no autogroups here, or the process has gone
            return False
    log.warning("Could not lower the scheduling group of process %s", pid)
    return False


_browser: _Browser | None = None
_cool_off_until = 0.0


def _timeout() -> float:
    return float(settings.CHART_EXPORT_TIMEOUT)


def _ensure_browser() -> _Browser:
    global _browser
    if _browser is None:
        _browser = _Browser(timeout=_timeout())
        # Registered after the browser's own clean-ups, so run before them: its profile is
        # removed only once it has stopped writing to it.
        atexit.register(_close_at_exit, _browser)
    return _browser


def _close_at_exit(browser: _Browser) -> None:
    if browser is _browser:
        browser.abandon()
    with contextlib.suppress(OSError):
        process_folder().rmdir()  # empty unless another browser of ours is still in it


def _abandon() -> None:
    global _browser, _cool_off_until
    if _browser is not None:
        _browser.abandon()
    _browser = None
    _cool_off_until = time.monotonic() + COOL_OFF


def figure_svg(fig: go.Figure, *, width: int, height: int | None = None) -> str | None:
    """The figure as an SVG document, or None if it could not be exported in time."""
    data = _export(fig, {"format": "svg", "width": width, "height": height})
    return data.decode("utf-8") if isinstance(data, bytes) else data


def figure_png(
    fig: go.Figure, *, width: int, height: int | None = None, scale: float = 2
) -> bytes | None:
    """The figure as a PNG image (for Word, which takes no SVG), ``scale`` times its pixels
    so that it prints sharp; or None if it could not be exported in time."""
    data = _export(fig, {"format": "png", "width": width, "height": height, "scale": scale})
    return data.encode("latin-1") if isinstance(data, str) else data


def _export(fig: go.Figure, opts: dict):
    opts = {**opts, "height": opts["height"] or int(fig.layout.height or 400)}
    with _lock:
        if time.monotonic() < _cool_off_until:
            log.warning("Chart export skipped after a recent failure; the document shows the table")
            return None
        try:
            browser = _ensure_browser()
            data = browser.svg(fig, opts, timeout=_timeout())
        except Exception:  # any failure of the browser must not cost the document
            log.warning(
                "Chart export to %s failed; the document shows the table instead",
                opts["format"].upper(),
                exc_info=True,
            )
            _abandon()
            return None
    return data


def warm_in_background() -> None:
    """Start the browser now, so that the first PDF does not wait for it (a worker starting)."""

    def warm() -> None:
        try:
            with _lock:
                _ensure_browser()
        except Exception:  # the first PDF will try again and say why
            log.warning("Could not start the chart export ahead of time", exc_info=True)

    threading.Thread(target=warm, name="chart-export-warm", daemon=True).start()
