"""Generated PDFs on disk, one file per workshop revision, document and release.

Every visible change bumps ``Workshop.revision``, so a file named for the
revision is never out of date with the data: a second download of an
unchanged workshop reads the file and renders nothing. The name also carries
a fingerprint of the code that draws the PDFs, so that after an upgrade a
closed workshop, whose revision never moves again, is drawn afresh by the
new release instead of serving the old one's file for ever.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

PROJECT = Path(__file__).resolve().parent.parent.parent
# What a PDF is drawn from besides the workshop's data.
DRAWN_BY = ("templates/reports", "assessments", "model_content")
LIBRARIES = ("weasyprint", "plotly", "kaleido", "django")


@functools.cache
def release_fingerprint() -> str:
    digest = hashlib.sha256()
    for folder in DRAWN_BY:
        for path in sorted((PROJECT / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".css"} and "migrations" not in path.parts:
                digest.update(str(path.relative_to(PROJECT)).encode())
                digest.update(path.read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}=={version(library)}".encode())
    return digest.hexdigest()[:12]


def cache_path(*, workshop, kind: str) -> Path:
    name = f"{kind}-r{workshop.revision}-{release_fingerprint()}.pdf"
    return Path(settings.PDF_CACHE_DIR) / str(workshop.code) / name


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
