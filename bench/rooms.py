"""The room-realistic run: many workshops at once, each behaving as a room does.

Twenty workshops of twelve people (``bench/seed.py rooms``), every person's screen open
on the workshop page and polling its state as ``static/js/live.js`` does (the next poll
one interval after the last answer; a 200 carries the new revision, a move of step makes
the page follow with a full load), and the wall chart on the projector polling its grid
and charts (it does not follow the step: ``data-follow="none"``). Each person rates a
barrier after thinking for a while (``--think`` seconds, uniform), posts it, and their page
reloads. Each facilitator moves the workshop on to step 3 once in each phase and, ten
seconds later, back to step 2 (the "not everyone has finished" moment of every room);
nobody submits meanwhile. The run has
two phases of equal length: the rooms alone, then the rooms while ten cold reports of
other workshops are asked for at once, each followed to the file as ``pdf_wait.js`` does.

Measured, per phase: every poll's latency (304 and 200 alike), every page load, every
submit; for each submit the time from its start until every screen of that workshop that
shows it (the facilitator's progress panel and the projector's wall chart: a member's page
at step 2 shows the stepper, which a submit does not change, so their poll stays 304) has
seen a revision at least as new (``change on every screen``); for each move of step the
time from the facilitator's press until every member's page has followed it; and each cold
PDF's time from the first request until its file arrived.

One asyncio client drives all of it on the same machine as the server, as wrk does; a
request opens its own connection (gunicorn's sync workers close each one anyway).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

REVISION = re.compile(rb'data-revision="(\d+)"')
ASSESS, CONSENSUS = 2, 3


@dataclass
class Phase:
    name: str
    polls: list[float] = field(default_factory=list)
    polls_304: list[float] = field(default_factory=list)
    trace: list[tuple[float, float, int]] = field(default_factory=list)  # start, s, status
    pages: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    moves: list[float] = field(default_factory=list)
    pdfs: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    refused: int = 0  # submits refused because the facilitator had just moved the step
    unseen: int = 0  # changes (or moves) some screen had not seen by the end of the phase

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


@dataclass
class Screen:
    """One person's open workshop page: the revisions it has seen, and when."""

    person: dict
    wallchart: bool = False  # the projector's wall chart, not a workshop page
    etag: str = ""
    revision: int = 0
    step: int = ASSESS
    seen: list[tuple[float, int]] = field(default_factory=list)
    steps: list[tuple[float, int]] = field(default_factory=list)

    def saw(self, revision: int) -> None:
        if revision > self.revision:
            self.revision = revision
            self.seen.append((time.monotonic(), revision))

    def first_saw(self, revision: int) -> float | None:
        return next((t for t, r in self.seen if r >= revision), None)

    def followed(self, step: int, since: float) -> float | None:
        return next((t for t, s in self.steps if s == step and t >= since), None)


@dataclass
class Room:
    spec: dict
    screens: list[Screen]
    changes: list[tuple[float, int, Screen, Phase]] = field(default_factory=list)
    moves: list[tuple[float, int, Phase]] = field(default_factory=list)

    @property
    def members(self) -> list[Screen]:
        return [s for s in self.screens[1:] if not s.wallchart]

    @property
    def showing_submits(self) -> list[Screen]:
        """The facilitator's page (its progress panel) and the projector's wall chart."""
        return [self.screens[0], *(s for s in self.screens if s.wallchart)]


class Client:
    def __init__(self, port: int):
        self.port, self.host = port, f"127.0.0.1:{port}"

    async def request(self, method: str, path: str, person: dict, *, data=None, headers=None):
        """(status, headers with lower-case names, body, seconds); status 0 for no answer."""
        body = urlencode(data, doseq=True).encode() if data is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}",
            "X-Forwarded-Proto: https",
            f"Cookie: sessionid={person['session']}; csrftoken={person['csrf']}",
            "Connection: close",
        ]
        if data is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"X-CSRFToken: {person['csrf']}",
                f"Origin: https://{self.host}",
            ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        t0 = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(-1), timeout=60)
            writer.close()
        except (TimeoutError, OSError):
            return 0, {}, b"", time.monotonic() - t0
        seconds = time.monotonic() - t0
        head, _, content = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ")
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        response_headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            response_headers[name.strip().lower()] = value.strip()
        return status, response_headers, content, seconds


class Run:
    def __init__(self, seed: dict, port: int, args):
        self.client = Client(port)
        self.args = args
        self.rooms = [
            Room(
                spec,
                [
                    *(Screen(p) for p in [spec["facilitator"], *spec["members"]]),
                    Screen(spec["facilitator"], wallchart=True),
                ],
            )
            for spec in seed["rooms"]
        ]
        self.pdf_specs = seed["pdfs"]
        self.phase: Phase | None = None
        self.stopping = False
        self.rng = random.Random(2026)

    # --- what a screen does ------------------------------------------------------------------

    async def page(self, room: Room, screen: Screen) -> None:
        """A full load of the workshop page (after a submit, a step move, or at the start)."""
        status, _, body, seconds = await self.client.request(
            "GET", room.spec["wallchart" if screen.wallchart else "detail"], screen.person
        )
        phase = self.phase
        if status != 200:
            phase and phase.error(f"page {status}")
            return
        if phase:
            phase.pages.append(seconds)
        if match := REVISION.search(body):
            screen.saw(int(match[1]))
        screen.etag = ""  # a new page learns its ETag with its first poll

    async def screen_loop(self, room: Room, screen: Screen) -> None:
        await asyncio.sleep(self.rng.uniform(0, self.args.poll_ms / 1000))
        await self.page(room, screen)
        while not self.stopping:
            headers = {"Accept": "application/json"}
            if screen.etag:
                headers["If-None-Match"] = screen.etag
            status, response_headers, body, seconds = await self.client.request(
                "GET",
                room.spec["wallchart_state" if screen.wallchart else "state"],
                screen.person,
                headers=headers,
            )
            phase = self.phase
            if status in (200, 304):
                if phase:
                    phase.polls.append(seconds)
                    phase.trace.append((time.monotonic() - seconds, seconds, status))
                    if status == 304:
                        phase.polls_304.append(seconds)
            elif phase:
                phase.error(f"poll {status}")
            if status == 200:
                screen.etag = response_headers.get("etag", "")
                state = json.loads(body)
                screen.saw(int(state["revision"]))
                if int(state["step"]) != screen.step:
                    screen.step = int(state["step"])
                    screen.steps.append((time.monotonic(), screen.step))
                    if not screen.wallchart:
                        await self.page(room, screen)  # live.js follows the step
            await asyncio.sleep(self.args.poll_ms / 1000)

    # --- what people do ----------------------------------------------------------------------

    async def member_loop(self, room: Room, screen: Screen) -> None:
        low, high = self.args.think
        submits = room.spec["submit"]
        while not self.stopping:
            await asyncio.sleep(self.rng.uniform(low, high))
            if self.stopping:
                return
            if screen.step != ASSESS:
                continue  # the facilitator has moved on; they wait for step 2 again
            choice = self.rng.choice(submits)
            phase, t0 = self.phase, time.monotonic()
            status, _, _, seconds = await self.client.request(
                "POST", choice["path"], screen.person, data=choice["data"]
            )
            if status == 403 and phase:
                # The facilitator moved the step between this person's last poll and the
                # post: refused with the reason, as in the room. Not an error.
                phase.refused += 1
                continue
            if status != 302:
                phase and phase.error(f"submit {status}")
                continue
            if phase:
                phase.submits.append(seconds)
            before = screen.revision
            await self.page(room, screen)
            if phase and screen.revision > before:
                room.changes.append((t0, screen.revision, screen, phase))

    async def facilitator_loop(self, room: Room, screen: Screen, phase_s: float) -> None:
        """Once a phase, at some moment in its middle: on to step 3, and ten seconds later
        back to step 2."""
        for _ in range(2):
            phase_start = time.monotonic()
            await asyncio.sleep(self.rng.uniform(0.2, 0.6) * phase_s)
            for to in (CONSENSUS, ASSESS):
                if self.stopping:
                    return
                t0 = time.monotonic()
                status, _, _, _ = await self.client.request(
                    "POST", room.spec["step_move"], screen.person, data={"step": to}
                )
                if status != 302 and self.phase:
                    self.phase.error(f"step move {status}")
                elif self.phase:
                    room.moves.append((t0, to, self.phase))
                screen.step = to
                await self.page(room, screen)
                await asyncio.sleep(10)
            await asyncio.sleep(max(0.0, phase_start + phase_s - time.monotonic()))

    async def pdf(self, spec: dict, phase: Phase) -> None:
        """A chief executive's download of a report nobody has asked for yet: the preparing
        page, its status polls, then the file (``pdf_wait.js``)."""
        person, t0 = spec["viewer"], time.monotonic()
        status, _, body, _ = await self.client.request("GET", spec["report_pdf"], person)
        while status != 200 and not self.stopping:
            if status not in (202,):
                phase.error(f"pdf {status}")
                return
            await asyncio.sleep(0.7)
            s, _, b, _ = await self.client.request("GET", spec["report_pdf_status"], person)
            if s == 200 and json.loads(b)["state"] == "ready":
                status, _, body, _ = await self.client.request("GET", spec["report_pdf"], person)
            elif s != 200:
                phase.error(f"pdf status {s}")
        if status == 200 and body[:5] == b"%PDF-":
            phase.pdfs.append(time.monotonic() - t0)

    # --- the run -----------------------------------------------------------------------------

    async def run(self) -> list[Phase]:
        phase_s, warm_s = self.args.phase, self.args.warm
        tasks = []
        for room in self.rooms:
            tasks += [asyncio.create_task(self.screen_loop(room, s)) for s in room.screens]
            tasks += [asyncio.create_task(self.member_loop(room, s)) for s in room.members]
        await asyncio.sleep(warm_s)  # every page loaded, ETags learnt, a first few submits
        for room in self.rooms:
            tasks.append(asyncio.create_task(self.facilitator_loop(room, room.screens[0], phase_s)))
        phases = [Phase("rooms"), Phase("rooms and 10 cold PDFs")]
        self.phase = phases[0]
        await asyncio.sleep(phase_s)
        self.phase = phases[1]
        pdfs = [asyncio.create_task(self.pdf(spec, phases[1])) for spec in self.pdf_specs]
        await asyncio.sleep(phase_s)
        self.phase = None
        # A last few seconds for the changes near the end to reach every screen.
        await asyncio.sleep(3)
        self.stopping = True
        await asyncio.gather(*pdfs)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for room in self.rooms:
            for t0, revision, _submitter, phase in room.changes:
                seen = [s.first_saw(revision) for s in room.showing_submits]
                if any(t is None for t in seen):
                    phase.unseen += 1
                else:
                    phase.changes.append(max(seen) - t0)
            for t0, step, phase in room.moves:
                followed = [s.followed(step, t0) for s in room.members]
                if any(t is None for t in followed):
                    phase.unseen += 1
                else:
                    phase.moves.append(max(followed) - t0)
        return phases


def p95(values: list[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100)[94]


def summary(phase: Phase) -> dict:
    return {
        "name": phase.name,
        "polls": len(phase.polls),
        "poll_p95_ms": p95(phase.polls) and p95(phase.polls) * 1000,
        "poll_p50_ms": phase.polls and statistics.median(phase.polls) * 1000,
        "polls_304": len(phase.polls_304),
        "poll_304_p95_ms": p95(phase.polls_304) and p95(phase.polls_304) * 1000,
        "pages": len(phase.pages),
        "page_p95_ms": p95(phase.pages) and p95(phase.pages) * 1000,
        "submits": len(phase.submits),
        "submit_p95_ms": p95(phase.submits) and p95(phase.submits) * 1000,
        "changes": len(phase.changes),
        "change_p95_s": p95(phase.changes),
        "moves": len(phase.moves),
        "move_p95_s": p95(phase.moves),
        "unseen": phase.unseen,
        "refused": phase.refused,
        "pdfs": sorted(phase.pdfs),
        "errors": phase.errors,
    }


def rooms_run(seed: dict, port: int, args) -> dict:
    phases = asyncio.run(Run(seed, port, args).run())
    if getattr(args, "trace", None):
        with open(args.trace, "w") as f:
            for phase in phases:
                for start, seconds, status in phase.trace:
                    f.write(f"{phase.name}\t{start:.3f}\t{seconds * 1000:.1f}\t{status}\n")
    return {
        "rooms": len(seed["rooms"]),
        "people": len(seed["rooms"][0]["members"]),
        "think": list(args.think),
        "phase_s": args.phase,
        "phases": [summary(p) for p in phases],
    }
