"""Generated documents (the PDFs, the Word report, the spreadsheets) on local disk, one
file per workshop revision, day, document and release (the roll-up's: per digest of what it
shows, day, document and release).

Every visible change bumps ``Workshop.revision``, so a file named for the
revision is never out of date with the data: a second download of an
unchanged workshop reads the file and asks the database for nothing more. The
name also carries a fingerprint of the code that draws the PDFs, so that after
an upgrade a closed workshop, whose revision never moves again, is drawn afresh
by the new release instead of serving the old one's file for ever.

Best effort, in front of the rendered bytes kept in the database
(``PdfRender.data``): a folder that is read-only, full or missing is logged and
the PDF is served all the same; no temporary file is ever left behind.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import logging
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from assessments.documents import DOCUMENTS

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent.parent.parent
# What a PDF is drawn from besides the workshop's data.
DRAWN_BY = ("templates/reports", "assessments", "model_content")
LIBRARIES = ("weasyprint", "plotly", "kaleido", "django", "python-docx", "openpyxl")


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


def cache_path(
    *,
    workshop,
    kind: str,
    revision: int | None = None,
    release: str | None = None,
    as_at: datetime.date | None = None,
) -> Path:
    """The file of a workshop's document."""
    revision = workshop.revision if revision is None else revision
    return document_path(
        folder=str(workshop.code), kind=kind, version=f"r{revision}", release=release, as_at=as_at
    )


def document_path(
    *,
    folder: str,
    kind: str,
    version: str,
    release: str | None = None,
    as_at: datetime.date | None = None,
) -> Path:
    """The file of a document in ``folder``, where every other file of its kind is an
    earlier one (``cache_write`` removes them): a workshop's, or one roll-up digest's."""
    release = release or release_fingerprint()
    as_at = as_at or timezone.localdate()
    name = f"{kind}-{version}-{as_at:%Y%m%d}-{release}.{DOCUMENTS[kind].extension}"
    return Path(settings.PDF_CACHE_DIR) / folder / name


def cache_read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        log.warning("Could not read the cached PDF %s; serving it from the database", path)
        return None


def cache_write(path: Path, data: bytes, *, kind: str) -> bool:
    """Keep ``data`` at ``path``; False (and a warning in the log) if the disk refuses."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a concurrent download never reads half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{kind}-*"):
            if old != path:
                old.unlink(missing_ok=True)
        return True
    except OSError:
        log.warning(
            "Could not keep the PDF in the cache folder %s; it is served from the database",
            path.parent,
            exc_info=True,
        )
        return False
    finally:
        # A full disk fails the write after mkstemp made the file: never leave it behind.
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def folders_prune(root: Path, *, keep: str) -> list[Path]:
    """Remove every folder under ``root`` but those named ``keep`` or later (days as
    YYYYMMDD sort as they fall); the folders removed."""
    removed = []
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        if folder.is_dir() and folder.name < keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
