"""Generated PDFs on disk, one file per workshop revision and document.

Every visible change bumps ``Workshop.revision``, so a file named for the
revision can never be out of date: a second download of an unchanged
workshop reads the file and renders nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def cache_path(*, workshop, kind: str) -> Path:
    return Path(settings.PDF_CACHE_DIR) / str(workshop.code) / f"{kind}-r{workshop.revision}.pdf"


def cached_pdf(*, workshop, kind: str, render: Callable[[], bytes]) -> bytes:
    path = cache_path(workshop=workshop, kind=kind)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so that a concurrent download never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    for old in path.parent.glob(f"{kind}-r*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return data
