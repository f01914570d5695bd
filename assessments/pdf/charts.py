"""The on-screen plotly figures as SVG, for the PDFs.

kaleido drives the system Chromium. Starting it costs about two seconds, so
one kaleido server is started per process, on first use, and kept; every
later figure takes about 0.15 s (measured here). If the export fails, the
PDF is still made, with the table that carries the same figures.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import plotly
import plotly.graph_objects as go
from django.conf import settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_started = False

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _ensure_server() -> None:
    global _started
    if _started:
        return
    import kaleido

    os.environ.setdefault("BROWSER_PATH", settings.BROWSER_PATH)
    # mathjax=False and a local plotly.js: kaleido would otherwise fetch both
    # from the internet, which public-sector networks do not allow.
    kaleido.start_sync_server(mathjax=False, plotlyjs=str(PLOTLY_JS), silence_warnings=True)
    _started = True


def figure_svg(fig: go.Figure, *, width: int, height: int | None = None) -> str | None:
    """The figure as an SVG document, or None if it could not be exported."""
    height = height or int(fig.layout.height or 400)
    try:
        import kaleido

        with _lock:
            _ensure_server()
            data = kaleido.calc_fig_sync(
                fig, opts={"format": "svg", "width": width, "height": height}
            )
    except Exception:  # any failure of the browser must not cost the PDF
        log.warning("Chart export to SVG failed; the PDF shows the table instead", exc_info=True)
        return None
    return data.decode("utf-8") if isinstance(data, bytes) else data


def warm_in_background() -> None:
    """Start kaleido's browser now, off the request path (gunicorn.conf.py calls it per worker)."""

    def warm() -> None:
        try:
            with _lock:
                _ensure_server()
        except Exception:  # the first PDF will try again and say why
            log.warning("Could not start kaleido ahead of time", exc_info=True)

    threading.Thread(target=warm, name="kaleido-warm", daemon=True).start()
