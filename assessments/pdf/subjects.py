"""What a render row is of: a workshop's documents, or an organisation's roll-up.

``queue.py`` and ``tasks.py`` are one render machine for both (asked, claimed, drawn, lost,
failed and retried the same way); a subject says what the rest differs in: what keys its
row, what else the row records, where its file is kept on disk, what its file is called,
how it is drawn, and, in the worker, whether the row still says what the subject shows now
(else the render is superseded: nobody will ask for that key again).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db.models import Q, QuerySet

from assessments.documents import (
    Drawn,
    document_draw,
    document_filename,
    rollup_draw,
    rollup_filename,
)
from assessments.models import ROLLUP_KINDS, PdfKind, PdfRender, Workshop
from assessments.pdf import cache
from assessments.selectors.rollup import Rollup, rollup_digest, rollup_of
from assessments.selectors.units import scope_of
from organisations.access import actor_for
from organisations.models import Membership
from organisations.rules import can


class Subject(Protocol):
    kinds: tuple[str, ...]

    def key(self) -> dict: ...  # the row's fields that name it, besides release, kind, day

    def fields(self) -> dict: ...  # what else a new row records

    def path(self, kind: str, *, release: str, as_at: datetime.date) -> Path: ...

    def filename(self, kind: str) -> str: ...

    def draw(self, kind: str, *, as_at: datetime.date) -> Drawn: ...

    def earlier(self, render: PdfRender) -> QuerySet: ...  # never served once it is drawn

    def disk_tidy(self, render: PdfRender) -> None: ...  # the files ``earlier`` leaves on disk


class WorkshopDocuments:
    """A workshop's documents, at its current revision."""

    kinds = tuple(k for k in PdfKind.values if k not in ROLLUP_KINDS)

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop

    def __str__(self) -> str:
        return f"workshop {self.workshop.code}"

    def key(self) -> dict:
        return {"workshop": self.workshop, "revision": self.workshop.revision}

    def fields(self) -> dict:
        return {}

    def path(self, kind: str, *, release: str, as_at: datetime.date) -> Path:
        return cache.cache_path(workshop=self.workshop, kind=kind, release=release, as_at=as_at)

    def filename(self, kind: str) -> str:
        return document_filename(self.workshop, kind)

    def draw(self, kind: str, *, as_at: datetime.date) -> Drawn:
        return document_draw(self.workshop, kind, as_at=as_at)

    def earlier(self, render: PdfRender) -> QuerySet:
        # Earlier revisions, days and releases of this document.
        return PdfRender.objects.filter(
            workshop_id=render.workshop_id, kind=render.kind, revision__lte=render.revision
        )

    def disk_tidy(self, render: PdfRender) -> None:
        pass  # one folder per workshop, and ``cache_write`` removes its earlier files

    @classmethod
    def of_render(cls, render: PdfRender) -> WorkshopDocuments | None:
        """The workshop's documents, if it has not changed since the ask (a download asks
        for the current revision; a closed workshop's change queued its own)."""
        workshop = Workshop.objects.select_related("organisation", "model_version").get(
            pk=render.workshop_id
        )
        return cls(workshop) if workshop.revision == render.revision else None


class RollupDocuments:
    """The roll-up of an organisation as one person reads it now (their units, one level or
    every level), keyed by a digest of what it shows: whoever else reads the same shares it."""

    kinds = ROLLUP_KINDS

    def __init__(self, organisation, rollup: Rollup, membership: Membership) -> None:
        self.organisation = organisation
        self.rollup = rollup
        self.membership = membership
        self.digest = rollup_digest(rollup, organisation=organisation)

    def __str__(self) -> str:
        return f"roll-up {self.digest[:12]} of {self.organisation.slug}"

    def key(self) -> dict:
        return {"workshop": None, "organisation": self.organisation, "digest": self.digest}

    def fields(self) -> dict:
        return {"asked_by": self.membership, "level": self.rollup.level}

    def path(self, kind: str, *, release: str, as_at: datetime.date) -> Path:
        # A folder per digest (another person's roll-up is not an earlier file of this one),
        # in a folder per day, which ``disk_tidy`` removes whole once the day has passed.
        return cache.document_path(
            folder=f"{self._folder()}/{as_at:%Y%m%d}/{self.digest}",
            kind=kind,
            version=self.digest[:12],
            release=release,
            as_at=as_at,
        )

    def filename(self, kind: str) -> str:
        return rollup_filename(self.organisation, self.rollup, kind)

    def draw(self, kind: str, *, as_at: datetime.date) -> Drawn:
        return rollup_draw(self.organisation, self.rollup, kind)

    def earlier(self, render: PdfRender) -> QuerySet:
        # Earlier days of every digest (a day's documents are never asked for again), and
        # other releases of this one; other digests of today are other people's.
        return PdfRender.objects.filter(
            organisation_id=render.organisation_id, workshop__isnull=True, kind=render.kind
        ).filter(Q(as_at__lt=render.as_at) | Q(digest=render.digest))

    def disk_tidy(self, render: PdfRender) -> None:
        # Earlier days' folders, as ``earlier`` does for the rows: a digest includes the day,
        # so no later ask names them again, and every reader's every day stayed for ever.
        cache.folders_prune(
            Path(settings.PDF_CACHE_DIR) / self._folder(), keep=f"{render.as_at:%Y%m%d}"
        )

    def _folder(self) -> str:
        return f"rollup/{self.organisation.code}"

    @classmethod
    def of_render(cls, render: PdfRender) -> RollupDocuments | None:
        """The roll-up read again as the person who asked reads it on the row's day, if it
        still shows what they asked for (and they still may read it)."""
        membership = (
            Membership.objects.select_related("organisation", "user")
            .filter(pk=render.asked_by_id)
            .first()
        )
        if membership is None:
            return None
        organisation = membership.organisation
        actor = actor_for(organisation=organisation, user=membership.user)
        if not can(actor, "read_rollup"):
            return None
        rollup = rollup_of(
            organisation=organisation,
            scope=scope_of(organisation=organisation, actor=actor),
            level=render.level,
            today=render.as_at,
        )
        subject = cls(organisation, rollup, membership)
        return subject if subject.digest == render.digest else None


def subject_of(render: PdfRender) -> WorkshopDocuments | RollupDocuments | None:
    """What ``render`` is of, as it is now; None when it no longer shows what was asked."""
    if render.workshop_id is not None:
        return WorkshopDocuments.of_render(render)
    return RollupDocuments.of_render(render)
