"""The Django side of the benchmark: seed the bench database, count queries.

Run by ``bench/run.py`` with the bench's environment (production settings,
the ``breakthrough_bench`` database); not meant to be run by hand, though
``python bench/seed.py seed`` and ``python bench/seed.py queries`` work on
their own with the same environment. Each prints one JSON document.

- ``seed``: a council with a facilitator and 50 members; a workshop whose
  ratings are submitted and revealed with consensus, targets and actions
  recorded (the wall chart, the consensus page, the state poll, the PDFs),
  and a workshop at step 2 (assess individually) for the submit benchmark.
  Every person gets a session made directly in the session store and a CSRF
  secret, so wrk can act as 50 signed-in people without logging in.
- ``queries``: database queries per page for the wall chart, the consensus
  page and the state endpoint, for a workshop of 5 and one of 50, asked
  through Django's test client inside one process with
  ``CaptureQueriesContext``.
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breakthrough.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import Challenge, Consensus, Participant, Rating, Step  # noqa: E402
from model_content.models import Stage  # noqa: E402
from organisations.models import Membership, Organisation, Role  # noqa: E402
from tests.builders import workshop_completed, workshop_rated  # noqa: E402
from tests.factories import WorkshopFactory  # noqa: E402

User = get_user_model()

FIRST = [
    "Aisha", "Ben", "Chloe", "Dev", "Eleanor", "Farid", "Grace", "Hamish", "Imogen", "Jas",
    "Kofi", "Lena", "Mo", "Niamh", "Owen", "Priya", "Quentin", "Rhiannon", "Sam", "Tomasz",
]  # fmt: skip
LAST = ["Adeyemi", "Brown", "Campbell", "Davies", "Evans", "Fraser", "Gill", "Hughes"]


def people(org: Organisation, prefix: str, n: int) -> list:
    """``n`` members of ``org`` with unusable passwords: they sign in by session."""
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}-{i:02d}@bench.example",
            email=f"{prefix}-{i:02d}@bench.example",
            first_name=FIRST[i % len(FIRST)],
            last_name=LAST[(i // len(FIRST)) % len(LAST)],
            password=make_password(None),  # unusable, and no hashing to wait for
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role=Role.MEMBER) for u in users
    )
    return users


def facilitator(org: Organisation, prefix: str):
    user = User.objects.create(
        username=f"{prefix}-facilitator@bench.example",
        email=f"{prefix}-facilitator@bench.example",
        first_name="Fran",
        last_name="Facilitator",
        password=make_password(None),
    )
    Membership.objects.create(user=user, organisation=org, role=Role.FACILITATOR)
    return user


def session_backend() -> str:
    """The backend a login records in the session: the first configured one that can load
    the user back (the lockout backend before it only refuses), as Django's test client picks."""
    return next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )


def signed_in(user) -> dict:
    """A session for ``user`` written straight to the store, as a login would leave it."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = session_backend()
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    # The CSRF cookie holds the unmasked secret; the header may carry it as is.
    return {"user": user.username, "session": session.session_key, "csrf": _get_new_csrf_string()}


def url_or_none(names: list[str], **kwargs) -> tuple[str | None, str | None]:
    for name in names:
        try:
            return name, reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None, None


def workshop_urls(workshop) -> dict:
    kw = {"org": workshop.organisation.slug, "code": workshop.code}
    urls = {}
    for key, names in {
        "workshop_detail": ["workshop_detail"],
        "wallchart": ["wallchart"],
        "workshop_state": ["workshop_state"],
        "report_pdf": ["report_pdf"],
        "wallchart_pdf": ["wallchart_pdf"],
        "report_pdf_status": ["report_pdf_status"],
        "wallchart_pdf_status": ["wallchart_pdf_status"],
    }.items():
        _name, urls[key] = url_or_none(names, **kw)
    return urls


def submit_target(workshop) -> dict | None:
    """What a participant posts to submit a rating: each barrier in scope, at each stage,
    with evidence and the descriptors of that stage ticked. None until the URL exists."""
    requests = []
    for barrier in workshop.barriers.order_by("order"):
        try:
            path = reverse(
                "rating_submit",
                kwargs={
                    "org": workshop.organisation.slug,
                    "code": workshop.code,
                    "barrier": barrier.slug,
                },
            )
        except NoReverseMatch:
            return None
        for cell in barrier.stages.all():
            requests.append(
                {
                    "path": path,
                    "data": {
                        "stage": cell.stage,
                        "evidence": f"On {barrier.name} we have seen the team {cell.headline}",
                        "descriptors": [d.pk for d in cell.descriptors.all()][:2],
                    },
                }
            )
    return {"requests": requests}


def consensus_workshop(org, lead, members):
    """A room at step 3, consensus: every rating revealed, a challenge on some evidence,
    the consensus recorded for half the barriers."""
    workshop = workshop_rated(organisation=org, facilitator=lead, members=members)
    barriers = list(workshop.barriers.order_by("order"))
    ratings = list(Rating.objects.filter(participant__workshop=workshop).order_by("pk"))
    for rating in ratings[::10]:
        Challenge.objects.create(
            rating=rating, author=members[-1], text="Is that true in every directorate?"
        )
    for barrier in barriers[: len(barriers) // 2]:
        Consensus.objects.create(
            workshop=workshop,
            barrier=barrier,
            stage=Stage.DEVELOPING,
            rationale=f"Most of the evidence on {barrier.name} points here.",
            recorded_by=lead,
        )
    return workshop


@transaction.atomic
def seed() -> dict:
    org = Organisation.objects.create(name="Benchmark Borough Council", slug="bench")
    lead = facilitator(org, "bench")
    members = people(org, "bench", 50)
    wallchart = workshop_completed(
        organisation=org, facilitator=lead, members=members, closed=False
    )
    # The submit benchmark: the same room at step 2, everyone past the explanation.
    assess = WorkshopFactory(
        organisation=org,
        lead_facilitator=lead,
        members=members,
        title="Benchmark: assess individually",
    )
    Participant.objects.filter(workshop=assess).update(understood_at=timezone.now())
    assess.step = Step.ASSESS
    assess.save()
    consensus = consensus_workshop(org, lead, members)
    sessions = [signed_in(u) for u in members]
    return {
        "organisation": org.slug,
        "facilitator": signed_in(lead),
        "members": sessions,
        "wallchart_workshop": {
            "id": wallchart.pk,
            "code": str(wallchart.code),
            "participants": 50,
            "urls": workshop_urls(wallchart),
        },
        "assess_workshop": {
            "id": assess.pk,
            "code": str(assess.code),
            "urls": workshop_urls(assess),
            "submit": submit_target(assess),
        },
        "consensus_workshop": {
            "id": consensus.pk,
            "code": str(consensus.code),
            "urls": workshop_urls(consensus),
        },
    }


# The room-realistic run (bench/room.py): how many rooms at once, how many in each, and how
# many finished workshops whose PDFs are asked for cold while the rooms go on.
ROOMS = int(os.environ.get("BENCH_ROOMS", "20"))
ROOM_SIZE, PDF_WORKSHOPS = 12, 10


@transaction.atomic
def rooms() -> dict:
    """``BENCH_ROOMS`` (twenty) workshops of twelve at step 2, each with its own
    facilitator, every person signed in; and ten finished workshops of twelve for the cold
    PDFs."""
    org = Organisation.objects.create(name="Rooms Regional Council", slug="rooms")
    out: dict = {"organisation": org.slug, "rooms": [], "pdfs": []}
    for r in range(ROOMS):
        lead = facilitator(org, f"room{r:02d}")
        members = people(org, f"room{r:02d}", ROOM_SIZE)
        workshop = WorkshopFactory(
            organisation=org,
            lead_facilitator=lead,
            members=members,
            title=f"Directorate {r + 1}: assess individually",
        )
        Participant.objects.filter(workshop=workshop).update(understood_at=timezone.now())
        workshop.step = Step.ASSESS
        workshop.save()
        kw = {"org": org.slug, "code": workshop.code}
        out["rooms"].append(
            {
                "code": str(workshop.code),
                "detail": reverse("workshop_detail", kwargs=kw),
                "state": reverse("workshop_state", kwargs=kw) + "?r=stepper,progress",
                # The facilitator's second screen, on the projector.
                "wallchart": reverse("wallchart", kwargs=kw) + "?projector=1",
                "wallchart_state": reverse("workshop_state", kwargs=kw) + "?r=grid,charts",
                "step_move": reverse("step_move", kwargs=kw),
                "submit": submit_target(workshop)["requests"],
                "facilitator": signed_in(lead),
                "members": [signed_in(u) for u in members],
            }
        )
    for w in range(PDF_WORKSHOPS):
        lead = facilitator(org, f"pdf{w:02d}")
        workshop = workshop_completed(
            organisation=org,
            facilitator=lead,
            members=people(org, f"pdf{w:02d}", ROOM_SIZE),
            closed=False,
        )
        kw = {"org": org.slug, "code": workshop.code}
        out["pdfs"].append(
            {
                "report_pdf": reverse("report_pdf", kwargs=kw),
                "report_pdf_status": reverse("report_pdf_status", kwargs=kw),
                "viewer": signed_in(lead),
            }
        )
    return out


def count(client: Client, url: str, **headers) -> tuple[int, int]:
    cache.clear()  # count a full render, not what the page kept from the last request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True, headers=headers)
    return response.status_code, len(queries)


def queries() -> dict:
    """Queries per page for a room of 5 and a room of 50, rolled back afterwards.

    The wall chart and the state poll on a finished workshop (everything
    recorded); the consensus page is the workshop page at step 3, after the reveal.
    """
    results: dict = {}
    with transaction.atomic():
        org = Organisation.objects.create(name="Query Count Council", slug="bench-queries")
        lead = facilitator(org, "queries")
        for n in (5, 50):
            members = people(org, f"queries{n}", n)
            done = workshop_urls(
                workshop_completed(
                    organisation=org, facilitator=lead, members=members, closed=False
                )
            )
            at_consensus = workshop_urls(consensus_workshop(org, lead, members))
            pages = {
                "wall chart": done["wallchart"],
                "consensus page": at_consensus["workshop_detail"],
                "state": done["workshop_state"] and done["workshop_state"] + "?r=grid,charts",
            }
            for viewer_name, viewer in (("facilitator", lead), ("member", members[0])):
                client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
                client.force_login(viewer)
                for key, url in pages.items():
                    if url is None:
                        continue
                    client.get(url, secure=True)  # warm: content types, the model version
                    if key != "state":
                        status, q = count(client, url)
                        results.setdefault(f"{key} ({viewer_name})", {})[n] = [status, q]
                        continue
                    # A poll after a change (an old ETag), then an unchanged one (its own).
                    status, q = count(client, url, if_none_match='W/"0"')
                    results.setdefault(f"state, changed ({viewer_name})", {})[n] = [status, q]
                    etag = client.get(url, secure=True).headers.get("ETag", "")
                    status, q = count(client, url, if_none_match=etag)
                    results.setdefault(f"state, unchanged ({viewer_name})", {})[n] = [status, q]
        transaction.set_rollback(True)
    return results


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "seed"
    out = {"seed": seed, "rooms": rooms, "queries": queries}[what]()
    json.dump(out, sys.stdout, indent=1, default=str)
